"""Reading success goals: each goal evaluated as of a date (current value, achievement, status,
annual value), its measurements and the account's milestones.

The figures come from :mod:`analytics.goals`; this module loads them from the workspace.
"""

from __future__ import annotations

import datetime as dt
import json
import math

import pandas as pd
from pydantic import BaseModel, Field

from analytics import goals as ag
from reports.format import clean_text, fmt_money, fmt_number
from tools.base import NotFound, rounded
from tools.store.workspace import Workspace
from tools.success.key_results import apply_key_results
from tools.success.rules import dollars_per_month, hours_per_unit


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
    goal_id: int | None = None
    status: str = Field("planned", description="planned | due | done | missed (analytics.goals.milestone_status)")


_GOAL_SQL = """
SELECT g.*, c.name AS customer FROM goals g JOIN customers c ON c.id = g.customer_id
"""


def _clean(x):
    return None if x is None or (isinstance(x, float) and math.isnan(x)) else x


CONFIDENCES = ("measured", "estimated", "customer-stated")


def value_confidence(row, derived_from_measurements: bool) -> str:
    """How sure a goal's value is, unless recorded: customer-stated when the customer gave the annual
    amount, measured when it follows from the goal's own measurements (hours saved from a measured
    process time), else estimated (assumptions typed in: volumes, rates, monthly amounts)."""
    if row.get("value_confidence") in CONFIDENCES:
        return row["value_confidence"]
    if _clean(row.get("value_amount")) is not None:
        return "customer-stated"
    return "measured" if derived_from_measurements else "estimated"


def _value_of(row) -> tuple[float | None, str | None, str | None, str | None]:
    """Annual value, its calculation, a note and its confidence for one goal row."""
    inputs = json.loads(row["value_inputs_json"]) if row.get("value_inputs_json") else {}
    factor = hours_per_unit(row.get("unit"))
    derived = False
    if (row.get("value_type") == "time_saved" and inputs.get("hours_saved_per_unit") is None and factor
            and row.get("current") is not None and row.get("baseline") is not None):
        derived = True
        # Hours saved per unit follow from the goal itself: a 24 h process now taking 11.5 h saves 12.5 h.
        moved = (row["current"] - row["baseline"]) * (row["target"] - row["baseline"]) > 0
        inputs = {**inputs, "hours_saved_per_unit": abs(row["baseline"] - row["current"]) * factor if moved else 0.0}
    if (row.get("value_type") in ("cost_reduction", "revenue_increase") and inputs.get("monthly_amount") is None
            and dollars_per_month(row.get("unit")) and row.get("current") is not None
            and row.get("baseline") is not None):
        derived = True  # $30K -> $22K a month is $8K a month, as measured
        moved = (row["current"] - row["baseline"]) * (row["target"] - row["baseline"]) > 0
        inputs = {**inputs, "monthly_amount": abs(row["baseline"] - row["current"]) if moved else 0.0}
    try:
        v = ag.goal_value(row.get("value_type"), inputs, row.get("value_amount"))
    except ValueError as exc:
        return None, None, f"Value not computed: {exc}", None
    if v is None:
        return None, None, None, None
    return v.annual, value_calculation(v), None, value_confidence(row, derived)


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
                "value_type", "value_inputs_json", "last_measured", "value_confidence"):
        goals[col] = goals[col].astype(object).where(goals[col].notna(), None)
    out = apply_key_results(ws, ag.evaluate_goals(goals, as_of), as_of)  # several metrics: achievement from them
    values = [_value_of({k: _clean(v) for k, v in r.items()}) for r in out.to_dict("records")]
    # Value counts once progress has been measured; before that it is only pending.
    out["annual_value"] = [v[0] if m else None for v, m in zip(values, out["measured"])]
    out["pending_value"] = [None if m else v[0] for v, m in zip(values, out["measured"])]
    out["value_calculation"] = [v[1] for v in values]
    out["value_note"] = [v[2] for v in values]
    out["value_confidence"] = [v[3] for v in values]
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
            weight=_clean(r.get("weight")) or 1.0, achievement_pct=rounded(a, 1), elapsed_pct=rounded(r["elapsed_pct"], 1),
            status=r["status"], exceeding=bool(a is not None and a > 100 + ag.TOL),
            value_type=r.get("value_type"),
            value_inputs=json.loads(r["value_inputs_json"]) if r.get("value_inputs_json") else None,
            value_amount=_clean(r.get("value_amount")), annual_value=rounded(r["annual_value"], 2),
            pending_value=rounded(r["pending_value"], 2),
            value_calculation=r["value_calculation"], note=goal_note(r)))
    return views


def milestone_views(ws: Workspace, customer_id: int, today: dt.date,
                    goals: dict[int, tuple[str, str | None]] | None = None) -> list[MilestoneView]:
    """The account's milestones with a status derived from their dates and their goal's status.

    ``goals`` maps goal id -> (status, target date); a milestone on its goal's target date marks
    the target and follows the goal (achieved -> done, missed -> missed).
    """
    goals = goals or {}
    rows = ws.query("SELECT m.*, g.name AS goal_name FROM milestones m LEFT JOIN goals g ON g.id = m.goal_id "
                    "WHERE m.customer_id = ? ORDER BY m.date, m.id", (customer_id,))
    out = []
    for r in rows:
        status, target_date = goals.get(r["goal_id"], (None, None))
        day = dt.date.fromisoformat(r["date"][:10]) if r["date"] else None
        marks = target_date is not None and r["date"] is not None and r["date"][:10] == target_date[:10]
        out.append(MilestoneView(id=r["id"], name=r["name"], date=r["date"], description=r["description"],
                                 done=bool(r["done"]), goal=r["goal_name"], goal_id=r["goal_id"],
                                 status=ag.milestone_status(day, bool(r["done"]), today, status, marks)))
    return out


def find_goal(ws: Workspace, ident: str, customer_id: int | None = None) -> dict:
    """A goal row by id ("12") or by name (case-insensitive, then a unique partial match)."""
    where, params = ("WHERE g.customer_id = ?", (customer_id,)) if customer_id is not None else ("", ())
    rows = ws.query(_GOAL_SQL + where + " ORDER BY g.id", params)
    text = str(ident).strip()
    hits = [r for r in rows if text.isdigit() and r["id"] == int(text)]
    typed = clean_text(text).lower()  # stored text may hold invisible characters no one can type
    hits = hits or [r for r in rows if clean_text(r["name"]).lower() == typed]
    hits = hits or [r for r in rows if typed in clean_text(r["name"]).lower()]
    if len(hits) == 1:
        return hits[0]
    options = [f"{r['id']}: {r['name']} ({r['customer']})" for r in (hits or rows)][:8]
    what = "matches several goals" if hits else "matches no goal"
    raise NotFound(f"'{ident}' {what}" + (" of this customer." if customer_id else "."), suggestions=options)


def goal_customer(ws: Workspace, goal_id: int) -> str:
    """The name of the account goal ``goal_id`` belongs to; NotFound when there is no such goal.

    For callers that name a goal by id only (the HTTP API): unlike :func:`find_goal`, an id
    never falls back to a name that happens to contain the digits.
    """
    rows = ws.query("SELECT c.name FROM goals g JOIN customers c ON c.id = g.customer_id WHERE g.id = ?", (goal_id,))
    if not rows:
        raise NotFound(f"No goal with id {goal_id} in this workspace.")
    return rows[0]["name"]


def only_category(frame: pd.DataFrame, category: str | None) -> pd.DataFrame:
    """The goals of one category (canonical, 'financial' covering revenue and cost); all when None."""
    if not category or frame.empty:
        return frame
    from tools.success.categories import matches
    return frame[[matches(c, category) for c in frame["category"]]].reset_index(drop=True)


def account_table(ws: Workspace, as_of: dt.date, customers: pd.DataFrame,
                  started_by: dt.date | None = None, category: str | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Evaluated goals of the given accounts (of one category when given) and their per-account roll-up
    (with ARR and ROI)."""
    frame = only_category(goal_frame(ws, as_of, customer_ids=[int(i) for i in customers.index],
                                     started_by=started_by), category)
    if frame.empty:
        return frame, pd.DataFrame()
    summary = ag.account_summary(frame).join(customers[["name", "segment", "arr"]])
    arr = summary["arr"].where(summary["arr"] > 0)
    summary["roi_multiplier"] = summary["value"] / arr
    return frame, summary


def value_calculation(v: ag.GoalValue) -> str:
    """How a goal's value was computed, in words a CSM can check by hand.

    '12.5 h saved per ticket x 150 tickets/month x $50/h = $93,750/month; x 12 = $1,125,000/year'
    """
    if v.source == "amount":
        return f"annual value given: {fmt_money(v.annual, exact=True)}/year"
    if v.value_type == "time_saved":
        hours, units, rate = (v.inputs[k] for k in ("hours_saved_per_unit", "units_per_month", "hourly_rate"))
        text = (f"{fmt_number(hours)} h saved per {v.unit_name} x {fmt_number(units)} {v.unit_name}s/month x "
                f"{fmt_money(rate, exact=True)}/h = {fmt_money(v.monthly, exact=True)}/month")
    else:
        label = "cost reduction" if v.value_type == "cost_reduction" else "revenue increase"
        text = f"{fmt_money(v.monthly, exact=True)}/month {label}"
    return f"{text}; x 12 = {fmt_money(v.annual, exact=True)}/year"
