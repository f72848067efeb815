"""The whole portfolio ranked at once: cohort and benchmark percentiles per account.

The rows are grouped once per call (:func:`percentiles.group_layout`) and the
grouping is shared by all metrics and by the overall percentile; each metric then
costs one unstable sort within groups and a scan of its runs of equal values. The
benchmark percentiles of all scopes are computed together
(:class:`analytics.scopes.BenchmarkScopes`), not one pass per (metric, scope). Results
are written into (metrics x accounts) arrays that become the DataFrames without a
copy.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from analytics import percentiles as pc
from analytics.scopes import BenchmarkScopes


@dataclass
class PortfolioRanking:
    cohort_pct: pd.DataFrame      # accounts x metrics, percentile within the account's group
    bench_pct: pd.DataFrame       # accounts x metrics, percentile against the benchmark (NaN when none)
    bench_bound: pd.DataFrame     # int8 codes: percentiles.BELOW (-1), INSIDE (0), ABOVE (1)
    composite: pd.Series          # mean cohort percentile per account
    overall: pd.Series            # percentile of the composite within the group
    bench_composite: pd.Series    # mean benchmark percentile per account


def rank_portfolio(values: pd.DataFrame, groups: np.ndarray, directions: dict[str, bool],
                   bench_points: dict[str, dict[int, dict[float, float]]] | None = None,
                   bench_groups: np.ndarray | None = None) -> PortfolioRanking:
    """Rank every account on every metric within its group and against benchmarks.

    Parameters
    ----------
    values : DataFrame, accounts x metric keys (catalog units, NaN = missing)
    groups : int array, one group (cohort) code per account; negative = no group
    directions : metric -> higher_is_better
    bench_points : metric -> benchmark-scope code -> {p: quantile value}; optional
    bench_groups : int array, one benchmark-scope code per account; optional
        The codes ``bench_points`` is keyed by (e.g. the segment while the cohort is
        segment x industry). Defaults to ``groups``.

    Examples
    --------
    >>> v = pd.DataFrame({"nps": [10.0, 20.0, 30.0, 40.0]})
    >>> r = rank_portfolio(v, np.array([0, 0, 1, 1]), {"nps": True}, {"nps": {0: {25: 0.0, 75: 20.0}}})
    >>> r.cohort_pct["nps"].tolist(), r.bench_pct["nps"].tolist()[:2]
    ([25.0, 75.0, 25.0, 75.0], [50.0, 75.0])

    Benchmarks by another scope than the cohort: two cohorts, one benchmark scope.

    >>> r = rank_portfolio(v, np.array([0, 0, 1, 1]), {"nps": True}, {"nps": {7: {25: 0.0, 75: 40.0}}},
    ...                    bench_groups=np.array([7, 7, 7, 7]))
    >>> r.bench_pct["nps"].tolist()
    [37.5, 50.0, 62.5, 75.0]
    """
    n, metrics = len(values), list(values.columns)
    groups = np.asarray(groups, dtype=np.int64)
    layout = pc.group_layout(groups, n)
    scopes = BenchmarkScopes(groups if bench_groups is None else np.asarray(bench_groups, dtype=np.int64))
    if scopes.size != n:
        raise ValueError(f"bench_groups must have one code per account ({n}), got {scopes.size}")
    scope_of_groups = scopes.scope_of_groups(layout)
    cohort = np.full((len(metrics), n), np.nan)
    bench = np.full((len(metrics), n), np.nan)
    bound = np.zeros((len(metrics), n), dtype=np.int8)
    for i, metric in enumerate(metrics):
        column = values[metric].to_numpy(dtype="float64")
        points, higher = (bench_points or {}).get(metric, {}), directions[metric]
        runs = pc.value_runs(column, layout)
        runs.spread(runs.percentiles(higher), cohort[i])
        if scope_of_groups is None:
            scopes.percentiles(column, points, higher, out=(bench[i], bound[i]))
        elif (per_run := scopes.run_percentiles(runs, scope_of_groups, points, higher)) is not None:
            runs.spread(per_run[0], bench[i])
            runs.spread(per_run[1], bound[i])
    composite = metric_means(cohort)
    overall = pc.layout_percentiles(np.round(composite, 9), layout, True)
    return PortfolioRanking(_frame(cohort, values), _frame(bench, values), _frame(bound, values),
                            pd.Series(composite, index=values.index),
                            pd.Series(overall, index=values.index),
                            pd.Series(metric_means(bench), index=values.index))


def metric_means(rows: np.ndarray) -> np.ndarray:
    """Mean over metrics (rows) of each account (column), ignoring NaN; NaN when none.

    Summed metric by metric, in column order, as ``DataFrame.mean(axis=1)`` does:
    the composites are bit-identical to :func:`percentiles.composite_scores`
    (the overall percentile ranks them, so the last bit matters at ties).

    >>> metric_means(np.array([[10.0, np.nan, np.nan], [20.0, 5.0, np.nan]])).tolist()
    [15.0, 5.0, nan]
    """
    total = np.zeros(rows.shape[1])
    count = np.zeros(rows.shape[1])
    for row in rows:
        present = ~np.isnan(row)
        np.add(total, row, out=total, where=present)
        count += present
    with np.errstate(divide="ignore", invalid="ignore"):
        total /= count
    return total


def _frame(rows: np.ndarray, like: pd.DataFrame) -> pd.DataFrame:
    """accounts x metrics view of a (metrics x accounts) array, without a copy.

    Reuses ``like``'s index and column Index: rebuilding the column labels from a list
    costs more than the rest of the frame at 10k accounts.
    """
    return pd.DataFrame(rows.T, index=like.index, columns=like.columns, copy=False)
