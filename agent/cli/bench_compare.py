"""`peerbench bench --compare`: the portfolio kernel side by side with reference kernels.

The same job is done by peerbench's kernel (:func:`analytics.portfolio.rank_portfolio`)
and by straightforward implementations in numpy, pandas, DuckDB SQL and polars, in one
process, on one synthetic portfolio per size:

- accounts in 3 segments x 7 industries (21 peer groups), 12 catalog metrics (two of
  them lower-is-better), about 2% missing per metric, ties from rounding;
- cohort percentile: ``percentileofscore(kind="mean")`` within the peer group over the
  non-missing values, ``100 - that`` for lower-is-better metrics;
- benchmark percentile: piecewise-linear through the segment's P10..P90, the nearest
  point with a bound code (-1 below, +1 above) outside them, mirrored for
  lower-is-better metrics;
- composite (mean of the cohort percentiles present), overall percentile (the
  composite rounded to 9 decimals, ranked within the peer group the same way) and the
  benchmark composite.

Every reference must give peerbench's figures (checked before timing; a mismatch
stops the run). Each implementation starts from the same input (a DataFrame of
metric values and the code arrays) and ends with numpy arrays, so conversions are
timed too. Runs are interleaved (every round times each implementation once, in a
rotating order) so that load from other processes hits all of them alike; the table
shows medians. DuckDB and polars are optional (``pip install -e ".[bench]"``) and
imported only here.

Prints figures; it is not a test (machines here are shared and noisy).
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
import os
import statistics
import time
import tracemalloc
from dataclasses import dataclass
from typing import Callable

import numpy as np
import pandas as pd

from agent.cli.bench import BENCH_METRICS
from analytics.catalog import BY_KEY
from analytics.portfolio import rank_portfolio

SEGMENTS, INDUSTRIES = 3, 7
LEVELS = (10.0, 25.0, 50.0, 75.0, 90.0)
#: metric -> (mean, spread, decimals): plausible values, rounded as they are reported
SHAPES = {"health_score": (70, 15, 0), "nps": (30, 30, 0), "csat": (4.1, 0.5, 1),
          "adoption_score": (60, 18, 0), "engagement_score": (55, 18, 0), "dau_mau": (0.35, 0.12, 2),
          "feature_adoption": (50, 20, 0), "user_activation": (65, 15, 0), "time_to_value_days": (45, 20, 0),
          "renewal_rate": (88, 8, 1), "net_revenue_retention": (105, 15, 0),
          "support_tickets_per_user": (0.8, 0.4, 2)}


@dataclass
class Workload:
    """One synthetic portfolio and its segment benchmarks."""

    values: pd.DataFrame                       # accounts x metrics, NaN = missing
    segment: np.ndarray                        # 0..SEGMENTS-1 per account (benchmark scope)
    group: np.ndarray                          # segment x industry peer group, 0..20
    higher: dict[str, bool]                    # metric -> higher_is_better
    points: dict[str, dict[int, dict[float, float]]]  # metric -> segment -> {p: value}

    @property
    def metrics(self) -> list[str]:
        return list(self.values.columns)

    def knots(self, metric: str, segment: int) -> tuple[np.ndarray, np.ndarray]:
        """(values, percentiles) of a segment's benchmark, sorted as np.interp needs them."""
        pts = sorted((v, p) for p, v in self.points[metric][segment].items())
        return np.array([v for v, _ in pts]), np.array([p for _, p in pts])


def make_workload(n: int, seed: int = 19) -> Workload:
    """n accounts x 12 metrics; segment and industry shift the values; benchmarks per segment.

    The benchmark quantiles come from a separate "survey" sample per segment, rounded
    like the metric (so a segment can repeat a value between two quantiles).
    """
    rng = np.random.default_rng(seed)
    segment = rng.integers(0, SEGMENTS, n)
    industry = rng.integers(0, INDUSTRIES, n)
    data, points = {}, {}
    for key in BENCH_METRICS:
        mean, spread, decimals = SHAPES[key]
        meta = BY_KEY[key]

        def draw(seg, ind, size):
            shift = 0.25 * (seg - 1) + 0.1 * (ind - 3)
            return np.clip(np.round(rng.normal(mean + shift * spread, spread, size), decimals), meta.lo, meta.hi)

        col = draw(segment, industry, n)
        col[rng.random(n) < 0.02] = np.nan
        data[key] = col
        points[key] = {s: dict(zip(LEVELS, np.round(np.percentile(draw(s, 3, 2000), LEVELS), decimals).tolist()))
                       for s in range(SEGMENTS)}
    return Workload(pd.DataFrame(data), segment, segment * INDUSTRIES + industry,
                    {k: BY_KEY[k].higher_is_better for k in BENCH_METRICS}, points)


@dataclass
class Figures:
    """Every implementation's answer, as numpy arrays in account order."""

    cohort: np.ndarray          # accounts x metrics
    bench: np.ndarray           # accounts x metrics
    bound: np.ndarray           # accounts x metrics, int8 -1/0/+1
    composite: np.ndarray
    overall: np.ndarray
    bench_composite: np.ndarray

    FIELDS = ("cohort", "bench", "bound", "composite", "overall", "bench_composite")

    def differences(self, other: "Figures") -> dict[str, float]:
        """Field -> largest absolute difference (inf when missing values differ); 0 = identical."""
        out = {}
        for name in self.FIELDS:
            a = np.asarray(getattr(self, name), dtype="float64")
            b = np.asarray(getattr(other, name), dtype="float64")
            if a.shape != b.shape or not np.array_equal(np.isnan(a), np.isnan(b)):
                out[name] = float("inf")
                continue
            both = ~np.isnan(a)
            out[name] = float(np.max(np.abs(a[both] - b[both]), initial=0.0))
        return out


def sequential_mean(columns: list[np.ndarray]) -> np.ndarray:
    """Mean of the non-missing values, summed column by column in order (the composite)."""
    total, count = np.zeros(columns[0].shape), np.zeros(columns[0].shape)
    for col in columns:
        present = ~np.isnan(col)
        total += np.where(present, col, 0.0)
        count += present
    with np.errstate(invalid="ignore", divide="ignore"):
        return total / count


# --- peerbench ----------------------------------------------------------------------------------

def run_peerbench(w: Workload) -> Figures:
    """analytics.portfolio.rank_portfolio: peer groups as cohorts, benchmarks keyed by segment."""
    r = rank_portfolio(w.values, w.group, w.higher, w.points, bench_groups=w.segment)
    return Figures(r.cohort_pct.to_numpy(), r.bench_pct.to_numpy(), r.bench_bound.to_numpy(),
                   r.composite.to_numpy(), r.overall.to_numpy(), r.bench_composite.to_numpy())


# --- numpy: sort each peer group, scan its runs of equal values ---------------------------------

def _numpy_rank(values: np.ndarray, members: list[np.ndarray]) -> np.ndarray:
    """percentileofscore(kind="mean") per peer group: argsort the group's non-missing values,
    find the runs of equal values; a run starting at s of length l has count(<) = s and
    count(<=) = s + l. (Bisecting with searchsorted instead is about 9x slower at 1M.)"""
    out = np.full(values.shape, np.nan)
    for rows in members:
        v = values[rows]
        present = ~np.isnan(v)
        rows, v = rows[present], v[present]
        if v.size == 0:
            continue
        order = np.argsort(v)
        s = v[order]
        new = np.empty(s.size, dtype=bool)
        new[0] = True
        np.not_equal(s[1:], s[:-1], out=new[1:])
        start = np.flatnonzero(new)
        length = np.diff(start, append=s.size)
        out[rows[order]] = np.repeat((start + start + length) * 50.0 / s.size, length)
    return out


def run_numpy(w: Workload) -> Figures:
    """numpy per peer group (a Python loop over the 21 groups) and np.interp per segment."""
    members = [np.flatnonzero(w.group == g) for g in range(SEGMENTS * INDUSTRIES)]
    segments = [np.flatnonzero(w.segment == s) for s in range(SEGMENTS)]
    cohort, bench, bound = [], [], []
    for metric in w.metrics:
        col = w.values[metric].to_numpy(dtype="float64")
        pct = _numpy_rank(col, members)
        b_pct, b_code = np.full(col.shape, np.nan), np.zeros(col.shape, dtype=np.int8)
        for s, rows in enumerate(segments):
            xs, ps = w.knots(metric, s)
            x = col[rows]
            b_pct[rows] = np.where(np.isnan(x), np.nan, np.interp(x, xs, ps))
            b_code[rows] = (x > xs[-1]).astype(np.int8) - (x < xs[0])
        if not w.higher[metric]:
            pct, b_pct, b_code = 100.0 - pct, 100.0 - b_pct, -b_code
        cohort.append(pct)
        bench.append(b_pct)
        bound.append(b_code)
    composite = sequential_mean(cohort)
    overall = _numpy_rank(np.round(composite, 9), members)
    return Figures(np.column_stack(cohort), np.column_stack(bench), np.column_stack(bound),
                   composite, overall, sequential_mean(bench))


# --- pandas: groupby().rank(method="average") ----------------------------------------------------

def run_pandas(w: Workload) -> Figures:
    """pandas groupby rank and count for the cohort percentiles; np.interp in a groupby transform.

    With r the average rank among the n non-missing values of the group,
    ``count(<) + count(<=) = 2r - 1``.
    """
    by_group = w.values.groupby(w.group)
    ranks, counts = by_group.rank(method="average"), by_group.transform("count")
    cohort = (ranks * 2.0 - 1.0) * 50.0 / counts
    lower = [m for m in w.metrics if not w.higher[m]]
    cohort[lower] = 100.0 - cohort[lower]
    seg = pd.Series(w.segment, index=w.values.index)
    bench, bound = {}, {}
    for metric in w.metrics:
        knots = {s: w.knots(metric, s) for s in range(SEGMENTS)}
        x = w.values[metric]
        pct = x.groupby(seg).transform(lambda part: np.interp(part, *knots[part.name])).where(x.notna())
        lo, hi = seg.map({s: k[0][0] for s, k in knots.items()}), seg.map({s: k[0][-1] for s, k in knots.items()})
        code = (x > hi).astype(np.int8) - (x < lo).astype(np.int8)
        bench[metric], bound[metric] = (pct, code) if w.higher[metric] else (100.0 - pct, -code)
    bench, bound = pd.DataFrame(bench), pd.DataFrame(bound)
    composite = _frame_mean(cohort)
    key = composite.round(9)
    overall = (key.groupby(w.group).rank(method="average") * 2.0 - 1.0) * 50.0 / key.groupby(w.group).transform("count")
    return Figures(cohort.to_numpy(), bench.to_numpy(), bound.to_numpy(dtype=np.int8),
                   composite.to_numpy(), overall.to_numpy(), _frame_mean(bench).to_numpy())


def _frame_mean(frame: pd.DataFrame) -> pd.Series:
    """Row mean of the non-missing values, summed column by column.

    Not ``frame.mean(axis=1)``: pandas sums a row in an order that depends on the
    frame's memory layout (pairwise for some layouts), which moves the last bit.
    """
    total = sum((frame[c].fillna(0.0) for c in frame.columns), start=pd.Series(0.0, index=frame.index))
    return total / frame.notna().sum(axis=1).replace(0, np.nan)


# --- SQL and polars share the piecewise-linear expression -----------------------------------------

def _interp_cases(col: str, x: Callable[[int], str], p: Callable[[int], str], k: int) -> str:
    """SQL CASE for np.interp through k knots: from the highest knot <= value down."""
    parts = [f"WHEN {col} IS NULL THEN NULL", f"WHEN {col} < {x(0)} THEN {p(0)}",
             f"WHEN {col} >= {x(k - 1)} THEN {p(k - 1)}"]
    for j in range(k - 2, -1, -1):
        slope = f"(({p(j + 1)} - {p(j)}) / ({x(j + 1)} - {x(j)}))"
        parts.append(f"WHEN {col} >= {x(j)} THEN {slope} * ({col} - {x(j)}) + {p(j)}")
    return "CASE " + " ".join(parts) + " END"


def _sql_mean(cols: list[str]) -> str:
    """Mean of the non-NULL columns, summed left to right (as the composite is defined)."""
    total = " + ".join(f"coalesce({c}, 0.0::DOUBLE)" for c in cols)
    count = " + ".join(f"CAST({c} IS NOT NULL AS DOUBLE)" for c in cols)
    return f"(({total}) / nullif({count}, 0.0::DOUBLE))"


def _knot_frame(w: Workload) -> tuple[pd.DataFrame, int]:
    """One row per segment: x{j}_{metric} and p{j}_{metric} for its sorted knots."""
    rows, width = [], None
    for s in range(SEGMENTS):
        row = {"seg": s}
        for metric in w.metrics:
            xs, ps = w.knots(metric, s)
            width = width or xs.size
            if xs.size != width:
                raise ValueError("the SQL and polars references need the same quantiles in every segment")
            row.update({f"x{j}_{metric}": xs[j] for j in range(width)})
            row.update({f"p{j}_{metric}": ps[j] for j in range(width)})
        rows.append(row)
    return pd.DataFrame(rows), width


def _sql_rank(col: str) -> str:
    """percentileofscore(kind="mean") within the peer group: rank() - 1 = count(<), the RANGE
    frame's count = count(<=); NULL (missing) values sort last and are not counted."""
    return (f"CASE WHEN {col} IS NULL THEN NULL ELSE CAST(rank() OVER (PARTITION BY grp ORDER BY {col}) - 1 "
            f"+ count({col}) OVER (PARTITION BY grp ORDER BY {col} RANGE BETWEEN UNBOUNDED PRECEDING AND "
            f"CURRENT ROW) AS DOUBLE) * 50.0::DOUBLE / CAST(count({col}) OVER (PARTITION BY grp) AS DOUBLE) END")


def run_duckdb(w: Workload) -> Figures:
    """DuckDB window functions per peer group, then a join to the segment's knots for the CASE
    interpolation (joining after the windows keeps the rows the windows sort narrow)."""
    import duckdb

    knots, width = _knot_frame(w)
    accounts = w.values.assign(rid=np.arange(len(w.values)), grp=w.group, seg=w.segment)
    flip = lambda m, expr: expr if w.higher[m] else f"100.0::DOUBLE - ({expr})"
    ranks, benches = [], []
    for m in w.metrics:
        q = f'"{m}"'
        ranks.append(f'{flip(m, _sql_rank(q))} AS "c_{m}"')
        bench = _interp_cases(f"r.{q}", lambda j: f'k."x{j}_{m}"', lambda j: f'k."p{j}_{m}"', width)
        code = f'(CASE WHEN r.{q} > k."x{width - 1}_{m}" THEN 1 WHEN r.{q} < k."x0_{m}" THEN -1 ELSE 0 END)'
        benches += [f'{flip(m, bench)} AS "b_{m}"',
                    f'CAST({code if w.higher[m] else "-" + code} AS TINYINT) AS "o_{m}"']
    cs, bs = [f'"c_{m}"' for m in w.metrics], [f'"b_{m}"' for m in w.metrics]
    sql = f"""
        WITH ranked AS (SELECT *, {", ".join(ranks)} FROM accounts),
        benched AS (SELECT r.rid, r.grp, {", ".join(f"r.{c}" for c in cs)}, {", ".join(benches)}
                    FROM ranked r JOIN knots k ON r.seg = k.seg),
        comp AS (SELECT *, {_sql_mean(cs)} AS composite, {_sql_mean(bs)} AS bench_composite FROM benched),
        keyed AS (SELECT *, round_even(composite * 1e9, 0) / 1e9 AS okey FROM comp)
        SELECT *, {_sql_rank("okey")} AS overall FROM keyed ORDER BY rid"""
    con = duckdb.connect()
    try:
        con.register("accounts", accounts)
        con.register("knots", knots)
        out = {k: np.ma.filled(v, np.nan if v.dtype.kind == "f" else 0)
               for k, v in con.execute(sql).fetchnumpy().items()}
    finally:
        con.close()
    stack = lambda prefix: np.column_stack([out[f"{prefix}_{m}"] for m in w.metrics])
    return Figures(stack("c"), stack("b"), stack("o").astype(np.int8), out["composite"], out["overall"],
                   out["bench_composite"])


def run_polars(w: Workload) -> Figures:
    """polars: rank("average").over(group), when/then interpolation after a join on segment."""
    import polars as pl

    knots, width = _knot_frame(w)
    frame = pl.from_pandas(w.values, nan_to_null=True).with_columns(
        grp=pl.Series(w.group), seg=pl.Series(w.segment))
    frame = frame.join(pl.from_pandas(knots), on="seg", how="left", maintain_order="left")
    cohort, bench, bound = [], [], []
    for m in w.metrics:
        v = pl.col(m)
        pct = (v.rank("average").over("grp") * 2.0 - 1.0) * 50.0 / v.count().over("grp").cast(pl.Float64)
        xk, pk = (lambda j: pl.col(f"x{j}_{m}")), (lambda j: pl.col(f"p{j}_{m}"))
        b = pl.when(v < xk(0)).then(pk(0)).when(v >= xk(width - 1)).then(pk(width - 1))
        for j in range(width - 2, -1, -1):
            b = b.when(v >= xk(j)).then((pk(j + 1) - pk(j)) / (xk(j + 1) - xk(j)) * (v - xk(j)) + pk(j))
        b = b.otherwise(None)
        code = (v > xk(width - 1)).cast(pl.Int8) - (v < xk(0)).cast(pl.Int8)
        if not w.higher[m]:
            pct, b, code = 100.0 - pct, 100.0 - b, -code
        cohort.append(pct.alias(f"c_{m}"))
        bench.append(b.alias(f"b_{m}"))
        bound.append(code.fill_null(0).cast(pl.Int8).alias(f"o_{m}"))

    def mean(names):
        total = pl.col(names[0]).fill_null(0.0)
        for name in names[1:]:
            total = total + pl.col(name).fill_null(0.0)
        count = pl.sum_horizontal([pl.col(name).is_not_null().cast(pl.Float64) for name in names])
        return pl.when(count > 0).then(total / count)

    cs, bs = [f"c_{m}" for m in w.metrics], [f"b_{m}" for m in w.metrics]
    out = frame.lazy().select("grp", *cohort, *bench, *bound).with_columns(
        composite=mean(cs), bench_composite=mean(bs)).with_columns(
        okey=pl.col("composite").round(9)).with_columns(
        overall=(pl.col("okey").rank("average").over("grp") * 2.0 - 1.0) * 50.0
        / pl.col("okey").count().over("grp").cast(pl.Float64)).collect()
    stack = lambda names: out.select(names).to_numpy()
    return Figures(stack(cs).astype("float64"), stack(bs).astype("float64"),
                   stack([f"o_{m}" for m in w.metrics]).astype(np.int8),
                   out["composite"].to_numpy().astype("float64"), out["overall"].to_numpy().astype("float64"),
                   out["bench_composite"].to_numpy().astype("float64"))


@dataclass(frozen=True)
class Implementation:
    label: str
    run: Callable[[Workload], Figures]
    needs: str | None = None     # optional module it imports


IMPLEMENTATIONS = (
    Implementation("peerbench", run_peerbench),
    Implementation("numpy (per-group sort)", run_numpy),
    Implementation("pandas groupby rank", run_pandas),
    Implementation("DuckDB SQL windows", run_duckdb, "duckdb"),
    Implementation("polars", run_polars, "polars"),
)


def available() -> tuple[list[Implementation], list[str]]:
    """(implementations whose modules are installed, names of the missing modules)."""
    present, missing = [], []
    for impl in IMPLEMENTATIONS:
        if impl.needs and importlib.util.find_spec(impl.needs) is None:
            missing.append(impl.needs)
        else:
            present.append(impl)
    return present, missing


# --- measuring --------------------------------------------------------------------------------

def versions() -> str:
    """The library versions the figures were measured with."""
    names = ["numpy", "pandas"] + [impl.needs for impl in IMPLEMENTATIONS if impl.needs]
    found = []
    for name in names:
        try:
            found.append(f"{name} {importlib.metadata.version(name)}")
        except importlib.metadata.PackageNotFoundError:
            continue
    return ", ".join(found)


def check_same(reference: Figures, other: Figures, label: str, tolerance: float = 1e-9) -> float:
    """Largest difference between two answers; raises when beyond DESIGN §4's 1e-9 tolerance."""
    diffs = other.differences(reference)
    worst = max(diffs.values())
    if worst > tolerance:
        bad = {k: v for k, v in diffs.items() if v > tolerance}
        raise AssertionError(f"{label} does not give peerbench's figures: {bad}")
    return worst


def _rss_mib(field: str) -> float | None:
    try:
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith(field + ":"):
                    return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def rss_peak_extra(run: Callable[[], object]) -> float | None:
    """Resident-memory high-water mark during ``run`` above the resident size before it (MiB).

    Resets the kernel's high-water mark (Linux /proc/self/clear_refs). It sees native
    allocations (DuckDB, polars) that tracemalloc cannot, but memory the allocator kept
    from earlier runs is reused unseen, so it can under-count.
    """
    try:
        with open("/proc/self/clear_refs", "w") as fh:
            fh.write("5")
    except OSError:
        return None
    before = _rss_mib("VmRSS")
    run()
    peak = _rss_mib("VmHWM")
    return None if before is None or peak is None else max(0.0, peak - before)


def traced_peak(run: Callable[[], object]) -> float:
    """Peak Python/numpy allocation during ``run`` (MiB, tracemalloc): exact for numpy arrays."""
    tracemalloc.start()
    try:
        run()
        return tracemalloc.get_traced_memory()[1] / 2**20
    finally:
        tracemalloc.stop()


@dataclass
class SizeResult:
    accounts: int
    repeat: int
    seconds: dict[str, float]          # label -> median
    rss_mib: dict[str, float | None]   # label -> RSS high-water above the start
    traced_mib: float                  # peerbench, tracemalloc
    worst_diff: dict[str, float]       # label -> largest difference from peerbench


def measure(n: int, impls: list[Implementation], repeat: int, log=print) -> SizeResult:
    """Check every implementation's figures, then time them in interleaved rounds."""
    w = make_workload(n)
    rss, diffs, reference = {}, {}, None
    for impl in impls:  # first run: figures and resident memory
        box = {}
        rss[impl.label] = rss_peak_extra(lambda: box.setdefault("f", impl.run(w)))
        if reference is None:
            reference = box["f"]
        else:
            diffs[impl.label] = check_same(reference, box["f"], impl.label)
        del box
    traced = traced_peak(lambda: run_peerbench(w))
    times = {impl.label: [] for impl in impls}
    for r in range(repeat):
        for impl in impls[r % len(impls):] + impls[:r % len(impls)]:
            t0 = time.perf_counter()
            impl.run(w)
            times[impl.label].append(time.perf_counter() - t0)
        log(f"  {n:,} accounts: round {r + 1}/{repeat} done")
    return SizeResult(n, repeat, {k: statistics.median(v) for k, v in times.items()}, rss, traced, diffs)


def fmt_seconds(s: float) -> str:
    return f"{s * 1e3:.0f} ms" if s < 1 else f"{s:.2f} s"


def fmt_accounts(n: int) -> str:
    return f"{n // 1_000_000}M" if n % 1_000_000 == 0 else f"{n // 1000}k" if n % 1000 == 0 else f"{n:,}"


def table(results: list[SizeResult], labels: list[str]) -> str:
    """Markdown table: median times, and reference / peerbench ratios in brackets."""
    lines = ["| accounts | " + " | ".join(labels) + " |", "|" + " --- |" * (len(labels) + 1)]
    for res in results:
        base = res.seconds["peerbench"]
        cells = [fmt_seconds(base)] + [f"{fmt_seconds(res.seconds[k])} ({res.seconds[k] / base:.1f}x)"
                                      for k in labels[1:]]
        lines.append(f"| {fmt_accounts(res.accounts)} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def memory_table(results: list[SizeResult], labels: list[str]) -> str:
    lines = ["| accounts | peerbench (tracemalloc) | " + " | ".join(f"{k} (RSS)" for k in labels) + " |",
             "|" + " --- |" * (len(labels) + 2)]
    for res in results:
        cells = [f"{res.traced_mib:.0f} MiB"] + [("n/a" if res.rss_mib[k] is None else f"{res.rss_mib[k]:.0f} MiB")
                                                  for k in labels]
        lines.append(f"| {fmt_accounts(res.accounts)} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def run_compare(sizes: list[int], repeat: int = 5) -> list[SizeResult]:
    """Print the side-by-side table (Markdown), the memory table and the figure check."""
    impls, missing = available()
    if missing:
        print(f"Not installed, left out: {', '.join(missing)}. "
              'Install the comparators with: pip install -e ".[bench]"')
    labels = [impl.label for impl in impls]
    print(f"Portfolio kernel side by side: {len(BENCH_METRICS)} metrics, {SEGMENTS} segments x {INDUSTRIES} "
          f"industries ({SEGMENTS * INDUSTRIES} peer groups), benchmarks by segment, ~2% missing, ties from rounding.")
    results = []
    for n in sizes:
        results.append(measure(n, impls, repeat))
    print()
    print(f"Median of {repeat} interleaved runs per size; in brackets: reference time / peerbench time. "
          f"{versions()}; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores at the end.")
    print(table(results, labels))
    print()
    print("Peak extra memory (tracemalloc: numpy allocations; RSS: resident high-water above the start, "
          "includes native allocations, may under-count reused memory):")
    print(memory_table(results, labels))
    same = {k: max(r.worst_diff.get(k, 0.0) for r in results) for k in labels[1:]}
    print()
    print("Same figures as peerbench (cohort, benchmark, bounds, composite, overall, benchmark composite): "
          + ", ".join(f"{k} {'identical' if d == 0 else f'max |diff| {d:.1e}'}" for k, d in same.items()))
    slower = [f"{fmt_accounts(r.accounts)} ({k})" for r in results for k in labels[1:]
              if r.seconds[k] <= r.seconds["peerbench"]]
    print("peerbench is ahead of every reference at every size." if not slower
          else "peerbench is NOT ahead at: " + ", ".join(slower))
    return results
