"""define_goals: a starter set of success goals for an account, from the templates for its category.

The account's category is its industry; each has a small template set (:data:`STARTER_SETS`),
any other industry the default set. A starter goal's baseline is the account's current value of
the template's metric and its target a step better (:func:`starter_target`), due in six months;
templates whose metric the account has no value for are left out. Creating them is a write: the
chat previews it and saves only on confirmation, with undo.
"""

from __future__ import annotations

import datetime as dt

from pydantic import Field

from analytics.catalog import BY_KEY
from reports.format import md_text
from tools.base import Tool, ToolError, ToolInput, ToolOutput
from tools.store.resolve import resolve_customer
from tools.store.workspace import Workspace
from tools.success.goals import GoalView
from tools.success.manage_goals import ManageGoalsInput, _latest_metric, manage_goals
from tools.success.rules import TEMPLATES

DEFAULT_SET = ("increase_adoption", "improve_nps", "improve_health")
STARTER_SETS: dict[str, tuple[str, ...]] = {
    "SaaS": ("increase_adoption", "improve_nps", "reduce_time_to_value"),
    "FinTech": ("improve_csat", "reduce_tickets", "increase_activation"),
    "Healthcare": ("increase_activation", "reduce_time_to_value", "improve_csat"),
    "Retail": ("increase_self_service", "improve_nps", "increase_engagement"),
    "Manufacturing": ("increase_adoption", "reduce_tickets", "reduce_time_to_value"),
    "Education": ("increase_activation", "increase_engagement", "improve_nps"),
    "Media": ("increase_engagement", "improve_nps", "increase_self_service"),
}
STEP = 0.15          # a starter target is 15% better than today
NPS_STEP = 10.0      # NPS moves in points (it can be negative)
HORIZON_MONTHS = 6


def starter_target(metric: str, baseline: float) -> float:
    """A step better than ``baseline``: 15% (10 points for NPS), within the metric's range, 1 dp.

    >>> starter_target("adoption_score", 60), starter_target("time_to_value_days", 40), starter_target("nps", -5)
    (69.0, 34.0, 5.0)
    """
    m = BY_KEY[metric]
    lower = m.direction == "lower_is_better"
    if metric == "nps":
        t = baseline + NPS_STEP
    else:
        t = baseline * (1 - STEP if lower else 1 + STEP)
    if m.hi is not None:
        t = min(t, m.hi)
    if m.lo is not None:
        t = max(t, m.lo)
    return round(t, 1 if m.unit != "score 1-5" else 2)


def _due(as_of: dt.date) -> dt.date:
    month = as_of.month - 1 + HORIZON_MONTHS
    first = dt.date(as_of.year + month // 12, month % 12 + 1, 1)
    return (first.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)


class DefineGoalsInput(ToolInput):
    customer: str = Field(description="account name as the user wrote it (fuzzy-matched)")
    templates: list[str] | None = Field(None, description="template keys to use; default the starter set for the "
                                        "account's industry: " + ", ".join(TEMPLATES))
    as_of: dt.date | None = Field(None, description="start date, default today")


class DefineGoalsOutput(ToolOutput):
    customer: str
    industry: str | None
    templates: list[str]
    goals: list[GoalView]
    skipped: list[str] = Field(default_factory=list)
    message: str

    def to_markdown(self) -> str:
        from tools.success.views import goal_table
        lines = [md_text(self.message)]
        if self.goals:
            lines += ["", goal_table(self.goals)]
        lines += [f"- {md_text(s)}" for s in self.skipped]
        return "\n".join(lines)


def define_goals(ws: Workspace, inp: DefineGoalsInput) -> DefineGoalsOutput:
    """Create a starter set of success goals for an account from the goal templates for its category
    (industry): baseline = the account's current value of the metric, target 15% better (NPS +10
    points), due in six months. Use when an account has no goals yet ("define goals for BetaInc").
    The user confirms before anything is saved and can undo it.
    """
    as_of = inp.as_of or ws.today()
    cust = resolve_customer(ws, inp.customer)
    keys = list(inp.templates or STARTER_SETS.get(cust.get("industry") or "", DEFAULT_SET))
    unknown = [k for k in keys if k not in TEMPLATES]
    if unknown:
        raise ToolError(f"Unknown goal template(s): {', '.join(unknown)}.", suggestions=[", ".join(TEMPLATES)])
    created, skipped = [], []
    for key in keys:
        t = TEMPLATES[key]
        baseline = _latest_metric(ws, cust["id"], t.metric) if t.metric in BY_KEY else None
        if baseline is None:
            skipped.append(f"{t.title}: no current {t.metric.replace('_', ' ')} value to start from")
            continue
        try:
            out = manage_goals(ws, ManageGoalsInput(action="create", customer=cust["name"], template=key,
                                                    baseline=baseline, target=starter_target(t.metric, baseline),
                                                    start_date=as_of, target_date=_due(as_of), as_of=as_of))
        except ToolError as exc:
            skipped.append(f"{t.title}: {exc.message}")
            continue
        created.append(out.goal)
    msg = (f"Defined {len(created)} starter goal{'s' if len(created) != 1 else ''} for {cust['name']} "
           f"({cust.get('industry') or 'no industry'} templates).")
    return DefineGoalsOutput(customer=cust["name"], industry=cust.get("industry"), templates=keys, goals=created,
                             skipped=skipped, message=msg)


TOOL = Tool("define_goals", DefineGoalsInput, DefineGoalsOutput, define_goals, writes=True, clickable=True,
            context=lambda inp, out: {"customer": inp.get("customer"), "report_kind": "success"},
            step_title=lambda inp: f"starter goals: {inp.get('customer', '')}")
