"""The demo's success goals: the named accounts' fixed goals and template goals for a quarter of
the others, each with a scenario (achieved, on track, at risk, missed, not started), monthly
measurements along a path to its final achievement, and milestones.
"""

from __future__ import annotations

import calendar
import datetime as dt
import json

import numpy as np

from analytics.catalog import KEYS
from tools.demo.model import AS_OF, AS_OF_TS, PERIODS, round_to

SCENARIOS = ("achieved", "on_track", "at_risk", "missed", "not_started")
# Per scenario: (first, last) start month as an offset from 2025-11, (min, max) duration in months.
# on_track starts late enough to be < 80% elapsed; at_risk ends after the as-of date with >= 60%
# elapsed; missed ends by 2026-09-30.
GOAL_DATES = {"achieved": ((0, 6), (9, 12)), "on_track": ((4, 8), (10, 14)), "at_risk": ((0, 3), (13, 15)),
              "missed": ((0, 2), (7, 9)), "not_started": ((10, 11), (6, 12))}
VALUE_DECIMALS = {"hours_saved_per_unit": 1, "units_per_month": 0, "hourly_rate": 0, "monthly_amount": -2}


def _month_end(d: dt.date) -> dt.date:
    return d.replace(day=calendar.monthrange(d.year, d.month)[1])


def _add_months(d: dt.date, months: int) -> dt.date:
    y, m = divmod(d.month - 1 + months, 12)
    return dt.date(d.year + y, m + 1, 1)


def _measurement_dates(start: dt.date) -> list[dt.date]:
    """Month-ends from the start's month up to the as-of date (monthly measurements)."""
    dates, d = [], _month_end(start)
    while d < AS_OF:
        dates.append(d)
        d = _month_end(_add_months(d, 1))
    return dates


SCALED_INPUTS = {"units_per_month", "monthly_amount"}


def _input_value(x: float, key: str) -> float | int:
    dec = VALUE_DECIMALS[key]
    return float(round(x, dec)) if dec > 0 else max(int(round_to(x, dec)), 1)


def _generic_goal(rng: np.random.Generator, tpl: dict, account: dict) -> dict:
    """A goal from a template with dates and final achievement set by its scenario."""
    # Stronger accounts achieve more and miss less.
    tilt = np.array([1, 1, 0, -.6, 0]) * .12 * np.clip(account["quality"], -1.5, 1.5)
    weights = np.array([.25, .3, .15, .15, .15]) + tilt
    scenario = str(rng.choice(SCENARIOS, p=weights / weights.sum()))
    (s_lo, s_hi), (d_lo, d_hi) = GOAL_DATES[scenario]  # start month offset from 2025-11, duration in months
    start = _add_months(dt.date(2025, 11, 1), int(rng.integers(s_lo, s_hi + 1)))
    if scenario == "not_started":
        start = dt.date(2026, 9, 15) + dt.timedelta(days=int(rng.integers(0, 36)))
    target_date = _add_months(start.replace(day=1), int(rng.integers(d_lo, d_hi + 1))) - dt.timedelta(days=1)
    dec = tpl.get("decimals", 1)
    baseline = float(round_to(rng.uniform(*tpl["baseline"]), dec))
    sign = 1 if tpl["direction"] == "increase" else -1
    target = float(tpl["target"]) if "target" in tpl else float(round_to(baseline * (1 + sign * tpl["change"]), dec))
    elapsed = (AS_OF - start).days / max((target_date - start).days, 1)
    final = {"achieved": rng.uniform(100, 120), "on_track": min(92.0, 100 * elapsed + rng.uniform(12, 20)),
             "at_risk": rng.uniform(3, 22), "missed": rng.uniform(30, 75), "not_started": None}[scenario]
    size = {"Enterprise": 1.0, "Mid-Market": 0.4, "SMB": 0.15}[account["segment"]]
    goal = {k: tpl[k] for k in ("name", "category", "unit", "direction", "description") if k in tpl}
    goal.update(baseline=baseline, target=target, start=start.isoformat(), target_date=target_date.isoformat(),
                scenario=scenario, final=final, decimals=dec, value_type=tpl.get("value_type"))
    spec = tpl.get("value", {})
    if "value_amount" in spec:
        goal["value_amount"] = float(round(rng.uniform(*spec["value_amount"]) * size, -3))
    elif spec:
        goal["value_inputs"] = {k: _input_value(rng.uniform(*r) * (size if k in SCALED_INPUTS else 1), k)
                                for k, r in spec.items()}
    return goal


def _goal_path(rng: np.random.Generator, goal: dict, history: dict[str, np.ndarray]) -> tuple[float, list]:
    """(baseline, [(date, value), ...]) for a goal: explicit, from the metric history, or synthetic."""
    start = dt.date.fromisoformat(goal["start"])
    dates = [] if goal["scenario"] == "not_started" else _measurement_dates(start)
    if goal.get("from_history"):
        series = history[goal["metric"]]
        t0 = PERIODS.index(f"{start.year}-{start.month:02d}")
        return float(series[t0 - 1]), [(d, float(series[t0 + k])) for k, d in enumerate(dates)]
    if "measurements" in goal:
        return float(goal["baseline"]), list(zip(dates, map(float, goal["measurements"]), strict=True))
    base, span, n = float(goal["baseline"]), goal["target"] - goal["baseline"], len(dates)
    curve = rng.uniform(0.7, 1.3)
    path = []
    for k, d in enumerate(dates, start=1):
        p = goal["final"] * (k / n) ** curve * (1 if k == n else 1 + 0.05 * rng.standard_normal())
        path.append((d, float(round_to(base + p / 100 * span, goal.get("decimals", 1)))))
    return base, path


def _goal_row(gid: int, account: dict, goal: dict, baseline: float, owner: str | None) -> dict:
    inputs = goal.get("value_inputs")
    return {"id": gid, "customer_id": account["id"], "name": goal["name"], "description": goal.get("description"),
            "category": goal["category"], "metric": goal.get("metric"), "baseline": baseline,
            "target": float(goal["target"]), "unit": goal["unit"], "direction": goal["direction"],
            "start_date": goal["start"], "target_date": goal["target_date"], "owner": owner,
            "weight": float(goal.get("weight", 1.0)), "value_type": goal.get("value_type"),
            "value_inputs_json": json.dumps(inputs) if inputs else None, "value_amount": goal.get("value_amount"),
            "created_at": f"{goal['start']}T09:00:00+00:00", "updated_at": AS_OF_TS}


def _milestones(gid: int, account: dict, goal: dict) -> list[dict]:
    """Kickoff, mid-point review and target for a goal; done as of the demo date."""
    start, end = dt.date.fromisoformat(goal["start"]), dt.date.fromisoformat(goal["target_date"])
    mid = start + (end - start) / 2
    return [{"customer_id": account["id"], "goal_id": gid, "name": f"{name}: {goal['name']}",
             "date": date.isoformat(), "description": None, "done": int(done)}
            for name, date, done in (("Kickoff", start, goal["scenario"] != "not_started"),
                                     ("Mid-point review", mid, mid < AS_OF),
                                     ("Target reached", end, goal["scenario"] == "achieved"))]


def _renewal(account: dict) -> dict:
    renew = dt.date.fromisoformat(account["contract_start"]).replace(year=AS_OF.year)
    renew = renew if renew > AS_OF else renew.replace(year=AS_OF.year + 1)
    return {"customer_id": account["id"], "goal_id": None, "name": "Contract renewal", "date": renew.isoformat(),
            "description": f"Annual renewal of {account['name']}", "done": 0}


def goal_rows(rng, prof: dict, accounts: list[dict], values: np.ndarray, stakeholders: list[dict]):
    """Goals for the named accounts (fixed) and for a quarter of the others (from templates)."""
    owners: dict[int, str] = {}  # the account's first champion owns its goals
    for s in sorted(stakeholders, key=lambda s: s["role"] != "Champion"):
        owners.setdefault(s["customer_id"], s["name"])
    chosen = [(a, g) for a in accounts if a["named"] for g in prof["named_goals"].get(a["name"], [])]
    generic = [a for a in accounts if not a["named"]]
    for i in sorted(rng.choice(len(generic), size=len(generic) // 4, replace=False)):
        for t in rng.choice(len(prof["goal_templates"]), size=int(rng.integers(1, 3)), replace=False):
            chosen.append((generic[i], _generic_goal(rng, prof["goal_templates"][t], generic[i])))
    goals, measurements, milestones = [], [], []
    for gid, (a, goal) in enumerate(chosen, start=1):
        history = {k: values[a["id"] - 1, j, :] for j, k in enumerate(KEYS)}
        baseline, path = _goal_path(rng, goal, history)
        goals.append(_goal_row(gid, a, goal, baseline, owners.get(a["id"])))
        measurements += [{"goal_id": gid, "date": d.isoformat(), "value": v} for d, v in path]
        milestones += _milestones(gid, a, goal)
    milestones += [_renewal(a) for a in accounts if a["named"]]
    return goals, measurements, milestones
