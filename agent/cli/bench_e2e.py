"""``peerbench bench --e2e``: the CLI end to end on synthetic books of 10k, 100k, 1M accounts.

Each step runs as its own ``peerbench`` process (cold start included), the way a CSM runs it:
load the portfolio CSV, compare one account (``--json``), the portfolio (``--json``), ask
"who is below benchmark?" and write the portfolio workbook. Two costs come once after a load
and are shown on their own rows: the first command reading the book fills the columnar caches
(tools.store.columnar), and the first portfolio comparison stores its snapshot. The steps are
then timed as a CSM meets them afterwards: the median of ``--repeat`` runs (one at 1M), with
each step's peak resident memory (``wait4``'s high-water mark of the process). Figures, not a
test: machines here are shared and noisy.
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from agent.cli.bench import BENCH_METRICS
from analytics.catalog import BY_KEY

ROOT = Path(__file__).resolve().parents[2]
SEGMENTS = np.array(["Enterprise", "Mid-Market", "SMB"], dtype=object)
INDUSTRIES = np.array(["SaaS", "Fintech", "Healthcare", "Retail", "Manufacturing", "Media", "Education"], dtype=object)
ARR = {"Enterprise": (100_001, 900_000), "Mid-Market": (25_000, 100_000), "SMB": (3_000, 24_999)}
QUESTION = "who is below benchmark?"
STEPS = ("load", "first", "snapshot", "compare", "portfolio", "ask", "workbook")
LABELS = {"load": "`peerbench load` of the portfolio CSV",
          "first": "first command after the load (`compare`, fills the caches)",
          "snapshot": "first `portfolio --json` after the load (stores its snapshot)",
          "compare": "`compare` one account (`--json`)",
          "portfolio": "`portfolio --json`", "ask": f'`ask "{QUESTION}"`',
          "workbook": "`report --kind portfolio --format xlsx`"}


def write_book_csv(path: Path, n: int, seed: int = 21) -> Path:
    """n accounts x the 12 bench metrics in the portfolio CSV contract, written column-wise (fast at 1M)."""
    import pandas as pd

    rng = np.random.default_rng(seed)
    seg = SEGMENTS[rng.integers(0, 3, n)]
    lo = np.select([seg == "Enterprise", seg == "Mid-Market"], [100_001, 25_000], 3_000)
    hi = np.select([seg == "Enterprise", seg == "Mid-Market"], [900_000, 100_000], 24_999)
    frame = {"name": np.char.add("Account ", np.char.zfill(np.arange(n).astype(str), 7)),
             "industry": INDUSTRIES[rng.integers(0, len(INDUSTRIES), n)], "segment": seg,
             "arr": (lo + rng.random(n) * (hi - lo)).astype(np.int64), "region": "EMEA",
             "contract_start": "2024-01-15", "csm": "Jo"}
    for key in BENCH_METRICS:
        m = BY_KEY[key]
        a, b = (1.0, 5.0) if key == "csat" else (m.lo if m.lo is not None else 0.0, min(m.hi or 100.0, 100.0))
        col = np.round(rng.uniform(a, b, n), 3 if b <= 5 else 1)
        col[rng.random(n) < 0.02] = np.nan
        frame[key] = col
    pd.DataFrame(frame).to_csv(path, index=False, float_format="%g")
    return path


def run_cli(db: Path, *args: str) -> Run:
    """One ``peerbench --db db ...`` process, its output read and dropped: (seconds to exit, seconds to
    its first output (what the user sees first), peak RSS MiB, CPU seconds (user + system), exit code)."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PEERBENCH_DB": str(db)}
    env.pop("ANTHROPIC_API_KEY", None)  # the offline planner: no network in a benchmark
    with tempfile.TemporaryFile() as err:
        t0 = time.perf_counter()
        proc = subprocess.Popen([sys.executable, "-m", "agent.cli", "--db", str(db), *args], cwd=db.parent, env=env,
                                stdout=subprocess.PIPE, stderr=err)
        first = proc.stdout.read(1)
        first_s = time.perf_counter() - t0
        while proc.stdout.read(1 << 20):
            pass
        _, status, usage = os.wait4(proc.pid, 0)
        secs = time.perf_counter() - t0
        proc.stdout.close()
        code = os.waitstatus_to_exitcode(status)
        if code:
            err.seek(0)
            print(f"  ! {' '.join(args)[:60]} exited {code}: {err.read().decode(errors='replace')[-400:]}",
                  file=sys.stderr)
    return Run(secs, first_s if first else secs, usage.ru_maxrss / 1024, usage.ru_utime + usage.ru_stime, code)


@dataclass
class Run:
    seconds: float
    first_output: float
    peak_mib: float
    cpu: float
    code: int


@dataclass
class Step:
    seconds: float       # median wall time to exit
    first_output: float  # median wall time to the first output
    peak_mib: float      # largest peak RSS of the runs
    cpu: float           # median CPU seconds


def _median(runs: list[Run]) -> Step:
    return Step(statistics.median(r.seconds for r in runs), statistics.median(r.first_output for r in runs),
                max(r.peak_mib for r in runs), statistics.median(r.cpu for r in runs))


def bench_size(n: int, repeat: int, folder: Path) -> dict[str, Step]:
    """Every step's (median seconds, peak MiB) on a fresh workspace of n accounts."""
    t0 = time.perf_counter()
    book = write_book_csv(folder / f"book_{n}.csv", n)
    template = folder / f"template_{n}.db"
    bench_file = ROOT / "data" / "saas_industry_benchmarks_2026.csv"
    run_cli(template, "load", str(bench_file), "--name", "SaaS Industry 2026")
    print(f"  ({n:,} accounts: synthetic CSV + benchmark set in {time.perf_counter() - t0:.1f} s)", file=sys.stderr)
    db = folder / f"book_{n}.db"
    loads = []
    for _ in range(repeat):
        for suffix in ("", "-wal", "-shm"):
            Path(str(db) + suffix).unlink(missing_ok=True)
        shutil.copy(template, db)
        loads.append(run_cli(db, "load", str(book), "--kind", "portfolio"))
    commands = {"compare": ("compare", "Account " + f"{n // 2:07d}", "--json"),
                "portfolio": ("portfolio", "--json"), "ask": ("ask", QUESTION),
                "workbook": ("report", "--kind", "portfolio", "--format", "xlsx")}
    out = {"load": _median(loads), "first": _median([run_cli(db, *commands["compare"])]),
           "snapshot": _median([run_cli(db, *commands["portfolio"])])}
    for step, args in commands.items():
        out[step] = _median([run_cli(db, *args) for _ in range(repeat)])
    return out


def run_e2e(sizes: list[int], repeat: int) -> dict[int, dict[str, Step]]:
    results: dict[int, dict[str, Step]] = {}
    with tempfile.TemporaryDirectory(prefix="peerbench-e2e-") as tmp:
        for n in sizes:
            results[n] = bench_size(n, repeat if n < 1_000_000 else 1, Path(tmp))
            (Path(tmp) / f"book_{n}.db").unlink(missing_ok=True)  # 1.5 GB at 1M
    print_table(results, repeat)
    return results


def _fmt(n: int) -> str:
    return f"{n // 1_000_000}M" if n >= 1_000_000 and n % 1_000_000 == 0 else f"{n // 1000}k" if n % 1000 == 0 else str(n)


def print_table(results: dict[int, dict[str, Step]], repeat: int) -> None:
    sizes = list(results)
    print(f"\nEnd to end, each step a `peerbench` process (cold start included); median of {repeat} runs "
          f"(1 at 1M); {len(BENCH_METRICS)} metrics, 3 segments, quantile benchmark by segment")
    print("| step | " + " | ".join(f"{_fmt(n)} accounts" for n in sizes) + " |")
    print("| --- | " + " | ".join("---:" for _ in sizes) + " |")
    for step in STEPS:
        print(f"| {LABELS[step]} | " + " | ".join(f"{results[n][step].seconds:.2f} s" for n in sizes) + " |")
    print("| peak memory (largest step) | " + " | ".join(
        f"{max(r.peak_mib for r in results[n].values()):.0f} MB" for n in sizes) + " |")
    print(f"\n`ask` to its first output (the answer is printed whole): " + "; ".join(
        f"{_fmt(n)} {results[n]['ask'].first_output:.2f} s" for n in sizes))
    print("CPU seconds (user + system, median): " + "; ".join(
        f"{_fmt(n)}: " + ", ".join(f"{s} {results[n][s].cpu:.2f}" for s in STEPS) for n in sizes))
    print("Peak resident memory per step (MB): " + "; ".join(
        f"{_fmt(n)}: " + ", ".join(f"{s} {results[n][s].peak_mib:.0f}" for s in STEPS) for n in sizes))
