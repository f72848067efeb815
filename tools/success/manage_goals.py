"""manage_goals: create, update, measure, list and delete success goals, and add milestones.

What a valid goal is lives in :mod:`tools.success.rules`, reading goals in
:mod:`tools.success.goals`; this module applies one change in one transaction.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from typing import Literal

from pydantic import Field

from analytics import goals as ag
from analytics.catalog import metric_for
from analytics.units import UNITS
from reports.format import fmt_number
from tools.base import FollowUp, NotFound, Tool, ToolError, ToolInput, ToolOutput, rounded
from tools.store.resolve import resolve_customer
from tools.store.workspace import Workspace, now_iso
from tools.success.categories import matches as category_matches
from tools.success.goals import (
    GoalView,
    MeasurementView,
    MilestoneView,
    find_goal,
    goal_frame,
    goal_views,
    milestone_views,
)
from tools.success.key_results import delete_goal_extras
from tools.success.rules import (
    CATEGORIES,
    TEMPLATES,
    Template,
    normalise_category,
    template_for,
    validate_goal,
    value_problem,
)
from tools.success.views import goals_markdown

ACHIEVED_NOTE = "Goal achieved"


class ManageGoalsInput(ToolInput):
    action: Literal["create", "update", "measure", "milestone", "delete", "list"] = Field(
        description="create a goal, update its fields, record a measurement, add/update a milestone, "
                    "delete a goal (or a milestone when milestone_name is given), or list an account's goals")
    customer: str | None = Field(None, description="account name as the user wrote it (fuzzy-matched); "
                                 "required for create, list and milestone")
    goal: str | None = Field(None, description="goal id or name, for update/measure/delete (and to link a milestone)")
    template: str | None = Field(None, description="create from a template: " + ", ".join(TEMPLATES)
                                 + " (fills name, category, metric, unit, direction, value type; "
                                 "the baseline defaults to the account's current value of the metric)")
    name: str | None = None
    description: str | None = None
    category: str | None = Field(None, description=", ".join(CATEGORIES) + " (aliases such as operational or "
                                 "strategic accepted); with list: only goals of this category")
    metric: str | None = Field(None, description="what is measured: a catalog metric key (nps, user_activation, "
                               "...) or a free label such as 'ticket resolution time'")
    baseline: float | None = None
    target: float | None = None
    unit: str | None = Field(None, description=", ".join(UNITS))
    direction: Literal["increase", "decrease"] | None = Field(
        None, description="derived from baseline vs target when omitted")
    start_date: dt.date | None = Field(None, description="default: the as-of date")
    target_date: dt.date | None = Field(None, description="required on create")
    owner: str | None = None
    weight: float | None = Field(None, description="weight in the success score (default 1)")
    value_type: Literal["time_saved", "cost_reduction", "revenue_increase"] | None = None
    value_inputs: dict[str, float | str] | None = Field(
        None, description="time_saved: hours_saved_per_unit, units_per_month, hourly_rate (optional unit_name); "
                          "cost_reduction / revenue_increase: monthly_amount")
    value_amount: float | None = Field(None, description="annual value in dollars, when known directly")
    value: float | None = Field(None, description="measured value (measure; on create, an initial measurement)")
    date: dt.date | None = Field(None, description="measurement or milestone date (default: the as-of date)")
    milestone_name: str | None = None
    milestone_description: str | None = None
    milestone_done: bool | None = None
    as_of: dt.date | None = Field(None, description="evaluation date, default today")


class ManageGoalsOutput(ToolOutput):
    action: str
    customer: str
    message: str
    goal: GoalView | None = None
    goals: list[GoalView] = Field(default_factory=list)
    measurement: MeasurementView | None = None
    milestone: MilestoneView | None = None
    alerts: list[str] = Field(default_factory=list, description="e.g. a goal achieved by this measurement")
    notes: list[str] = Field(default_factory=list)

    def to_markdown(self) -> str:

        return goals_markdown(self, with_message=False)  # the narrative states message and alerts


_FIELDS = ("name", "description", "category", "metric", "baseline", "target", "unit", "direction",
           "start_date", "target_date", "owner", "weight", "value_type", "value_amount")


def _latest_metric(ws: Workspace, customer_id: int, metric: str) -> float | None:
    rows = ws.query("SELECT value FROM metric_values WHERE customer_id = ? AND metric = ? AND value IS NOT NULL "
                    "ORDER BY period DESC LIMIT 1", (customer_id, metric))
    return rows[0]["value"] if rows else None


def _goal_fields(inp: ManageGoalsInput) -> dict:
    out = {}
    for key in _FIELDS:
        v = getattr(inp, key)
        if v is not None:
            out[key] = v.isoformat() if isinstance(v, dt.date) else v
    if inp.value_inputs is not None:
        out["value_inputs_json"] = json.dumps(inp.value_inputs, sort_keys=True)
    return out


def _view(ws: Workspace, goal_id: int, as_of: dt.date) -> GoalView:
    return goal_views(goal_frame(ws, as_of, goal_ids=[goal_id]))[0]


def _template_of_metric(text: str | None) -> Template | None:
    m = metric_for(text) if text else None
    return next((t for t in TEMPLATES.values() if m and t.metric == m.key), None)


def _create(ws, inp, cust, as_of) -> ManageGoalsOutput:
    goal, notes = {"start_date": as_of.isoformat()}, []
    # An explicit template, or the one for the metric named ("an NPS goal" without template=improve_nps).
    t = template_for(inp.template) if inp.template else _template_of_metric(inp.metric)
    if t:
        goal.update(category=t.category, metric=t.metric, unit=t.unit, value_type=t.value_type)
        if inp.template:
            goal["direction"] = t.direction
        if inp.target is not None and not inp.name:
            goal["name"] = f"{t.title} to {fmt_number(inp.target)}" + ("%" if t.unit == "percent" else "")
    goal.update(_goal_fields(inp))
    metric = metric_for(goal["metric"]) if goal.get("metric") else None
    if metric:
        goal["metric"] = metric.key
        goal.setdefault("unit", metric.unit)
    if goal.get("baseline") is None and metric:
        goal["baseline"] = _latest_metric(ws, cust["id"], metric.key)
        if goal["baseline"] is not None:
            notes.append(f"Baseline set from the account's current {metric.label}: {fmt_number(goal['baseline'])}.")
    if goal.get("baseline") is None:
        notes.append("Baseline not set: cannot calculate progress until it is (action update, baseline).")
    if t and inp.value_type is None and inp.value_inputs is None and inp.value_amount is None:
        goal["value_type"] = None  # a template's value type counts only once its inputs are given
    validate_goal(goal)
    if inp.value is not None and (problem := value_problem(goal, inp.value)):
        raise ToolError(f"The initial measurement {fmt_number(inp.value)} is not plausible; expected {problem}.")
    now = now_iso()
    with ws.write() as db:  # checked under the write lock: two creates at once cannot both insert
        if db.execute("SELECT 1 FROM goals WHERE customer_id = ? AND name = ? COLLATE NOCASE",
                      (cust["id"], goal["name"])).fetchone():
            raise ToolError(f"{cust['name']} already has a goal named '{goal['name']}'.",
                            suggestions=["Use action update to change it, or choose another name."])
        gid = db["goals"].insert({**goal, "customer_id": cust["id"], "weight": goal.get("weight", 1.0),
                                  "created_at": now, "updated_at": now}).last_pk
        if inp.value is not None:
            db["goal_measurements"].insert({"goal_id": gid, "date": (inp.date or as_of).isoformat(),
                                            "value": inp.value})
    view = _view(ws, gid, as_of)
    return ManageGoalsOutput(action="create", customer=cust["name"], goal=view, notes=notes,
                             message=f"Created goal '{view.name}' for {cust['name']} (id {gid}).")


def _update(ws, inp, cust, as_of) -> ManageGoalsOutput:
    row = find_goal(ws, inp.goal or "", cust["id"] if cust else None)
    changes = _goal_fields(inp)
    if not changes:
        raise ToolError("Nothing to update: give the fields to change (target, target_date, baseline, ...).")
    if "target" in changes and "name" not in changes and row["target"] is not None:
        # A name made from a template ("Improve NPS to 50") follows its target.
        for pct in ("%", ""):
            old = f" to {fmt_number(row['target'])}{pct}"
            if row["name"].endswith(old):
                changes["name"] = row["name"][: -len(old)] + f" to {fmt_number(changes['target'])}{pct}"
                break
    merged = {k: row[k] for k in (*_FIELDS, "value_inputs_json")} | changes
    if "baseline" in changes or "target" in changes:
        merged["direction"] = changes.get("direction")
    validate_goal(merged)
    with ws.write() as db:
        db["goals"].update(row["id"], {**{k: merged[k] for k in (*changes, "direction")}, "updated_at": now_iso()})
    view = _view(ws, row["id"], as_of)
    return ManageGoalsOutput(action="update", customer=row["customer"], goal=view,
                             message=f"Updated {', '.join(sorted(changes))} of goal '{view.name}'.")


def achieved_alert(view: GoalView) -> str:
    return (f"{ACHIEVED_NOTE}: '{view.name}' ({view.customer}) reached {fmt_number(view.current)} "
            f"against a target of {fmt_number(view.target)}: {view.achievement_pct:.1f}% of target.")


def _measure(ws, inp, cust, as_of) -> ManageGoalsOutput:
    row = find_goal(ws, inp.goal or "", cust["id"] if cust else None)
    if inp.value is None or not math.isfinite(inp.value):
        raise ToolError("A measurement needs a finite value.")
    if problem := value_problem(row, inp.value):
        raise ToolError(f"Measurement {fmt_number(inp.value)} for '{row['name']}' is not plausible; "
                        f"expected {problem}.")
    day = inp.date or as_of
    if row["start_date"] and day.isoformat() < row["start_date"]:
        raise ToolError(f"Measurement date {day} is before the goal's start date {row['start_date']}.")
    as_of = max(as_of, day)
    before = _view(ws, row["id"], as_of)
    with ws.write() as db:
        db.execute("DELETE FROM goal_measurements WHERE goal_id = ? AND date = ?", (row["id"], day.isoformat()))
        db["goal_measurements"].insert({"goal_id": row["id"], "date": day.isoformat(), "value": inp.value})
        db["goals"].update(row["id"], {"updated_at": now_iso()})
    view = _view(ws, row["id"], as_of)
    alerts = [achieved_alert(view)] if view.status == "achieved" and before.status != "achieved" else []
    a = ag.achievement_pct(row["baseline"], row["target"], inp.value) if row["baseline"] is not None else None
    m = MeasurementView(date=day.isoformat(), value=inp.value, achievement_pct=rounded(a, 1))
    return ManageGoalsOutput(action="measure", customer=row["customer"], goal=view, measurement=m, alerts=alerts,
                             message=f"Recorded {fmt_number(inp.value)} for '{view.name}' on {day}; status {view.status}.")


def _milestone(ws, inp, cust, as_of) -> ManageGoalsOutput:
    goal = find_goal(ws, inp.goal, cust["id"] if cust else None) if inp.goal else None
    if cust is None:
        if goal is None:
            raise ToolError("A milestone needs a customer (or a goal).")
        cust = resolve_customer(ws, goal["customer"])
    if not (inp.milestone_name or "").strip():
        raise ToolError("A milestone needs a name (milestone_name).")
    name = inp.milestone_name.strip()
    existing = ws.query("SELECT * FROM milestones WHERE customer_id = ? AND name = ? COLLATE NOCASE",
                        (cust["id"], name))
    record = {"customer_id": cust["id"], "name": name}
    if goal:
        record["goal_id"] = goal["id"]
    if inp.date or not existing:
        record["date"] = (inp.date or as_of).isoformat()
    if inp.milestone_description is not None:
        record["description"] = inp.milestone_description
    if inp.milestone_done is not None:
        record["done"] = int(inp.milestone_done)
    with ws.write() as db:
        if existing:
            db["milestones"].update(existing[0]["id"], record)
            mid = existing[0]["id"]
        else:
            mid = db["milestones"].insert(record).last_pk
    ms = next(m for m in milestone_views(ws, cust["id"], ws.today()) if m.id == mid)
    verb = "Updated" if existing else "Added"
    return ManageGoalsOutput(action="milestone", customer=cust["name"], milestone=ms,
                             message=f"{verb} milestone '{ms.name}' ({ms.date}) for {cust['name']}.")


def _delete(ws, inp, cust, as_of) -> ManageGoalsOutput:
    if inp.milestone_name and not inp.goal:
        if cust is None:
            raise ToolError("Deleting a milestone needs the customer.")
        rows = ws.query("SELECT id FROM milestones WHERE customer_id = ? AND name = ? COLLATE NOCASE",
                        (cust["id"], inp.milestone_name.strip()))
        if not rows:
            raise NotFound(f"{cust['name']} has no milestone named '{inp.milestone_name}'.")
        with ws.write() as db:
            db["milestones"].delete(rows[0]["id"])
        return ManageGoalsOutput(action="delete", customer=cust["name"],
                                 message=f"Deleted milestone '{inp.milestone_name}' of {cust['name']}.")
    row = find_goal(ws, inp.goal or "", cust["id"] if cust else None)
    with ws.write() as db:
        n = db.execute("SELECT COUNT(*) FROM goal_measurements WHERE goal_id = ?", (row["id"],)).fetchone()[0]
        db.execute("DELETE FROM goal_measurements WHERE goal_id = ?", (row["id"],))
        db.execute("DELETE FROM milestones WHERE goal_id = ?", (row["id"],))
        delete_goal_extras(db, row["id"])  # its key results (and their measurements) and quotes
        db["goals"].delete(row["id"])
    return ManageGoalsOutput(action="delete", customer=row["customer"],
                             message=f"Deleted goal '{row['name']}' of {row['customer']} and its {n} measurements.")


def _list(ws, inp, cust, as_of) -> ManageGoalsOutput:
    frame = goal_frame(ws, as_of, customer_ids=[cust["id"]])
    views = goal_views(frame) if not frame.empty else []
    wanted = normalise_category(inp.category) if inp.category else None  # 'operational' -> efficiency
    if wanted and views:
        views = [v for v in views if category_matches(v.category, wanted)]
        msg = (f"{len(views)} {wanted} goal{'s' if len(views) != 1 else ''} for {cust['name']}." if views
               else f"No {wanted} goals for {cust['name']} (of {len(frame)} success goals).")
        return ManageGoalsOutput(action="list", customer=cust["name"], goals=views, message=msg)
    msg = f"{len(views)} success goals for {cust['name']}." if views else f"No success goals defined for {cust['name']}."
    return ManageGoalsOutput(action="list", customer=cust["name"], goals=views, message=msg)


_ACTIONS = {"create": _create, "update": _update, "measure": _measure, "milestone": _milestone,
            "delete": _delete, "list": _list}


def manage_goals(ws: Workspace, inp: ManageGoalsInput) -> ManageGoalsOutput:
    """Create, update, measure, list or delete an account's success goals, and add milestones.

    Use when the user defines or changes a goal ("add an NPS goal for Acme to reach 50 by
    June 30": action=create, template=improve_nps, target=50, target_date), records progress
    ("Acme's resolution time is now 11.5 hours": action=measure, value=11.5), marks a
    milestone, or asks which goals an account has (action=list). A template fills name,
    category, metric, unit and direction, and the baseline from the account's current value
    of the metric. Everything is validated: a target equal to the baseline, a target date
    not after the start date, an unknown unit or category are errors with the reason.
    Returns the goal with its achievement % and status; when a measurement makes a goal
    achieved, ``alerts`` says so (tell the user). For achievement, value and ROI across all
    of an account's goals use compute_roi.
    """
    as_of = inp.as_of or ws.today()
    needs_customer = inp.action in ("create", "list") or (inp.action == "milestone" and not inp.goal)
    if needs_customer and not inp.customer:
        raise ToolError(f"Action '{inp.action}' needs the customer name.")
    if inp.action in ("update", "measure") and not inp.goal:
        raise ToolError(f"Action '{inp.action}' needs the goal (id or name).")
    if inp.action == "delete" and not (inp.goal or inp.milestone_name):
        raise ToolError("Action 'delete' needs the goal (id or name) or a milestone_name.")
    cust = resolve_customer(ws, inp.customer) if inp.customer else None
    return _ACTIONS[inp.action](ws, inp, cust, as_of)


_STEP = {"create": "new goal", "update": "goal change", "measure": "goal measurement", "milestone": "milestone",
         "delete": "goal removal", "list": "goals"}


def step_title(inp: dict) -> str:
    return f"{_STEP.get(inp.get('action', ''), 'goals')}: {inp.get('customer') or inp.get('goal') or ''}".rstrip(": ")


def follow_ups(out: ManageGoalsOutput) -> list[FollowUp]:
    """[Define goals] when an account has none (templates for its category)."""
    if out.action == "list" and not out.goals and out.message.startswith("No success goals defined"):
        return [FollowUp.call("Define goals", "define_goals", customer=out.customer)]
    return []


TOOL = Tool("manage_goals", ManageGoalsInput, ManageGoalsOutput, manage_goals, narrative="narrative/manage_goals.md.j2",
            follow_ups=follow_ups,
            context=lambda inp, out: {"customer": inp.get("customer"), "report_kind": "success"}
            if inp.get("customer") else {"report_kind": "success"}, step_title=step_title, writes=True)
