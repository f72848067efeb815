"""``peerbench bench-batch``: time the chat's "Create benchmark reports per customer" button.

The batch the button runs (one report per account of the portfolio comparison) is run on a
copy of the workspace (the reports land in a temporary folder) with each number of worker
processes asked for, and the time, rate and zip size printed. Figures, not a test: machines
here are shared and noisy.
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import sqlite3
import tempfile
import time
import zipfile
from pathlib import Path

from tools.store.workspace import Workspace


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("bench-batch", help="time the per-customer report batch with 1..N worker processes")
    p.add_argument("--reports", type=int, default=40, help="reports per run (default 40; 0 = every account)")
    p.add_argument("--workers", default="1,2", help="comma-separated worker counts (default 1,2)")
    p.set_defaults(func=cmd_bench_batch)


def batch_calls(ws: Workspace) -> list[dict]:
    """The calls behind the portfolio answer's per-customer report button."""
    from tools.portfolio.compare_portfolio import compare_portfolio, follow_ups
    from tools.portfolio.models import ComparePortfolioInput

    offers = follow_ups(compare_portfolio(ws, ComparePortfolioInput()))
    return next((o.payload["calls"] for o in offers if "calls" in o.payload), [])


def warm_pool(workers: int) -> None:
    """Start the worker processes (and their imports) before the clock starts."""
    from agent.batch import _pool, _warm

    pool = _pool(workers)
    for f in [pool.submit(_warm) for _ in range(workers * 2)]:
        f.result()


def cmd_bench_batch(args, ws: Workspace) -> int:
    from agent.batch import prepare, run_batch
    from agent.session import Session
    from tools.registry import all_tools

    with tempfile.TemporaryDirectory(prefix="peerbench-bench-") as tmp:
        copy = Path(tmp) / "peerbench.db"
        _ = ws.db  # a missing workspace is made (and then found empty) like any other command's
        with sqlite3.connect(ws.path) as src, sqlite3.connect(copy) as dst:
            src.backup(dst)
        bench_ws = Workspace(copy)
        every = batch_calls(bench_ws)
        counts = [int(w) for w in args.workers.split(",") if w.strip()]
        n = args.reports or len(every) // max(1, len(counts))
        print(f"Per-customer benchmark reports (DOCX), {n} accounts per run (other accounts each run: charts "
              "are cached per process); worker processes started before timing")
        print(f"{'workers':>8}  {'seconds':>8}  {'reports/s':>9}  {'zip MB':>7}  {'start s':>7}")
        for i, workers in enumerate(counts):
            raw = (every[i * n:] + every)[:n]
            session = Session()
            calls = prepare(raw, session, all_tools())
            started = time.perf_counter()
            if workers > 1:
                warm_pool(workers)
            start_s = time.perf_counter() - started

            async def progress(result, line):
                return None

            result = asyncio.run(run_batch(calls, db_path=copy, session=session, on_progress=progress,
                                           workers=workers))
            target = Path(tmp) / f"batch-{workers}.zip"
            with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zf:
                for f in result.files:
                    zf.write(f, arcname=f.name)
            print(f"{workers:>8}  {result.seconds:>8.1f}  {len(result.files) / result.seconds:>9.2f}  "
                  f"{target.stat().st_size / 1e6:>7.1f}  {start_s:>7.1f}"
                  + (f"  ({len(result.failed)} failed)" if result.failed else ""))
        bench_ws.close()
        shutil.rmtree(tmp, ignore_errors=True)
    return 0
