"""The whole portfolio ranked at once: cohort and benchmark percentiles per account.

One sort per metric for the cohort percentiles (all cohorts together, by group
code) and one interpolation per (metric, segment) for the benchmark ones.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from analytics import percentiles as pc


@dataclass
class PortfolioRanking:
    cohort_pct: pd.DataFrame      # accounts x metrics, percentile within the account's group
    bench_pct: pd.DataFrame       # accounts x metrics, percentile against the benchmark (NaN when none)
    bench_bound: pd.DataFrame     # int8 codes: percentiles.BELOW (-1), INSIDE (0), ABOVE (1)
    composite: pd.Series          # mean cohort percentile per account
    overall: pd.Series            # percentile of the composite within the group
    bench_composite: pd.Series    # mean benchmark percentile per account


def rank_portfolio(values: pd.DataFrame, groups: np.ndarray, directions: dict[str, bool],
                   bench_points: dict[str, dict[int, dict[float, float]]] | None = None) -> PortfolioRanking:
    """Rank every account on every metric within its group and against benchmarks.

    Parameters
    ----------
    values : DataFrame, accounts x metric keys (catalog units, NaN = missing)
    groups : int array, one group code per account (e.g. the segment's code)
    directions : metric -> higher_is_better
    bench_points : metric -> group code -> {p: quantile value}; optional

    Examples
    --------
    >>> v = pd.DataFrame({"nps": [10.0, 20.0, 30.0, 40.0]})
    >>> r = rank_portfolio(v, np.array([0, 0, 1, 1]), {"nps": True}, {"nps": {0: {25: 0.0, 75: 20.0}}})
    >>> r.cohort_pct["nps"].tolist(), r.bench_pct["nps"].tolist()[:2]
    ([25.0, 75.0, 25.0, 75.0], [50.0, 75.0])
    """
    groups = np.asarray(groups, dtype=np.int64)
    cohort = pc.frame_percentiles(values, directions, groups)
    bench_cols, bound_cols = {}, {}
    for metric in values.columns:
        by_group = (bench_points or {}).get(metric, {})
        col = values[metric].to_numpy(dtype="float64")
        pct, bnd = np.full(col.shape, np.nan), np.zeros(col.shape, dtype=np.int8)
        for code, points in by_group.items():
            rows = np.flatnonzero(groups == code)
            pct[rows], bnd[rows] = pc.benchmark_percentile_codes(col[rows], points, directions[metric])
        bench_cols[metric], bound_cols[metric] = pct, bnd
    cols = list(values.columns)
    bench = pd.DataFrame(np.column_stack([bench_cols[c] for c in cols]), index=values.index, columns=cols)
    bound = pd.DataFrame(np.column_stack([bound_cols[c] for c in cols]), index=values.index, columns=cols)
    composite = pc.composite_scores(cohort)
    return PortfolioRanking(cohort, bench, bound, composite, pc.overall_percentiles(composite, groups),
                            bench.mean(axis=1, skipna=True))
