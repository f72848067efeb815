"""compare_portfolio's input and output models, and their views: the model's summary and Markdown."""

from __future__ import annotations

import pandas as pd
from pydantic import BaseModel, Field

from analytics.catalog import BY_KEY
from reports.format import (
    fmt_gap,
    fmt_value,
    fmt_versus,
    markdown_table,
    md_bold,
    md_text,
    ordinal,
    status_label,
)
from tools.base import CatalogMetric, ToolInput, ToolOutput, rounded
from tools.benchmarks.lookup import BenchmarkInfo

LISTED = 2          # accounts per metric in the model's summary (10 when one metric is asked for)
SHOWN = 5           # best / weakest accounts per peer group in the Markdown view
LISTED_MD = 3       # accounts per metric in the Markdown lists


class ComparePortfolioInput(ToolInput):
    benchmark: str | None = Field(None, description="benchmark set name; the active (latest loaded) set when omitted")
    segment: str | None = Field(None, description="only accounts of this segment: Enterprise, Mid-Market or SMB")
    metric: str | None = Field(None, description="focus the lists on one metric (catalog key or name, e.g. 'nps')")
    csm: str | None = Field(None, description="only this CSM's book: the accounts they own (full or first name); "
                            "ranks stay within the whole peer group")
    metrics: list[str] | None = Field(None, description="only these metrics in the table and lists (keys or names)")
    group_by: str | None = Field(None, description="peer groups by this customer attribute: segment (default), "
                                 "industry, arr_band, region, or another customers column such as csm")


class PortfolioMetric(CatalogMetric):
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

    def some_rows(self, picks: slice) -> list[dict]:
        """``rows()[picks]`` without a dict per account (a view shows ten of 100k)."""
        cols = dict(self)
        return [dict(zip(cols, vals)) for vals in zip(*(c[picks] for c in cols.values()))]


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
    csm: str | None = Field(None, description="the CSM whose book this is (None: every account)")
    goal_changes: list[str] = Field(default_factory=list, description="goals achieved or newly at risk lately")
    group_by: str = Field("segment", description="the attribute the peer groups are by")
    data_as_of: str | None = Field(None, description="latest metric period and import")

    def summary_for_model(self) -> dict:
        n = LISTED if self.metric is None else 10
        first = lambda c: [[name, v, lab] for name, v, lab in zip(c.customer[:n], c.value[:n], c.percentile_label[:n])]
        return {
            "accounts": self.accounts, "segment": self.segment, "period": self.period, "group_by": self.group_by,
            "benchmark": self.benchmark.model_dump(exclude_none=True) if self.benchmark else None,
            "summary": self.summary,
            "metric_table": {"columns": ["metric", "accounts", "portfolio_average", "benchmark_median",
                                         "percentile", "status", "top_performers", "below_p25"],
                             "rows": [[m.metric, m.accounts, rounded(m.portfolio_average, 3), rounded(m.benchmark_median, 3),
                                       m.percentile_label, m.status, m.top_performers, m.below_p25]
                                      for m in self.metrics]},
            "top_performers [name, value, percentile]": {t.metric: first(t) for t in self.top_performers if t.count},
            "below_benchmark [name, value, percentile, gap_to_median]": {
                b.metric: [r + [rounded(g, 3)] for r, g in zip(first(b), b.gap_to_median)]
                for b in self.below_benchmark if b.count},
            "peer_groups": [_group_summary(g) for g in self.peer_groups],
            "notes": self.notes, "csm": self.csm, "goal_changes": self.goal_changes,
        }

    def to_markdown(self) -> str:
        return portfolio_markdown(self)


def _group_summary(g: PeerGroup) -> dict:
    out = {"segment": g.segment, "size": g.size}
    if not g.sufficient:
        return {**out, "note": g.note}
    pick = lambda rs: [[r["customer"], r["rank"], r["overall_percentile"], r["strengths"], r["gaps"]] for r in rs]
    return {**out, "[customer, rank, overall_percentile, strengths, gaps]": {
        "best": pick(g.accounts.some_rows(slice(None, LISTED))),
        "weakest": pick(g.accounts.some_rows(slice(-LISTED, None))[::-1])}}


METRIC_LISTED = 15  # accounts listed per table when one metric is asked about


def portfolio_markdown(out: ComparePortfolioOutput) -> str:
    """The CLI / chat view: metric table, first accounts per metric, each peer group's best and weakest.

    Asked about one metric, the view stays on it: its row, then the accounts below benchmark and
    the top performers on it as tables (no overall ranking, which is about every metric).
    """
    changes = ["**Goal changes**\n" + "\n".join(f"- {md_text(c)}" for c in out.goal_changes)] if out.goal_changes else []
    if out.metric is not None:
        return "\n\n".join([*changes, _metric_markdown(out)])
    head = f"**Portfolio vs Benchmarks**: {out.accounts} accounts" + (f" ({md_text(out.segment)})" if out.segment else "")
    head += f" owned by {md_text(out.csm)}" if out.csm else ""
    if out.benchmark:
        head += (f" vs {md_text(out.benchmark.label())}"
                 + (f", {md_text(out.benchmark.segment)} rows" if out.benchmark.segment else ""))
    head += f"; peer groups by {out.group_by.replace('_', ' ').replace('arr', 'ARR')}"
    fresh = md_text(out.data_as_of) if out.data_as_of else (f"data as of {md_text(out.period)}" if out.period else "")
    parts = [*changes, head + (f"; {fresh}" if fresh else ""), md_text(out.summary)]
    rows = [[m.label, m.accounts, *fmt_versus(m.metric, m.portfolio_average, m.benchmark_median),
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
    parts.extend(f"_{md_text(n)}_" for n in out.notes)
    return "\n\n".join(parts)


def _metric_markdown(out: ComparePortfolioOutput) -> str:
    m, key = out.metrics[0], out.metric
    head = (f"**{m.label} across {out.accounts} accounts**" + (f" ({out.segment})" if out.segment else "")
            + (f" vs {out.benchmark.label()}" if out.benchmark else "") + (f"; data as of {out.period}" if out.period else ""))
    parts = [head, markdown_table(["Metric", "Accounts", "Portfolio avg", "Benchmark median", "Avg percentile", "Status"],
                                  [[m.label, m.accounts, fmt_value(key, m.portfolio_average),
                                    fmt_value(key, m.benchmark_median), m.percentile_label or "n/a",
                                    status_label(m.status)]], "lrrrrl")]
    below, top = out.below_benchmark[0], out.top_performers[0]
    if below.count:
        rows = [[r["customer"], r["segment"], fmt_value(key, r["value"]), r["percentile_label"],
                 fmt_gap(key, g) if g is not None and g > 0 else ""]
                for r, g in zip(below.rows()[:METRIC_LISTED], below.gap_to_median)]
        parts.append(f"**Below the benchmark's 25th percentile: {below.count}**" + (
            f" (the {METRIC_LISTED} furthest behind)" if below.count > METRIC_LISTED else "") + "\n\n" + markdown_table(
            ["Account", "Segment", m.label, "Percentile", "Gap to median"], rows, "llrrr"))
    else:
        parts.append(f"No account is below the benchmark's 25th percentile on {m.label}.")
    if top.count:
        rows = [[r["customer"], r["segment"], fmt_value(key, r["value"]), r["percentile_label"]]
                for r in top.rows()[:METRIC_LISTED]]
        parts.append(f"**Top performers (at or above P90): {top.count}**\n\n" + markdown_table(
            ["Account", "Segment", m.label, "Percentile"], rows, "llrr"))
    parts.extend(f"_{n}_" for n in out.notes)
    return "\n\n".join(parts)


def _listing(cols: AccountColumns, gaps: bool = False, n: int = LISTED_MD) -> str:
    items = []
    for i, (name, v, lab) in enumerate(zip(cols.customer[:n], cols.value[:n], cols.percentile_label[:n])):
        gap = cols.gap_to_median[i] if gaps else None
        extra = f", gap {fmt_gap(cols.metric, gap)}" if gap is not None and gap > 0 else ""
        items.append(f"{md_text(name)} ({fmt_value(cols.metric, v)}, {md_text(lab)}{extra})")
    return "; ".join(items) + (f"; and {cols.count - n} more" if cols.count > n else "")


def _group_markdown(g: PeerGroup) -> str:
    title = f"{md_bold(g.segment)} peer group: {g.size} accounts"
    if g.sufficient and len(g.accounts.customer) < g.size:
        title += f" ({len(g.accounts.customer)} in this book, ranked among all {g.size})"
    if not g.sufficient:
        return f"{title}. {md_text(g.note)}"
    n = len(g.accounts.customer)
    shown = (g.accounts.some_rows(slice(None)) if n <= 2 * SHOWN else
             g.accounts.some_rows(slice(None, SHOWN)) + [None] + g.accounts.some_rows(slice(-SHOWN, None)))
    label = lambda keys: ", ".join(BY_KEY[k].label for k in keys)
    table = [["...", "", "", "", "", ""] if r is None else
             [r["rank"], r["customer"], ordinal(r["overall_percentile"]) if r["overall_percentile"] is not None
              else "n/a", "n/a" if r["benchmark_composite"] is None else f"{r['benchmark_composite']:.1f}",
              label(r["strengths"]), label(r["gaps"])] for r in shown]
    return title + "\n\n" + markdown_table(["Rank", "Account", "Overall (peers)", "Benchmark composite",
                                            "Strengths", "Gaps"], table, "rlrrll")
