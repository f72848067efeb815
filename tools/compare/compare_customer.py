"""compare_customer: one account vs its peer cohort and vs a benchmark set."""

from __future__ import annotations

import numpy as np
import pandas as pd
from pydantic import BaseModel, Field

from analytics import percentiles as pc
from analytics.catalog import BY_KEY, KEYS, metric_for
from analytics.trends import WINDOW, classify_trends, window_slopes
from reports.format import (
    bound_label,
    distribution_table_markdown,
    md_bold,
    md_text,
    metric_table_markdown,
    overall_position,
    position_words,
)
from tools.base import (
    CatalogMetric,
    FollowUp,
    Tool,
    ToolError,
    ToolInput,
    ToolOutput,
    catalog_fields,
    rounded,
)
from tools.benchmarks.lookup import BenchmarkInfo, Reference, benchmark_for_account
from tools.benchmarks.views import (
    basis_groups,
    benchmark_basis_markdown,
    reference_text,
)
from tools.compare.charts import comparison_charts
from tools.compare.cohorts import CohortCriteria, CohortType, cohort_members, describe
from tools.store.frames import customers_frame, latest_metrics, metric_history
from tools.store.freshness import data_as_of
from tools.store.resolve import resolve_customer
from tools.store.workspace import Workspace

STRENGTH_AT = 75.0  # strengths: percentile >= 75 (top quartile of the cohort)
GAP_BELOW = 50.0    # gaps: percentile below the cohort median
MAX_LISTED = 5
PEERS_SHOWN = 8
DISTRIBUTIONS_SHOWN = 4  # histograms of the largest gaps, for the chat and reports


class CompareCustomerInput(ToolInput):
    customer: str = Field(description="account name as the user wrote it (fuzzy-matched)")
    cohort_type: CohortType = Field("segment", description="peer dimension: same segment, industry, "
                                    "size (ARR band), region, contract_age, all accounts, or custom criteria only")
    criteria: CohortCriteria | None = Field(None, description="extra filters narrowing the peer group")
    benchmark: str | None = Field(None, description="benchmark set name; the active set when omitted")
    anonymise: bool = Field(True, description="label peers Peer A, Peer B... (keep True for anything customer-facing)")
    metrics: list[str] | None = Field(None, description="show only these metrics (catalog keys or names) when the "
                                      "question is about them; figures and the overall percentile are unchanged")
    distribution: bool = Field(False, description="also show the full peer distribution per metric (P25, median, "
                               "P75, P90) in the answer, e.g. 'show the full distribution'")


class CohortInfo(BaseModel):
    type: str
    size: int
    description: str
    criteria: CohortCriteria | None = None


class MetricComparison(CatalogMetric):
    value: float | None
    percentile: float | None
    rank: int | None = Field(None, description="1 = best in the cohort")
    cohort_p25: float | None
    cohort_median: float | None
    cohort_p75: float | None
    cohort_p90: float | None
    benchmark_median: float | None = None
    benchmark_percentile: float | None = None
    benchmark_bound: str | None = Field(None, description="'below' / 'above' when outside the known quantiles")
    benchmark_label: str | None = None
    benchmark_basis: str | None = Field(None, description="the benchmark row used: scope and source "
                                        "('$25K-$100K ARR band, SaaS Capital 2023')")
    benchmark_references: list[Reference] = Field(default_factory=list, description="other sources' medians and "
                                                  "labelled points (best in class ...) shown beside the percentile")
    status: str | None
    benchmark_status: str | None = None
    trend: str | None


class PeerPoint(BaseModel):
    label: str
    composite: float
    is_customer: bool = False


class Distribution(BaseModel):
    """The peer group's spread on one metric, as counts per bin (an aggregate: no peer value or min/max)."""

    metric: str
    edges: list[float] = Field(description="bin edges from the peer group's P10 to P90; tails count in the end bins")
    counts: list[int]
    value: float = Field(description="this account's value")


class CompareCustomerOutput(ToolOutput):
    customer: str
    segment: str | None
    industry: str | None
    arr: float | None
    cohort: CohortInfo
    benchmark: BenchmarkInfo | None
    metrics: list[MetricComparison]
    composite: float | None
    overall_percentile: float | None
    benchmark_composite: float | None
    strengths: list[str]
    gaps: list[str]
    peers: list[PeerPoint] = Field(default_factory=list, description="composite score of a few peers, anonymised")
    distributions: list[Distribution] = Field(default_factory=list,
                                              description="peer-group spread of the largest gaps (for charts)")
    focus: list[str] | None = Field(None, description="the metrics asked about (only their rows are shown)")
    position: str | None = Field(None, description="overall percentile in words: '72nd percentile, above average' "
                                 "(bands: reports.format.POSITION_BANDS)")
    data_as_of: str | None = Field(None, description="latest metric period and import: 'data as of 2026-10 (...)'")
    show_distribution: bool = Field(False, description="the answer shows P25/median/P75/P90 per metric")

    def metric(self, key: str) -> MetricComparison:
        return next(m for m in self.metrics if m.metric == key)

    def shown(self) -> list[MetricComparison]:
        """The rows to show: the metrics asked about, else all."""
        return [self.metric(k) for k in self.focus] if self.focus else list(self.metrics)

    def summary_for_model(self) -> dict:
        rows = [[m.metric, m.value, rounded(m.percentile, 1), m.cohort_median, m.benchmark_median,
                 m.benchmark_label, m.status, m.trend] for m in self.shown() if m.value is not None]
        return {
            "customer": self.customer, "segment": self.segment, "industry": self.industry,
            "cohort": {"type": self.cohort.type, "size": self.cohort.size, "description": self.cohort.description},
            "benchmark": self.benchmark.model_dump() if self.benchmark else None,
            "overall_percentile": rounded(self.overall_percentile, 1), "position": self.position,
            "data_as_of": self.data_as_of, "composite": rounded(self.composite, 1),
            "benchmark_composite": rounded(self.benchmark_composite, 1),
            "columns": ["metric", "value", "percentile", "cohort_median", "benchmark_median",
                        "benchmark_percentile", "status", "trend"],
            "metrics": rows, "strengths": self.strengths, "gaps": self.gaps,
            "benchmark_rows_used": basis_groups(self.metrics),
            "reference_points": {m.metric: [reference_text(m.metric, r) for r in m.benchmark_references]
                                 for m in self.metrics if m.value is not None and m.benchmark_references},
            **({"focus": self.focus, "note": f"only the {len(self.focus)} metric(s) asked about are listed; "
                "the full table has all metrics"} if self.focus else {}),
        }

    def to_markdown(self) -> str:
        head = (f"{md_bold(self.customer)} vs {md_text(self.cohort.description)} ({self.cohort.size} accounts)"
                + (f" and {md_text(self.benchmark.label())}" if self.benchmark else ""))
        head += f"; {self.data_as_of}" if self.data_as_of else ""
        overall = (f"Overall: **{overall_position(self.overall_percentile)}** among peers"
                   if self.overall_percentile is not None else "")
        spread = ("**Peer distribution per metric**\n\n" + distribution_table_markdown(self.shown())
                  if self.show_distribution else "")
        note = (f"_Showing {', '.join(m.label for m in self.shown())} only; the full table has "
                f"{len(self.metrics)} metrics._" if self.focus else "")
        return "\n\n".join(x for x in (head, overall, metric_table_markdown(self.shown()), spread, note,
                                        benchmark_basis_markdown(self.shown())) if x)


def _f(x) -> float | None:
    return None if x is None or x != x else float(x)


def focus_metrics(names: list[str] | None) -> list[str] | None:
    """Metric names as the user wrote them -> catalog keys (in order, once each); ToolError if unknown."""
    if not names:
        return None
    keys = []
    for name in names:
        m = BY_KEY.get(name) or metric_for(name)
        if m is None:
            raise ToolError(f"'{name}' is not a metric in the catalog.", suggestions=[x.label for x in BY_KEY.values()])
        if m.key not in keys:
            keys.append(m.key)
    return keys


def compare_customer(ws: Workspace, inp: CompareCustomerInput) -> CompareCustomerOutput:
    """Compare one account with its peer group and the benchmark set, metric by metric.

    Use for "How does Acme compare to peers?" and follow-ups that change the
    peer group ("only Enterprise SaaS peers over $100K ARR" -> criteria). For a
    question about one or a few metrics ("Acme's NPS vs industry") pass ``metrics``:
    only those rows are shown, every figure stays the same. Returns
    per metric the account's value, its percentile and rank in the cohort, the
    cohort P25/median/P75/P90, the benchmark median and percentile, a status
    (top_performer >= 90, above_median >= 50, below_median >= 25, lagging) and
    a trend; plus the overall percentile, strengths and gaps. Peers are never
    named. Fails when the peer group has fewer than 10 accounts.
    """
    focus = focus_metrics(inp.metrics)
    row = resolve_customer(ws, inp.customer)
    customers = customers_frame(ws)
    account = customers.loc[row["id"]]
    members = cohort_members(ws, customers, account, inp.cohort_type, inp.criteria)
    latest = latest_metrics(ws).reindex(members)
    directions = {k: BY_KEY[k].higher_is_better for k in KEYS}
    pct = pc.frame_percentiles(latest, directions)
    composites = pc.composite_scores(pct)
    overall = pc.overall_percentiles(composites)
    bench = benchmark_for_account(ws, inp.benchmark, account)
    trends = _trends(ws, row["id"], latest)
    metrics = [_metric_row(key, latest, pct, row["id"], bench, trends.get(key)) for key in KEYS]
    bench_pcts = [m.benchmark_percentile for m in metrics if m.benchmark_percentile is not None]
    mine = [m for m in metrics if m.percentile is not None]
    gaps = [m.metric for m in sorted(mine, key=lambda m: m.percentile) if m.percentile < GAP_BELOW][:MAX_LISTED]
    charted = [k for k in (focus or gaps) if latest.at[row["id"], k] == latest.at[row["id"], k]]
    return CompareCustomerOutput(
        customer=row["name"], segment=row["segment"], industry=row["industry"], arr=_f(row["arr"]),
        cohort=CohortInfo(type=inp.cohort_type, size=len(members), criteria=inp.criteria,
                          description=describe(inp.criteria or CohortCriteria(), inp.cohort_type, account)),
        benchmark=bench.info if bench else None, metrics=metrics,
        composite=rounded(composites.loc[row["id"]], 6), overall_percentile=rounded(overall.loc[row["id"]], 2),
        benchmark_composite=rounded(float(np.mean(bench_pcts)), 2) if bench_pcts else None,
        strengths=[m.metric for m in sorted(mine, key=lambda m: -m.percentile) if m.percentile >= STRENGTH_AT][:MAX_LISTED],
        gaps=gaps, peers=_peer_points(customers, composites, row["id"], inp.anonymise),
        distributions=[_distribution(k, latest, row["id"]) for k in charted[:DISTRIBUTIONS_SHOWN]], focus=focus,
        position=overall_position(overall.loc[row["id"]]) if position_words(overall.loc[row["id"]]) else None,
        data_as_of=data_as_of(ws).text() or None, show_distribution=inp.distribution,
    )


def _distribution(key: str, latest: pd.DataFrame, cid: int) -> Distribution:
    edges, counts = pc.tail_clipped_histogram(latest[key].to_numpy(dtype="float64"))
    return Distribution(metric=key, edges=edges, counts=counts, value=float(latest.at[cid, key]))


def _metric_row(key, latest, pct, cid, bench, trend) -> MetricComparison:
    meta = BY_KEY[key]
    col = latest[key].to_numpy(dtype="float64")
    value = _f(latest.at[cid, key])
    q = pc.cohort_quantiles(col)
    p = _f(pct.at[cid, key])
    rank = None
    if value is not None:
        better = col > value if meta.higher_is_better else col < value
        rank = int(np.nansum(better)) + 1
    b_median = b_pct = None
    b_bound = b_label = basis = None
    refs: list[Reference] = []
    if bench is not None:
        b_median, b_pct, b_bound = bench.position(key, value, meta.higher_is_better)
        if b_pct is not None:
            b_label = bound_label(b_pct, b_bound or "")
        elif b_median is not None and value is not None:  # one published figure: above or below it only
            b_label = median_side(value, b_median, meta.higher_is_better)
        basis = bench.bases[key].text() if key in bench.bases else None
        refs = bench.references.get(key, [])
    return MetricComparison(
        **catalog_fields(key), value=value, percentile=rounded(p, 2), rank=rank, cohort_p25=rounded(q[25], 4),
        cohort_median=rounded(q[50], 4), cohort_p75=rounded(q[75], 4), cohort_p90=rounded(q[90], 4), benchmark_median=b_median,
        benchmark_percentile=rounded(b_pct, 2), benchmark_bound=b_bound or None, benchmark_label=b_label,
        benchmark_basis=basis, benchmark_references=refs, status=pc.status_for(p) if p is not None else None,
        benchmark_status=pc.status_for(b_pct) if b_pct is not None else None, trend=trend,
    )


def median_side(value: float, median: float, higher: bool) -> str:
    """'above median' / 'below median' / 'at median' (better or worse, whatever the metric's direction)."""
    if abs(value - median) <= 1e-9:
        return "at median"
    return "above median" if (value > median) == higher else "below median"


def _trends(ws: Workspace, cid: int, latest: pd.DataFrame) -> dict[str, str | None]:
    """Each metric's trend over the last WINDOW periods, scaled by the cohort IQR."""
    hist = metric_history(ws, [int(cid)])
    if hist.empty:
        return {}
    wide = hist.pivot(index="metric", columns="period", values="value")
    wide = wide.iloc[:, -WINDOW:]
    slopes = window_slopes(wide.to_numpy())
    out = {}
    for key, slope in zip(wide.index, slopes):
        if key not in BY_KEY:
            continue
        q = pc.cohort_quantiles(latest[key].to_numpy(dtype="float64"), (25, 75))
        out[key] = classify_trends(np.array([slope]), q[75] - q[25], BY_KEY[key].higher_is_better)[0]
    return out


def _peer_points(customers: pd.DataFrame, composites: pd.Series, cid: int, anonymise: bool) -> list[PeerPoint]:
    """A handful of peers nearest the account by ARR, labelled Peer A, B, ... when anonymised."""
    peers = composites.drop(index=cid).dropna()
    if peers.empty:
        return []
    arr = customers["arr"].reindex(peers.index)
    nearest = (arr - customers.at[cid, "arr"]).abs().sort_values(kind="stable").index[:PEERS_SHOWN]
    chosen = peers.loc[nearest].sort_values(ascending=False)
    points = [PeerPoint(label=(f"Peer {chr(65 + i)}" if anonymise else str(customers.at[pid, "name"])),
                        composite=round(float(v), 1)) for i, (pid, v) in enumerate(chosen.items())]
    you = PeerPoint(label="You" if anonymise else str(customers.at[cid, "name"]),
                    composite=round(float(composites.loc[cid]), 1), is_customer=True)
    return sorted(points + [you], key=lambda p: -p.composite)


def analysis_of(out: CompareCustomerOutput) -> dict:
    """The comparison's peer group and benchmark set, as inputs: what its follow-ups must reuse."""
    criteria = out.cohort.criteria.model_dump(exclude_none=True) if out.cohort.criteria else None
    return {"cohort_type": out.cohort.type, "criteria": criteria or None,
            "benchmark": out.benchmark.name if out.benchmark else None}


def follow_ups(out: CompareCustomerOutput) -> list[FollowUp]:
    """Export the comparison, make the QBR slide, or see what to improve: same peers, same benchmark
    (and, for an answer about a few metrics, the full table first)."""
    same = {"customer": out.customer, **analysis_of(out)}
    full = [FollowUp.call(f"Show all {len(out.metrics)} metrics", "compare_customer", **same)] if out.focus else []
    return [*full,
            FollowUp.call("Export report (DOCX)", "draft_report", kind="benchmark", format="docx", **same),
            FollowUp.call("Export PDF", "draft_report", kind="benchmark", format="pdf", **same),
            FollowUp.call("Generate QBR slide", "draft_report", kind="qbr", format="pptx", **same),
            FollowUp.call("Show recommendations", "recommend_improvements", **same)]


def remember(inp: dict, out: CompareCustomerOutput) -> dict:
    return {"customer": out.customer, "report_kind": "benchmark", **analysis_of(out),
            "peer_group": f"{out.cohort.description} ({out.cohort.size} accounts)",
            "benchmark_label": out.benchmark.name if out.benchmark else "none loaded"}


def step_title(inp: dict) -> str:
    return f"peer comparison: {inp.get('customer', '')}"


TOOL = Tool("compare_customer", CompareCustomerInput, CompareCustomerOutput, compare_customer,
            charts=comparison_charts, follow_ups=follow_ups, narrative="narrative/compare_customer.md.j2",
            clickable=True, context=remember, step_title=step_title)
