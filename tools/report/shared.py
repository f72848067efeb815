"""What every report builder shares: the data a builder gets, prose slots, common tables and figures.

The builders only select and format figures that tools returned (compare_customer,
compute_roi, recommend_improvements, compare_portfolio, portfolio_success); they never
compute a new figure. Prose comes from the ``narrative`` slots (Claude's text, already
checked by the caller) or, when a slot is missing, from a Jinja template.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from reports.format import fmt_date, fmt_versus, ordinal, status_versus
from reports.model import CUSTOMER_FACING, Brand, Paragraph, Report, Section, Table
from tools.benchmarks.views import basis_groups
from tools.report.cells import action_for, cols, mcell, pcell, render, status_cell, text
from tools.report.gather import PeerView

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
    scatter: Any = None            # tools.compare.plot_metrics.Scatter: internal kind only (anonymous peer points)
    history: list[tuple[str, float]] = field(default_factory=list)       # (period, overall percentile)
    portfolio: Any = None          # compare_portfolio output
    success: Any = None            # portfolio_success output
    narrative: dict[str, str] = field(default_factory=dict)
    max_rows: int | None = None    # cap long portfolio tables in documents (the workbook gets every row)
    peers: PeerView = field(default_factory=PeerView)  # peer-group spread and history (gather.py)
    today: dt.date = field(default_factory=dt.date.today)   # the report's date
    as_of: dt.date | None = None   # goals evaluated at; the metrics' "data as of" is data_as_of
    data_as_of: dt.date | None = None
    renewal: dt.date | None = None  # the next contract anniversary
    quarter: str = ""               # 'Q4 2026': the quarter a QBR reviews
    brand: Brand = field(default_factory=Brand)
    page_size: str = "A4"

    @property
    def customer_facing(self) -> bool:
        return self.kind in CUSTOMER_FACING


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


def performance_table(cmp, customer: bool = True) -> Table:
    rows, marked = [], False
    for m in cmp.metrics:
        if m.value is None:
            continue
        median, pct, label, status, industry = industry_view(m)
        marked |= not industry
        mine, theirs = fmt_versus(m.metric, m.value, median)
        rows.append([text(m.label + ("" if industry else " †")), mcell(m.metric, m.value, mine),
                     mcell(m.metric, median, theirs), pcell(pct, label),
                     status_cell(status, status_versus(status, m.value, median, customer))])
    overall = (f"Overall: {ordinal(cmp.overall_percentile)} percentile among {cmp.cohort.size} peer accounts "
               f"({cmp.cohort.description}), from the mean of your metric percentiles. "
               if cmp.overall_percentile is not None else "")
    note = overall + ("† No industry benchmark for this metric: the peer-group median and percentile are shown."
                      if marked else "")
    return Table("performance", cols("lrrrl", "Metric", "Your score", "Industry median", "Percentile vs industry",
                                     "Status vs industry", widths=[2.2, 1.2, 1.3, 1.4, 1.6]), rows,
                 note=note.strip() or None)


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
                        "timeline_days": r.timeline_days, "metrics_served": None,
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
                    "timeline": None, "timeline_days": None, "action": action_for(key), "detail": "", "owner": None,
                    "start_week": None})
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


def as_of_text(data: ReportData) -> str:
    """'data as of 31 Oct 2026' (the account's latest month of metrics), or ''."""
    return f"data as of {fmt_date(data.data_as_of.isoformat())}" if data.data_as_of else ""


def new_report(data: ReportData, title: str, customer: str | None, sources: list[str], *, kicker: str = "",
               subtitle: str = "") -> Report:
    return Report(kind=data.kind, title=title, customer=customer, customer_facing=data.customer_facing,
                  date=data.date, prepared_by=data.prepared_by, sources=sources, kicker=kicker, subtitle=subtitle,
                  brand=data.brand, page_size=data.page_size,
                  footer=("Confidential: prepared for " + customer) if customer and data.customer_facing
                  else "Internal: not for distribution")
