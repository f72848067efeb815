"""Building the report model per kind from tool outputs.

The builders only select and format figures that tools returned (compare_customer,
compute_roi, recommend_improvements, compare_portfolio, portfolio_success); they never
compute a new figure. Prose comes from the ``narrative`` slots (Claude's text, already
checked by the caller) or, when a slot is missing, from a Jinja template.

The builders duck-type the tool outputs (this package sits below ``tools``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from reports.format import fmt_value, ordinal
from reports.model import (
    CUSTOMER_FACING,
    NARROW_IN,
    WIDE_IN,
    Bullets,
    Callout,
    Callouts,
    Figure,
    Paragraph,
    Report,
    Section,
    Series,
    Table,
    chart,
)
from tools.report.cells import action_for, and_join, cols, mcell, metric_label, pcell, render, status_cell, text

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


def build(data: ReportData) -> Report:
    if data.kind == "benchmark":
        return build_benchmark(data)
    if data.kind == "qbr":
        return build_qbr(data)
    if data.kind == "success":
        from tools.report.success import build_success
        return build_success(data)
    from tools.report import account as build_internal
    if data.kind == "account":
        return build_internal.build_account(data)
    if data.kind == "portfolio":
        return build_internal.build_portfolio(data)
    raise ValueError(f"unknown report kind {data.kind!r}")


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
        rows.append([text(m.label + ("" if industry else " †")), mcell(m.metric, m.value),
                     mcell(m.metric, median), pcell(pct, label), status_cell(status)])
    note = ("† No industry benchmark for this metric: the peer-group median and percentile are shown."
            if marked else None)
    return Table("performance", cols("lrrrl", "Metric", "Your score", "Industry median", "Your percentile",
                                     "Status", widths=[2.2, 1.2, 1.3, 1.3, 1.6]), rows, note=note)


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
    bits = f"{m.label}: {fmt_value(m.metric, m.value)}, {label or ordinal(pct)} percentile"
    return bits + (f" ({where} median {fmt_value(m.metric, median)})" if with_peer and median is not None else "")


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
        target = f"target {fmt_value(k, it['target'])} ({ref} median){when}" if it["target"] is not None else ""
        stretch = f", stretch {fmt_value(k, it['stretch'])} ({ref} top quartile)" if it["stretch"] is not None else ""
        lines.append(f"{it['label']}: now {fmt_value(k, it['current'])}; {target}{stretch}. "
                     f"Recommended: {it['action']}.")
    return lines


def methodology(cmp, rec=None) -> Section:
    b = cmp.benchmark
    bench = (f"Industry benchmark: {b.name}" + (f", source {b.source}" if b.source else "")
             + (f", {b.year}" if b.year else "")
             + (f", sample size {b.sample_size:,} companies" if b.sample_size else "")
             + (f" (segment: {b.segment})" if b.segment else "") + "."
             if b else "No industry benchmark set is loaded: percentiles are against the peer group only.")
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


# ---- 1. customer benchmark report ----------------------------------------------------------

def build_benchmark(data: ReportData) -> Report:
    cmp = data.compare
    rep = new_report(data, f"Performance Benchmark Report: {cmp.customer} vs Industry Peers", cmp.customer,
                     ["compare_customer"] + (["recommend_improvements"] if data.recommend else []))
    rep.meta = title_meta(data, cmp)
    shown = [industry_view(m)[1] for m in cmp.metrics if m.value is not None]  # as in the table
    above = sum(1 for p in shown if p is not None and p >= 50)
    rated = sum(1 for p in shown if p is not None)
    items = improvements(data)
    ctx = {"c": cmp, "above": above, "rated": rated,
           "strengths": [cmp.metric(k).label for k in cmp.strengths[:3]],
           "gaps": [it["label"] for it in items[:3]]}  # as in "Opportunities for improvement"
    summary = Section("summary", "Executive summary").add(
        Callouts([Callout("Overall percentile", ordinal(cmp.overall_percentile) if cmp.overall_percentile is not None
                          else "n/a", f"among {cmp.cohort.size} peer accounts"),
                  Callout("Metrics at or above the median", f"{above} of {rated}", "as in the table below"),
                  Callout("Industry benchmark average", ordinal(cmp.benchmark_composite)
                          if cmp.benchmark_composite is not None else "n/a", "mean industry percentile")]),
        Paragraph(slot(data, "executive_summary", "benchmark_summary", **ctx), "lead"))
    perf = Section("performance", "Your performance vs benchmarks").add(performance_table(cmp))
    excel = Section("strengths", "Where you excel")
    excel.add(Paragraph(data.narrative.get("strengths")) if data.narrative.get("strengths") else None)
    excel.add(Bullets([metric_line(cmp.metric(k)) for k in cmp.strengths]) if cmp.strengths else
              Paragraph("No metric is in the top quartile of the peer group yet."))
    opp = Section("opportunities", "Opportunities for improvement")
    opp.add(Paragraph(data.narrative.get("opportunities")) if data.narrative.get("opportunities") else None)
    opp.add(Bullets(improvement_lines(items)) if items else
            Paragraph("Every metric is at or above the median."))
    stretch = [] if items else _stretch_lines(data)
    opp.add(Bullets(stretch) if stretch else None)
    peers = Section("peers", "Peer comparison").add(peer_figure(cmp), percentile_figure(cmp))
    steps = Section("next_steps", "Recommended next steps").add(
        Paragraph(data.narrative["next_steps"]) if data.narrative.get("next_steps") else
        Bullets(_next_steps(data, items, cmp), numbered=True))
    rep.sections = [summary, perf, excel, opp, peers, steps, methodology(cmp, data.recommend)]
    return rep


def _stretch_lines(data: ReportData, limit: int = 3) -> list[str]:
    """recommend_improvements' stretch goals (targets already met) when there is no gap."""
    rec = data.recommend
    out = []
    for r in (getattr(rec, "improvements", None) or [])[:limit] if rec is not None else []:
        if r.target_met and r.stretch is not None:
            ref = "industry" if r.reference == "benchmark" else "peer"
            where = ordinal(r.stretch_percentile) if r.stretch_percentile else "top"
            out.append(f"Stretch goal: {r.label} from {fmt_value(r.metric, r.value)} to "
                       f"{fmt_value(r.metric, r.stretch)} ({ref} {where} percentile).")
    return out


def _next_steps(data: ReportData, items: list[dict], cmp, limit: int = 3) -> list[str]:
    """The first actions of recommend_improvements' plan (else one per gap), then keep-and-review steps."""
    rec = data.recommend
    gaps = {it["metric"] for it in items}
    actions = sorted((a for a in (getattr(rec, "actions", None) or []) if gaps & set(a.metrics)),
                     key=lambda a: a.start_week) if rec is not None else []  # only actions serving a gap shown
    if actions:
        steps = [f"{a.title} (from week {a.start_week}; owner: {a.owner}): {a.description.rstrip('.')}. "
                 f"Lifts {and_join([metric_label(k) for k in a.metrics])}." for a in actions[:limit]]
    else:
        steps = [f"{it['action']} (to lift {it['label']})." for it in items[:limit]]
    if not items:
        steps.append("Agree stretch targets at the top quartile for the one or two metrics that matter most to "
                     "your team.")
    if cmp.strengths:
        steps.append(f"Keep doing what works for {cmp.metric(cmp.strengths[0]).label}, your strongest area, and "
                     "share it across teams.")
    steps.append("Review progress against these benchmarks at the next business review.")
    return steps


# ---- 4. QBR deck ---------------------------------------------------------------------------

def build_qbr(data: ReportData) -> Report:
    cmp, roi = data.compare, data.roi
    rep = new_report(data, f"{cmp.customer}: Quarterly Business Review", cmp.customer,
                     ["compare_customer"] + (["compute_roi"] if roi else [])
                     + (["recommend_improvements"] if data.recommend else []))
    rep.meta = title_meta(data, cmp)
    items = improvements(data)
    bench = Section("benchmark", "How you compare with industry peers").add(
        peer_figure(cmp, "You vs anonymised peers"), Callouts(_qbr_callouts(cmp, roi)),
        Paragraph(_one_recommendation(items), "lead"))
    bench.notes = slot(data, "talking_points", "qbr_benchmark_notes", lines=True, c=cmp, items=items,
                       strengths=[metric_line(cmp.metric(k)) for k in cmp.strengths[:3]])
    from tools.report.success import at_risk_lines, goals_table, qbr_success_callouts

    success = Section("success", "Success plan: goals and value")
    if roi is not None and roi.goals:
        success.add(Callouts(qbr_success_callouts(roi)), goals_table(roi, compact=True))
        success.add(Bullets(at_risk_lines(roi, short=True)) if roi.at_risk else None)
    else:
        success.add(Paragraph("No success goals are recorded yet: let's agree two or three measurable goals "
                              "for next quarter."))
    success.notes = render("qbr_success_notes", lines=True, r=roi) if roi is not None else "No goals recorded yet."
    steps = Section("next_steps", "Next steps").add(Bullets(_next_steps(data, items, cmp), numbered=True))
    steps.notes = "Agree an owner and a date for each step; confirm the date of the next review."
    rep.sections = [bench, success, steps, methodology(cmp, data.recommend)]
    rep.section("methodology").notes = "Back-up slide: how the comparison was made."
    return rep


def _one_recommendation(items: list[dict]) -> str:
    if not items:
        return "Every metric is at or above the median: keep the current plan and agree stretch targets."
    it = items[0]
    k = it["metric"]
    goal = (f" to the {it.get('reference', 'peer')} median of {fmt_value(k, it['target'])}"
            if it["target"] is not None else "")
    when = f" within {it['timeline']}" if it.get("timeline") else ""
    how = it["action"] + (f": {it['detail'][0].lower()}{it['detail'][1:].rstrip('.')}" if it.get("detail") else "")
    return f"Our recommendation: lift {it['label']} from {fmt_value(k, it['current'])}{goal}{when}. {how}."


def _qbr_callouts(cmp, roi) -> list[Callout]:
    out = [Callout("Overall percentile", ordinal(cmp.overall_percentile) if cmp.overall_percentile is not None
                   else "n/a", f"among {cmp.cohort.size} peer accounts")]
    if roi is not None and roi.roi_multiplier is not None:
        out.append(Callout("ROI", f"{roi.roi_multiplier:.1f}x", "value delivered / annual investment"))
    else:
        m = cmp.metric("roi")
        if m.value is not None:
            out.append(Callout("ROI", fmt_value("roi", m.value), _where(m)))
    for key, label in (("engagement_score", "Engagement score"), ("adoption_score", "Adoption score")):
        m = cmp.metric(key)
        if m.value is not None:
            out.append(Callout(label, f"{fmt_value(key, m.value)} / 100", _where(m)))
    return out


def _where(m) -> str:
    """'50th percentile vs industry' (as in the benchmark report's table), else the peer percentile."""
    median, pct, label, _, industry = industry_view(m)
    if pct is None:
        return ""
    return f"{label or ordinal(pct)} percentile vs {'industry' if industry else 'peers'}"
