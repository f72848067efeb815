"""benchmark_history: an account's benchmark position over time, monthly and at each stored run.

The monthly position is recomputed from metric history, so a history exists
before the first compare_portfolio snapshot.
"""

from __future__ import annotations

import numpy as np
from pydantic import BaseModel, Field

from analytics import percentiles as pc
from analytics import practices as pr
from analytics.catalog import BY_KEY, KEYS
from reports.format import fmt_value, markdown_table, md_bold, md_text, ordinal
from tools.base import Tool, ToolInput, ToolOutput, rounded
from tools.benchmarks.lookup import BenchmarkInfo, BenchmarkRef, benchmark_for_account
from tools.compare.cohorts import MIN_COHORT
from tools.portfolio.positions import DIRECTIONS, KIDX, resolve_metric, row_means
from tools.store.frames import NO_SEGMENT, customers_table, history_cube, peer_groups
from tools.store.resolve import resolve_customer
from tools.store.workspace import Workspace


class BenchmarkHistoryInput(ToolInput):
    customer: str = Field(description="account name as the user wrote it (fuzzy-matched)")
    periods: int = Field(12, ge=2, le=36, description="months of recomputed history (most recent last)")
    benchmark: str | None = Field(None, description="benchmark set for the monthly benchmark composite; "
                                  "the active set when omitted")
    metric: str | None = Field(None, description="also follow this metric (catalog key or name) month by month: "
                               "its value and its percentile among peers")


class HistoryPoint(BaseModel):
    period: str
    cohort_size: int = Field(description="peer-group accounts with data in that month")
    overall_percentile: float | None = Field(None, description="percentile of the composite among the peer group")
    composite: float | None = Field(None, description="mean of the account's metric percentiles among peers")
    benchmark_composite: float | None = Field(None, description="mean benchmark percentile (current benchmark set)")
    metrics: int = Field(0, description="metrics with a value")
    value: float | None = Field(None, description="the followed metric's value that month (when one is asked for)")
    metric_percentile: float | None = Field(None, description="the followed metric's percentile among peers")


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
    metric: str | None = None
    monthly: list[HistoryPoint] = Field(description="recomputed from metric history, oldest first")
    snapshots: list[SnapshotPoint] = Field(description="stored compare_portfolio runs, oldest first")
    change: str | None = None
    notes: list[str] = Field(default_factory=list)

    def summary_for_model(self) -> dict:
        followed = ({f"{self.metric} [period, value, percentile]": [[h.period, h.value, h.metric_percentile]
                                                                      for h in self.monthly]} if self.metric else {})
        return {"customer": self.customer, "segment": self.segment, **followed,
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
    peers?" or a trend over the last months ("Acme's health score trend over the last
    6 months": metric and periods). Monthly points are recomputed from
    metric history for each of the last ``periods`` months: the account's overall
    percentile among its segment peers (from each month's latest values), its
    composite, and its mean percentile against the current benchmark set.
    Snapshot points are the stored compare_portfolio runs. Peer groups under 10
    accounts in a month get no percentile for that month.
    """

    metric = resolve_metric(inp.metric)
    row = resolve_customer(ws, inp.customer)
    customers = customers_table(ws)
    group = row["segment"] or NO_SEGMENT
    members = customers.index[peer_groups(customers["segment"]) == group].to_numpy()
    periods, cube = history_cube(ws, members)
    ref = benchmark_for_account(ws, inp.benchmark, customers.loc[row["id"]])
    me = int(np.flatnonzero(members == row["id"])[0])
    monthly = [month_point(periods[t], cube[:, :, t], me, ref, metric)
               for t in range(max(0, len(periods) - inp.periods), len(periods))]
    snaps = [SnapshotPoint(**r) for r in ws.query(
        "SELECT run_id, taken_at, period, benchmark_set, cohort, overall_percentile, composite, benchmark_composite "
        "FROM snapshots WHERE customer_id = ? ORDER BY taken_at, id", (row["id"],))]
    notes = []
    if len(members) < MIN_COHORT:
        notes.append(f"{group} has only {len(members)} accounts: no peer percentiles for fewer than {MIN_COHORT}.")
    if not snaps:
        notes.append("No stored portfolio runs yet: compare the portfolio with the benchmarks to start recording "
                     "snapshots.")
    change = _metric_change(monthly, metric, group) if metric else _change(monthly, group)
    return BenchmarkHistoryOutput(customer=row["name"], segment=row["segment"], benchmark=ref.info if ref else None,
                                  metric=metric, monthly=monthly, snapshots=snaps, change=change, notes=notes)


def month_point(period: str, values: np.ndarray, me: int, ref: BenchmarkRef | None,
                metric: str | None = None) -> HistoryPoint:
    """The account's position in one month: ``values`` is accounts x KEYS as of that month, ``me`` its row.

    Shared with the reports, which chart it over the report's own peer group.
    """
    present = ~np.isnan(values).all(axis=1)
    point = HistoryPoint(period=period, cohort_size=int(present.sum()), metrics=int((~np.isnan(values[me])).sum()))
    if metric is not None:
        point.value = rounded(values[me, KIDX[metric]], 4)
    if ref is not None:
        point.benchmark_composite = rounded(row_means(_bench_row(values[me], ref)[None, :])[0], 2)
    if point.cohort_size < MIN_COHORT or not present[me]:
        return point
    pct = np.column_stack([pc.group_percentiles(values[:, j], None, DIRECTIONS[k]) for j, k in enumerate(KEYS)])
    composite = row_means(pct)
    overall = pc.group_percentiles(np.round(composite, 9))
    point.composite, point.overall_percentile = rounded(composite[me], 2), rounded(overall[me], 2)
    if metric is not None and point.value is not None:
        point.metric_percentile = rounded(pct[me, KIDX[metric]], 2)
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
    text = (f"Overall percentile among {group} peers: {ordinal(a.overall_percentile)} in {a.period}, "
            f"{ordinal(b.overall_percentile)} in {b.period} ({trend}, {delta:+.0f} points)")
    if a.benchmark_composite is not None and b.benchmark_composite is not None:
        text += (f"; mean benchmark percentile {a.benchmark_composite:.0f} -> {b.benchmark_composite:.0f}")
    return text + "."


def _metric_change(monthly: list[HistoryPoint], metric: str, group: str) -> str | None:
    known = [h for h in monthly if h.value is not None]
    if len(known) < 2:
        return None
    a, b = known[0], known[-1]
    label = BY_KEY[metric].label
    text = f"{label}: {fmt_value(metric, a.value)} in {a.period}, {fmt_value(metric, b.value)} in {b.period}"
    if a.metric_percentile is not None and b.metric_percentile is not None:
        text += (f" ({ordinal(a.metric_percentile)} -> {ordinal(b.metric_percentile)} percentile among "
                 f"{group} peers)")
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
    what = f"{BY_KEY[out.metric].label} over time" if out.metric else "benchmark position over time"
    parts = [f"{md_bold(out.customer)}: {what} ({md_text(out.segment or NO_SEGMENT)} peers"
             + (f", {md_text(out.benchmark.label())}" if out.benchmark else "") + ")"]
    series = [h.metric_percentile for h in out.monthly] if out.metric else [h.overall_percentile for h in out.monthly]
    known = [p for p in series if p is not None]
    if known:
        name = f"{BY_KEY[out.metric].label} percentile" if out.metric else "Overall percentile"
        parts.append(f"{name}: " + "".join(_SPARK[min(7, int(p // 12.5))] for p in known))
    rows = [[h.period, h.cohort_size, ordinal(h.overall_percentile) if h.overall_percentile is not None else "n/a",
             "n/a" if h.composite is None else f"{h.composite:.1f}",
             "n/a" if h.benchmark_composite is None else f"{h.benchmark_composite:.1f}"] for h in out.monthly]
    cols = ["Month", "Peers", "Overall (peers)", "Composite", "Benchmark composite"]
    if out.metric:
        label = BY_KEY[out.metric].label
        rows = [[r[0], fmt_value(out.metric, h.value), ordinal(h.metric_percentile) if h.metric_percentile
                 is not None else "n/a", *r[1:3]] for r, h in zip(rows, out.monthly)]
        cols = ["Month", label, f"{label} (peers)", "Peers", "Overall (peers)"]
    parts.append(markdown_table(cols, rows, "l" + "r" * (len(cols) - 1)))
    if out.snapshots:
        distinct = distinct_snapshots(out.snapshots)
        snap = [[s.taken_at[:16].replace("T", " "), s.period or "", s.benchmark_set or "none",
                 ordinal(s.overall_percentile) if s.overall_percentile is not None else "n/a",
                 "n/a" if s.benchmark_composite is None else f"{s.benchmark_composite:.1f}"] for s in distinct[-12:]]
        parts.append(f"Stored portfolio runs: {len(out.snapshots)} ({len(distinct)} distinct positions; repeated runs "
                     f"on unchanged data collapsed, last {min(12, len(distinct))} shown)\n\n" + markdown_table(
            ["Taken at (UTC)", "Data month", "Benchmark", "Overall (peers)", "Benchmark composite"], snap, "lllrr"))
    parts.extend(f"_{md_text(n)}_" for n in out.notes)
    return "\n\n".join(parts)


def step_title(inp: dict) -> str:
    what = f"{BY_KEY[inp['metric']].label} history" if inp.get("metric") in BY_KEY else "position history"
    return f"{what}: {inp.get('customer', '')}"


TOOL = Tool("benchmark_history", BenchmarkHistoryInput, BenchmarkHistoryOutput, benchmark_history,
            narrative="narrative/benchmark_history.md.j2", clickable=True,
            context=lambda inp, out: {"customer": out.customer, "report_kind": "benchmark"}, step_title=step_title)
