"""1. Customer benchmark report (customer-facing), from compare_customer and recommend_improvements."""

from __future__ import annotations

from reports.format import fmt_versus, ordinal
from reports.model import (
    Bullets,
    Callout,
    Callouts,
    Paragraph,
    Report,
    Section,
)
from tools.report.cells import and_join, metric_label
from tools.report.shared import (
    ReportData,
    improvement_lines,
    improvements,
    industry_view,
    methodology,
    metric_line,
    new_report,
    peer_figure,
    percentile_figure,
    performance_table,
    slot,
    title_meta,
)

# ---- 1. customer benchmark report ----------------------------------------------------------

STRENGTH_AT = 75.0  # top quartile, on the basis the report's table shows


def strengths_shown(cmp, limit: int = 5) -> list:
    """Top-quartile metrics by the percentile the table shows (industry where benchmarked, else peers):
    a strength is listed with the figure that makes it one."""
    rated = [(industry_view(m)[1], m) for m in cmp.metrics if m.value is not None]
    best = sorted(((p, m) for p, m in rated if p is not None and p >= STRENGTH_AT), key=lambda x: -x[0])
    return [m for _, m in best[:limit]]


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
           "strengths": [m.label for m in strengths_shown(cmp, 3)],
           "gaps": [it["label"] for it in items[:3]]}  # as in "Opportunities for improvement"
    summary = Section("summary", "Executive summary").add(
        Callouts([Callout("Overall vs peers", ordinal(cmp.overall_percentile) if cmp.overall_percentile is not None
                          else "n/a", f"percentile among {cmp.cohort.size} {cmp.cohort.description}"),
                  Callout("At or above the industry median", f"{above} of {rated}",
                          "metrics, as in the table below"),
                  Callout("Average vs industry", ordinal(cmp.benchmark_composite)
                          if cmp.benchmark_composite is not None else "n/a", "mean percentile vs the benchmark")]),
        Paragraph(slot(data, "executive_summary", "benchmark_summary", **ctx), "lead"))
    perf = Section("performance", "Your performance vs benchmarks").add(performance_table(cmp))
    excel = Section("strengths", "Where you excel")
    excel.add(Paragraph(data.narrative.get("strengths")) if data.narrative.get("strengths") else None)
    best = strengths_shown(cmp)
    excel.add(Bullets([metric_line(m) for m in best]) if best else
              Paragraph("No metric is in the top quartile yet."))
    opp = Section("opportunities", "Opportunities for improvement")
    opp.add(Paragraph(data.narrative.get("opportunities")) if data.narrative.get("opportunities") else None)
    opp.add(Bullets(improvement_lines(items)) if items else
            Paragraph("Every metric is at or above the median."))
    stretch = [] if items else _stretch_lines(data)
    opp.add(Bullets(stretch) if stretch else None)
    peers = Section("peers", "Peer comparison").add(peer_figure(cmp), percentile_figure(cmp))
    steps = Section("next_steps", "Recommended next steps").add(
        Paragraph(data.narrative["next_steps"]) if data.narrative.get("next_steps") else
        Bullets(next_steps(data, items, cmp), numbered=True))
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
            now, goal = fmt_versus(r.metric, r.value, r.stretch)
            out.append(f"Stretch goal: {r.label} from {now} to {goal} ({ref} {where} percentile).")
    return out


def next_steps(data: ReportData, items: list[dict], cmp, limit: int = 3) -> list[str]:
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
    best = strengths_shown(cmp, 1)
    if best:
        steps.append(f"Keep doing what works for {best[0].label}, your strongest area, and share it across teams.")
    steps.append("Review progress against these benchmarks at the next business review.")
    return steps


