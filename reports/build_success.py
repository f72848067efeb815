"""3. Success metrics report (customer-shareable), from compute_roi (and compare_customer when given)."""

from __future__ import annotations

from analytics.percentiles import ordinal
from reports import charts
from reports.build import ReportData, new_report, slot, title_meta
from reports.cells import cols, goal_cell, goal_status_cell, fmt_goal, money, num, pcell, text
from reports.model import Bullets, Callout, Callouts, Figure, Paragraph, Report, Section, Series, Table
from reports.format import fmt_money

PEER_MEASURES = {"success_score": ("Success score", "{:.0f} / 100", "0"),
                 "goal_achievement_rate": ("Goals achieved", "{:.0f}%", '0"%"'),
                 "roi_multiplier": ("ROI multiplier", "{:.1f}x", '0.0"x"')}


def success_callouts(roi) -> list[Callout]:
    n = len(roi.goals)
    out = [Callout("Goals achieved", f"{roi.status_counts.get('achieved', 0)} of {n}",
                   f"success score {roi.success_score:.0f} / 100" if roi.success_score is not None else "")]
    out.append(Callout("Value delivered", fmt_money(roi.value_delivered.total) + " / year", "annualised"))
    if roi.roi_multiplier is not None:
        out.append(Callout("ROI", f"{roi.roi_multiplier:.1f}x",
                           f"value / investment; net ROI {roi.net_roi_pct:,.0f}%" if roi.net_roi_pct is not None
                           else "value / investment"))
    return out


def goals_table(roi, compact: bool = False) -> Table:
    rows = []
    for g in roi.goals:
        ach = num(g.achievement_pct, '0.0"%"', f"{g.achievement_pct:.0f}%" if g.achievement_pct is not None else None)
        rows.append([text(g.name), goal_cell(g.baseline, g.unit), goal_cell(g.target, g.unit),
                     goal_cell(g.current, g.unit), ach, goal_status_cell(g.status)]
                    + ([] if compact else [text(g.target_date or "n/a")]))
    headers = ["Goal", "Baseline", "Target", "Current", "Achievement", "Status"] + ([] if compact else ["Target date"])
    widths = [2.6, 1.1, 1.1, 1.1, 1.35, 1.3] + ([] if compact else [1.1])
    return Table("goals", cols("lrrrrl" + ("" if compact else "l"), *headers, widths=widths), rows,
                 note="Achievement = (current - baseline) / (target - baseline) x 100.")


def value_table(roi) -> Table:
    v = roi.value_delivered
    rows = [[text(it.goal), text(it.value_type.replace("_", " ")), text(it.calculation), money(it.annual)]
            for it in v.items]
    rows.append([text("Total value delivered"), text(""), text("annualised"), money(v.total)])
    return Table("value", cols("lllr", "Goal", "Type", "Calculation", "Annual value", widths=[2.0, 1.2, 3.6, 1.2]),
                 rows)


def progress_figure(roi) -> Figure | None:
    panels = [(g.name[:40], [p.date for p in g.progress], [p.value for p in g.progress], g.baseline, g.target,
               g.unit or "") for g in roi.goals if len(g.progress) >= 2][:6]
    if not panels:
        return None
    return Figure("goal_progress", "Goal measurements against target", charts.goal_progress(panels),
                  caption="Each goal's measurements with its target (dashed) and baseline (dotted).",
                  chart_type="line", categories=panels[0][1], series=[Series(panels[0][0], panels[0][2])])


def roi_paragraph(roi) -> Paragraph:
    if roi.roi_multiplier is None:
        return Paragraph("ROI is not shown: " + "; ".join(roi.notes or ["no investment on record"]), "note")
    source = "the annual contract value" if roi.investment_source == "arr" else "the investment given"
    net = f" Net ROI = (value - investment) / investment = {roi.net_roi_pct:,.1f}%." if roi.net_roi_pct is not None else ""
    return Paragraph(f"ROI multiplier = value delivered / annual investment = ${roi.value_delivered.total:,.0f} / "
                     f"${roi.investment:,.0f} = {roi.roi_multiplier:.1f}x (investment: {source}).{net}")


def _details(roi) -> Bullets:
    items = []
    for g in roi.goals:
        bits = [f"{g.name}: baseline {fmt_goal(g.baseline, g.unit)}, target {fmt_goal(g.target, g.unit)}, "
                f"current {fmt_goal(g.current, g.unit)}"
                + (f" (measured {g.last_measured})" if g.last_measured else "")]
        if g.achievement_pct is not None:
            bits.append(f"{g.achievement_pct:.0f}% of target")
        if g.start_date or g.target_date:
            bits.append(f"{g.start_date or '?'} to {g.target_date or '?'}")
        if g.owner:
            bits.append(f"owner {g.owner}")
        items.append("; ".join(bits) + "." + (f" {g.description}" if g.description else ""))
    return Bullets(items)


def _milestones(roi) -> Table | Paragraph:
    if not roi.milestones:
        return Paragraph("No milestones recorded.", "note")
    rows = [[text(m.name), text(m.goal or ""), text(m.date or "n/a"), text("✓ Done" if m.done else "Planned")]
            for m in roi.milestones]
    return Table("milestones", cols("llll", "Milestone", "Goal", "Date", "Status", widths=[2.6, 2.4, 1.1, 1.0]), rows)


def _at_risk(roi) -> list:
    if not roi.at_risk:
        return [Paragraph("No goal is at risk.")]
    items = []
    for a in roi.at_risk:
        why = ("; ".join(a.signals) + ". ") if a.signals else ""
        where = (f" ({a.achievement_pct:.0f}% achieved with {a.elapsed_pct:.0f}% of the time elapsed)"
                 if a.achievement_pct is not None and a.elapsed_pct is not None else "")
        items.append(f"⚠ {a.goal}{where}. {why}Recommended: " + "; ".join(a.actions) + ".")
    return [Bullets(items)]


def _benchmark(data: ReportData, roi) -> list:
    b = roi.benchmark
    out: list = []
    if b.shown:
        rows = []
        for m in b.metrics:
            label, pattern, fmt = PEER_MEASURES[m.metric]
            rows.append([text(label), num(m.value, fmt, pattern.format(m.value) if m.value is not None else None),
                         num(m.peer_median, fmt, pattern.format(m.peer_median) if m.peer_median is not None else None),
                         pcell(m.percentile)])
        out.append(Table("success_benchmark", cols("lrrr", "Measure", "Yours", "Peer median", "Your percentile",
                                                   widths=[2.0, 1.2, 1.2, 1.2]), rows, note=b.message))
    else:
        out.append(Paragraph(b.message, "note"))
    cmp = data.compare
    if cmp is not None and cmp.overall_percentile is not None:
        out.append(Paragraph(f"On product and relationship metrics you rank at the {ordinal(cmp.overall_percentile)} "
                             f"percentile overall among {cmp.cohort.size} peer accounts ({cmp.cohort.description})."))
    return out


def build_success(data: ReportData) -> Report:
    roi = data.roi
    rep = new_report(data, f"Success Metrics Report: {roi.customer}", roi.customer,
                     ["compute_roi"] + (["compare_customer"] if data.compare else []))
    rep.meta = title_meta(data, data.compare) + [("Period", f"{roi.period.label} ({roi.period.start} to {roi.period.end})")]
    overview = Section("overview", "Overview")
    if not roi.goals:
        overview.add(Paragraph("; ".join(roi.notes) or "No success goals recorded."))
        rep.sections = [overview]
        return rep
    overview.add(Callouts(success_callouts(roi)),
                 Paragraph(slot(data, "executive_summary", "success_summary", r=roi), "lead"))
    rep.sections = [
        overview,
        Section("goals", "Goals and status").add(goals_table(roi)),
        Section("details", "Goal details").add(_details(roi)),
        Section("value", "Value delivered").add(value_table(roi), roi_paragraph(roi)),
        Section("progress", "Progress over time").add(progress_figure(roi) or Paragraph(
            "Not enough measurements yet to chart progress.", "note")),
        Section("milestones", "Milestones").add(_milestones(roi)),
        Section("at_risk", "Goals at risk").add(*_at_risk(roi)),
        Section("benchmark", "Benchmark comparison").add(*_benchmark(data, roi)),
        Section("methodology", "How these figures are computed").add(
            Paragraph(roi.status_rule, "note"),
            Paragraph("Success score: the weighted mean of goal achievement, each goal capped at 100%. "
                      "Value delivered is annualised; ROI multiplier = value / annual investment.", "note"),
            *[Paragraph(n, "note") for n in roi.notes]),
    ]
    return rep
