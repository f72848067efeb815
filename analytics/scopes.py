"""Benchmark percentiles for many benchmark scopes at once (the portfolio kernel's benchmark half).

Each account has a scope code (its segment, ARR band, industry...) and each scope its own
benchmark quantiles; :class:`BenchmarkScopes` places every account between its scope's
points in one vectorised pass (DESIGN §4: piecewise-linear, bounds outside the known range).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from analytics.percentiles import ABOVE, BELOW, INSIDE, GroupLayout, ValueRuns


class BenchmarkScopes:
    """Benchmark percentiles for accounts under many benchmark scopes at once.

    Each account has a scope code (its segment, ARR band, industry...) and each
    scope its own benchmark quantiles. Instead of one pass over all accounts per
    (metric, scope), the quantile points of every scope are stacked in a small
    table and each account is placed between its scope's points with a few
    vectorised comparisons. The figures are exactly those of
    :func:`benchmark_percentile_codes` (``np.interp``) scope by scope.

    Parameters
    ----------
    codes : int array, shape (n,)
        Benchmark-scope code of every account.

    Examples
    --------
    >>> scopes = BenchmarkScopes(np.array([0, 0, 1, 1, 2]))
    >>> pct, bound = scopes.percentiles(np.array([30.0, 5.0, 30.0, np.nan, 30.0]),
    ...                                 {0: {25: 20.0, 75: 40.0}, 1: {50: 10.0, 90: 20.0}})
    >>> pct.tolist(), bound.tolist()
    ([50.0, 25.0, 90.0, nan, nan], [0, -1, 1, 0, 0])
    """

    def __init__(self, codes: np.ndarray):
        codes = np.asarray(codes).astype(np.int64, copy=False)
        self.size = codes.shape[0]
        if codes.size == 0 or (codes.min() >= 0 and codes.max() <= np.iinfo(np.uint16).max):
            self.known = np.arange(int(codes.max()) + 1 if codes.size else 0)
            self.index = codes  # small codes index the lookup table directly
        else:
            self.known, self.index = np.unique(codes, return_inverse=True)

    def percentiles(self, values: np.ndarray, points_by_code: dict[int, dict[float, float]],
                    higher_is_better: bool = True,
                    out: tuple[np.ndarray, np.ndarray] | None = None) -> tuple[np.ndarray, np.ndarray]:
        """(percentiles, int8 bound codes) of ``values`` against each account's scope.

        ``points_by_code`` maps a scope code to ``{p: quantile value}``. Accounts whose
        scope has fewer than two points (or none) get NaN and INSIDE, as do missing
        values. ``out`` optionally receives the two results (float64 and int8).
        """
        values = np.asarray(values, dtype="float64")
        pct, codes = out if out is not None else (np.empty(self.size), np.empty(self.size, dtype=np.int8))
        table = _KnotTable.build(points_by_code, self.known)
        if table is None:
            pct.fill(np.nan)
            codes.fill(INSIDE)
            return pct, codes
        table.interpolate(values, table.rows(self.index), pct, codes)
        return _oriented(pct, codes, higher_is_better)

    def scope_of_groups(self, layout: GroupLayout) -> np.ndarray | None:
        """The scope of each cohort group, when every row has a group and each group
        lies inside one scope (always so when the scopes are the groups); else None.

        Then benchmark percentiles can be computed per run of equal values
        (:meth:`run_percentiles`) instead of per account.

        >>> from analytics.percentiles import group_layout
        >>> lay = group_layout(np.array([0, 0, 1, 1]), 4)
        >>> BenchmarkScopes(np.array([5, 5, 5, 5])).scope_of_groups(lay).tolist()
        [5, 5]
        >>> BenchmarkScopes(np.array([5, 6, 5, 5])).scope_of_groups(lay) is None
        True
        """
        if layout.size != self.size:
            return None
        scope = layout.gather(self.index)
        first = scope[layout.starts[:-1]]
        return first if np.array_equal(scope, first[layout.segment]) else None

    def run_percentiles(self, runs: ValueRuns, scope_of_groups: np.ndarray,
                        points_by_code: dict[int, dict[float, float]],
                        higher_is_better: bool = True) -> tuple[np.ndarray, np.ndarray] | None:
        """(percentiles, bound codes) per run of ``runs``; None when no scope has a benchmark.

        ``scope_of_groups`` comes from :meth:`scope_of_groups`.
        """
        table = _KnotTable.build(points_by_code, self.known)
        if table is None:
            return None
        pct, codes = np.empty(runs.value.size), np.empty(runs.value.size, dtype=np.int8)
        table.interpolate(runs.value, table.rows(scope_of_groups[runs.group]), pct, codes)
        return _oriented(pct, codes, higher_is_better)


def _oriented(pct: np.ndarray, codes: np.ndarray, higher_is_better: bool) -> tuple[np.ndarray, np.ndarray]:
    """Lower-is-better: report ``100 - interpolated`` and flip the bound (in place)."""
    if not higher_is_better:
        np.subtract(100.0, pct, out=pct)
        np.negative(codes, out=codes)
    return pct, codes


@dataclass(frozen=True)
class _KnotTable:
    """Quantile points of every scope, one column per scope, padded with NaN.

    ``xs``/``ps`` are stored knot-major (``xs[k]`` = k-th value of every scope) so each
    comparison gathers from a small contiguous row. The last column is all NaN: it is
    where accounts whose scope has no usable benchmark point, and they get NaN.
    """

    lookup: np.ndarray      # known-code index -> table row (the NaN row when none)
    xs: np.ndarray          # (knots, rows + 1) quantile values, ascending per scope
    ps: np.ndarray          # (knots, rows + 1) their percentiles
    slopes: np.ndarray      # (knots, rows + 1) np.interp's slope from knot k to k + 1
    last_x: np.ndarray      # (rows + 1,) each scope's highest quantile value

    @classmethod
    def build(cls, points_by_code: dict[int, dict[float, float]], known: np.ndarray) -> "_KnotTable | None":
        """The table for the scopes in ``known`` that have at least two points, or None."""
        scopes = []
        for code, points in points_by_code.items():
            pts = sorted((float(v), float(p)) for p, v in points.items() if v == v)
            pos = np.searchsorted(known, code)
            if len(pts) >= 2 and pos < known.size and known[pos] == code:
                scopes.append((int(pos), pts))
        if not scopes:
            return None
        width = max(len(pts) for _, pts in scopes)
        xs = np.full((width, len(scopes) + 1), np.nan)
        ps = np.full((width, len(scopes) + 1), np.nan)
        last_x = np.full(len(scopes) + 1, np.nan)
        lookup = np.full(known.size, len(scopes), dtype=np.intp)
        for row, (pos, pts) in enumerate(scopes):
            lookup[pos] = row
            xs[:len(pts), row] = [v for v, _ in pts]
            ps[:len(pts), row] = [p for _, p in pts]
            last_x[row] = pts[-1][0]
        with np.errstate(all="ignore"):
            slopes = np.zeros_like(xs)
            slopes[:-1] = (ps[1:] - ps[:-1]) / (xs[1:] - xs[:-1])  # the formula np.interp uses
        return cls(lookup, xs, ps, slopes, last_x)

    def rows(self, index: np.ndarray) -> np.ndarray:
        """Table row of every account."""
        return self.lookup[index]

    def interpolate(self, x: np.ndarray, rows: np.ndarray, pct: np.ndarray, codes: np.ndarray) -> None:
        """``np.interp`` row by row, vectorised; bound codes BELOW/ABOVE outside the points.

        ``j`` = the last knot <= x (as np.interp's search); at a knot, or at/after the
        last one, the result is that knot's p, before the first one the first p. ``j``
        is counted with one comparison per knot (5 for P10..P90): at 1M values 5 ms,
        against 17 ms for a searchsorted on stacked knots.
        """
        width, stride = self.xs.shape
        count = np.zeros(x.shape, dtype=np.uint8 if width < 255 else np.intp)
        for k in range(width):
            count += np.greater_equal(x, self.xs[k].take(rows))
        j = np.maximum(count.astype(np.intp) - 1, 0)
        at = j * stride + rows
        xj, pj = self.xs.take(at), self.ps.take(at)
        with np.errstate(all="ignore"):
            np.multiply(self.slopes.take(at), x - xj, out=pct)
            pct += pj
        first_x, last_x = self.xs[0].take(rows), self.last_x.take(rows)
        on_knot = (x == xj) | (x >= last_x)
        np.copyto(pct, pj, where=on_knot)
        below, above = x < first_x, x > last_x
        np.copyto(pct, self.ps[0].take(rows), where=below)
        self._nan_fallback(x, rows, j, pct, ~(on_knot | below) & (rows < stride - 1))
        codes.fill(INSIDE)
        codes[below] = BELOW
        codes[above] = ABOVE

    def _nan_fallback(self, x, rows, j, pct, inside) -> None:
        """np.interp's rescue of a NaN interpolation (infinite slopes or values): retry
        from the next knot, else take the knot's p when both ends have the same p."""
        redo = np.flatnonzero(np.isnan(pct) & inside & ~np.isnan(x))
        if redo.size == 0:
            return
        stride = self.xs.shape[1]
        r, jj, xr = rows[redo], j[redo], x[redo]
        here, nxt = jj * stride + r, (jj + 1) * stride + r
        with np.errstate(all="ignore"):
            again = self.slopes.take(here) * (xr - self.xs.take(nxt)) + self.ps.take(nxt)
        same = np.isnan(again) & (self.ps.take(here) == self.ps.take(nxt))
        again[same] = self.ps.take(here)[same]
        pct[redo] = again


