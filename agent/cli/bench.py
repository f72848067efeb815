"""`peerbench bench`: time the full portfolio comparison on synthetic portfolios.

Prints figures; it is not a test (machines here are shared and noisy).
"""

from __future__ import annotations

import statistics
import time
import tracemalloc

import numpy as np
import pandas as pd

from agent.cli.bench_import import run_import_bench
from analytics.catalog import BY_KEY
from analytics.portfolio import rank_portfolio

BENCH_METRICS = ("health_score", "nps", "csat", "adoption_score", "engagement_score", "dau_mau",
                 "feature_adoption", "user_activation", "time_to_value_days", "renewal_rate",
                 "net_revenue_retention", "support_tickets_per_user")


def synthetic_portfolio(n: int, seed: int = 7) -> tuple[pd.DataFrame, np.ndarray]:
    """n accounts x 12 metrics with 3 segments, 2% missing, ties from rounding."""
    rng = np.random.default_rng(seed)
    data = {}
    for key in BENCH_METRICS:
        m = BY_KEY[key]
        lo, hi = m.lo, min(m.hi, 100.0)
        col = np.round(rng.uniform(lo, hi, n), 1 if hi > 1 else 3)
        col[rng.random(n) < 0.02] = np.nan
        data[key] = col
    return pd.DataFrame(data), rng.integers(0, 3, n)


def synthetic_benchmarks(values: pd.DataFrame) -> dict:
    """Quantile points per metric and segment code, taken from the data itself."""
    out = {}
    for key in values.columns:
        qs = np.nanpercentile(values[key].to_numpy(), [10, 25, 50, 75, 90])
        out[key] = {code: dict(zip((10.0, 25.0, 50.0, 75.0, 90.0), qs)) for code in range(3)}
    return out


def time_portfolio(n: int, repeat: int) -> tuple[float, float]:
    """(median seconds, peak MiB) of rank_portfolio on n synthetic accounts."""
    values, groups = synthetic_portfolio(n)
    points = synthetic_benchmarks(values)
    directions = {k: BY_KEY[k].higher_is_better for k in values.columns}
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        rank_portfolio(values, groups, directions, points)
        times.append(time.perf_counter() - t0)
    tracemalloc.start()
    rank_portfolio(values, groups, directions, points)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return statistics.median(times), peak / 2**20


def run_bench(sizes: list[int], repeat: int, ws=None) -> list[dict]:
    rows = []
    print("Portfolio comparison (cohort + benchmark percentiles, 12 metrics, 3 segments)")
    print(f"{'accounts':>10}  {'median s':>9}  {'peak MiB':>9}")
    for n in sizes:
        secs, mib = time_portfolio(n, repeat if n < 1_000_000 else max(1, repeat // 2))
        rows.append({"accounts": n, "median_s": secs, "peak_mib": mib})
        print(f"{n:>10,}  {secs:>9.4f}  {mib:>9.1f}")
    run_import_bench()
    return rows
