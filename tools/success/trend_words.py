"""Goal trends in plain words, from the facts analytics.goal_trends computes.

"Automate month-end reporting: the measured value has fallen for 9 consecutive months (562 to
180 hours / month), improving towards the target of 200 hours / month."
"""

from __future__ import annotations

import datetime as dt

from analytics.catalog import BY_KEY
from analytics.goal_trends import TrendFacts
from reports.format import fmt_goal

TREND_WORDS = {"improving": "improving", "worsening": "moving away from the target", "flat": "flat",
               "unknown": "not enough measurements for a trend"}


def _monthly(first: str | None, last: str | None, steps: int) -> bool:
    """Measurements about a month apart (so a streak reads in months)."""
    if not first or not last or steps <= 0:
        return False
    days = (dt.date.fromisoformat(last[:10]) - dt.date.fromisoformat(first[:10])).days / max(steps, 1)
    return 25 <= days <= 35


def subject(goal) -> str:
    m = BY_KEY.get(goal.metric or "")
    if m is not None:
        return m.label
    return "the measured value"


def trend_observation(goal, facts: TrendFacts, dates: list[str], values: list[float]) -> str | None:
    """One sentence about where a goal's measurements are heading; None with fewer than two."""
    if facts.trend == "unknown" or len(values) < 2:
        return None
    who = subject(goal)
    lead = who[0].upper() + who[1:]
    target = fmt_goal(goal.target, goal.unit)
    if facts.streak >= 2:
        start = values[-facts.streak - 1]
        monthly = _monthly(dates[-facts.streak - 1], dates[-1], facts.streak)
        span = f"{facts.streak} consecutive {'months' if monthly else 'measurements'}"
        verb = "risen" if facts.moving == "rising" else "fallen"
        text = (f"{lead} has {verb} for {span} ({fmt_goal(start, goal.unit)} to {fmt_goal(values[-1], goal.unit)})")
    else:
        verb = {"rising": "rose", "falling": "fell", "flat": "held"}[facts.moving]
        text = (f"{lead} {verb} at the last measurement ({fmt_goal(values[-2], goal.unit)} to "
                f"{fmt_goal(values[-1], goal.unit)})")
    where = {"improving": f"; the trend is improving towards the target of {target}",
             "worsening": f"; the trend is moving away from the target of {target}",
             "flat": f"; the trend is flat against the target of {target}"}[facts.trend]
    return text + where + "."
