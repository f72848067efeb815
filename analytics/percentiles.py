"""Percentiles, cohort quantiles, status bands and the overall position (DESIGN.md §4).

Everything here is vectorised: a whole portfolio is ranked per metric with one
sort, never a Python loop per account (a per-account ``percentileofscore`` loop
takes about 9 s at 10k accounts; this takes a few milliseconds).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

#: Status bands (DESIGN §4), compared with a tolerance so that two equal formulas
#: differing in the last bit never flip an account across a band edge.
TOLERANCE = 1e-9
STATUS_BANDS = ((90.0, "top_performer"), (50.0, "above_median"), (25.0, "below_median"))
LAGGING = "lagging"
COHORT_QUANTILES = (25, 50, 75, 90)


def group_percentiles(values: np.ndarray, groups: np.ndarray | None = None,
                      higher_is_better: bool = True) -> np.ndarray:
    """Percentile of every value within its group, ``percentileofscore(kind="mean")``.

    Each value is ranked among the non-missing values of its own group (itself
    included): ``(count(< x) + count(<= x)) / 2 / n * 100``. For a
    lower-is-better metric the result is ``100 - that``. Missing values stay NaN.

    Parameters
    ----------
    values : array of float, shape (n,)
    groups : array of int, shape (n,), optional
        Group code per value (e.g. a segment code); one group when omitted.
    higher_is_better : bool

    Examples
    --------
    >>> group_percentiles(np.array([1.0, 2.0, 2.0, 4.0])).tolist()
    [12.5, 50.0, 50.0, 87.5]
    >>> group_percentiles(np.array([1.0, 2.0, np.nan]), higher_is_better=False).tolist()
    [75.0, 25.0, nan]
    """
    values = np.asarray(values, dtype="float64")
    n = values.shape[0]
    groups = np.zeros(n, dtype=np.int64) if groups is None else np.asarray(groups, dtype=np.int64)
    out = np.full(n, np.nan)
    valid = np.flatnonzero(~np.isnan(values) & (groups >= 0))
    if valid.size == 0:
        return out
    v, g = values[valid], groups[valid]
    order = _sort_by_group_then_value(v, g)
    vs, gs = v[order], g[order]
    m = vs.size
    idx = np.arange(m)
    new_group = np.empty(m, dtype=bool)
    new_group[0] = True
    new_group[1:] = gs[1:] != gs[:-1]
    new_run = new_group.copy()
    new_run[1:] |= vs[1:] != vs[:-1]
    group_start = np.maximum.accumulate(np.where(new_group, idx, 0))
    group_end = np.append(np.flatnonzero(new_group)[1:], m)[np.cumsum(new_group) - 1]
    run_starts = np.flatnonzero(new_run)
    run_id = np.cumsum(new_run) - 1
    run_end = np.append(run_starts[1:], m)[run_id]
    below = run_starts[run_id] - group_start
    at_or_below = run_end - group_start
    pct = (below + at_or_below) * 50.0 / (group_end - group_start)
    if not higher_is_better:
        pct = 100.0 - pct
    out[valid[order]] = pct
    return out


def _sort_by_group_then_value(v: np.ndarray, g: np.ndarray) -> np.ndarray:
    """Order by (group, value). Two stable sorts beat lexsort: with few groups
    the second sort runs on small integers, which numpy radix-sorts."""
    top = int(g.max()) if g.size else 0
    if top > np.iinfo(np.int16).max:
        return np.lexsort((v, g))
    by_value = np.argsort(v, kind="stable")
    small = g[by_value].astype(np.int8 if top <= np.iinfo(np.int8).max else np.int16)
    return by_value[np.argsort(small, kind="stable")]


def cohort_quantiles(values: np.ndarray, qs: tuple[int, ...] = COHORT_QUANTILES) -> dict[int, float]:
    """P25/P50/P75/P90 of a cohort's non-missing values (numpy's linear method).

    >>> cohort_quantiles(np.array([1.0, 2.0, 3.0, 4.0, 5.0]), (25, 50))
    {25: 2.0, 50: 3.0}
    """
    clean = np.asarray(values, dtype="float64")
    clean = clean[~np.isnan(clean)]
    if clean.size == 0:
        return {q: float("nan") for q in qs}
    return {q: float(x) for q, x in zip(qs, np.percentile(clean, qs))}


BELOW, INSIDE, ABOVE = -1, 0, 1
_BOUND_NAMES = np.array(["below", "", "above"], dtype=object)


def benchmark_percentile_codes(values: np.ndarray, points: dict[float, float],
                               higher_is_better: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """:func:`benchmark_percentiles` with the bound as int8 codes (BELOW/INSIDE/ABOVE).

    The portfolio path uses the codes: object arrays of strings are slow at 1M rows.
    """
    values = np.asarray(values, dtype="float64")
    codes = np.zeros(values.shape, dtype=np.int8)
    pts = sorted((float(v), float(p)) for p, v in points.items() if v == v)
    if len(pts) < 2:
        return np.full(values.shape, np.nan), codes
    xs = np.array([v for v, _ in pts])
    ps = np.array([p for _, p in pts])
    pct = np.interp(values, xs, ps)
    codes[values < xs[0]] = BELOW
    codes[values > xs[-1]] = ABOVE
    pct[np.isnan(values)] = np.nan
    if not higher_is_better:
        pct = 100.0 - pct
        codes = -codes
    return pct, codes


def tail_clipped_histogram(values: np.ndarray, bins: int = 8, lo_q: float = 10,
                           hi_q: float = 90) -> tuple[list[float], list[int]]:
    """Histogram whose outer edges are the P10 and P90 of ``values``: tails fall in the end bins.

    The edges never reveal a peer's minimum or maximum (DESIGN §8); every value is counted.

    >>> tail_clipped_histogram(np.arange(1.0, 21.0), bins=2)
    ([2.9, 10.5, 18.1], [10, 10])
    """
    v = np.asarray(values, dtype="float64")
    v = v[~np.isnan(v)]
    lo, hi = np.percentile(v, [lo_q, hi_q])
    if hi <= lo:
        return [round(float(lo), 6), round(float(hi), 6)], [int(v.size)]
    counts, edges = np.histogram(np.clip(v, lo, hi), bins=bins, range=(lo, hi))
    return [round(float(e), 6) for e in edges], [int(c) for c in counts]


def benchmark_percentiles(values: np.ndarray, points: dict[float, float],
                          higher_is_better: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """Percentile against benchmark quantiles by piecewise-linear interpolation.

    ``points`` maps p (10, 25, 50, 75, 90) to the quantile value. Outside the
    known range no number is invented: the nearest known p is returned with a
    bound flag (``"below"`` under the lowest point, ``"above"`` over the highest).
    For a lower-is-better metric the percentile is ``100 - interpolated`` and
    the bound flips with it. With fewer than two points the percentile is NaN.

    Returns
    -------
    (percentiles, bounds) : arrays of float and of str ("", "below", "above")

    Examples
    --------
    >>> pct, bound = benchmark_percentiles(np.array([50.0, 5.0, 99.0]), {25: 40.0, 50: 60.0, 90: 80.0})
    >>> pct.tolist(), bound.tolist()
    ([37.5, 25.0, 90.0], ['', 'below', 'above'])
    """
    pct, codes = benchmark_percentile_codes(values, points, higher_is_better)
    return pct, _BOUND_NAMES[codes + 1]


def status_for(percentile: float) -> str | None:
    """>= 90 top performer; >= 50 above median; >= 25 below median; < 25 lagging.

    >>> status_for(90 - 1e-12), status_for(49.9), status_for(10)
    ('top_performer', 'below_median', 'lagging')
    """
    if percentile is None or percentile != percentile:
        return None
    for edge, label in STATUS_BANDS:
        if percentile >= edge - TOLERANCE:
            return label
    return LAGGING


def statuses(percentiles: np.ndarray) -> np.ndarray:
    """Vectorised :func:`status_for`; None where the percentile is missing."""
    p = np.asarray(percentiles, dtype="float64")
    out = np.full(p.shape, None, dtype=object)
    out[~np.isnan(p)] = LAGGING
    for edge, label in reversed(STATUS_BANDS):
        out[p >= edge - TOLERANCE] = label
    return out


def composite_scores(percentiles: pd.DataFrame) -> pd.Series:
    """Composite = mean of an account's metric percentiles (metrics with a value)."""
    return percentiles.mean(axis=1, skipna=True)


def overall_percentiles(composites: pd.Series, groups: np.ndarray | None = None) -> pd.Series:
    """Percentile of each composite among its cohort's composites (same rule).

    A plain mean of percentiles crowds everyone towards 50; ranking the
    composites makes "72nd overall" mean better than 72% of peers. Composites
    are rounded to 9 decimals first: two accounts with the same percentiles in
    another order must tie, not differ in the last bit.
    """
    ranked = group_percentiles(np.round(composites.to_numpy(dtype="float64"), 9), groups, True)
    return pd.Series(ranked, index=composites.index)


def frame_percentiles(metrics: pd.DataFrame, directions: dict[str, bool],
                      groups: np.ndarray | None = None) -> pd.DataFrame:
    """Within-group percentiles for every metric column of a wide frame.

    ``directions`` maps column -> higher_is_better.
    """
    out = [group_percentiles(metrics[col].to_numpy(dtype="float64"), groups, directions[col])
           for col in metrics.columns]
    return pd.DataFrame(np.column_stack(out) if out else np.empty((len(metrics), 0)),
                        index=metrics.index, columns=metrics.columns)
