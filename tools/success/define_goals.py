"""define_goals: a starter set of success goals for an account, from the templates for its category,
and goal_measurement_form: the account's goals and key results as a form to fill in.

The account's category is its industry; each has a small template set (:data:`STARTER_SETS`),
any other industry the default set. A starter goal's baseline is the account's current value of
the template's metric and its target a step better (:func:`starter_target`), due in six months;
templates whose metric the account has no value for are left out. Creating them is a write: the
chat previews it and saves only on confirmation, with undo.
"""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, Field

from analytics.catalog import BY_KEY
from reports.format import fmt_goal, markdown_table, md_text
from tools.base import FollowUp, Tool, ToolError, ToolInput, ToolOutput
from tools.store.resolve import resolve_customer
from tools.store.workspace import Workspace
from tools.success.goals import GoalView, goal_frame, goal_views
from tools.success.key_results import KeyResultView, key_result_views
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


TOOL = Tool("define_goals", DefineGoalsInput, DefineGoalsOutput, define_goals, writes=True,
            context=lambda inp, out: {"customer": inp.get("customer"), "report_kind": "success"},
            step_title=lambda inp: f"starter goals: {inp.get('customer', '')}")


# ---------------------------------------------------------------------------
# the measurement form


class FormField(BaseModel):
    key: str = Field(description="'goal:<id>' or 'kr:<id>'")
    goal: str
    label: str
    unit: str | None
    current: float | None
    last_measured: str | None
    target: float | None


class MeasurementFormInput(ToolInput):
    customer: str = Field(description="account name as the user wrote it (fuzzy-matched)")
    as_of: dt.date | None = Field(None, description="default today")


class MeasurementFormOutput(ToolOutput):
    customer: str
    as_of: str
    fields: list[FormField]
    message: str

    def to_markdown(self) -> str:
        rows = [[f.label, fmt_goal(f.current, f.unit), f.last_measured or "never", fmt_goal(f.target, f.unit)]
                for f in self.fields]
        return "\n".join([md_text(self.message), "",
                          markdown_table(["Measure", "Latest", "Measured", "Target"], rows, "lrlr")])


def goal_measurement_form(ws: Workspace, inp: MeasurementFormInput) -> MeasurementFormOutput:
    """The account's goals and key results with their latest values: the form to record new
    measurements ("Update metrics for Acme Corp"). Nothing is saved here; each value entered is
    recorded with manage_goals (action measure) after the user confirms."""
    as_of = inp.as_of or ws.today()
    cust = resolve_customer(ws, inp.customer)
    frame = goal_frame(ws, as_of, customer_ids=[cust["id"]])
    goals = goal_views(frame) if not frame.empty else []
    krs: dict[int, list[KeyResultView]] = key_result_views(ws, [g.id for g in goals], as_of)
    fields = []
    for g in goals:
        fields.append(FormField(key=f"goal:{g.id}", goal=g.name, label=g.name, unit=g.unit, current=g.current,
                                last_measured=g.last_measured, target=g.target))
        fields += [FormField(key=f"kr:{k.id}", goal=g.name, label=f"{g.name} · {k.name}", unit=k.unit,
                             current=k.current, last_measured=k.last_measured, target=k.target)
                   for k in krs.get(g.id, [])]
    msg = (f"{len(fields)} measures to update for {cust['name']}: enter the new values (each is saved after you confirm)."
           if fields else f"No success goals defined for {cust['name']}.")
    return MeasurementFormOutput(customer=cust["name"], as_of=as_of.isoformat(), fields=fields, message=msg)


def form_follow_ups(out: MeasurementFormOutput) -> list[FollowUp]:
    if not out.fields:
        return [FollowUp.call("Define goals", "define_goals", customer=out.customer)]
    return [FollowUp("Fill in the measurement form", {"measurement_form": out.customer})]


FORM_TOOL = Tool("goal_measurement_form", MeasurementFormInput, MeasurementFormOutput, goal_measurement_form,
                 follow_ups=form_follow_ups,
                 context=lambda inp, out: {"customer": out.customer, "report_kind": "success"},
                 step_title=lambda inp: f"measurement form: {inp.get('customer', '')}")
