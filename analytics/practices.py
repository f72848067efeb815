"""Leaders and laggards of a portfolio, and what sets the leaders apart (pure).

The portfolio view (compare_portfolio) and the best-practice view
(find_best_practices) share these rules:

- a *top performer* on a metric is at or above the 90th percentile;
- an account is *below benchmark* when under the benchmark's 25th percentile;
  a value under the lowest known quantile (``bound == "below"``) counts when
  that bound is at or under P25, as "<25th" is all that is known;
- a percentile "in the good direction" is the one reported (``100 - p`` for
  lower-is-better metrics), so the value at the reported 25th percentile of
  time-to-value is the benchmark's 75th *value* quantile.

Comparisons use the status tolerance of :mod:`analytics.percentiles` (1e-9).
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from analytics.catalog import BY_KEY, CATEGORIES
from analytics.percentiles import TOLERANCE

TOP_AT = 90.0
BELOW_AT = 25.0
QUANTILE_POINTS = (10.0, 25.0, 50.0, 75.0, 90.0)
#: A category is "above" the benchmark when the mean percentile of its metrics is
#: at least 55, "below" under 45, otherwise "in line" (a +-5 point band around the
#: median so that 49.6 vs 50.4 is not reported as a difference).
IN_LINE_BAND = 5.0


def top_mask(percentiles: np.ndarray, at: float = TOP_AT) -> np.ndarray:
    """True where the percentile is at or above ``at`` (with the status tolerance).

    >>> top_mask(np.array([89.9, 90 - 1e-12, 95.0, np.nan])).tolist()
    [False, True, True, False]
    """
    p = np.asarray(percentiles, dtype="float64")
    with np.errstate(invalid="ignore"):
        return p >= at - TOLERANCE


def below_mask(percentiles: np.ndarray, bounds: np.ndarray | None = None, at: float = BELOW_AT) -> np.ndarray:
    """True where the percentile is under ``at``, or bounded below at or under it.

    >>> below_mask(np.array([24.0, 25.0, 25.0, 30.0]), np.array(["", "", "below", "below"])).tolist()
    [True, False, True, False]
    """
    p = np.asarray(percentiles, dtype="float64")
    with np.errstate(invalid="ignore"):
        out = p < at - TOLERANCE
        if bounds is not None:
            out |= (np.asarray(bounds, dtype=object) == "below") & (p <= at + TOLERANCE)
    return out


def peer_percentiles(values: np.ndarray, peers: np.ndarray, higher_is_better: bool = True) -> np.ndarray:
    """``percentileofscore(peers, x, kind="mean")`` for every x at once (peers exclude x).

    The rule for a benchmark given as raw peer rows (DESIGN §4). NaN stays NaN.

    >>> peer_percentiles(np.array([2.0, 5.0, np.nan]), np.array([1.0, 2.0, 3.0, 4.0])).tolist()
    [37.5, 100.0, nan]
    """
    peers = np.sort(np.asarray(peers, dtype="float64")[~np.isnan(peers)])
    values = np.asarray(values, dtype="float64")
    if peers.size == 0:
        return np.full(values.shape, np.nan)
    below = np.searchsorted(peers, values, "left")
    at_or_below = np.searchsorted(peers, values, "right")
    pct = (below + at_or_below) * 50.0 / peers.size
    pct = pct if higher_is_better else 100.0 - pct
    pct[np.isnan(values)] = np.nan
    return pct


def peer_quantiles(peers: np.ndarray, qs: Iterable[float] = QUANTILE_POINTS) -> dict[float, float]:
    """P10..P90 of raw peer values (numpy's linear method), for thresholds and medians."""
    clean = np.asarray(peers, dtype="float64")
    clean = clean[~np.isnan(clean)]
    if clean.size == 0:
        return {}
    qs = tuple(qs)
    return {float(q): float(v) for q, v in zip(qs, np.percentile(clean, qs))}


def value_at(points: dict[float, float], percentile: float, higher_is_better: bool = True) -> float | None:
    """The value at a *reported* percentile, by linear interpolation between quantile points.

    For a lower-is-better metric the reported percentile p is the value quantile
    ``100 - p``. None outside the known quantiles (nothing is extrapolated).

    >>> pts = {25.0: 40.0, 50.0: 60.0, 90.0: 80.0}
    >>> value_at(pts, 50), value_at(pts, 70), value_at(pts, 75, higher_is_better=False), value_at(pts, 10)
    (60.0, 70.0, 40.0, None)
    """
    q = float(percentile) if higher_is_better else 100.0 - float(percentile)
    pts = sorted((float(p), float(v)) for p, v in points.items() if v == v)
    if len(pts) == 0 or q < pts[0][0] - TOLERANCE or q > pts[-1][0] + TOLERANCE:
        return None
    if len(pts) == 1:
        return pts[0][1]
    return float(np.interp(q, [p for p, _ in pts], [v for _, v in pts]))


def mix_quantiles(points: list[dict[float, float]], weights: list[float]) -> dict[float, float]:
    """One benchmark for a portfolio that spans segments: quantiles averaged by weight.

    Each quantile of the mix is the weighted mean of that quantile over the
    segments (quantile averaging, "Vincentization"); weights are the portfolio's
    account counts per segment. Only quantiles known for every segment are kept.

    >>> mix_quantiles([{25.0: 10.0, 50.0: 20.0}, {25.0: 30.0, 50.0: 40.0, 75.0: 50.0}], [3, 1])
    {25.0: 15.0, 50.0: 25.0}
    """
    if not points:
        return {}
    common = set(points[0])
    for pts in points[1:]:
        common &= set(pts)
    w = np.asarray(weights, dtype="float64")
    if w.sum() <= 0:
        return {}
    return {p: float(np.dot(w, [pts[p] for pts in points]) / w.sum()) for p in sorted(common)}


def shortfall(values: np.ndarray, target: float | np.ndarray, higher_is_better: bool = True) -> np.ndarray:
    """How far a value is from a target in the metric's unit, positive = still to go.

    >>> shortfall(np.array([40.0, 70.0]), 60.0).tolist(), shortfall(np.array([30.0]), 20.0, False).tolist()
    ([20.0, -10.0], [10.0])
    """
    diff = np.asarray(target, dtype="float64") - np.asarray(values, dtype="float64")
    return diff if higher_is_better else -diff


def category_positions(percentiles: dict[str, float]) -> dict[str, tuple[float, str]]:
    """Mean percentile per catalog category and its word: above / in_line / below.

    ``percentiles`` maps metric key -> percentile (NaN or missing metrics ignored).

    >>> category_positions({"nps": 70.0, "csat": 60.0, "seat_growth": 30.0})
    {'satisfaction': (65.0, 'above'), 'growth': (30.0, 'below')}
    """
    out = {}
    for cat in CATEGORIES:
        vals = [p for k, p in percentiles.items() if k in BY_KEY and BY_KEY[k].category == cat and p == p]
        if not vals:
            continue
        mean = float(np.mean(vals))
        word = "above" if mean >= 50 + IN_LINE_BAND else "below" if mean < 50 - IN_LINE_BAND else "in_line"
        out[cat] = (mean, word)
    return out


def profile_medians(profile: pd.DataFrame, leaders: pd.Index) -> pd.DataFrame:
    """Median of each profile column among the leaders vs the whole portfolio.

    Returns a frame indexed by column with ``leaders``, ``portfolio`` and
    ``ratio`` (leaders / portfolio; NaN when the portfolio median is 0).

    >>> df = pd.DataFrame({"training_hours": [10.0, 20.0, 30.0, 60.0]})
    >>> profile_medians(df, pd.Index([2, 3])).loc["training_hours"].tolist()
    [45.0, 25.0, 1.8]
    """
    lead = profile.loc[profile.index.intersection(leaders)].median(numeric_only=True)
    base = profile.median(numeric_only=True)
    ratio = lead / base.where(base != 0)
    return pd.DataFrame({"leaders": lead, "portfolio": base, "ratio": ratio})


def common_notes(notes: Iterable[str], limit: int = 5) -> list[tuple[str, int]]:
    """The most frequent practice notes (normalised for case and spacing), most common first.

    >>> common_notes(["Weekly digest", "weekly  digest", "EBR"])
    [('Weekly digest', 2), ('EBR', 1)]
    """
    counts: dict[str, list] = {}
    for note in notes:
        key = " ".join(note.split()).casefold()
        if key:
            counts.setdefault(key, [note, 0])[1] += 1
    ranked = sorted(counts.values(), key=lambda x: (-x[1], x[0]))
    return [(" ".join(text.split()), n) for text, n in ranked[:limit]]
