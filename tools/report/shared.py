"""What every report builder shares: the data a builder gets, prose slots, common tables and figures.

The builders only select and format figures that tools returned (compare_customer,
compute_roi, recommend_improvements, compare_portfolio, portfolio_success); they never
compute a new figure. Prose comes from the ``narrative`` slots (Claude's text, already
checked by the caller) or, when a slot is missing, from a Jinja template.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from reports.format import fmt_versus, ordinal, status_versus
from reports.model import (
    CUSTOMER_FACING,
    Figure,
    Paragraph,
    Report,
    Section,
    Series,
    Table,
    chart,
)
from reports.page import NARROW_IN, WIDE_IN
from tools.benchmarks.views import basis_groups
from tools.report.cells import action_for, cols, mcell, pcell, render, status_cell, text

PERCENTILE_DEFINITION = (
    "Percentiles: the 72nd percentile means better than 72% of the comparison group. Within the peer group "
    "they are computed over the accounts' latest values (yours included, ties counted half); against the "
    "industry benchmark they are interpolated between the published quantiles (P25, median, P75, P90), and "
    "outside them shown as a bound (<25th, >90th). Where lower is better (time to value, support tickets) "
    "the scale is reversed, so a higher percentile is always better. The overall percentile ranks your mean "
    "metric percentile among the peers' means. Status: 90th and above top performer, 50th-89th above median, "
    "25th-49th below median, under 25th lagging.")


@dataclass
class ReportData:
    """Everything a builder may use: tool outputs plus the title-block settings."""

    kind: str
    date: str
    prepared_by: str
    compare: Any = None            # CompareCustomerOutput (anonymised for customer-facing kinds)
    roi: Any = None                # ComputeRoiOutput
    recommend: Any = None          # recommend_improvements output, when that tool is available
    cohort_values: dict[str, list[float]] = field(default_factory=dict)  # internal kind only
    history: list[tuple[str, float]] = field(default_factory=list)       # (period, overall percentile)
    portfolio: Any = None          # compare_portfolio output
    success: Any = None            # portfolio_success output
    narrative: dict[str, str] = field(default_factory=dict)
    max_rows: int | None = None    # cap long portfolio tables in documents (the workbook gets every row)


def slot(data: ReportData, name: str, template: str, *, lines: bool = False, **ctx) -> str:
    """Claude's prose for ``name`` when given, else the template's."""
    given = (data.narrative or {}).get(name)
    return given.strip() if given and given.strip() else render(template, lines=lines, **ctx)


# ---- shared pieces ---------------------------------------------------------------------------

def industry_view(m) -> tuple[float | None, float | None, str | None, str | None, bool]:
    """(median, percentile, percentile label, status, from_industry) for the customer table.

    The industry benchmark's figures when it covers the metric, else the peer group's
    (marked in the table), so every row has a comparison.
    """
    if m.benchmark_percentile is not None:
        return m.benchmark_median, m.benchmark_percentile, m.benchmark_label, m.benchmark_status, True
    return m.cohort_median, m.percentile, None, m.status, False


def performance_table(cmp) -> Table:
    rows, marked = [], False
    for m in cmp.metrics:
        if m.value is None:
            continue
        median, pct, label, status, industry = industry_view(m)
        marked |= not industry
        mine, theirs = fmt_versus(m.metric, m.value, median)
        rows.append([text(m.label + ("" if industry else " †")), mcell(m.metric, m.value, mine),
                     mcell(m.metric, median, theirs), pcell(pct, label),
                     status_cell(status, status_versus(status, m.value, median))])
    note = ("† No industry benchmark for this metric: the peer-group median and percentile are shown."
            if marked else None)
    return Table("performance", cols("lrrrl", "Metric", "Your score", "Industry median", "Percentile vs industry",
                                     "Status vs industry", widths=[2.2, 1.2, 1.3, 1.4, 1.6]), rows, note=note)


def peer_figure(cmp, title: str = "Composite score: you vs anonymised peers") -> Figure | None:
    if not cmp.peers:
        return None
    labels = [p.label for p in cmp.peers]
    values = [p.composite for p in cmp.peers]
    axis = "composite score (mean metric percentile, 0-100)"
    highlight = [p.is_customer for p in cmp.peers]
    png = chart("peer_bars", labels, values, highlight, axis)  # drawn when an exporter needs the PNG
    return Figure("peer_comparison", title, png, chart_type="barh", categories=labels, width_in=NARROW_IN,
                  series=[Series("Composite score", values)], axis_title=axis,
                  caption=(f"Composite score (the mean of each account's metric percentiles, 0-100) of "
                           f"{len(labels) - 1} anonymised peers of similar size in the peer group, and you. "
                           "Peers are never named."))


def percentile_figure(cmp) -> Figure | None:
    """The percentiles of the performance table (industry where benchmarked, else peer group)."""
    shown = [(m, industry_view(m)) for m in cmp.metrics if m.value is not None and industry_view(m)[1] is not None]
    if not shown:
        return None
    labels = [m.label for m, _ in shown]
    values = [v[1] for _, v in shown]
    statuses = [v[3] for _, v in shown]
    png = chart("percentile_bars", labels, values, statuses)
    return Figure("metric_percentiles", "Your percentile by metric", png, chart_type="barh", categories=labels,
                  series=[Series("Percentile", values)], axis_title="percentile (0-100)", width_in=WIDE_IN,
                  caption="Your percentile per metric, as in the table above (against the industry benchmark where "
                          "it covers the metric, else the peer group). Higher is better for every metric; dashed "
                          "lines at the 25th, 75th and 90th, solid at the median.")


def metric_line(m, with_peer: bool = True) -> str:
    median, pct, label, _, industry = industry_view(m)
    where = "industry" if industry else "peer"
    value, med = fmt_versus(m.metric, m.value, median)
    bits = f"{m.label}: {value}, {label or ordinal(pct)} percentile"
    return bits + (f" ({where} median {med})" if with_peer and median is not None else "")


def improvements(data: ReportData, limit: int | None = 5) -> list[dict]:
    """Per gap, worst first: metric, current, target, stretch, reference, timeline, action (+ detail, owner).

    From recommend_improvements when it ran (targets against the industry benchmark where it covers the
    metric, as in the performance table), else from compare_customer's peer-group gaps.
    """
    rec = data.recommend
    if rec is not None and getattr(rec, "improvements", None):
        actions = {a.key: a for a in getattr(rec, "actions", None) or []}
        out = []
        for r in rec.improvements:
            if r.target_met or r.target is None:
                continue
            act = next((actions[k] for k in r.actions if k in actions), None)
            out.append({"metric": r.metric, "label": r.label, "current": r.value, "target": r.target,
                        "stretch": r.stretch, "reference": "industry" if r.reference == "benchmark" else "peer",
                        "percentile": r.percentile_label,
                        "timeline": f"{r.timeline_days} days" if r.timeline_days else None,
                        "action": act.title if act else action_for(r.metric),
                        "detail": act.description if act else "", "owner": act.owner if act else None,
                        "start_week": act.start_week if act else None})
        return out[:limit] if limit else out
    cmp = data.compare
    out = []
    for key in cmp.gaps:
        m = cmp.metric(key)
        lower = m.direction == "lower_is_better"
        target = m.cohort_median  # gaps are below the peer median: the first target is that median
        stretch = m.cohort_p25 if lower else m.cohort_p75
        out.append({"metric": key, "label": m.label, "current": m.value, "target": target, "stretch": stretch,
                    "reference": "peer", "percentile": ordinal(m.percentile) if m.percentile is not None else None,
                    "timeline": None, "action": action_for(key), "detail": "", "owner": None, "start_week": None})
    return out[:limit] if limit else out


def improvement_lines(items: list[dict]) -> list[str]:
    lines = []
    for it in items:
        k, ref = it["metric"], it.get("reference", "peer")
        when = f" within {it['timeline']}" if it.get("timeline") else ""
        _, target_text, stretch_text = fmt_versus(k, it["current"], it["target"], it["stretch"])
        target = f"target {target_text} ({ref} median){when}" if it["target"] is not None else ""
        stretch = f", stretch {stretch_text} ({ref} top quartile)" if it["stretch"] is not None else ""
        now = fmt_versus(k, it["current"], it["target"], it["stretch"])[0]
        lines.append(f"{it['label']}: now {now}; {target}{stretch}. "
                     f"Recommended: {it['action']}.")
    return lines


def methodology(cmp, rec=None) -> Section:
    b = cmp.benchmark
    bench = (f"Industry benchmark: {b.name}" + (f", source {b.source}" if b.source else "")
             + (f", {b.year}" if b.year else "")
             + (f", sample size {b.sample_size:,} companies" if b.sample_size else "")
             + (f" (segment: {b.segment})" if b.segment else "") + "."
             if b else "No industry benchmark set is loaded: percentiles are against the peer group only.")
    rows = basis_groups(cmp.metrics) if b else {}
    if len(rows) > 1:  # different rows per metric: say which (the narrowest population that contains the account)
        labels = {m.metric: m.label for m in cmp.metrics}
        bench += (" Each metric is compared with the narrowest published population that contains your account: "
                  + "; ".join(f"{', '.join(labels[k] for k in ks)}: {basis}" for basis, ks in rows.items()) + ".")
    cohort = (f"Peer group: {cmp.cohort.description}, {cmp.cohort.size} accounts including yours. Peer groups "
              "of fewer than 10 accounts are never reported, and no individual peer is named or shown "
              "with its minimum or maximum.")
    rules = getattr(rec, "rules", None) if rec is not None and getattr(rec, "improvements", None) else None
    return Section("methodology", "Methodology").add(
        Paragraph(bench, "note"), Paragraph(cohort, "note"), Paragraph(PERCENTILE_DEFINITION, "note"),
        Paragraph("Targets and timelines. " + rules, "note") if rules else None)


def title_meta(data: ReportData, cmp) -> list[tuple[str, str]]:
    meta = [("Prepared by", data.prepared_by), ("Date", data.date)]
    if cmp is not None:
        meta.append(("Peer group", f"{cmp.cohort.description} ({cmp.cohort.size} accounts)"))
        if cmp.benchmark:
            b = cmp.benchmark
            meta.append(("Industry benchmark", ", ".join(x for x in (b.source or b.name, str(b.year or "")) if x)))
    return meta


def new_report(data: ReportData, title: str, customer: str | None, sources: list[str]) -> Report:
    return Report(kind=data.kind, title=title, customer=customer, customer_facing=data.kind in CUSTOMER_FACING,
                  date=data.date, prepared_by=data.prepared_by, sources=sources,
                  footer=("Confidential: prepared for " + customer) if customer and data.kind in CUSTOMER_FACING
                  else "Internal: not for distribution")


