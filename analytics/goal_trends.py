"""Key results, goal trends and the success score's band: pure maths over numbers.

Definitions
-----------
- **Key results (several metrics per goal).** A goal with key results takes its achievement from
  all its metrics (the tools count the goal's own headline metric as the first key result, weight
  1): the weighted mean of each key result's achievement %
  (``(current - baseline) / (target - baseline) x 100``, each clipped to 0..100, so one
  over-achieved key result cannot hide a lagging one). A key result not measured yet counts as 0
  once another one has been measured; with none measured the goal has no achievement yet. The goal
  is *achieved* exactly when every key result is (each at 100% or more): the mean is then 100.
- **Trend of a goal.** From the goal's measurements (oldest first): the least-squares slope over the
  last :data:`TREND_POINTS` measurements, per 30 days, relative to the goal's span
  ``|target - baseline|``. *improving* when it moves towards the target by more than
  :data:`FLAT_SHARE` (2%) of the span a month, *worsening* when it moves away by more, else
  *flat*. The *streak* is the number of consecutive latest steps moving the same way (rising or
  falling), so "has fallen for 3 consecutive months" reads from the facts. The wording lives in
  the tools' views, never here.
- **Success score band.** :data:`SCORE_BANDS`: Strong >= 80, On track >= 60, Needs attention >= 40,
  At risk below 40 (a score of exactly 80 is Strong).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

TOL = 1e-9
TREND_POINTS = 6
FLAT_SHARE = 0.02
#: (lowest score in the band, band key, label): the success score's label, highest band first.
SCORE_BANDS = ((80.0, "strong", "Strong"), (60.0, "on_track", "On track"), (40.0, "needs_attention", "Needs attention"),
               (float("-inf"), "at_risk", "At risk"))


def key_result_achievement(baseline, target, current, weights=None) -> tuple[float | None, bool]:
    """A goal's achievement from its key results, and whether every key result is achieved.

    Parameters
    ----------
    baseline, target, current : array-like of float
        One entry per key result; ``current`` NaN when not measured yet.
    weights : array-like of float, optional
        Weight of each key result (missing or non-positive -> 1).

    Returns
    -------
    (achievement %, all achieved)
        Achievement None when no key result has been measured (or none can be scored).

    Examples
    --------
    >>> key_result_achievement([24, 0], [12, 10], [11.5, 5])   # 104.2% capped at 100, and 50%
    (75.0, False)
    >>> key_result_achievement([0, 0], [10, 4], [12, 4])
    (100.0, True)
    >>> key_result_achievement([0, 0], [10, 10], [5, float("nan")])   # the unmeasured one counts 0
    (25.0, False)
    >>> key_result_achievement([0], [10], [float("nan")])
    (None, False)
    """
    b, t, c = (np.asarray(x, dtype="float64") for x in (baseline, target, current))
    w = np.ones_like(b) if weights is None else np.asarray(weights, dtype="float64")
    w = np.where(np.isnan(w) | (w <= 0), 1.0, w)
    span = t - b
    scorable = ~np.isnan(b) & ~np.isnan(t) & (span != 0)
    if not scorable.any() or np.isnan(c[scorable]).all():
        return None, False
    with np.errstate(divide="ignore", invalid="ignore"):
        a = np.where(scorable & ~np.isnan(c), (c - b) / np.where(span != 0, span, 1.0) * 100.0, 0.0)
    clipped = np.clip(a, 0.0, 100.0)
    mean = float(np.sum(clipped[scorable] * w[scorable]) / np.sum(w[scorable]))
    every = bool(scorable.all() and (a[scorable] >= 100.0 - TOL).all())
    return (100.0 if every else min(mean, 100.0)), every


@dataclass(frozen=True)
class TrendFacts:
    """What a goal's measurements say, as facts (the wording is the views')."""

    trend: str                 # improving | worsening | flat | unknown (fewer than 2 measurements)
    moving: str                # rising | falling | flat (of the value itself, whatever the goal's direction)
    streak: int                # consecutive latest steps moving the same way as the last step (0: none)
    points: int                # measurements used for the slope
    slope_per_month: float | None
    change: float | None       # latest - first measurement
    first_date: str | None
    last_date: str | None


def goal_trend(dates, values, baseline: float | None, target: float | None) -> TrendFacts:
    """Trend facts of a goal from its measurements (see the module docstring).

    Examples
    --------
    >>> f = goal_trend(["2026-01-31", "2026-02-28", "2026-03-31", "2026-04-30"], [10, 9, 8, 7], 10, 5)
    >>> f.trend, f.moving, f.streak, f.change
    ('improving', 'falling', 3, -3.0)
    >>> goal_trend(["2026-01-31", "2026-02-28", "2026-03-31"], [40, 38, 39], 40, 60).trend
    'worsening'
    >>> goal_trend(["2026-01-31"], [40], 40, 60).trend
    'unknown'
    """
    d = np.asarray(dates, dtype="datetime64[D]")
    v = np.asarray(values, dtype="float64")
    keep = ~np.isnan(v) & ~np.isnat(d)
    d, v = d[keep], v[keep]
    if len(v) < 2:
        return TrendFacts("unknown", "flat", 0, int(len(v)), None, None,
                          str(d[0]) if len(d) else None, str(d[-1]) if len(d) else None)
    steps = np.sign(np.diff(v))
    last = steps[-1]
    streak = 0
    if last != 0:
        for s in steps[::-1]:
            if s != last:
                break
            streak += 1
    moving = "rising" if last > 0 else ("falling" if last < 0 else "flat")
    dd, vv = d[-TREND_POINTS:], v[-TREND_POINTS:]
    x = (dd - dd[0]).astype("float64") / 30.0
    slope = float(np.polyfit(x, vv, 1)[0]) if np.ptp(x) > 0 else 0.0
    trend = "flat"
    if baseline is not None and target is not None and target != baseline:
        towards = slope * np.sign(target - baseline) / abs(target - baseline)
        if towards > FLAT_SHARE + TOL:
            trend = "improving"
        elif towards < -FLAT_SHARE - TOL:
            trend = "worsening"
    return TrendFacts(trend, moving, streak, int(len(vv)), slope, float(v[-1] - v[0]), str(d[0]), str(d[-1]))


def score_band(score: float | None) -> tuple[str, str] | None:
    """(band key, label) of a success score; None when there is no score.

    Examples
    --------
    >>> score_band(80.0), score_band(79.99), score_band(40.0), score_band(12.0)
    (('strong', 'Strong'), ('on_track', 'On track'), ('needs_attention', 'Needs attention'), ('at_risk', 'At risk'))
    """
    if score is None or np.isnan(score):
        return None
    for lo, key, label in SCORE_BANDS:
        if score >= lo - TOL:
            return key, label
    return None  # pragma: no cover - the last band is open below
