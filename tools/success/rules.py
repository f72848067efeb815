"""What a valid success goal is: categories, units, templates and the validation rules.

Shared by manage_goals and the goals file import (:mod:`tools.ingest.goals`).
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass

from analytics import goals as ag
from analytics.catalog import normalise_label
from analytics.units import _UNIT_ALIASES, UNITS, unit_base
from reports.format import fmt_number
from tools.base import ToolError

CATEGORIES = ("efficiency", "revenue", "cost", "quality", "adoption", "satisfaction", "custom")
DIRECTIONS = ("increase", "decrease")


STATUS_RULE = (  # the goal status rule in words (analytics.goals.goal_status)
    "A goal is achieved at 100% of target or more; missed when its target date has passed "
    "below 100%; not started while nothing has been measured since the baseline; at risk "
    f"when its achievement % is more than {ag.AT_RISK_MARGIN:g} points behind the share of its "
    "time elapsed (start date to target date), otherwise on track."
)


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
        raise ToolError(f"Target equals the baseline ({fmt_number(b)}): a goal must move the metric.",
                        suggestions=["Give a target above or below the baseline."])
    derived = None if b is None else ("increase" if t > b else "decrease")
    if goal.get("direction") and derived and goal["direction"] != derived:
        raise ToolError(f"Direction '{goal['direction']}' contradicts baseline {fmt_number(b)} -> target {fmt_number(t)} "
                        f"(that is a {derived}).")
    goal["direction"] = goal.get("direction") or derived
    if not goal.get("target_date"):
        raise ToolError(f"Goal '{name}' needs a target date.")
    if goal.get("start_date") and goal["target_date"] <= goal["start_date"]:
        raise ToolError(f"Target date {goal['target_date']} is not after the start date {goal['start_date']}.")
    if goal.get("weight") is not None and goal["weight"] <= 0:
        raise ToolError(f"Weight must be positive, got {fmt_number(goal['weight'])}.")
    if goal.get("value_amount") is not None and goal["value_amount"] < 0:
        raise ToolError(f"value_amount must be >= 0 (annual dollars), got {fmt_number(goal['value_amount'])}.")
    if goal.get("value_type") and goal.get("value_amount") is None:
        inputs = json.loads(goal.get("value_inputs_json") or "{}")
        if goal["value_type"] == "time_saved" and hours_per_unit(goal.get("unit")):
            inputs.setdefault("hours_saved_per_unit", 0.0)  # derivable from the goal's own progress
        if goal["value_type"] != "time_saved" and dollars_per_month(goal.get("unit")):
            inputs.setdefault("monthly_amount", 0.0)  # likewise
        try:
            ag.goal_value(goal["value_type"], inputs, None)
        except ValueError as exc:
            raise ToolError(f"Goal '{name}': {exc}.", suggestions=[
                "time_saved needs hours_saved_per_unit, units_per_month, hourly_rate; "
                "cost_reduction / revenue_increase need monthly_amount; or give value_amount (annual $)"]) from None
    return goal
