"""Trend of a metric from its monthly history (DESIGN.md §4).

The slope is the least-squares slope over the last :data:`WINDOW` periods (units
per month), missing months skipped, at least :data:`MIN_POINTS` points. It is
made comparable across metrics by the cohort's spread: the change over the
window (slope x (WINDOW - 1)) divided by the cohort's interquartile range of
latest values. Relative change >= +0.10 is "improving", <= -0.10 "declining",
otherwise "stable" (for lower-is-better metrics the sign is flipped first, so
falling ticket counts are "improving"). No trend (None) with too few points or
a zero spread.
"""

from __future__ import annotations

import numpy as np

WINDOW = 6
MIN_POINTS = 3
THRESHOLD = 0.10


def window_slopes(matrix: np.ndarray) -> np.ndarray:
    """Least-squares slope of each row (one row per account, one column per month).

    NaN cells are skipped; rows with fewer than MIN_POINTS values give NaN.

    >>> window_slopes(np.array([[1.0, 2.0, 3.0, 4.0], [5.0, np.nan, 5.0, 5.0], [1.0, np.nan, np.nan, 2.0]])).tolist()
    [1.0, 0.0, nan]
    """
    y = np.asarray(matrix, dtype="float64")
    t = np.broadcast_to(np.arange(y.shape[1], dtype="float64"), y.shape)
    mask = ~np.isnan(y)
    n = mask.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        t_mean = np.where(mask, t, 0).sum(axis=1) / n
        y_mean = np.where(mask, y, 0).sum(axis=1) / n
        dt = np.where(mask, t - t_mean[:, None], 0)
        dy = np.where(mask, y - y_mean[:, None], 0)
        slope = (dt * dy).sum(axis=1) / (dt * dt).sum(axis=1)
    slope[n < MIN_POINTS] = np.nan
    return slope


def classify_trends(slopes: np.ndarray, spread: float | np.ndarray, higher_is_better: bool) -> np.ndarray:
    """'improving' / 'stable' / 'declining' per slope; None where undefined.

    >>> classify_trends(np.array([1.0, 0.01, -1.0, np.nan]), 10.0, True).tolist()
    ['improving', 'stable', 'declining', None]
    >>> classify_trends(np.array([-1.0]), 10.0, False).tolist()
    ['improving']
    """
    slopes = np.asarray(slopes, dtype="float64")
    sign = 1.0 if higher_is_better else -1.0
    with np.errstate(invalid="ignore", divide="ignore"):
        rel = sign * slopes * (WINDOW - 1) / np.asarray(spread, dtype="float64")
    out = np.full(slopes.shape, None, dtype=object)
    ok = np.isfinite(rel)
    out[ok] = "stable"
    out[ok & (rel >= THRESHOLD)] = "improving"
    out[ok & (rel <= -THRESHOLD)] = "declining"
    return out
