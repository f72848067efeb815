"""What a valid success goal is: categories, units, templates and the validation rules.

Shared by manage_goals and the goals file import (:mod:`tools.ingest.goals`).
"""

from __future__ import annotations

import datetime as dt
import json
import math
from dataclasses import dataclass

from analytics import goals as ag
from analytics.catalog import BY_KEY, normalise_label
from analytics.units import _UNIT_ALIASES, UNITS, unit_base
from reports.format import fmt_number
from tools.base import ToolError
from tools.inputs import (
    GOAL_HORIZON_YEARS,
    MAX_MAGNITUDE,
    MAX_WEIGHT,
    add_years,
    amount_problem,
    date_problem,
    number_problem,
)
from tools.success.categories import CATEGORIES, canonical  # one vocabulary, aliases included

DIRECTIONS = ("increase", "decrease")


STATUS_RULE = (  # the goal status rule in words (analytics.goals.goal_status)
    "A goal is achieved at 100% of target or more; missed when its target date has passed "
    "below 100%; not started while nothing has been measured since the baseline; at risk "
    f"when its achievement % is more than {ag.AT_RISK_MARGIN:g} points behind the share of its "
    "time elapsed (start date to target date), otherwise on track."
)


class GoalProblem(ToolError):
    """A goal that is not valid; ``field`` names the field (file column) at fault."""

    def __init__(self, message: str, field: str, **kw):
        super().__init__(message, **kw)
        self.field = field


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
    """The canonical category for a word of either requirements document ('operational' -> efficiency)."""
    key = canonical(category)
    if key is None:
        raise ToolError(f"Unknown goal category '{category}'.",
                        suggestions=[f"Use one of: {', '.join(CATEGORIES)} (or operational, financial, strategic, ...)"])
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


_PERIODS = frozenset({"day", "week", "month", "quarter", "year", "days", "weeks", "months", "quarters", "years"})


def dollars_per_month(unit: str | None) -> bool:
    """A goal measured in dollars a month ('$ / month'): its cost reduction or revenue increase follows
    from its own measurements (baseline - current), no assumed monthly amount needed."""
    per = unit.split("/")[-1].strip().lower() if unit and "/" in unit else None
    return unit_base(unit) == "dollars" and per in ("month", "mo", "monthly")


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


PERCENT_RANGE = (-100.0, 1_000.0)  # a share cannot fall below -100%; a growth rate rarely tops 1,000%
VALUE_INPUTS = {"hourly_rate": "amount", "monthly_amount": "amount", "hours_saved_per_unit": "count",
                "units_per_month": "count"}


def value_problem(goal: dict, value: float) -> str | None:
    """Why ``value`` (a baseline, target or measurement of ``goal``) is implausible ("expected ..."),
    or None: a catalog metric's own range (Feature Adoption 0-100), an amount of money up to
    $1 trillion, a percentage from -100 to 1,000, any other number within +-1 trillion.

    >>> value_problem({"metric": "feature_adoption", "unit": "percent"}, 250)
    'a number from 0 to 100 (Feature Adoption, % of features)'
    >>> value_problem({"metric": "revenue", "unit": "dollars"}, 1e308)
    'an amount from $0 to $1,000,000,000,000'
    """
    if not math.isfinite(value):
        return "a finite number"
    metric, unit = BY_KEY.get(goal.get("metric") or ""), goal.get("unit")
    if metric is not None and unit in (None, metric.unit) and metric.lo is not None and metric.hi is not None:
        if not metric.lo - 1e-9 <= value <= metric.hi + 1e-9:
            return f"a number from {metric.lo:g} to {metric.hi:g} ({metric.label}, {metric.unit_label})"
        return None
    if unit_base(unit) == "dollars":
        return amount_problem(value)
    if unit_base(unit) == "percent":
        return number_problem(value, *PERCENT_RANGE)
    return number_problem(value, -MAX_MAGNITUDE, MAX_MAGNITUDE)


def _check_values(goal: dict, name: str) -> None:
    for key in ("baseline", "target"):
        if goal.get(key) is not None and (problem := value_problem(goal, goal[key])):
            raise GoalProblem(f"Goal '{name}': {key} {fmt_number(goal[key])} is not plausible; expected {problem}.",
                              key)
    if goal.get("weight") is not None and not 0 < goal["weight"] <= MAX_WEIGHT:
        raise GoalProblem(f"Weight must be positive and at most {MAX_WEIGHT:,}, got {fmt_number(goal['weight'])}.",
                          "weight")
    if goal.get("value_amount") is not None and (problem := amount_problem(goal["value_amount"])):
        raise GoalProblem(f"value_amount (annual dollars) {fmt_number(goal['value_amount'])} is not plausible; "
                          f"expected {problem}.", "value_amount")
    inputs = json.loads(goal.get("value_inputs_json") or "{}")
    for key, kind in VALUE_INPUTS.items():
        v = inputs.get(key)
        if isinstance(v, (int, float)):
            problem = amount_problem(v) if kind == "amount" else number_problem(v, 0, MAX_MAGNITUDE)
            if problem:
                raise GoalProblem(f"{key} {fmt_number(v)} is not plausible; expected {problem}.", key)


def _check_dates(goal: dict, name: str) -> None:
    for key in ("start_date", "target_date"):
        if goal.get(key) and (problem := date_problem(dt.date.fromisoformat(goal[key]))):
            raise GoalProblem(f"Goal '{name}': {key} {goal[key]} is not plausible; expected {problem}.", key)
    if goal.get("start_date") and goal.get("target_date"):
        start = dt.date.fromisoformat(goal["start_date"])
        if dt.date.fromisoformat(goal["target_date"]) > add_years(start, GOAL_HORIZON_YEARS):
            raise GoalProblem(f"Goal '{name}': target date {goal['target_date']} is more than "
                              f"{GOAL_HORIZON_YEARS} years after the start date {goal['start_date']}; "
                              "expected a nearer target date.", "target_date")


def validate_goal(goal: dict) -> dict:
    """Check a goal record (as stored) and derive its direction; :class:`GoalProblem` naming the
    problem and its field."""
    name = (goal.get("name") or "").strip()
    if not name:
        raise GoalProblem("A goal needs a name (or a template).", "name", suggestions=[", ".join(TEMPLATES)])
    goal["name"] = name
    try:
        goal["category"] = normalise_category(goal.get("category") or "custom")
    except ToolError as exc:
        raise GoalProblem(exc.message, "category", suggestions=exc.suggestions) from None
    if goal.get("unit"):
        try:
            goal["unit"] = normalise_unit(goal["unit"])
        except ToolError as exc:
            raise GoalProblem(exc.message, "unit", suggestions=exc.suggestions) from None
    b, t = goal.get("baseline"), goal.get("target")
    for key in ("baseline", "target", "weight", "value_amount"):
        if goal.get(key) is not None and not math.isfinite(goal[key]):
            raise GoalProblem(f"{key} must be a finite number, got {goal[key]}.", key)
    if t is None:
        raise GoalProblem(f"Goal '{name}' needs a target value.", "target")
    _check_values(goal, name)
    if b is not None and t == b:
        raise GoalProblem(f"Target equals the baseline ({fmt_number(b)}): a goal must move the metric.", "target",
                          suggestions=["Give a target above or below the baseline."])
    derived = None if b is None else ("increase" if t > b else "decrease")
    if goal.get("direction") and derived and goal["direction"] != derived:
        raise GoalProblem(f"Direction '{goal['direction']}' contradicts baseline {fmt_number(b)} -> target "
                          f"{fmt_number(t)} (that is a {derived}).", "direction")
    goal["direction"] = goal.get("direction") or derived
    if not goal.get("target_date"):
        raise GoalProblem(f"Goal '{name}' needs a target date.", "target_date")
    if goal.get("start_date") and goal["target_date"] <= goal["start_date"]:
        raise GoalProblem(f"Target date {goal['target_date']} is not after the start date {goal['start_date']}.",
                          "target_date")
    _check_dates(goal, name)
    if goal.get("value_type") and goal.get("value_amount") is None:
        inputs = json.loads(goal.get("value_inputs_json") or "{}")
        if goal["value_type"] == "time_saved" and hours_per_unit(goal.get("unit")):
            inputs.setdefault("hours_saved_per_unit", 0.0)  # derivable from the goal's own progress
        if goal["value_type"] != "time_saved" and dollars_per_month(goal.get("unit")):
            inputs.setdefault("monthly_amount", 0.0)  # likewise
        try:
            ag.goal_value(goal["value_type"], inputs, None)
        except ValueError as exc:
            raise GoalProblem(f"Goal '{name}': {exc}.", "value_type", suggestions=[
                "time_saved needs hours_saved_per_unit, units_per_month, hourly_rate; "
                "cost_reduction / revenue_increase need monthly_amount; or give value_amount (annual $)"]) from None
    return goal
