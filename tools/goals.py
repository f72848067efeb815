"""manage_goals: success goals, their measurements and milestones; goal templates; goal queries.

The figures (achievement %, status, value) come from :mod:`analytics.goals`; this module
loads goals from the workspace, validates changes and writes them in one transaction.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
from dataclasses import dataclass
from typing import Literal

import pandas as pd
from pydantic import BaseModel, Field

from analytics import goals as ag
from analytics.catalog import metric_for, normalise_label
from analytics.units import _UNIT_ALIASES, UNITS, unit_base
from tools.base import Tool, ToolError, ToolInput, ToolOutput
from tools.resolve import resolve_customer
from tools.workspace import Workspace, now_iso

CATEGORIES = ("efficiency", "revenue", "cost", "quality", "adoption", "satisfaction", "custom")
DIRECTIONS = ("increase", "decrease")
ACHIEVED_NOTE = "Goal achieved"


def normalise_unit(unit: str) -> str:
    """A plain unit in canonical form ('%' -> 'percent', 'hrs' -> 'hours'); a compound unit
    ('minutes / invoice', '% complete') kept as written; ToolError when no known unit is named."""
    text = " ".join(unit.split())
    base = unit_base(text)
    if base is None:
        raise ToolError(f"Unknown unit '{unit}'.", suggestions=[
            f"Use one of: {', '.join(UNITS)}, or a rate such as 'hours / month' or 'minutes / invoice'"])
    return base if text.lower() in UNITS or text.lower() in _UNIT_ALIASES else text


def normalise_category(category: str) -> str:
    key = category.strip().lower()
    if key not in CATEGORIES:
        raise ToolError(f"Unknown goal category '{category}'.",
                        suggestions=[f"Use one of: {', '.join(CATEGORIES)}"])
    return key


@dataclass(frozen=True)
class Template:
    key: str
    title: str  # "Improve NPS": the goal name becomes "Improve NPS to 50"
    category: str
    metric: str
    unit: str
    direction: str
    value_type: str | None
    keywords: tuple[str, ...]


TEMPLATES: dict[str, Template] = {t.key: t for t in (
    Template("reduce_process_time", "Reduce process time", "efficiency", "process_time", "hours",
             "decrease", "time_saved", ("process time", "cycle time", "handling time", "resolution time")),
    Template("increase_adoption", "Increase product adoption", "adoption", "adoption_score", "score",
             "increase", None, ("adoption",)),
    Template("increase_activation", "Increase user activation", "adoption", "user_activation", "percent",
             "increase", None, ("activation", "active users", "seat utilization")),
    Template("increase_engagement", "Increase engagement", "adoption", "engagement_score", "score",
             "increase", None, ("engagement",)),
    Template("improve_nps", "Improve NPS", "satisfaction", "nps", "score", "increase", None,
             ("nps", "net promoter")),
    Template("improve_csat", "Improve CSAT", "satisfaction", "csat", "score", "increase", None,
             ("csat", "satisfaction")),
    Template("improve_health", "Improve health score", "satisfaction", "health_score", "score",
             "increase", None, ("health",)),
    Template("reduce_tickets", "Reduce support tickets per user", "quality", "support_tickets_per_user",
             "tickets", "decrease", "cost_reduction", ("tickets", "support volume")),
    Template("increase_self_service", "Increase self-service rate", "cost", "self_service_rate", "percent",
             "increase", "cost_reduction", ("self service", "deflection")),
    Template("reduce_time_to_value", "Reduce time to value", "efficiency", "time_to_value_days", "days",
             "decrease", None, ("time to value", "ttv", "onboarding")),
    Template("increase_revenue", "Increase revenue", "revenue", "revenue", "dollars", "increase",
             "revenue_increase", ("revenue", "sales")),
    Template("reduce_costs", "Reduce operating costs", "cost", "operating_cost", "dollars", "decrease",
             "cost_reduction", ("cost", "costs", "spend")),
)}


def template_for(text: str) -> Template:
    """A template by key ("improve_nps") or by a word in it ("NPS", "adoption")."""
    norm = normalise_label(text)
    key = norm.replace(" ", "_")
    if key in TEMPLATES:
        return TEMPLATES[key]
    hits = [t for t in TEMPLATES.values() if any(k in norm for k in t.keywords)]
    if len(hits) == 1:
        return hits[0]
    raise ToolError(f"No goal template matches '{text}'.", suggestions=[", ".join(TEMPLATES)])


# ---- reading goals -------------------------------------------------------------------------

class GoalView(BaseModel):
    id: int
    customer: str
    name: str
    description: str | None = None
    category: str | None = None
    metric: str | None = None
    unit: str | None = None
    direction: str | None = None
    baseline: float | None
    target: float | None
    current: float | None = Field(description="latest measurement on or before the as-of date")
    last_measured: str | None = None
    start_date: str | None = None
    target_date: str | None = None
    owner: str | None = None
    weight: float = 1.0
    achievement_pct: float | None = Field(description="(current - baseline) / (target - baseline) x 100, 1 dp")
    elapsed_pct: float | None = Field(None, description="share of the time from start to target date elapsed")
    status: str = Field(description="achieved | on_track | at_risk | missed | not_started | unknown")
    exceeding: bool = Field(False, description="achieved with more than 100% of target")
    value_type: str | None = None
    value_inputs: dict | None = None
    value_amount: float | None = Field(None, description="annual value in dollars when given directly")
    annual_value: float | None = Field(None, description="annual dollars this goal delivers (counted once "
                                       "progress is measured)")
    pending_value: float | None = Field(None, description="annual dollars not counted yet: no progress measured")
    value_calculation: str | None = None
    note: str | None = None


class MeasurementView(BaseModel):
    date: str
    value: float
    achievement_pct: float | None = None


class MilestoneView(BaseModel):
    id: int
    name: str
    date: str | None
    description: str | None = None
    done: bool = False
    goal: str | None = None


_GOAL_SQL = """
SELECT g.*, c.name AS customer FROM goals g JOIN customers c ON c.id = g.customer_id
"""


def _clean(x):
    return None if x is None or (isinstance(x, float) and math.isnan(x)) else x


def _r(x, nd=1):
    x = _clean(x)
    return None if x is None else round(float(x), nd)


_PERIODS = frozenset({"day", "week", "month", "quarter", "year", "days", "weeks", "months", "quarters", "years"})


def hours_per_unit(unit: str | None) -> float | None:
    """Hours in one unit of a process-time goal ('hours', 'minutes / invoice'), else None.

    Only then do hours saved per unit follow from the goal itself (baseline - current);
    a rate per period ('hours / month') does not say how many units there are.
    """
    base = unit_base(unit)
    per = unit.split("/")[-1].strip().lower() if unit and "/" in unit else None
    if base not in ("hours", "minutes") or per in _PERIODS:
        return None
    return 1.0 if base == "hours" else 1 / 60


def _value_of(row) -> tuple[float | None, str | None, str | None]:
    """Annual value, its calculation and a note for one goal row."""
    inputs = json.loads(row["value_inputs_json"]) if row.get("value_inputs_json") else {}
    factor = hours_per_unit(row.get("unit"))
    if (row.get("value_type") == "time_saved" and inputs.get("hours_saved_per_unit") is None and factor
            and row.get("current") is not None and row.get("baseline") is not None):
        # Hours saved per unit follow from the goal itself: a 24 h process now taking 11.5 h saves 12.5 h.
        moved = (row["current"] - row["baseline"]) * (row["target"] - row["baseline"]) > 0
        inputs = {**inputs, "hours_saved_per_unit": abs(row["baseline"] - row["current"]) * factor if moved else 0.0}
    try:
        v = ag.goal_value(row.get("value_type"), inputs, row.get("value_amount"))
    except ValueError as exc:
        return None, None, f"Value not computed: {exc}"
    return (None, None, None) if v is None else (v.annual, v.calculation, None)


_MAX_SQL_IDS = 500  # beyond this, read everything and filter in pandas (SQLite caps bound variables)


def goal_frame(ws: Workspace, as_of: dt.date, *, customer_ids: list[int] | None = None,
               goal_ids: list[int] | None = None, started_by: dt.date | None = None) -> pd.DataFrame:
    """Goals evaluated as of ``as_of``: current value, achievement, status and annual value.

    ``started_by`` keeps only goals whose start date is on or before it (a period's end).
    """
    column, ids = ("customer_id", customer_ids) if customer_ids is not None else ("id", goal_ids)
    sql, params = _GOAL_SQL, ()
    if ids is not None and len(ids) <= _MAX_SQL_IDS:
        sql, params = sql + f" WHERE g.{column} IN ({', '.join('?' * len(ids))})", tuple(ids)
    goals = pd.DataFrame(ws.query(sql + " ORDER BY g.customer_id, g.id", params))
    if not goals.empty and ids is not None and len(ids) > _MAX_SQL_IDS:  # a whole book: filter here
        goals = goals[goals[column].isin(ids)]
    if not goals.empty and started_by is not None:
        goals = goals[goals["start_date"].isna() | (goals["start_date"] <= started_by.isoformat())]
    if goals.empty:
        return goals.reset_index(drop=True)
    goals = goals.reset_index(drop=True)
    meas_sql, meas_params = "SELECT goal_id, date, value FROM goal_measurements WHERE date <= ?", (as_of.isoformat(),)
    if len(goals) <= _MAX_SQL_IDS:
        meas_sql += f" AND goal_id IN ({', '.join('?' * len(goals))})"
        meas_params += tuple(goals["id"].tolist())
    meas = pd.DataFrame(ws.query(meas_sql + " ORDER BY goal_id, date, id", meas_params),
                        columns=["goal_id", "date", "value"])
    meas = meas[meas["goal_id"].isin(goals["id"])]
    last = meas.groupby("goal_id").last()
    goals["current"] = goals["id"].map(last["value"]).astype("float64")
    goals["last_measured"] = goals["id"].map(last["date"])
    # "Since the baseline": after the start date, or a value that differs from the baseline.
    after = meas.merge(goals[["id", "start_date", "baseline"]], left_on="goal_id", right_on="id")
    after = after[after["start_date"].isna() | (after["date"] > after["start_date"])
                  | (after["value"].astype("float64") != after["baseline"].astype("float64"))]
    goals["measured"] = goals["id"].isin(after["goal_id"])
    for col in ("baseline", "target", "weight", "value_amount"):
        goals[col] = goals[col].astype("float64")
    for col in ("description", "category", "metric", "unit", "direction", "start_date", "target_date", "owner",
                "value_type", "value_inputs_json", "last_measured"):
        goals[col] = goals[col].astype(object).where(goals[col].notna(), None)
    out = ag.evaluate_goals(goals, as_of)
    values = [_value_of({k: _clean(v) for k, v in r.items()}) for r in out.to_dict("records")]
    # Value counts once progress has been measured; before that it is only pending.
    out["annual_value"] = [v[0] if m else None for v, m in zip(values, out["measured"])]
    out["pending_value"] = [None if m else v[0] for v, m in zip(values, out["measured"])]
    out["value_calculation"] = [v[1] for v in values]
    out["value_note"] = [v[2] for v in values]
    return out


def goal_note(row) -> str | None:
    if _clean(row.get("baseline")) is None:
        return "Baseline not set: cannot calculate progress"
    if _clean(row.get("target")) is None:
        return "Target not set: cannot calculate progress"
    if _clean(row.get("current")) is None:
        return "No measurement yet"
    return row.get("value_note")


def goal_views(frame: pd.DataFrame) -> list[GoalView]:
    views = []
    for r in frame.to_dict("records"):
        r = {k: _clean(v) for k, v in r.items()}  # pandas' missing values -> None
        a = r["achievement_pct"]
        views.append(GoalView(
            id=r["id"], customer=r["customer"], name=r["name"], description=r.get("description"),
            category=r.get("category"), metric=r.get("metric"), unit=r.get("unit"),
            direction=r.get("direction"), baseline=_clean(r["baseline"]), target=_clean(r["target"]),
            current=_clean(r["current"]), last_measured=_clean(r.get("last_measured")),
            start_date=r.get("start_date"), target_date=r.get("target_date"), owner=r.get("owner"),
            weight=_clean(r.get("weight")) or 1.0, achievement_pct=_r(a), elapsed_pct=_r(r["elapsed_pct"]),
            status=r["status"], exceeding=bool(a is not None and a > 100 + ag.TOL),
            value_type=r.get("value_type"),
            value_inputs=json.loads(r["value_inputs_json"]) if r.get("value_inputs_json") else None,
            value_amount=_clean(r.get("value_amount")), annual_value=_r(r["annual_value"], 2),
            pending_value=_r(r["pending_value"], 2),
            value_calculation=r["value_calculation"], note=goal_note(r)))
    return views


def milestone_views(ws: Workspace, customer_id: int) -> list[MilestoneView]:
    rows = ws.query("SELECT m.*, g.name AS goal_name FROM milestones m LEFT JOIN goals g ON g.id = m.goal_id "
                    "WHERE m.customer_id = ? ORDER BY m.date, m.id", (customer_id,))
    return [MilestoneView(id=r["id"], name=r["name"], date=r["date"], description=r["description"],
                          done=bool(r["done"]), goal=r["goal_name"]) for r in rows]


def find_goal(ws: Workspace, ident: str, customer_id: int | None = None) -> dict:
    """A goal row by id ("12") or by name (case-insensitive, then a unique partial match)."""
    where, params = ("WHERE g.customer_id = ?", (customer_id,)) if customer_id is not None else ("", ())
    rows = ws.query(_GOAL_SQL + where + " ORDER BY g.id", params)
    text = str(ident).strip()
    hits = [r for r in rows if text.isdigit() and r["id"] == int(text)]
    hits = hits or [r for r in rows if r["name"].lower() == text.lower()]
    hits = hits or [r for r in rows if text.lower() in r["name"].lower()]
    if len(hits) == 1:
        return hits[0]
    options = [f"{r['id']}: {r['name']} ({r['customer']})" for r in (hits or rows)][:8]
    what = "matches several goals" if hits else "matches no goal"
    raise ToolError(f"'{ident}' {what}" + (" of this customer." if customer_id else "."), suggestions=options)


# ---- manage_goals --------------------------------------------------------------------------

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
    category: str | None = Field(None, description=", ".join(CATEGORIES))
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


_FIELDS = ("name", "description", "category", "metric", "baseline", "target", "unit", "direction",
           "start_date", "target_date", "owner", "weight", "value_type", "value_amount")


def _latest_metric(ws: Workspace, customer_id: int, metric: str) -> float | None:
    rows = ws.query("SELECT value FROM metric_values WHERE customer_id = ? AND metric = ? AND value IS NOT NULL "
                    "ORDER BY period DESC LIMIT 1", (customer_id, metric))
    return rows[0]["value"] if rows else None


def _fmt(x: float) -> str:
    return f"{x:,.2f}".rstrip("0").rstrip(".")


def validate_goal(goal: dict) -> dict:
    """Check a goal record (as stored) and derive its direction; ToolError naming the problem."""
    name = (goal.get("name") or "").strip()
    if not name:
        raise ToolError("A goal needs a name (or a template).", suggestions=[", ".join(TEMPLATES)])
    goal["name"] = name
    goal["category"] = normalise_category(goal.get("category") or "custom")
    if goal.get("unit"):
        goal["unit"] = normalise_unit(goal["unit"])
    b, t = goal.get("baseline"), goal.get("target")
    for key in ("baseline", "target", "weight", "value_amount"):
        if goal.get(key) is not None and not math.isfinite(goal[key]):
            raise ToolError(f"{key} must be a finite number, got {goal[key]}.")
    if t is None:
        raise ToolError(f"Goal '{name}' needs a target value.")
    if b is not None and t == b:
        raise ToolError(f"Target equals the baseline ({_fmt(b)}): a goal must move the metric.",
                        suggestions=["Give a target above or below the baseline."])
    derived = None if b is None else ("increase" if t > b else "decrease")
    if goal.get("direction") and derived and goal["direction"] != derived:
        raise ToolError(f"Direction '{goal['direction']}' contradicts baseline {_fmt(b)} -> target {_fmt(t)} "
                        f"(that is a {derived}).")
    goal["direction"] = goal.get("direction") or derived
    if not goal.get("target_date"):
        raise ToolError(f"Goal '{name}' needs a target date.")
    if goal.get("start_date") and goal["target_date"] <= goal["start_date"]:
        raise ToolError(f"Target date {goal['target_date']} is not after the start date {goal['start_date']}.")
    if goal.get("weight") is not None and goal["weight"] <= 0:
        raise ToolError(f"Weight must be positive, got {_fmt(goal['weight'])}.")
    if goal.get("value_amount") is not None and goal["value_amount"] < 0:
        raise ToolError(f"value_amount must be >= 0 (annual dollars), got {_fmt(goal['value_amount'])}.")
    if goal.get("value_type") and goal.get("value_amount") is None:
        inputs = json.loads(goal.get("value_inputs_json") or "{}")
        if goal["value_type"] == "time_saved" and hours_per_unit(goal.get("unit")):
            inputs.setdefault("hours_saved_per_unit", 0.0)  # derivable from the goal's own progress
        try:
            ag.goal_value(goal["value_type"], inputs, None)
        except ValueError as exc:
            raise ToolError(f"Goal '{name}': {exc}.", suggestions=[
                "time_saved needs hours_saved_per_unit, units_per_month, hourly_rate; "
                "cost_reduction / revenue_increase need monthly_amount; or give value_amount (annual $)"]) from None
    return goal


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
            goal["name"] = f"{t.title} to {_fmt(inp.target)}" + ("%" if t.unit == "percent" else "")
    goal.update(_goal_fields(inp))
    metric = metric_for(goal["metric"]) if goal.get("metric") else None
    if metric:
        goal["metric"] = metric.key
        goal.setdefault("unit", metric.unit)
    if goal.get("baseline") is None and metric:
        goal["baseline"] = _latest_metric(ws, cust["id"], metric.key)
        if goal["baseline"] is not None:
            notes.append(f"Baseline set from the account's current {metric.label}: {_fmt(goal['baseline'])}.")
    if goal.get("baseline") is None:
        notes.append("Baseline not set: cannot calculate progress until it is (action update, baseline).")
    if t and inp.value_type is None and inp.value_inputs is None and inp.value_amount is None:
        goal["value_type"] = None  # a template's value type counts only once its inputs are given
    validate_goal(goal)
    if ws.query("SELECT 1 FROM goals WHERE customer_id = ? AND name = ? COLLATE NOCASE", (cust["id"], goal["name"])):
        raise ToolError(f"{cust['name']} already has a goal named '{goal['name']}'.",
                        suggestions=["Use action update to change it, or choose another name."])
    now = now_iso()
    with ws.write() as db:
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
            old = f" to {_fmt(row['target'])}{pct}"
            if row["name"].endswith(old):
                changes["name"] = row["name"][: -len(old)] + f" to {_fmt(changes['target'])}{pct}"
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
    return (f"{ACHIEVED_NOTE}: '{view.name}' ({view.customer}) reached {_fmt(view.current)} "
            f"against a target of {_fmt(view.target)}: {view.achievement_pct:.1f}% of target.")


def _measure(ws, inp, cust, as_of) -> ManageGoalsOutput:
    row = find_goal(ws, inp.goal or "", cust["id"] if cust else None)
    if inp.value is None or not math.isfinite(inp.value):
        raise ToolError("A measurement needs a finite value.")
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
    m = MeasurementView(date=day.isoformat(), value=inp.value, achievement_pct=_r(a))
    return ManageGoalsOutput(action="measure", customer=row["customer"], goal=view, measurement=m, alerts=alerts,
                             message=f"Recorded {_fmt(inp.value)} for '{view.name}' on {day}; status {view.status}.")


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
    ms = next(m for m in milestone_views(ws, cust["id"]) if m.id == mid)
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
            raise ToolError(f"{cust['name']} has no milestone named '{inp.milestone_name}'.")
        with ws.write() as db:
            db["milestones"].delete(rows[0]["id"])
        return ManageGoalsOutput(action="delete", customer=cust["name"],
                                 message=f"Deleted milestone '{inp.milestone_name}' of {cust['name']}.")
    row = find_goal(ws, inp.goal or "", cust["id"] if cust else None)
    with ws.write() as db:
        n = db.execute("SELECT COUNT(*) FROM goal_measurements WHERE goal_id = ?", (row["id"],)).fetchone()[0]
        db.execute("DELETE FROM goal_measurements WHERE goal_id = ?", (row["id"],))
        db.execute("DELETE FROM milestones WHERE goal_id = ?", (row["id"],))
        db["goals"].delete(row["id"])
    return ManageGoalsOutput(action="delete", customer=row["customer"],
                             message=f"Deleted goal '{row['name']}' of {row['customer']} and its {n} measurements.")


def _list(ws, inp, cust, as_of) -> ManageGoalsOutput:
    frame = goal_frame(ws, as_of, customer_ids=[cust["id"]])
    views = goal_views(frame) if not frame.empty else []
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


TOOL = Tool("manage_goals", ManageGoalsInput, ManageGoalsOutput, manage_goals)
