"""compare_portfolio and benchmark_history: the whole book vs benchmarks, and position over time.

Every account is ranked at once (:func:`analytics.portfolio.rank_portfolio`):
within its peer group (its segment) and against the benchmark set's rows for
that segment, falling back to the set's "All" rows. Each compare_portfolio run
is stored in ``snapshots`` (one row per account) so position over time can be
shown; benchmark_history also recomputes the monthly position from metric
history, so a history exists before the first snapshot.

Peer groups under 10 accounts get no peer figures (no percentile, rank or
aggregate); their accounts are still placed against the benchmark, which is
external data, not a peer aggregate.

The portfolio row of a metric compares the portfolio average with the benchmark
rows of the accounts' segments. When the accounts use more than one benchmark
segment, the benchmark is their mix: each quantile is the average of the
segments' quantiles weighted by the portfolio's accounts per segment (quantile
averaging); ``benchmark_basis`` says "mix: Enterprise 102, SMB 96".
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from itertools import compress

import numpy as np
import pandas as pd
from pydantic import BaseModel, Field

from analytics import percentiles as pc
from analytics import practices as pr
from analytics.catalog import BY_KEY, KEYS, metric_for, segment_for
from analytics.portfolio import rank_portfolio
from tools.base import Tool, ToolError, ToolInput, ToolOutput
from tools.benchmark_lookup import BenchmarkInfo, BenchmarkRef, find_set
from tools.cohort import MIN_COHORT
from tools.compare import GAP_BELOW, STRENGTH_AT
from reports.format import fmt_value, markdown_table, status_label
from tools.workspace import Workspace, now_iso

NO_SEGMENT = "(no segment)"
LISTED = 2          # accounts per metric in the model's summary (10 when one metric is asked for)
SHOWN = 5           # best / weakest accounts per peer group in the Markdown view
LISTED_MD = 3       # accounts per metric in the Markdown lists
ANONYMITY_NOTE = ("Internal view: account names are shown. For anything customer-facing, name no other "
                  "customer (use Peer A, Peer B, ...) and show no aggregate of fewer than 10 accounts.")
DIRECTIONS = {k: BY_KEY[k].higher_is_better for k in KEYS}
KIDX = {k: j for j, k in enumerate(KEYS)}
SEGMENT_ORDER = {"Enterprise": 0, "Mid-Market": 1, "SMB": 2}
_BOUND_NAMES = np.array(["below", "", "above"], dtype=object)


def seg_order(g: str) -> tuple:
    return (SEGMENT_ORDER.get(g, 3), g)


def bound_names(codes: np.ndarray) -> np.ndarray:
    """int8 bound codes (percentiles.BELOW / INSIDE / ABOVE) -> "below" / "" / "above"."""
    return _BOUND_NAMES[np.asarray(codes, dtype=np.int64) - pc.BELOW]


def _nullable(a, nd: int = 2) -> list[float | None]:
    return [None if x != x else x for x in np.round(np.asarray(a, dtype="float64"), nd).tolist()]


def _r(x, nd: int = 2) -> float | None:
    return None if x is None or x != x else round(float(x), nd)


# ---------------------------------------------------------------- positions (shared by the tools)

_METRIC_CODE = "CASE metric " + " ".join(f"WHEN '{k}' THEN {j}" for j, k in enumerate(KEYS)) + " ELSE -1 END"


def latest_values(ws: Workspace, ids: np.ndarray) -> tuple[np.ndarray, str | None]:
    """(accounts x KEYS matrix of latest values, latest period) for the customer ids, in order.

    One scan returning numbers only (the metric as its catalog index), oldest
    period first; the last row of each (account, metric) is its latest value.
    About 3x faster than ``GROUP BY customer_id, metric`` with ``MAX(period)``
    at 10k accounts (the same rule as :func:`tools.data.latest_metrics`).
    """
    out = np.full((len(ids), len(KEYS)), np.nan)
    first, period = _period_range(ws)
    if period is None:
        return out, None
    order_by = " ORDER BY period" if first != period else ""  # one period (a fresh import): no sort needed
    rows = ws.db.conn.execute(f"SELECT customer_id, {_METRIC_CODE}, value FROM metric_values "
                              "WHERE value IS NOT NULL" + order_by).fetchall()
    if not rows:
        return out, None
    data = np.array(rows, dtype="float64")
    r = pd.Index(ids).get_indexer(data[:, 0].astype(np.int64))
    c = data[:, 1].astype(np.int64)
    keep = (r >= 0) & (c >= 0)
    cell, v = r[keep] * len(KEYS) + c[keep], data[keep, 2]
    order = np.argsort(cell, kind="stable")  # stable: within a cell, periods stay in order
    last = np.append(cell[order][1:] != cell[order][:-1], True)
    out.reshape(-1)[cell[order[last]]] = v[order[last]]
    return out, period


def _period_range(ws: Workspace) -> tuple[str | None, str | None]:
    """(first, latest) period in metric_values. MIN/MAX per metric use the (metric, period)
    index; one MIN/MAX over the whole table would scan it."""
    keys = ", ".join(f"('{k}')" for k in KEYS)
    return ws.db.conn.execute(
        f"WITH k(metric) AS (VALUES {keys}) SELECT MIN((SELECT MIN(period) FROM metric_values WHERE metric = k.metric)),"
        " MAX((SELECT MAX(period) FROM metric_values WHERE metric = k.metric)) FROM k").fetchone()


def customers_table(ws: Workspace) -> pd.DataFrame:
    """id (index), name, segment, industry, arr, region: a plain read, faster than customers_frame."""
    rows = ws.db.conn.execute("SELECT id, name, segment, industry, arr, region FROM customers ORDER BY id").fetchall()
    df = pd.DataFrame(rows, columns=["id", "name", "segment", "industry", "arr", "region"]).set_index("id")
    df["arr"] = pd.to_numeric(df["arr"], errors="coerce").astype("float64")
    return df


@dataclass
class Positions:
    """Every account's cohort and benchmark position, row i = ``ids[i]``, column j = ``KEYS[j]``."""

    customers: pd.DataFrame       # customers_table() + "group" (segment or NO_SEGMENT)
    ids: np.ndarray
    names: np.ndarray
    group: np.ndarray             # peer group (segment) name per account
    gcode: np.ndarray             # its index in ``gnames``
    gnames: list[str]
    values: np.ndarray
    cohort_pct: np.ndarray        # NaN in peer groups under MIN_COHORT
    bench_pct: np.ndarray
    bench_bound: np.ndarray       # "below" / "" / "above"
    composite: np.ndarray
    overall: np.ndarray
    bench_composite: np.ndarray
    sizes: dict[str, int]
    refs: dict[str, BenchmarkRef | None]              # peer group -> benchmark rows used
    points: dict[str, dict[str, dict[float, float]]]  # peer group -> metric -> {p: value}
    bset: dict | None
    period: str | None

    def sufficient(self, group: str) -> bool:
        """A peer group of 10+ accounts; accounts without a segment have no peer group (as in compare_customer)."""
        return group != NO_SEGMENT and self.sizes.get(group, 0) >= MIN_COHORT

    def rows_of(self, group: str | None = None) -> np.ndarray:
        return np.arange(len(self.ids)) if group is None else np.flatnonzero(self.gcode == self.gnames.index(group))

    def groups_in(self, rows: np.ndarray) -> list[str]:
        return [self.gnames[i] for i in np.unique(self.gcode[rows])]

    def frame(self, matrix: np.ndarray) -> pd.DataFrame:
        return pd.DataFrame(matrix, index=pd.Index(self.ids, name="customer_id"), columns=list(KEYS))


def _points(ref: BenchmarkRef | None) -> dict[str, dict[float, float]]:
    if ref is None:
        return {}
    if ref.peers:
        return {m: pr.peer_quantiles(v) for m, v in ref.peers.items() if v.size}
    return {m: dict(p) for m, p in ref.quantiles.items() if len(p)}


def benchmark_refs(ws: Workspace, bset: dict, groups: list[str]) -> dict[str, BenchmarkRef | None]:
    """Each peer group's benchmark rows (its segment, else "All"), from one read of the set.

    Same result as :func:`tools.benchmark_lookup.benchmark_for_account` per group,
    without re-reading a raw peer set (11k rows at 500 peers) once per segment.
    """
    raw = bset["kind"] == "raw"
    sql = ("SELECT segment, metric, value, peer FROM benchmark_peers WHERE set_id = ? AND value IS NOT NULL" if raw
           else "SELECT segment, metric, value, quantile, sample_size FROM benchmark_rows "
                "WHERE set_id = ? AND quantile IS NOT NULL AND value IS NOT NULL")
    by_segment: dict[str, list[tuple]] = {}
    for row in ws.db.conn.execute(sql, (bset["id"],)):
        by_segment.setdefault(row[0], []).append(row)
    refs: dict[str, BenchmarkRef | None] = {}
    for g in groups:
        seg = next((s for s in ((None if g == NO_SEGMENT else g), "All") if s in by_segment), None)
        rows = by_segment.get(seg, [])
        info = BenchmarkInfo(name=bset["name"], source=bset["source"], year=bset["year"], segment=seg,
                             kind="raw" if raw else "quantiles", sample_size=bset["sample_size"])
        if raw:
            peers: dict[str, list[float]] = {}
            for _, metric, value, _ in rows:
                peers.setdefault(metric, []).append(value)
            arrays = {k: np.sort(np.array(v, dtype="float64")) for k, v in peers.items()}
            info.sample_size = len({r[3] for r in rows}) or bset["sample_size"]
            refs[g] = BenchmarkRef(info, {}, arrays)
        else:
            quantiles: dict[str, dict[float, float]] = {}
            for _, metric, value, q, _ in rows:
                quantiles.setdefault(metric, {})[float(q)] = float(value)
            sizes = [r[4] for r in rows if r[4]]
            info.sample_size = max(sizes) if sizes else bset["sample_size"]
            refs[g] = BenchmarkRef(info, quantiles, {})
    return refs


def load_positions(ws: Workspace, benchmark: str | None = None) -> Positions:
    """Rank the whole workspace within segments and against the (active or named) benchmark."""
    customers = customers_table(ws)
    if customers.empty:
        raise ToolError("The workspace has no customers yet: run `peerbench demo` or import a portfolio file.")
    group = customers["segment"].fillna(NO_SEGMENT).replace("", NO_SEGMENT).to_numpy(dtype=object)
    customers["group"] = group
    ids = customers.index.to_numpy()
    values, period = latest_values(ws, ids)
    names = sorted(set(group), key=seg_order)
    codes = pd.Index(names).get_indexer(group)
    bset = find_set(ws, benchmark)
    refs = benchmark_refs(ws, bset, names) if bset else {}
    points = {g: _points(r) for g, r in refs.items()}
    quantiles = {m: {i: refs[g].quantiles[m] for i, g in enumerate(names) if refs.get(g) and m in refs[g].quantiles}
                 for m in KEYS}
    ranking = rank_portfolio(pd.DataFrame(values, columns=list(KEYS)), codes, DIRECTIONS, quantiles)
    bench_pct = ranking.bench_pct.to_numpy(dtype="float64").copy()
    for i, g in enumerate(names):  # raw peer rows: percentileofscore over the peers (DESIGN §4)
        ref = refs.get(g)
        for m, peers in (ref.peers.items() if ref is not None else ()):
            if m in KIDX:
                rows = codes == i
                bench_pct[rows, KIDX[m]] = pr.peer_percentiles(values[rows, KIDX[m]], peers, DIRECTIONS[m])
    counts = np.bincount(codes, minlength=len(names))
    sizes = {g: int(n) for g, n in zip(names, counts)}
    small = (counts[codes] < MIN_COHORT) | (group == NO_SEGMENT)
    cohort = ranking.cohort_pct.to_numpy(dtype="float64").copy()
    composite = ranking.composite.to_numpy(dtype="float64").copy()
    overall = ranking.overall.to_numpy(dtype="float64").copy()
    cohort[small], composite[small], overall[small] = np.nan, np.nan, np.nan
    bench_composite = row_means(bench_pct)
    return Positions(customers, ids, customers["name"].to_numpy(dtype=object), group, codes, names, values,
                     cohort, bench_pct,
                     bound_names(ranking.bench_bound.to_numpy()), composite, overall, bench_composite, sizes,
                     refs, points, bset, period)


def row_means(matrix: np.ndarray) -> np.ndarray:
    """Mean of each row's non-missing cells; NaN for an empty row (no warning)."""
    has = ~np.isnan(matrix)
    n = has.sum(axis=1)
    total = np.where(has, matrix, 0.0).sum(axis=1)
    return np.divide(total, n, out=np.full(n.shape, np.nan), where=n > 0)


def group_ranks(composite: np.ndarray, gcode: np.ndarray) -> np.ndarray:
    """Rank within the group by composite, 1 = best; ties share the better rank; NaN unranked."""
    out = np.full(composite.shape, np.nan)
    comp = np.round(np.asarray(composite, dtype="float64"), 9)
    for g in np.unique(gcode):
        rows = np.flatnonzero((gcode == g) & ~np.isnan(comp))
        desc = np.sort(-comp[rows])
        out[rows] = np.searchsorted(desc, -comp[rows], "left") + 1
    return out


# ---------------------------------------------------------------- compare_portfolio models

class ComparePortfolioInput(ToolInput):
    benchmark: str | None = Field(None, description="benchmark set name; the active (latest loaded) set when omitted")
    segment: str | None = Field(None, description="only accounts of this segment: Enterprise, Mid-Market or SMB")
    metric: str | None = Field(None, description="focus the lists on one metric (catalog key or name, e.g. 'nps')")


class PortfolioMetric(BaseModel):
    metric: str
    label: str
    category: str
    unit: str
    direction: str
    accounts: int = Field(description="accounts with a value")
    portfolio_average: float | None = None
    portfolio_median: float | None = None
    benchmark_median: float | None = None
    benchmark_basis: str | None = Field(None, description="benchmark segment used, or 'mix: ...' (segment "
                                        "quantiles averaged by the portfolio's accounts per segment)")
    percentile: float | None = Field(None, description="the portfolio average's percentile against the benchmark")
    bound: str | None = Field(None, description="'below' / 'above' when outside the benchmark's known quantiles")
    percentile_label: str | None = None
    status: str | None = None
    top_performers: int = 0
    below_p25: int = 0


class AccountColumns(BaseModel):
    """Accounts for one metric as columns (row i across the lists); ``rows()`` / ``frame()`` for records."""

    metric: str
    label: str
    count: int
    customer: list[str] = Field(default_factory=list)
    segment: list[str] = Field(default_factory=list)
    value: list[float] = Field(default_factory=list)
    percentile: list[float] = Field(default_factory=list)
    percentile_label: list[str] = Field(default_factory=list)

    def rows(self) -> list[dict]:
        cols = {k: v for k, v in self.model_dump().items() if isinstance(v, list)}
        return [dict(zip(cols, vals)) for vals in zip(*cols.values())]

    def frame(self) -> pd.DataFrame:
        cols = {k: v for k, v in self.model_dump().items() if isinstance(v, list)}
        return pd.DataFrame(cols)


class TopPerformers(AccountColumns):
    """Accounts at or above P90: against the benchmark when it covers the metric, else among peers."""

    basis: list[str] = Field(default_factory=list, description="'benchmark' or 'peers'")


class BelowBenchmark(AccountColumns):
    """Accounts under the benchmark's P25, worst first."""

    benchmark_p25: list[float | None] = Field(default_factory=list, description="value at the benchmark's "
                                              "25th percentile (in the metric's good direction)")
    benchmark_median: list[float | None] = Field(default_factory=list)
    gap_to_median: list[float | None] = Field(default_factory=list, description="shortfall to the benchmark "
                                              "median in the metric's unit")
    gap_to_p25: list[float | None] = Field(default_factory=list)


class GroupAccounts(BaseModel):
    """One peer group's accounts as columns, best first."""

    customer: list[str] = Field(default_factory=list)
    rank: list[int | None] = Field(default_factory=list, description="1 = best composite in the peer group")
    overall_percentile: list[float | None] = Field(default_factory=list)
    composite: list[float | None] = Field(default_factory=list)
    benchmark_composite: list[float | None] = Field(default_factory=list)
    strengths: list[list[str]] = Field(default_factory=list, description="up to 3 metrics at or above P75 of peers")
    gaps: list[list[str]] = Field(default_factory=list, description="up to 3 metrics below the peer median")

    def rows(self) -> list[dict]:
        cols = self.model_dump()
        return [dict(zip(cols, vals)) for vals in zip(*cols.values())]


class PeerGroup(BaseModel):
    segment: str
    size: int
    sufficient: bool
    note: str | None = None
    benchmark_segment: str | None = None
    metrics: list[PortfolioMetric] = Field(default_factory=list)
    accounts: GroupAccounts = Field(default_factory=GroupAccounts)


class CategoryPosition(BaseModel):
    category: str
    mean_percentile: float
    position: str = Field(description="above / in_line / below (mean percentile >= 55 / 45..55 / < 45)")


class ComparePortfolioOutput(ToolOutput):
    accounts: int
    segment: str | None = None
    metric: str | None = None
    period: str | None = Field(None, description="latest data period (YYYY-MM)")
    benchmark: BenchmarkInfo | None
    benchmark_segments: dict[str, str | None] = Field(default_factory=dict,
                                                      description="peer group -> benchmark segment used")
    summary: str
    categories: list[CategoryPosition] = Field(default_factory=list)
    metrics: list[PortfolioMetric]
    top_performers: list[TopPerformers]
    below_benchmark: list[BelowBenchmark]
    peer_groups: list[PeerGroup]
    run_id: str
    taken_at: str
    notes: list[str] = Field(default_factory=list)

    def summary_for_model(self) -> dict:
        n = LISTED if self.metric is None else 10
        first = lambda c: [[name, v, lab] for name, v, lab in zip(c.customer[:n], c.value[:n], c.percentile_label[:n])]
        return {
            "accounts": self.accounts, "segment": self.segment, "period": self.period,
            "benchmark": self.benchmark.model_dump(exclude_none=True) if self.benchmark else None,
            "summary": self.summary,
            "metric_table": {"columns": ["metric", "accounts", "portfolio_average", "benchmark_median",
                                         "percentile", "status", "top_performers", "below_p25"],
                             "rows": [[m.metric, m.accounts, _r(m.portfolio_average, 3), _r(m.benchmark_median, 3),
                                       m.percentile_label, m.status, m.top_performers, m.below_p25]
                                      for m in self.metrics]},
            "top_performers [name, value, percentile]": {t.metric: first(t) for t in self.top_performers if t.count},
            "below_benchmark [name, value, percentile, gap_to_median]": {
                b.metric: [r + [_r(g, 3)] for r, g in zip(first(b), b.gap_to_median)]
                for b in self.below_benchmark if b.count},
            "peer_groups": [_group_summary(g) for g in self.peer_groups],
            "notes": self.notes,
        }

    def to_markdown(self) -> str:
        return portfolio_markdown(self)


def _group_summary(g: PeerGroup) -> dict:
    out = {"segment": g.segment, "size": g.size}
    if not g.sufficient:
        return {**out, "note": g.note}
    rows = g.accounts.rows()
    pick = lambda rs: [[r["customer"], r["rank"], r["overall_percentile"], r["strengths"], r["gaps"]] for r in rs]
    return {**out, "[customer, rank, overall_percentile, strengths, gaps]": {
        "best": pick(rows[:LISTED]), "weakest": pick(rows[-LISTED:][::-1])}}


# ---------------------------------------------------------------- compare_portfolio

def compare_portfolio(ws: Workspace, inp: ComparePortfolioInput) -> ComparePortfolioOutput:
    """Compare every account in the portfolio with the benchmark set and within its peer group.

    Use for "Compare my customers against these benchmarks", "Who is below
    benchmark?", "Who are my top performers?" or a segment's ranking. Each
    account is placed against the benchmark rows for its segment (falling back
    to the set's "All" rows) and ranked within its segment. Returns the
    "Portfolio vs Benchmarks" table (per metric: portfolio average, benchmark
    median, the average's percentile against the benchmark, status), per metric
    the top performers (>= P90) and the accounts below benchmark (< P25, with
    the gap to the benchmark median in the metric's unit), each segment's
    ranking (overall rank, strengths, gaps; best and weakest shown) and a
    one-line summary by category. Account names are shown (internal view): never
    name other customers in customer-facing text. Peer groups under 10 accounts
    get no peer figures. Each run is stored for benchmark_history.
    """
    pos = load_positions(ws, inp.benchmark)
    seg = resolve_segment(pos, inp.segment)
    metric = resolve_metric(inp.metric)
    rows = pos.rows_of(seg)
    everything = [_metric_row(pos, rows, k) for k in KEYS]
    keys = [metric] if metric else list(KEYS)
    metrics = [m for m in everything if m.metric in keys]
    tops = [_top_performers(pos, rows, k) for k in keys]
    below = [_below_benchmark(pos, rows, k) for k in keys]
    for m, t, b in zip(metrics, tops, below):
        m.top_performers, m.below_p25 = t.count, b.count
    present = pos.groups_in(rows)
    cats = pr.category_positions({m.metric: m.percentile for m in everything if m.percentile is not None})
    run_id, taken_at = uuid.uuid4().hex, now_iso()
    write_snapshot(ws, pos, rows, run_id, taken_at)
    return ComparePortfolioOutput(
        accounts=len(rows), segment=seg, metric=metric, period=pos.period, benchmark=_info(pos, present),
        benchmark_segments={g: (pos.refs[g].info.segment if pos.refs.get(g) else None) for g in present},
        summary=_summary(pos, rows, cats),
        categories=[CategoryPosition(category=c, mean_percentile=round(p, 1), position=w) for c, (p, w) in cats.items()],
        metrics=metrics, top_performers=tops, below_benchmark=below,
        peer_groups=[_peer_group(pos, g) for g in present], run_id=run_id, taken_at=taken_at,
        notes=_notes(pos, rows, present))


def resolve_segment(pos: Positions, segment: str | None) -> str | None:
    """A segment as the user wrote it ('ent', 'Mid Market') -> the peer group name; None for all."""
    if not segment:
        return None
    seg = segment_for(segment) or segment.strip()
    if seg == "All":
        return None
    known = {g.casefold(): g for g in pos.sizes}
    if seg.casefold() not in known:
        raise ToolError(f"No accounts in segment '{segment}'.", suggestions=sorted(pos.sizes, key=seg_order))
    return known[seg.casefold()]


def resolve_metric(metric: str | None) -> str | None:
    """A metric key or name ('NPS Score', 'DAU/MAU') -> its catalog key; ToolError if unknown."""
    if not metric:
        return None
    m = BY_KEY.get(metric) or metric_for(metric)
    if m is None:
        raise ToolError(f"'{metric}' is not a metric in the catalog.", suggestions=list(KEYS))
    return m.key


def _metric_row(pos: Positions, rows: np.ndarray, key: str) -> PortfolioMetric:
    meta, j = BY_KEY[key], KIDX[key]
    vals = pos.values[rows, j]
    has = ~np.isnan(vals)
    row = PortfolioMetric(metric=key, label=meta.label, category=meta.category, unit=meta.unit,
                          direction=meta.direction, accounts=int(has.sum()))
    if len(rows) < MIN_COHORT or not has.any():  # no aggregate of fewer than 10 accounts
        return row
    avg = float(vals[has].mean())
    row.portfolio_average, row.portfolio_median = _r(avg, 4), _r(np.median(vals[has]), 4)
    counts = np.bincount(pos.gcode[rows][has], minlength=len(pos.gnames))
    parts = [(pos.refs[g], pos.points[g][key], int(n)) for g, n in zip(pos.gnames, counts)
             if n and pos.refs.get(g) is not None and key in pos.points.get(g, {})]
    if not parts:
        return row
    by_segment: dict[str, list] = {}
    for ref, pts, n in parts:
        by_segment.setdefault(ref.info.segment, [ref, pts, 0])[2] += n
    if len(by_segment) == 1:
        basis, (ref, points, _) = next(iter(by_segment.items()))
        if ref.peers:  # raw peer rows: percentileofscore over the peers
            pct, bound = float(pr.peer_percentiles(np.array([avg]), ref.peers[key], meta.higher_is_better)[0]), ""
        else:
            pct, bound = _interp(avg, points, meta.higher_is_better)
    else:
        points = pr.mix_quantiles([p for _, p, _ in by_segment.values()], [n for *_, n in by_segment.values()])
        basis = "mix: " + ", ".join(f"{s} {n}" for s, (_, _, n) in sorted(by_segment.items(), key=lambda kv: seg_order(kv[0])))
        pct, bound = _interp(avg, points, meta.higher_is_better)
    row.benchmark_median, row.benchmark_basis = _r(pr.value_at(points, 50.0), 4), basis
    if pct == pct:
        row.percentile, row.bound = _r(pct, 2), bound or None
        row.percentile_label, row.status = pc.bound_label(pct, bound), pc.status_for(pct)
    return row


def _interp(value: float, points: dict[float, float], higher: bool) -> tuple[float, str]:
    p, b = pc.benchmark_percentiles(np.array([value]), points, higher)
    return float(p[0]), str(b[0])


_ORDINALS = np.array([pc.ordinal(i) for i in range(101)], dtype=object)


def _labels(pct: np.ndarray, bound: np.ndarray) -> list[str]:
    """Vectorised :func:`percentiles.bound_label`: '63rd', '<25th', '>90th', 'n/a'."""
    out = np.full(pct.shape, "n/a", dtype=object)
    ok = ~np.isnan(pct)
    prefix = np.where(bound[ok] == "below", "<", np.where(bound[ok] == "above", ">", "")).astype(object)
    out[ok] = prefix + _ORDINALS[np.clip(np.rint(pct[ok]), 0, 100).astype(np.int64)]
    return out.tolist()


def _level(pos: Positions, group: str, key: str, percentile: float) -> float:
    pts = pos.points.get(group, {}).get(key)
    x = pr.value_at(pts, percentile, DIRECTIONS[key]) if pts else None
    return np.nan if x is None else x


def _top_performers(pos: Positions, rows: np.ndarray, key: str) -> TopPerformers:
    j = KIDX[key]
    bench, cohort = pos.bench_pct[rows, j], pos.cohort_pct[rows, j]
    use_b = ~np.isnan(bench)
    pct = np.where(use_b, bench, cohort)
    bound = np.where(use_b, pos.bench_bound[rows, j], "")
    sel = np.flatnonzero(pr.top_mask(pct))
    vals = pos.values[rows, j]
    good = vals if DIRECTIONS[key] else -vals
    sel = sel[np.lexsort((pos.names[rows][sel], -good[sel], -pct[sel]))]
    at = rows[sel]
    return TopPerformers.model_construct(metric=key, label=BY_KEY[key].label, count=len(sel), customer=pos.names[at].tolist(),
                         segment=pos.group[at].tolist(), value=vals[sel].tolist(),
                         percentile=np.round(pct[sel], 2).tolist(), percentile_label=_labels(pct[sel], bound[sel]),
                         basis=np.where(use_b[sel], "benchmark", "peers").tolist())


def _below_benchmark(pos: Positions, rows: np.ndarray, key: str) -> BelowBenchmark:
    j, higher = KIDX[key], DIRECTIONS[key]
    pct, bound, vals = pos.bench_pct[rows, j], pos.bench_bound[rows, j], pos.values[rows, j]
    sel = np.flatnonzero(pr.below_mask(pct, bound))
    codes = pos.gcode[rows][sel]
    levels = np.array([[_level(pos, g, key, 25.0), _level(pos, g, key, 50.0)] for g in pos.gnames],
                      dtype="float64").reshape(-1, 2)
    p25, med = levels[codes, 0], levels[codes, 1]
    gap_med, gap_p25 = pr.shortfall(vals[sel], med, higher), pr.shortfall(vals[sel], p25, higher)
    order = np.lexsort((pos.names[rows][sel], -np.nan_to_num(gap_med), pct[sel]))
    sel, p25, med, gap_med, gap_p25 = sel[order], p25[order], med[order], gap_med[order], gap_p25[order]
    at = rows[sel]
    return BelowBenchmark.model_construct(metric=key, label=BY_KEY[key].label, count=len(sel), customer=pos.names[at].tolist(),
                          segment=pos.group[at].tolist(), value=vals[sel].tolist(),
                          percentile=np.round(pct[sel], 2).tolist(), percentile_label=_labels(pct[sel], bound[sel]),
                          benchmark_p25=_nullable(p25, 4), benchmark_median=_nullable(med, 4),
                          gap_to_median=_nullable(gap_med, 4), gap_to_p25=_nullable(gap_p25, 4))


def _peer_group(pos: Positions, group: str) -> PeerGroup:
    rows = pos.rows_of(group)
    ref = pos.refs.get(group)
    out = PeerGroup(segment=group, size=len(rows), sufficient=pos.sufficient(group),
                    benchmark_segment=ref.info.segment if ref else None)
    if not out.sufficient:
        out.note = ("Accounts without a segment have no peer group: no peer ranks or aggregates. "
                    if group == NO_SEGMENT else
                    f"Only {len(rows)} accounts in {group}: no peer ranks or aggregates for fewer than "
                    f"{MIN_COHORT} (anonymity). ") + "Each account is still placed against the benchmark."
        return out
    out.metrics = [_metric_row(pos, rows, k) for k in KEYS]
    ranks = group_ranks(pos.composite[rows], pos.gcode[rows])
    order = rows[np.lexsort((pos.names[rows], np.nan_to_num(ranks, nan=np.inf)))]
    ranks = group_ranks(pos.composite[order], pos.gcode[order])
    pct = pos.cohort_pct[order]
    out.accounts = GroupAccounts.model_construct(
        customer=pos.names[order].tolist(), rank=[None if x != x else int(x) for x in ranks.tolist()],
        overall_percentile=_nullable(pos.overall[order]), composite=_nullable(pos.composite[order]),
        benchmark_composite=_nullable(pos.bench_composite[order]),
        strengths=_pick(pct, lambda p: p >= STRENGTH_AT - pc.TOLERANCE, best_first=True),
        gaps=_pick(pct, lambda p: p < GAP_BELOW - pc.TOLERANCE, best_first=False))
    return out


_KEY_ARRAY = np.array(KEYS, dtype=object)


def _pick(pct: np.ndarray, keep, best_first: bool, n: int = 3) -> list[list[str]]:
    """Per row, up to n metric keys passing ``keep``, best (or worst) first."""
    filled = np.where(np.isnan(pct), -np.inf if best_first else np.inf, pct)
    order = np.argsort(-filled if best_first else filled, axis=1, kind="stable")[:, :n]
    with np.errstate(invalid="ignore"):
        ok = keep(np.take_along_axis(pct, order, axis=1))
    names = _KEY_ARRAY[order].tolist()
    return [list(compress(r, oks)) for r, oks in zip(names, ok.tolist())]


def _info(pos: Positions, present: list[str]) -> BenchmarkInfo | None:
    refs = [pos.refs[g] for g in present if pos.refs.get(g) is not None]
    if not refs:
        return None
    info = refs[0].info.model_copy()
    info.segment = ", ".join(sorted({r.info.segment for r in refs if r.info.segment}, key=seg_order)) or None
    return info


def _summary(pos: Positions, rows: np.ndarray, cats: dict) -> str:
    if pos.bset is None:
        return (f"{len(rows)} accounts ranked within their segments; no benchmark set is loaded "
                "(attach a benchmark file to compare against the industry).")
    if not cats:
        return f"{len(rows)} accounts; no portfolio figure against benchmark '{pos.bset['name']}' (see notes)."
    return f"{len(rows)} accounts vs benchmark '{pos.bset['name']}'. " + pr.category_sentence(cats)


def _notes(pos: Positions, rows: np.ndarray, present: list[str]) -> list[str]:
    notes = [ANONYMITY_NOTE]
    if len(rows) < MIN_COHORT:
        notes.append(f"Only {len(rows)} accounts selected: no portfolio aggregates for fewer than {MIN_COHORT}.")
    for g in present:
        ref = pos.refs.get(g)
        if pos.bset is None:
            break
        if ref is None or ref.info.segment is None:
            notes.append(f"The benchmark has no rows for {g} and no 'All' rows: {g} accounts are ranked among peers only.")
        elif ref.info.segment == "All" and g != "All":
            notes.append(f"The benchmark has no {g} rows: {g} accounts are compared with its 'All' rows.")
    return notes


# ---------------------------------------------------------------- snapshots

SNAPSHOT_FIELDS = ("value", "peer_percentile", "benchmark_percentile")
#: Positional layouts of ``metrics_json``: layout 1 is the catalog order when it was
#: written. A catalog that grows gets a new layout; stored rows keep decoding.
SNAPSHOT_LAYOUTS: dict[int, tuple[str, ...]] = {1: (
    "health_score", "nps", "csat", "adoption_score", "engagement_score", "dau_mau", "feature_adoption",
    "user_activation", "session_minutes", "integrations", "time_to_value_days", "roi", "outcomes_achieved",
    "expansion_rate", "seat_growth", "renewal_rate", "net_revenue_retention", "support_tickets_per_user",
    "self_service_rate", "stakeholders", "meetings_per_month", "training_hours")}
SNAPSHOT_LAYOUT = max(k for k, v in SNAPSHOT_LAYOUTS.items() if v == KEYS) if KEYS in SNAPSHOT_LAYOUTS.values() else None


def write_snapshot(ws: Workspace, pos: Positions, rows: np.ndarray, run_id: str, taken_at: str) -> int:
    """Store one snapshot row per account: its overall position and a small per-metric record.

    ``metrics_json`` is ``{"layout": 1, "value": [...], "peer_percentile": [...],
    "benchmark_percentile": [...]}``, one entry per catalog metric in the layout's
    order (null where missing), about 400 bytes; :func:`snapshot_metrics` decodes
    it. Built with pandas' C JSON writer: ``json.dumps`` per row is several times
    slower at 10k accounts.
    """
    if SNAPSHOT_LAYOUT is None:  # pragma: no cover - a catalog change without a new layout
        raise RuntimeError("the metric catalog changed: add its order to SNAPSHOT_LAYOUTS")
    columns = [_json_rows(pos.values[rows], 4), _json_rows(pos.cohort_pct[rows], 1), _json_rows(pos.bench_pct[rows], 1)]
    head = '{"layout":%d' % SNAPSHOT_LAYOUT
    blobs = [head + "".join(f',"{f}":[{c[i]}]' for f, c in zip(SNAPSHOT_FIELDS, columns)) + "}" for i in range(len(rows))]
    bench = pos.bset["name"] if pos.bset else None
    overall, comp, bcomp = (_nullable(a[rows], 4) for a in (pos.overall, pos.composite, pos.bench_composite))
    records = [(run_id, taken_at, pos.period, cid, bench, f"segment:{g}", o, c, b, blob) for cid, g, o, c, b, blob
               in zip(pos.ids[rows].tolist(), pos.group[rows].tolist(), overall, comp, bcomp, blobs)]
    with ws.write() as db:
        db.conn.executemany(
            "INSERT INTO snapshots (run_id, taken_at, period, customer_id, benchmark_set, cohort, "
            "overall_percentile, composite, benchmark_composite, metrics_json) VALUES (?,?,?,?,?,?,?,?,?,?)", records)
    return len(records)


def _json_rows(matrix: np.ndarray, decimals: int) -> list[str]:
    """Each row of a float matrix as the inside of a JSON array ('1.5,null,3')."""
    if len(matrix) == 0:
        return []
    text = pd.DataFrame(np.round(matrix, decimals)).to_json(orient="values", double_precision=decimals)
    return text[2:-2].split("],[")


def snapshot_metrics(metrics_json: str | None) -> dict[str, dict[str, float | None]]:
    """A stored ``metrics_json`` as metric -> {value, peer_percentile, benchmark_percentile}."""
    if not metrics_json:
        return {}
    data = json.loads(metrics_json)
    keys = SNAPSHOT_LAYOUTS.get(data.get("layout"), ())
    return {k: {f: data[f][j] for f in SNAPSHOT_FIELDS} for j, k in enumerate(keys) if data["value"][j] is not None}


# ---------------------------------------------------------------- Markdown view

def portfolio_markdown(out: ComparePortfolioOutput) -> str:
    """The CLI / chat view: metric table, first accounts per metric, each peer group's best and weakest."""
    head = f"**Portfolio vs Benchmarks**: {out.accounts} accounts" + (f" ({out.segment})" if out.segment else "")
    if out.benchmark:
        head += f" vs {out.benchmark.label()}" + (f", {out.benchmark.segment} rows" if out.benchmark.segment else "")
    parts = [head + (f"; data as of {out.period}" if out.period else ""), out.summary]
    rows = [[m.label, m.accounts, fmt_value(m.metric, m.portfolio_average), fmt_value(m.metric, m.benchmark_median),
             m.percentile_label or "n/a", status_label(m.status), m.top_performers, m.below_p25] for m in out.metrics]
    parts.append(markdown_table(["Metric", "Accounts", "Portfolio avg", "Benchmark median", "Avg percentile",
                                 "Status", "Top (>= P90)", "Below P25"], rows, "lrrrrlrr"))
    tops = [f"- {t.label} ({t.count}): " + _listing(t) for t in out.top_performers if t.count]
    if tops:
        parts.append("**Top performers (>= P90)**\n" + "\n".join(tops))
    below = [f"- {b.label} ({b.count}): " + _listing(b, gaps=True) for b in out.below_benchmark if b.count]
    if below:
        parts.append("**Below benchmark (< P25)**, with the gap to the benchmark median\n" + "\n".join(below))
    parts.extend(_group_markdown(g) for g in out.peer_groups)
    parts.extend(f"_{n}_" for n in out.notes)
    return "\n\n".join(parts)


def fmt_gap(metric: str, gap: float | None) -> str:
    """A gap in the metric's unit; percent metrics in percentage points ('16.0 pts', not '16.0%')."""
    if gap is None or gap != gap:
        return "n/a"
    if BY_KEY[metric].unit == "percent":
        return f"{gap:.1f} pts"
    return fmt_value(metric, gap).lstrip("+")


def _listing(cols: AccountColumns, gaps: bool = False, n: int = LISTED_MD) -> str:
    items = []
    for i, (name, v, lab) in enumerate(zip(cols.customer[:n], cols.value[:n], cols.percentile_label[:n])):
        gap = cols.gap_to_median[i] if gaps else None
        extra = f", gap {fmt_gap(cols.metric, gap)}" if gap is not None and gap > 0 else ""
        items.append(f"{name} ({fmt_value(cols.metric, v)}, {lab}{extra})")
    return "; ".join(items) + (f"; and {cols.count - n} more" if cols.count > n else "")


def _group_markdown(g: PeerGroup) -> str:
    title = f"**{g.segment}** peer group: {g.size} accounts"
    if not g.sufficient:
        return f"{title}. {g.note}"
    rows = g.accounts.rows()
    shown = rows if len(rows) <= 2 * SHOWN else rows[:SHOWN] + [None] + rows[-SHOWN:]
    label = lambda keys: ", ".join(BY_KEY[k].label for k in keys)
    table = [["...", "", "", "", "", ""] if r is None else
             [r["rank"], r["customer"], pc.ordinal(r["overall_percentile"]) if r["overall_percentile"] is not None
              else "n/a", "n/a" if r["benchmark_composite"] is None else f"{r['benchmark_composite']:.1f}",
              label(r["strengths"]), label(r["gaps"])] for r in shown]
    return title + "\n\n" + markdown_table(["Rank", "Account", "Overall (peers)", "Benchmark composite",
                                            "Strengths", "Gaps"], table, "rlrrll")


# ---------------------------------------------------------------- benchmark_history

class BenchmarkHistoryInput(ToolInput):
    customer: str = Field(description="account name as the user wrote it (fuzzy-matched)")
    periods: int = Field(12, ge=2, le=36, description="months of recomputed history (most recent last)")
    benchmark: str | None = Field(None, description="benchmark set for the monthly benchmark composite; "
                                  "the active set when omitted")


class HistoryPoint(BaseModel):
    period: str
    cohort_size: int = Field(description="peer-group accounts with data in that month")
    overall_percentile: float | None = Field(None, description="percentile of the composite among the peer group")
    composite: float | None = Field(None, description="mean of the account's metric percentiles among peers")
    benchmark_composite: float | None = Field(None, description="mean benchmark percentile (current benchmark set)")
    metrics: int = Field(0, description="metrics with a value")


class SnapshotPoint(BaseModel):
    run_id: str
    taken_at: str
    period: str | None
    benchmark_set: str | None
    cohort: str | None
    overall_percentile: float | None
    composite: float | None
    benchmark_composite: float | None


class BenchmarkHistoryOutput(ToolOutput):
    customer: str
    segment: str | None
    benchmark: BenchmarkInfo | None
    monthly: list[HistoryPoint] = Field(description="recomputed from metric history, oldest first")
    snapshots: list[SnapshotPoint] = Field(description="stored compare_portfolio runs, oldest first")
    change: str | None = None
    notes: list[str] = Field(default_factory=list)

    def summary_for_model(self) -> dict:
        return {"customer": self.customer, "segment": self.segment,
                "benchmark": self.benchmark.name if self.benchmark else None, "change": self.change,
                "monthly [period, cohort_size, overall_percentile, benchmark_composite]":
                    [[h.period, h.cohort_size, h.overall_percentile, h.benchmark_composite] for h in self.monthly],
                "snapshots [taken_at, period, overall_percentile, benchmark_composite] (changes only)":
                    [[s.taken_at, s.period, s.overall_percentile, s.benchmark_composite]
                     for s in distinct_snapshots(self.snapshots)[-12:]],
                "snapshot_count": len(self.snapshots), "notes": self.notes}

    def to_markdown(self) -> str:
        return history_markdown(self)


def benchmark_history(ws: Workspace, inp: BenchmarkHistoryInput) -> BenchmarkHistoryOutput:
    """An account's benchmark position over time: monthly, and at each stored portfolio run.

    Use for "How has Acme's position changed?", "Is Acme improving against
    peers?" or a trend over the last months. Monthly points are recomputed from
    metric history for each of the last ``periods`` months: the account's overall
    percentile among its segment peers (from each month's latest values), its
    composite, and its mean percentile against the current benchmark set.
    Snapshot points are the stored compare_portfolio runs. Peer groups under 10
    accounts in a month get no percentile for that month.
    """
    from tools.resolve import resolve_customer

    row = resolve_customer(ws, inp.customer)
    customers = customers_table(ws)
    group = row["segment"] or NO_SEGMENT
    seg = customers["segment"].fillna(NO_SEGMENT).replace("", NO_SEGMENT)
    members = customers.index[(seg == group).to_numpy()].to_numpy()
    periods, cube = history_cube(ws, members)
    bset = find_set(ws, inp.benchmark)
    ref = benchmark_refs(ws, bset, [group])[group] if bset else None
    me = int(np.flatnonzero(members == row["id"])[0])
    monthly = [_month_point(periods[t], cube[:, :, t], me, ref) for t in range(max(0, len(periods) - inp.periods),
                                                                              len(periods))]
    snaps = [SnapshotPoint(**r) for r in ws.query(
        "SELECT run_id, taken_at, period, benchmark_set, cohort, overall_percentile, composite, benchmark_composite "
        "FROM snapshots WHERE customer_id = ? ORDER BY taken_at, id", (row["id"],))]
    notes = []
    if len(members) < MIN_COHORT:
        notes.append(f"{group} has only {len(members)} accounts: no peer percentiles for fewer than {MIN_COHORT}.")
    if not snaps:
        notes.append("No stored portfolio runs yet: run compare_portfolio to start recording snapshots.")
    return BenchmarkHistoryOutput(customer=row["name"], segment=row["segment"], benchmark=ref.info if ref else None,
                                  monthly=monthly, snapshots=snaps, change=_change(monthly, group), notes=notes)


def history_cube(ws: Workspace, ids: np.ndarray) -> tuple[list[str], np.ndarray]:
    """(periods, accounts x KEYS x periods) of values as of each month: the latest value
    reported up to that month (carried forward), as :func:`latest_values` does for the last."""
    marks = ",".join("?" * len(ids))
    rows = ws.db.conn.execute(f"SELECT customer_id, {_METRIC_CODE}, period, value FROM metric_values "
                              f"WHERE value IS NOT NULL AND customer_id IN ({marks})",
                              [int(i) for i in ids]).fetchall() if len(ids) else []
    if not rows:
        return [], np.full((len(ids), len(KEYS), 0), np.nan)
    cid, metric, period, value = zip(*rows)
    pcode, periods = pd.factorize(pd.Index(period, dtype=object), sort=True)
    cube = np.full((len(ids), len(KEYS), len(periods)), np.nan)
    r, c = pd.Index(ids).get_indexer(np.asarray(cid)), np.asarray(metric, dtype=np.int64)
    ok = (r >= 0) & (c >= 0)
    cube[r[ok], c[ok], pcode[ok]] = np.asarray(value, dtype="float64")[ok]
    idx = np.where(np.isnan(cube), 0, np.arange(len(periods)))
    np.maximum.accumulate(idx, axis=2, out=idx)
    return [str(p) for p in periods], np.take_along_axis(cube, idx, axis=2)


def _month_point(period: str, values: np.ndarray, me: int, ref: BenchmarkRef | None) -> HistoryPoint:
    present = ~np.isnan(values).all(axis=1)
    point = HistoryPoint(period=period, cohort_size=int(present.sum()), metrics=int((~np.isnan(values[me])).sum()))
    if ref is not None:
        point.benchmark_composite = _r(row_means(_bench_row(values[me], ref)[None, :])[0], 2)
    if point.cohort_size < MIN_COHORT or not present[me]:
        return point
    pct = np.column_stack([pc.group_percentiles(values[:, j], None, DIRECTIONS[k]) for j, k in enumerate(KEYS)])
    composite = row_means(pct)
    overall = pc.group_percentiles(np.round(composite, 9))
    point.composite, point.overall_percentile = _r(composite[me], 2), _r(overall[me], 2)
    return point


def _bench_row(values: np.ndarray, ref: BenchmarkRef) -> np.ndarray:
    out = np.full(len(KEYS), np.nan)
    for j, k in enumerate(KEYS):
        if ref.peers.get(k) is not None:
            out[j] = pr.peer_percentiles(values[j:j + 1], ref.peers[k], DIRECTIONS[k])[0]
        elif ref.quantiles.get(k):
            out[j] = pc.benchmark_percentiles(values[j:j + 1], ref.quantiles[k], DIRECTIONS[k])[0][0]
    return out


def _change(monthly: list[HistoryPoint], group: str) -> str | None:
    known = [h for h in monthly if h.overall_percentile is not None]
    if len(known) < 2:
        return None
    a, b = known[0], known[-1]
    delta = b.overall_percentile - a.overall_percentile
    trend = "up" if delta >= 5 else "down" if delta <= -5 else "about level"
    text = (f"Overall percentile among {group} peers: {pc.ordinal(a.overall_percentile)} in {a.period}, "
            f"{pc.ordinal(b.overall_percentile)} in {b.period} ({trend}, {delta:+.0f} points)")
    if a.benchmark_composite is not None and b.benchmark_composite is not None:
        text += (f"; mean benchmark percentile {a.benchmark_composite:.0f} -> {b.benchmark_composite:.0f}")
    return text + "."


def distinct_snapshots(snaps: list[SnapshotPoint]) -> list[SnapshotPoint]:
    """Snapshots whose position differs from the previous one (repeated runs on the same data collapse)."""
    out: list[SnapshotPoint] = []
    for s in snaps:
        key = (s.period, s.benchmark_set, s.cohort, s.overall_percentile, s.benchmark_composite)
        if not out or key != (out[-1].period, out[-1].benchmark_set, out[-1].cohort, out[-1].overall_percentile,
                              out[-1].benchmark_composite):
            out.append(s)
    return out


_SPARK = "▁▂▃▄▅▆▇█"


def history_markdown(out: BenchmarkHistoryOutput) -> str:
    parts = [f"**{out.customer}**: benchmark position over time ({out.segment or NO_SEGMENT} peers"
             + (f", {out.benchmark.label()}" if out.benchmark else "") + ")"]
    if out.change:
        parts.append(out.change)
    known = [h.overall_percentile for h in out.monthly if h.overall_percentile is not None]
    if known:
        parts.append("Overall percentile: " + "".join(_SPARK[min(7, int(p // 12.5))] for p in known))
    rows = [[h.period, h.cohort_size, pc.ordinal(h.overall_percentile) if h.overall_percentile is not None else "n/a",
             "n/a" if h.composite is None else f"{h.composite:.1f}",
             "n/a" if h.benchmark_composite is None else f"{h.benchmark_composite:.1f}"] for h in out.monthly]
    parts.append(markdown_table(["Month", "Peers", "Overall (peers)", "Composite", "Benchmark composite"], rows,
                                "lrrrr"))
    if out.snapshots:
        distinct = distinct_snapshots(out.snapshots)
        snap = [[s.taken_at[:16].replace("T", " "), s.period or "", s.benchmark_set or "none",
                 pc.ordinal(s.overall_percentile) if s.overall_percentile is not None else "n/a",
                 "n/a" if s.benchmark_composite is None else f"{s.benchmark_composite:.1f}"] for s in distinct[-12:]]
        parts.append(f"Stored portfolio runs: {len(out.snapshots)} ({len(distinct)} distinct positions; repeated runs "
                     f"on unchanged data collapsed, last {min(12, len(distinct))} shown)\n\n" + markdown_table(
            ["Taken at (UTC)", "Data month", "Benchmark", "Overall (peers)", "Benchmark composite"], snap, "lllrr"))
    parts.extend(f"_{n}_" for n in out.notes)
    return "\n\n".join(parts)


HISTORY_TOOL = Tool("benchmark_history", BenchmarkHistoryInput, BenchmarkHistoryOutput, benchmark_history)


TOOL = Tool("compare_portfolio", ComparePortfolioInput, ComparePortfolioOutput, compare_portfolio)
