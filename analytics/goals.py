"""Success goals: achievement, status, success score, value delivered and ROI (DESIGN.md §4).

Pure functions over numbers, arrays and DataFrames: no database, files or LLM.

Definitions
-----------
- **Achievement %**: ``(current - baseline) / (target - baseline) * 100``; it works for
  both directions (a "decrease" goal has ``target < baseline``).
- **Status** (first rule that applies, see :func:`goal_statuses`):

  1. ``unknown``: baseline or target not set ("Baseline not set: cannot calculate progress").
  2. ``achieved``: achievement >= 100% (a goal above 100% is also flagged *exceeding*).
  3. ``missed``: the target date has passed (as-of date after it) and achievement < 100%.
  4. ``not_started``: no measurement since the baseline (none dated after the start date
     and none with a value other than the baseline).
  5. ``at_risk``: achievement is more than 15 points behind the share of the goal's time
     elapsed (``achievement% < elapsed% - 15``), elapsed% being
     ``(as_of - start_date) / (target_date - start_date) * 100`` clipped to 0..100.
  6. ``on_track``: otherwise (achievement within 15 points of elapsed time, or ahead of it).

  Comparisons use a tolerance of 1e-9, so a goal exactly 15 points behind is on track.
- **Success score**: the weighted mean of goal achievement, each goal clipped to 0..100
  (capped at 100 so one over-achieved goal cannot hide a missed one; floored at 0 so a
  goal moving the wrong way counts as no progress). Goals without an achievement (no
  baseline or no measurement yet) are not scored.
- **Goal achievement rate**: achieved goals / all goals x 100.
- **Value delivered**: per goal, the annual value in dollars: ``value_amount`` when known
  directly, otherwise from the value inputs (time saved: hours saved per unit x units per
  month x hourly rate; cost reduction / revenue increase: monthly amount), monthly x 12.
  (The tools count a goal's value once progress has been measured; before that it is
  reported as pending, not delivered.)
- **ROI multiplier** = value / investment; **net ROI %** = (value - investment) / investment x 100.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

AT_RISK_MARGIN = 15.0
TOL = 1e-9
STATUSES = ("achieved", "on_track", "at_risk", "missed", "not_started", "unknown")
VALUE_TYPES = ("time_saved", "cost_reduction", "revenue_increase")
MIN_PEERS = 10

def achievement_pct(baseline, target, current):
    """Goal achievement in percent: ``(current - baseline) / (target - baseline) * 100``.

    Works for both directions. Arrays are handled element-wise; a missing input or a
    target equal to the baseline gives NaN.

    Parameters
    ----------
    baseline, target, current : float or array-like
        The goal's starting value, its target and the latest measured value.

    Returns
    -------
    float or numpy.ndarray
        Achievement in percent (unrounded).

    Examples
    --------
    >>> round(achievement_pct(24, 12, 11.5), 1)   # TC-165.1: lower is better
    104.2
    >>> achievement_pct(40, 60, 50)
    50.0
    >>> achievement_pct([40, 10], [60, 10], [50, 12])
    array([50., nan])
    """
    b, t, c = (np.asarray(x, dtype="float64") for x in (baseline, target, current))
    span = t - b
    with np.errstate(divide="ignore", invalid="ignore"):
        out = np.where(span != 0, (c - b) / np.where(span != 0, span, 1.0) * 100.0, np.nan)
    return float(out) if out.ndim == 0 else out


def _days(values) -> np.ndarray:
    return pd.to_datetime(pd.Series(values, dtype="object"), errors="coerce").to_numpy("datetime64[D]")


def elapsed_pct(start, end, as_of: dt.date):
    """Share of a goal's time elapsed at ``as_of``, in percent, clipped to 0..100.

    NaN when a date is missing or the target date is not after the start date.

    Examples
    --------
    >>> import datetime as dt
    >>> elapsed_pct(["2026-01-01"], ["2026-12-31"], dt.date(2026, 7, 2)).round(1)
    array([50.])
    >>> elapsed_pct(["2026-01-01", None], ["2026-03-01", "2026-05-01"], dt.date(2026, 11, 1))
    array([100.,  nan])
    """
    s, e = _days(start), _days(end)
    now = np.datetime64(as_of, "D")
    total = (e - s).astype("float64")
    done = (now - s).astype("float64")
    with np.errstate(divide="ignore", invalid="ignore"):
        pct = np.where(total > 0, done / np.where(total > 0, total, 1.0) * 100.0, np.nan)
    pct[np.isnat(s) | np.isnat(e)] = np.nan
    return np.clip(pct, 0.0, 100.0)


def goal_statuses(achievement, elapsed, *, target_passed, measured, has_baseline) -> np.ndarray:
    """Status of each goal (the rule in the module docstring).

    Parameters
    ----------
    achievement, elapsed : array-like of float
        Achievement % and elapsed-time % (NaN where unknown).
    target_passed : array-like of bool
        The as-of date is after the target date.
    measured : array-like of bool
        A measurement exists since the baseline (on or before as-of).
    has_baseline : array-like of bool
        Baseline and target are both set.

    Examples
    --------
    >>> goal_statuses([104.2, 50, 34.99, 35, 20, 0], [80, 50, 50, 50, 100, 10],
    ...               target_passed=[False, False, False, False, True, False],
    ...               measured=[True, True, True, True, True, False],
    ...               has_baseline=[True] * 6).tolist()
    ['achieved', 'on_track', 'at_risk', 'on_track', 'missed', 'not_started']
    """
    a = np.asarray(achievement, dtype="float64")
    e = np.asarray(elapsed, dtype="float64")
    behind = np.where(np.isnan(e), a < -TOL, a < e - AT_RISK_MARGIN - TOL)
    conditions = [
        ~np.asarray(has_baseline, dtype=bool),
        a >= 100.0 - TOL,
        np.asarray(target_passed, dtype=bool),
        ~np.asarray(measured, dtype=bool),
        behind,
    ]
    choices = ["unknown", "achieved", "missed", "not_started", "at_risk"]
    return np.select(conditions, choices, default="on_track").astype(object)


def goal_status(achievement: float | None, elapsed: float | None, *, target_passed: bool,
                measured: bool, has_baseline: bool = True) -> str:
    """Status of one goal; see :func:`goal_statuses`.

    Examples
    --------
    >>> goal_status(104.2, 60, target_passed=False, measured=True)
    'achieved'
    >>> goal_status(40, 60, target_passed=False, measured=True)
    'at_risk'
    """
    nan = float("nan")
    return goal_statuses([nan if achievement is None else achievement], [nan if elapsed is None else elapsed],
                         target_passed=[target_passed], measured=[measured],
                         has_baseline=[has_baseline])[0]


def evaluate_goals(goals: pd.DataFrame, as_of: dt.date) -> pd.DataFrame:
    """Add ``achievement_pct``, ``elapsed_pct`` and ``status`` to a goals frame.

    ``goals`` needs columns ``baseline, target, current, start_date, target_date`` and
    ``measured`` (bool: a measurement since the baseline, on or before as-of: dated after the
    start date, or with a value other than the baseline).

    Examples
    --------
    >>> import datetime as dt, pandas as pd
    >>> g = pd.DataFrame({"baseline": [24.0], "target": [12.0], "current": [11.5],
    ...                   "start_date": ["2026-01-01"], "target_date": ["2026-12-31"],
    ...                   "measured": [True]})
    >>> out = evaluate_goals(g, dt.date(2026, 11, 1))
    >>> out[["achievement_pct", "status"]].round(1).values.tolist()
    [[104.2, 'achieved']]
    """
    out = goals.copy()
    out["achievement_pct"] = achievement_pct(out["baseline"], out["target"], out["current"])
    out["elapsed_pct"] = elapsed_pct(out["start_date"], out["target_date"], as_of)
    due = _days(out["target_date"])
    passed = ~np.isnat(due) & (due < np.datetime64(as_of, "D"))
    has_baseline = out["baseline"].notna().to_numpy() & out["target"].notna().to_numpy()
    out["status"] = goal_statuses(out["achievement_pct"], out["elapsed_pct"], target_passed=passed,
                                  measured=out["measured"].fillna(False).astype(bool).to_numpy(),
                                  has_baseline=has_baseline)
    return out


def success_score(achievement, weights=None) -> float | None:
    """Weighted mean of goal achievement, each goal clipped to 0..100.

    Goals whose achievement is NaN are left out; a missing or non-positive weight
    counts as 1. None when no goal can be scored.

    Examples
    --------
    >>> success_score([104.2, 50.0])          # (100 + 50) / 2
    75.0
    >>> success_score([150.0, 20.0], [1, 3])  # (100 * 1 + 20 * 3) / 4
    40.0
    >>> success_score([float("nan")]) is None
    True
    """
    a = np.asarray(achievement, dtype="float64")
    w = np.ones_like(a) if weights is None else np.asarray(weights, dtype="float64")
    w = np.where(np.isnan(w) | (w <= 0), 1.0, w)
    ok = ~np.isnan(a)
    if not ok.any():
        return None
    return float(np.sum(np.clip(a[ok], 0.0, 100.0) * w[ok]) / np.sum(w[ok]))


@dataclass(frozen=True)
class GoalValue:
    """The value one goal delivers: monthly (when known), annual, and how it was computed."""

    value_type: str
    monthly: float | None
    annual: float
    source: str  # "inputs" | "amount"
    inputs: dict[str, float] = field(default_factory=dict)  # the numbers it was computed from
    unit_name: str = "unit"                                  # time_saved: what one unit is ("ticket")


def _input(inputs: Mapping, key: str) -> float:
    if inputs.get(key) is None:
        raise ValueError(f"value input '{key}' is missing")
    try:
        x = float(inputs[key])
    except (TypeError, ValueError):
        raise ValueError(f"value input '{key}' must be a number, got {inputs[key]!r}") from None
    if not np.isfinite(x) or x < 0:
        raise ValueError(f"value input '{key}' must be a finite number >= 0, got {inputs[key]!r}")
    return x


def goal_value(value_type: str | None, inputs: Mapping | None = None,
               value_amount: float | None = None) -> GoalValue | None:
    """Annual dollar value of a goal, and the numbers it was computed from.

    ``value_amount`` (annual dollars known directly) wins over the inputs. Inputs:
    time_saved ``{"hours_saved_per_unit", "units_per_month", "hourly_rate"}`` (optional
    ``unit_name``, e.g. "ticket"); cost_reduction / revenue_increase ``{"monthly_amount"}``.
    Monthly figures are annualised x 12. None when the goal has no value at all;
    ValueError when a value type lacks its inputs.

    Examples
    --------
    >>> v = goal_value("time_saved", {"hours_saved_per_unit": 12.5, "units_per_month": 150,
    ...                               "hourly_rate": 50, "unit_name": "ticket"})
    >>> v.monthly, v.annual, v.unit_name
    (93750.0, 1125000.0, 'ticket')
    >>> goal_value("cost_reduction", {"monthly_amount": 8000}).annual
    96000.0
    >>> goal_value("revenue_increase", None, 285000).source
    'amount'
    """
    if value_amount is not None and not (isinstance(value_amount, float) and np.isnan(value_amount)):
        if not np.isfinite(value_amount) or value_amount < 0:
            raise ValueError(f"value_amount must be a finite number >= 0, got {value_amount!r}")
        return GoalValue(value_type or "other", None, float(value_amount), "amount")
    if not value_type:
        return None
    if value_type not in VALUE_TYPES:
        raise ValueError(f"unknown value type {value_type!r}; expected one of {', '.join(VALUE_TYPES)}")
    inputs = inputs or {}
    if value_type == "time_saved":
        keys = ("hours_saved_per_unit", "units_per_month", "hourly_rate")
        used = {k: _input(inputs, k) for k in keys}
        monthly = used["hours_saved_per_unit"] * used["units_per_month"] * used["hourly_rate"]
    else:
        used = {"monthly_amount": _input(inputs, "monthly_amount")}
        monthly = used["monthly_amount"]
    return GoalValue(value_type, monthly, monthly * 12, "inputs", used, str(inputs.get("unit_name") or "unit"))


def roi(value: float, investment: float) -> tuple[float, float]:
    """ROI multiplier (value / investment) and net ROI % ((value - investment) / investment x 100).

    Examples
    --------
    >>> m, net = roi(285_000, 68_000)   # TC-165.2
    >>> round(m, 1), round(net, 1)
    (4.2, 319.1)
    """
    if not np.isfinite(investment) or investment <= 0:
        raise ValueError(f"investment must be a positive amount, got {investment!r}")
    return value / investment, (value - investment) / investment * 100.0


def peer_percentile(values, x: float) -> float | None:
    """Percentile of ``x`` among peer ``values`` (the account included), kind="mean".

    NaNs are dropped; None when fewer than :data:`MIN_PEERS` values remain (no aggregate
    for a small cohort) or ``x`` is NaN.

    Examples
    --------
    >>> peer_percentile(list(range(1, 11)), 8)
    75.0
    >>> peer_percentile([1, 2, 3], 2) is None
    True
    """
    v = np.asarray(values, dtype="float64")
    v = v[~np.isnan(v)]
    if len(v) < MIN_PEERS or x is None or np.isnan(x):
        return None
    # percentileofscore(kind="mean") without importing scipy (0.4 s at start-up); pinned to scipy in tests.
    return float((np.count_nonzero(v < x) + np.count_nonzero(v <= x)) * 50.0 / len(v))


def account_summary(evaluated: pd.DataFrame) -> pd.DataFrame:
    """Per-account roll-up of evaluated goals (index: ``customer_id``).

    Needs ``customer_id, status, achievement_pct, weight, annual_value``. Returns goal
    counts per status, ``goals``, ``success_score``, ``achievement_rate`` (achieved / goals
    x 100) and ``value`` (sum of annual values, 0 when none).

    Examples
    --------
    >>> import pandas as pd
    >>> g = pd.DataFrame({"customer_id": [1, 1, 2], "status": ["achieved", "at_risk", "on_track"],
    ...                   "achievement_pct": [120.0, 30.0, 60.0], "weight": [1.0, 1.0, 2.0],
    ...                   "annual_value": [1000.0, None, None]})
    >>> account_summary(g)[["goals", "achieved", "success_score", "achievement_rate", "value"]]
                 goals  achieved  success_score  achievement_rate   value
    customer_id                                                          
    1                2         1           65.0              50.0  1000.0
    2                1         0           60.0               0.0     0.0
    """
    counts = pd.crosstab(evaluated["customer_id"], evaluated["status"]).reindex(
        columns=list(STATUSES), fill_value=0)
    counts.columns.name = None
    counts.insert(0, "goals", counts.sum(axis=1))
    a = evaluated["achievement_pct"].astype("float64")
    w = evaluated["weight"].astype("float64")
    w = w.where(w.notna() & (w > 0), 1.0)
    scored = a.notna()
    frame = pd.DataFrame({"customer_id": evaluated["customer_id"],
                          "num": (a.clip(0, 100) * w).where(scored, 0.0),
                          "den": w.where(scored, 0.0),
                          "value": evaluated["annual_value"].astype("float64").fillna(0.0)})
    sums = frame.groupby("customer_id")[["num", "den", "value"]].sum()
    counts["success_score"] = (sums["num"] / sums["den"]).where(sums["den"] > 0)
    counts["achievement_rate"] = counts["achieved"] / counts["goals"] * 100.0
    counts["value"] = sums["value"]
    counts.index.name = "customer_id"
    return counts


# Root causes of an at-risk goal: the account metrics that usually drive a goal of each
# category, and a standard action for a driver that lags its peers.
DRIVERS: dict[str, tuple[str, ...]] = {
    "adoption": ("user_activation", "feature_adoption", "training_hours", "dau_mau", "adoption_score"),
    "efficiency": ("self_service_rate", "support_tickets_per_user", "training_hours", "user_activation",
                   "integrations"),
    "cost": ("self_service_rate", "support_tickets_per_user", "integrations", "user_activation"),
    "revenue": ("adoption_score", "seat_growth", "stakeholders", "user_activation", "meetings_per_month"),
    "quality": ("support_tickets_per_user", "csat", "training_hours", "self_service_rate"),
    "satisfaction": ("support_tickets_per_user", "meetings_per_month", "stakeholders", "time_to_value_days",
                     "training_hours"),
    "custom": ("user_activation", "adoption_score", "training_hours", "meetings_per_month", "stakeholders"),
}

ACTIONS: dict[str, str] = {
    "user_activation": "Run a user reactivation campaign for inactive seats",
    "feature_adoption": "Hold a feature-adoption workshop on the capabilities the goal depends on",
    "training_hours": "Schedule a training programme (admin and end-user sessions)",
    "dau_mau": "Set up in-app guides and usage nudges to build a daily habit",
    "adoption_score": "Agree an adoption plan with the champion, with monthly usage check-ins",
    "self_service_rate": "Promote the knowledge base and self-service portal to end users",
    "support_tickets_per_user": "Review the top ticket drivers with support and fix their root causes",
    "integrations": "Propose an integration review to connect the account's key systems",
    "seat_growth": "Map teams not yet onboarded and build an expansion case",
    "stakeholders": "Widen the relationship: engage an executive sponsor",
    "meetings_per_month": "Increase cadence with proactive success calls",
    "csat": "Follow up on recent low satisfaction responses",
    "time_to_value_days": "Put new users on the accelerated onboarding track",
}
DEFAULT_ACTION = "Review the goal plan with its owner and confirm the target date is still realistic"


def lagging_drivers(category: str | None, account: Mapping[str, float], peers: pd.DataFrame,
                    lower_is_better: set[str], threshold: float = 25.0) -> list[tuple[str, float, float, float]]:
    """Driver metrics of a goal category on which the account lags its peers.

    Parameters
    ----------
    category : str or None
        The goal's category (unknown categories use the "custom" drivers).
    account : mapping
        The account's latest metric values by catalog key.
    peers : DataFrame
        Latest metric values of the peer group (one row per account, account included).
    lower_is_better : set of str
        Metric keys whose percentile is reported as ``100 - p``.
    threshold : float
        A driver whose percentile is below this lags (default: P25, "lagging").

    Returns
    -------
    list of (metric, value, percentile, peer median)
        Worst first. Empty when the peer group has fewer than :data:`MIN_PEERS` values.

    Examples
    --------
    >>> import pandas as pd
    >>> peers = pd.DataFrame({"user_activation": range(10, 110, 10)})
    >>> lagging_drivers("adoption", {"user_activation": 10.0}, peers, set())
    [('user_activation', 10.0, 5.0, 55.0)]
    """
    out = []
    for key in DRIVERS.get(category or "custom", DRIVERS["custom"]):
        x = account.get(key)
        if key not in peers or x is None or np.isnan(x):
            continue
        p = peer_percentile(peers[key], x)
        if p is None:
            continue
        p = 100.0 - p if key in lower_is_better else p
        if p < threshold - TOL:
            out.append((key, float(x), p, float(peers[key].median())))
    return sorted(out, key=lambda r: r[2])


MILESTONE_STATUSES = ("planned", "due", "done", "missed")
DUE_WITHIN_DAYS = 14


def milestone_status(date: dt.date | None, done: bool, today: dt.date, goal_status: str | None = None,
                     marks_target: bool = False) -> str:
    """planned / due / done / missed for a milestone, consistent with its goal.

    A milestone that marks its goal's target (dated on the target date) follows the goal:
    done when the goal is achieved, missed when the goal is missed. Any other milestone is
    done when recorded done; otherwise missed once its date has passed, due within
    ``DUE_WITHIN_DAYS`` days, planned before that.

    Examples
    --------
    >>> today = dt.date(2026, 11, 1)
    >>> milestone_status(dt.date(2026, 7, 31), False, today, "missed", marks_target=True)
    'missed'
    >>> milestone_status(dt.date(2026, 12, 31), True, today, "on_track", marks_target=True)
    'planned'
    >>> milestone_status(dt.date(2026, 11, 10), False, today), milestone_status(dt.date(2026, 10, 1), True, today)
    ('due', 'done')
    """
    if marks_target and goal_status is not None:
        if goal_status == "achieved":
            return "done"
        if goal_status == "missed":
            return "missed"
        done = False  # the target milestone is reached when the goal is, never by a flag alone
    if done:
        return "done"
    if date is None:
        return "planned"
    if date < today:
        return "missed"
    return "due" if (date - today).days <= DUE_WITHIN_DAYS else "planned"
