"""4. QBR deck (customer-facing, PPTX first), from compare_customer, compute_roi and recommend_improvements."""

from __future__ import annotations

from reports.format import fmt_value, fmt_versus, ordinal
from reports.model import (
    Bullets,
    Callout,
    Callouts,
    Paragraph,
    Report,
    Section,
)
from tools.report.benchmark import next_steps
from tools.report.cells import render
from tools.report.shared import (
    ReportData,
    improvements,
    industry_view,
    methodology,
    metric_line,
    new_report,
    peer_figure,
    slot,
    title_meta,
)
from tools.report.success import at_risk_lines, goals_table, qbr_success_callouts

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
    success = Section("success", "Success plan: goals and value")
    if roi is not None and roi.goals:
        success.add(Callouts(qbr_success_callouts(roi)), goals_table(roi, compact=True))
        success.add(Bullets(at_risk_lines(roi, short=True)) if roi.at_risk else None)
    else:
        success.add(Paragraph("No success goals are recorded yet: let's agree two or three measurable goals "
                              "for next quarter."))
    success.notes = render("qbr_success_notes", lines=True, r=roi) if roi is not None else "No goals recorded yet."
    steps = Section("next_steps", "Next steps").add(Bullets(next_steps(data, items, cmp), numbered=True))
    steps.notes = "Agree an owner and a date for each step; confirm the date of the next review."
    rep.sections = [bench, success, steps, methodology(cmp, data.recommend)]
    rep.section("methodology").notes = "Back-up slide: how the comparison was made."
    return rep


def _one_recommendation(items: list[dict]) -> str:
    if not items:
        return "Every metric is at or above the median: keep the current plan and agree stretch targets."
    it = items[0]
    k = it["metric"]
    now, target = fmt_versus(k, it["current"], it["target"])
    goal = f" to the {it.get('reference', 'peer')} median of {target}" if it["target"] is not None else ""
    when = f" within {it['timeline']}" if it.get("timeline") else ""
    how = it["action"] + (f": {it['detail'][0].lower()}{it['detail'][1:].rstrip('.')}" if it.get("detail") else "")
    return f"Our recommendation: lift {it['label']} from {now}{goal}{when}. {how}."


def _qbr_callouts(cmp, roi) -> list[Callout]:
    out = [Callout("Overall percentile", ordinal(cmp.overall_percentile) if cmp.overall_percentile is not None
                   else "n/a", f"among {cmp.cohort.size} peer accounts")]
    if roi is not None and roi.roi_multiplier is not None:
        out.append(Callout("Value ROI", f"{roi.roi_multiplier:.1f}x", "value delivered / annual investment"))
    else:
        m = cmp.metric("roi")
        if m.value is not None:
            out.append(Callout("Reported ROI", fmt_value("roi", m.value), _where(m)))
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
