"""Percentiles, cohort quantiles, status bands and the overall position (DESIGN.md §4).

Everything here is vectorised, never a Python loop per account (a per-account
``percentileofscore`` loop takes about 9 s at 10k accounts; this takes a few
milliseconds). Ranking within groups: the rows are grouped once
(:func:`group_layout`), then per metric the non-missing values are sorted within
their groups and each run of equal values is scored once (:func:`value_runs`).
Benchmark percentiles for many scopes at once: :class:`BenchmarkScopes`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:  # pandas (0.15 s to import) only where a frame comes in: `compare` never pays it
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
    lower-is-better metric the result is ``100 - that``. Missing values, and
    values whose group code is negative (no group), stay NaN.

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
    >>> group_percentiles(np.array([5.0, 1.0, 7.0, 3.0]), np.array([0, 1, 0, -1])).tolist()
    [25.0, 50.0, 75.0, nan]
    """
    values = np.asarray(values, dtype="float64")
    return layout_percentiles(values, group_layout(groups, values.shape[0]), higher_is_better)


@dataclass(frozen=True)
class GroupLayout:
    """The rows of every group side by side, computed once and shared by all metrics.

    Ranking within groups needs the rows of each group together. Sorting the group
    codes once per call (a radix sort for small codes) and reusing the result for
    every metric saves one full-length sort per metric.

    Attributes
    ----------
    order : intp array
        Row numbers of the rows that have a group (code >= 0), grouped by code.
        ``None`` when every row is in one group, in row order (no gather needed).
    starts : intp array, shape (groups + 1,)
        Where each group begins in ``order``; the last entry is ``len(order)``.
    segment : intp array
        Position in ``order`` -> index of its group (0..groups-1).

    Examples
    --------
    >>> lay = group_layout(np.array([2, 0, 2, -1, 0]), 5)
    >>> lay.order.tolist(), lay.starts.tolist(), lay.segment.tolist()
    ([1, 4, 0, 2], [0, 2, 4], [0, 0, 1, 1])
    >>> group_layout(None, 3).order is None
    True
    """

    order: np.ndarray | None
    starts: np.ndarray
    segment: np.ndarray

    @property
    def size(self) -> int:
        """Number of rows that have a group."""
        return int(self.starts[-1])

    def gather(self, column: np.ndarray) -> np.ndarray:
        """``column`` (one value per row) in group order."""
        return column if self.order is None else column[self.order]

    def rows(self, positions: np.ndarray) -> np.ndarray:
        """Row numbers of positions in group order."""
        return positions if self.order is None else self.order[positions]


def group_layout(groups: np.ndarray | None, n: int) -> GroupLayout:
    """Group the rows once: see :class:`GroupLayout`.

    Codes in 0..65535 are sorted with numpy's radix sort (``kind="stable"`` on
    uint8/uint16); other codes with one unstable argsort. The order of rows
    inside a group does not matter: each metric sorts its values within groups.
    """
    if groups is None:
        return GroupLayout(None, np.array([0, n], dtype=np.intp), np.zeros(n, dtype=np.intp))
    codes = np.asarray(groups)
    if codes.shape != (n,):
        raise ValueError(f"groups must have one code per value ({n}), got shape {codes.shape}")
    codes = codes.astype(np.int64, copy=False)
    rows = None
    if codes.size and codes.min() < 0:
        rows = np.flatnonzero(codes >= 0)
        codes = codes[rows]
    by_code = _argsort_codes(codes)
    ordered = codes[by_code]
    order = by_code if rows is None else rows[by_code]
    change = np.flatnonzero(ordered[1:] != ordered[:-1]) + 1
    starts = np.concatenate(([0], change, [ordered.size])).astype(np.intp)
    if ordered.size == 0:
        starts = np.array([0], dtype=np.intp)
    segment = np.repeat(np.arange(starts.size - 1, dtype=np.intp), np.diff(starts))
    if rows is None and change.size == 0:
        return GroupLayout(None, starts, segment)  # one group, every row: keep row order
    return GroupLayout(order, starts, segment)


def _argsort_codes(codes: np.ndarray) -> np.ndarray:
    """Order of non-negative int codes; radix sort when they fit in 16 bits."""
    if codes.size == 0:
        return np.zeros(0, dtype=np.intp)
    top = int(codes.max())
    if top <= np.iinfo(np.uint8).max:
        return np.argsort(codes.astype(np.uint8), kind="stable")
    if top <= np.iinfo(np.uint16).max:
        return np.argsort(codes.astype(np.uint16), kind="stable")
    return np.argsort(codes)


def layout_percentiles(values: np.ndarray, layout: GroupLayout, higher_is_better: bool = True,
                       out: np.ndarray | None = None) -> np.ndarray:
    """:func:`group_percentiles` with the grouping already done (one metric).

    ``out`` (length n, optional) receives the result; rows outside every group
    and missing values get NaN.

    Examples
    --------
    >>> lay = group_layout(np.array([0, 1, 0, 1, 0]), 5)
    >>> layout_percentiles(np.array([3.0, 9.0, 3.0, np.nan, 1.0]), lay).tolist()
    [66.66666666666667, 50.0, 66.66666666666667, nan, 16.666666666666668]
    """
    values = np.asarray(values, dtype="float64")
    if out is None:
        out = np.empty(values.shape[0])
    out.fill(np.nan)
    runs = value_runs(values, layout)
    runs.spread(runs.percentiles(higher_is_better), out)
    return out


@dataclass(frozen=True)
class ValueRuns:
    """One metric's non-missing values sorted within their groups, cut into runs.

    A run is a stretch of equal values inside one group. Every figure that depends
    only on the value and the group (the cohort percentile, and the benchmark
    percentile when the group has one benchmark scope) is computed once per run
    and spread back to the rows: with rounded metrics there are far fewer runs
    than rows.

    Attributes
    ----------
    rows : intp array, the row number of each sorted position
    start, length : intp arrays, where each run begins (in sorted positions) and its size
    value : float array, each run's value
    group : intp array, each run's group (index into ``starts``)
    starts : intp array, where each group begins once missing values are dropped

    Examples
    --------
    >>> runs = value_runs(np.array([3.0, 9.0, 3.0, np.nan, 1.0]), group_layout(np.array([0, 1, 0, 1, 0]), 5))
    >>> runs.value.tolist(), runs.length.tolist(), runs.group.tolist(), runs.percentiles(True).tolist()
    ([1.0, 3.0, 9.0], [1, 2, 1], [0, 0, 1], [16.666666666666668, 66.66666666666667, 50.0])
    """

    rows: np.ndarray
    start: np.ndarray
    length: np.ndarray
    value: np.ndarray
    group: np.ndarray
    starts: np.ndarray

    def percentiles(self, higher_is_better: bool = True) -> np.ndarray:
        """Cohort percentile of each run: ``(count(<) + count(<=)) / 2 / n * 100``.

        ``count(<)`` is the run's start within its group and ``count(<=)`` its end;
        ``n`` the group's non-missing values.
        """
        below = self.start - self.starts[self.group]
        pct = (below + below + self.length) * 50.0 / np.diff(self.starts)[self.group]
        return pct if higher_is_better else 100.0 - pct

    def spread(self, per_run: np.ndarray, out: np.ndarray) -> np.ndarray:
        """Write each run's figure to the rows of the run (other rows untouched)."""
        out[self.rows] = np.repeat(per_run, self.length)
        return out


def value_runs(values: np.ndarray, layout: GroupLayout) -> ValueRuns:
    """Drop missing values, sort the rest within groups and find the runs: see :class:`ValueRuns`."""
    grouped = layout.gather(np.asarray(values, dtype="float64"))
    positions, starts, segment = _present(grouped, layout)
    if positions is not None:
        grouped = grouped[positions]
    if grouped.size == 0:
        empty = np.zeros(0, dtype=np.intp)
        return ValueRuns(empty, empty, empty, np.zeros(0), empty, starts)
    local = _sort_within_groups(grouped, starts, segment)
    ordered = grouped[local]
    m = ordered.size
    new_run = np.empty(m, dtype=bool)
    new_run[0] = True
    np.not_equal(ordered[1:], ordered[:-1], out=new_run[1:])
    new_run[starts[:-1][starts[:-1] < m]] = True  # each group (even after an emptied one) starts a run
    start = np.flatnonzero(new_run)
    # rows of the kept values first (a gather in increasing order), then one random gather
    rows = layout.rows(local) if positions is None else layout.rows(positions)[local]
    return ValueRuns(rows, start, np.diff(start, append=m), ordered[start], segment[start], starts)


def _present(grouped: np.ndarray, layout: GroupLayout) -> tuple[np.ndarray | None, np.ndarray, np.ndarray]:
    """(positions kept or None, group starts, group per position) without the NaN.

    Missing values are removed before sorting rather than sorted last: with a NaN
    in the array numpy's SIMD argsort falls back to a scalar sort 3x slower.
    """
    missing = np.isnan(grouped)
    lost = np.flatnonzero(missing)
    if lost.size == 0:
        return None, layout.starts, layout.segment
    per_group = np.bincount(layout.segment[lost], minlength=layout.starts.size - 1)
    starts = layout.starts - np.concatenate(([0], np.cumsum(per_group)))
    kept = np.flatnonzero(~missing)
    return kept, starts, layout.segment[kept]


#: Below this mean group size one global sort (plus a radix sort of the group
#: index) beats a Python loop of one sort per group.
_LOOP_MIN_GROUP = 256


def _sort_within_groups(values: np.ndarray, starts: np.ndarray, segment: np.ndarray) -> np.ndarray:
    """Positions sorting the values within each group (groups start at ``starts``).

    Unstable sorts: the order inside a run of equal values does not change any
    percentile, and numpy's unstable argsort is SIMD-accelerated (about 6x faster
    than the stable one here at 1M values). Few large groups: one argsort per group slice. Many
    small groups: one argsort of everything, then a stable radix sort by group.
    """
    groups = starts.size - 1
    if groups == 1:
        return np.argsort(values)
    if values.size >= _LOOP_MIN_GROUP * groups:
        local = np.empty(values.size, dtype=np.intp)
        for lo, hi in zip(starts[:-1].tolist(), starts[1:].tolist()):
            np.add(np.argsort(values[lo:hi]), lo, out=local[lo:hi])
        return local
    by_value = np.argsort(values)
    return by_value[_stable_argsort_dense(segment[by_value], groups)]


def _stable_argsort_dense(codes: np.ndarray, count: int) -> np.ndarray:
    """Stable order of codes in 0..count-1: radix sorts on 16-bit keys (LSD for more)."""
    if count <= np.iinfo(np.uint16).max + 1:
        return np.argsort(codes.astype(np.uint16), kind="stable")
    low = np.argsort(codes.astype(np.uint16), kind="stable")  # wraps: the low 16 bits
    high = (codes[low] >> 16).astype(np.uint16)
    return low[np.argsort(high, kind="stable")]


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
    import pandas as pd

    ranked = group_percentiles(np.round(composites.to_numpy(dtype="float64"), 9), groups, True)
    return pd.Series(ranked, index=composites.index)


def frame_percentiles(metrics: pd.DataFrame, directions: dict[str, bool],
                      groups: np.ndarray | None = None) -> pd.DataFrame:
    """Within-group percentiles for every metric column of a wide frame.

    ``directions`` maps column -> higher_is_better. The grouping is computed once
    and shared by all columns.

    >>> import pandas as pd
    >>> frame_percentiles(pd.DataFrame({"a": [1.0, 2.0], "b": [1.0, 2.0]}), {"a": True, "b": False}).to_dict("list")
    {'a': [25.0, 75.0], 'b': [75.0, 25.0]}
    """
    import pandas as pd

    layout = group_layout(groups, len(metrics))
    out = np.empty((metrics.shape[1], len(metrics)))
    for row, col in zip(out, metrics.columns):
        layout_percentiles(metrics[col].to_numpy(dtype="float64"), layout, directions[col], out=row)
    return pd.DataFrame(out.T, index=metrics.index, columns=metrics.columns, copy=False)
