"""`peerbench bench`, second half: import a 10k-account portfolio and a 500-row benchmark file,
then compare the portfolio, in a throwaway workspace. Prints seconds per step (not a test).
"""

from __future__ import annotations

import csv
import tempfile
import time
from pathlib import Path

import numpy as np

from analytics.catalog import BY_KEY, KEYS, SEGMENTS
from tools.store.workspace import Workspace

SEGMENT_ARR = {"Enterprise": (100_001, 900_000), "Mid-Market": (25_000, 100_000), "SMB": (3_000, 24_999)}


def _metric_column(rng: np.random.Generator, key: str, n: int) -> np.ndarray:
    m = BY_KEY[key]
    lo = m.lo if m.lo is not None else 0.0
    hi = min(m.hi if m.hi is not None else 100.0, 100.0 if m.unit != "ratio" else 1.0)
    if key == "csat":
        lo, hi = 1.0, 5.0
    col = np.round(rng.uniform(lo, hi, n), 3 if hi <= 5 else 1)
    col[rng.random(n) < 0.02] = np.nan
    return col


def write_portfolio_csv(path: Path, n: int, seed: int = 11) -> Path:
    """n accounts: the portfolio CSV contract (name, industry, segment, arr, ... + every metric)."""
    rng = np.random.default_rng(seed)
    segments = rng.choice(SEGMENTS, n)
    metrics = {k: _metric_column(rng, k, n) for k in KEYS}
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["name", "industry", "segment", "arr", "region", "contract_start", "csm", *KEYS])
        for i in range(n):
            lo, hi = SEGMENT_ARR[segments[i]]
            w.writerow([f"Account {i:05d}", "SaaS", segments[i], int(rng.integers(lo, hi)), "EMEA", "2024-01-15",
                        "Jo", *("" if metrics[k][i] != metrics[k][i] else f"{metrics[k][i]:g}" for k in KEYS)])
    return path


def write_peer_benchmark_csv(path: Path, n: int = 500, seed: int = 12) -> Path:
    """n raw peer rows (one per peer company, with a segment): quantiles come from them."""
    rng = np.random.default_rng(seed)
    segments = rng.choice(SEGMENTS, n)
    metrics = {k: _metric_column(rng, k, n) for k in KEYS}
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["peer_id", "segment", *KEYS])
        for i in range(n):
            w.writerow([f"P{i:04d}", segments[i],
                        *("" if metrics[k][i] != metrics[k][i] else f"{metrics[k][i]:g}" for k in KEYS)])
    return path


def run_import_bench(n_accounts: int = 10_000, n_peers: int = 500) -> dict[str, float]:
    """Time: portfolio import, benchmark load, compare_portfolio (first and second run)."""
    from tools.ingest.load_benchmarks import load_benchmarks_file
    from tools.ingest.portfolio import import_portfolio
    from tools.portfolio.compare_portfolio import ComparePortfolioInput, compare_portfolio

    figures: dict[str, float] = {}
    with tempfile.TemporaryDirectory(prefix="peerbench-bench-") as tmp:
        folder = Path(tmp)
        t0 = time.perf_counter()
        portfolio = write_portfolio_csv(folder / "portfolio_10k.csv", n_accounts)
        bench = write_peer_benchmark_csv(folder / "peer_benchmarks_500.csv", n_peers)
        figures["write synthetic files"] = time.perf_counter() - t0
        ws = Workspace(folder / "bench.db")
        try:
            ws.db  # migrations are not part of any step
            steps = (
                (f"import portfolio CSV ({n_accounts:,} rows)", lambda: import_portfolio(ws, portfolio)),
                (f"load benchmark file ({n_peers} peer rows)", lambda: load_benchmarks_file(ws, bench, name="Peers 500")),
                ("compare_portfolio (incl. DB reads + snapshot)", lambda: compare_portfolio(ws, ComparePortfolioInput())),
                ("compare_portfolio again", lambda: compare_portfolio(ws, ComparePortfolioInput())),
            )
            for label, step in steps:
                t0 = time.perf_counter()
                result = step()
                figures[label] = time.perf_counter() - t0
            figures["total: import + load + first compare"] = sum(
                v for k, v in figures.items() if k.startswith(("import", "load", "compare_portfolio (")))
        finally:
            ws.close()
    print(f"\nImport + portfolio comparison ({n_accounts:,} accounts x {len(KEYS)} metrics, "
          f"{n_peers}-row raw peer benchmark)")
    for label, secs in figures.items():
        print(f"  {label:<52} {secs:>7.3f} s")
    print(f"  ({result.accounts:,} accounts compared; {sum(t.count for t in result.top_performers):,} top-performer "
          f"and {sum(b.count for b in result.below_benchmark):,} below-benchmark entries)")
    return figures


if __name__ == "__main__":  # pragma: no cover
    run_import_bench()
