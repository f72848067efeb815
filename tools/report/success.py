"""3. Success metrics report (customer-shareable), from compute_roi (and compare_customer when given)."""

from __future__ import annotations

from reports.format import fmt_date, fmt_money, ordinal
from reports.model import (
    Bullets,
    Callout,
    Callouts,
    Cell,
    Paragraph,
    Report,
    Section,
    Table,
)
from tools.report.cells import (
    cols,
    date_cell,
    fmt_goal,
    goal_cell,
    goal_status_cell,
    money,
    num,
    pcell,
    text,
)
from tools.report.shared import ReportData, new_report, slot, title_meta
from tools.success.charts import progress_figure

PEER_MEASURES = {"success_score": ("Success score", "{:.0f} / 100", "0"),
                 "goal_achievement_rate": ("Goals achieved", "{:.0f}%", '0"%"'),
                 "roi_multiplier": ("Value ROI", "{:.1f}x", '0.0"x"')}


def success_callouts(roi) -> list[Callout]:
    n = len(roi.goals)
    out = [Callout("Goals achieved", f"{roi.status_counts.get('achieved', 0)} of {n}",
                   f"success score {roi.success_score:.0f} / 100" if roi.success_score is not None else "")]
    out.append(Callout("Value delivered", fmt_money(roi.value_delivered.total), "per year (annualised)"))
    if roi.roi_multiplier is not None:
        out.append(Callout("Value ROI", f"{roi.roi_multiplier:.1f}x",
                           f"value delivered / investment; net value ROI {roi.net_roi_pct:,.0f}%" if roi.net_roi_pct is not None
                           else "value / investment"))
    return out


def qbr_success_callouts(roi) -> list[Callout]:
    """The QBR's success slide: goals, value and goals at risk (ROI is on the benchmark slide already)."""
    out = success_callouts(roi)[:2]
    counts = roi.status_counts
    attention = counts.get("at_risk", 0) + counts.get("missed", 0)
    parts = [f"{counts[s]} {s.replace('_', ' ')}" for s in ("missed", "at_risk", "on_track", "not_started")
             if counts.get(s)]
    out.append(Callout("Goals needing attention", f"{attention} of {len(roi.goals)}",
                       ", ".join(parts) if parts else "all achieved"))
    return out


def goals_table(roi, compact: bool = False) -> Table:
    rows = []
    for g in roi.goals:
        ach = num(g.achievement_pct, '0.0"%"', f"{g.achievement_pct:.0f}%" if g.achievement_pct is not None else None)
        rows.append([text(g.name), goal_cell(g.baseline, g.unit), goal_cell(g.target, g.unit),
                     goal_cell(g.current, g.unit), ach, goal_status_cell(g.status)]
                    + ([] if compact else [date_cell(g.target_date)]))
    headers = ["Goal", "Baseline", "Target", "Current", "Achievement", "Status"] + ([] if compact else ["Target date"])
    widths = [2.5, 1.25, 1.25, 1.25, 1.15, 1.3] + ([] if compact else [1.15])
    return Table("goals", cols("lrrrrl" + ("" if compact else "r"), *headers, widths=widths), rows,
                 note="Achievement = (current - baseline) / (target - baseline) x 100.")


def value_table(roi) -> Table:
    v = roi.value_delivered
    rows = [[text(it.goal), text(it.value_type.replace("_", " ").capitalize()), text(it.calculation),
             text(it.confidence.capitalize() + (" †" if it.flagged else "")), money(it.annual, exact=True)]
            for it in v.items]
    rows.append([text("Total value delivered"), text(""), text("annualised"), text(""), money(v.total, exact=True)])
    note = ("Confidence: measured (from the goal's own measurements), estimated (from agreed assumptions) or "
            "customer-stated." + (" † More than 2x the annual investment: check it counts labour time saved, "
                                  "not elapsed time." if any(it.flagged for it in v.items) else ""))
    return Table("value", cols("llllr", "Goal", "Type", "Calculation", "Confidence", "Annual value",
                               widths=[1.7, 1.0, 3.3, 1.0, 1.1]), rows, total=True, note=note)


def roi_paragraph(roi) -> Paragraph:
    if roi.roi_multiplier is None:
        return Paragraph("Value ROI is not shown: " + "; ".join(roi.notes or ["no investment on record"]), "note")
    source = "the annual contract value" if roi.investment_source == "arr" else "the investment given"
    net = (f" Net value ROI = (value - investment) / investment = {roi.net_roi_pct:,.1f}%."
           if roi.net_roi_pct is not None else "")
    return Paragraph(f"Value ROI = value delivered / annual investment = ${roi.value_delivered.total:,.0f} / "
                     f"${roi.investment:,.0f} = {roi.roi_multiplier:.1f}x (investment: {source}).{net}")


def _details(roi) -> Bullets:
    items = []
    for g in roi.goals:
        who = ", ".join(x for x in ((f"owner {g.owner}" if g.owner else ""),
                                    (f"{fmt_date(g.start_date)} to {fmt_date(g.target_date)}"
                                     if g.start_date or g.target_date else "")) if x)
        head = f"{g.name}" + (f" ({who})" if who else "") + "."
        about = f" {g.description.rstrip('.')}." if g.description else ""
        if g.current is None:
            where = (f" Baseline {fmt_goal(g.baseline, g.unit)}, target {fmt_goal(g.target, g.unit)}; "
                     "no measurement since the baseline yet.")
        else:
            where = (f" From {fmt_goal(g.baseline, g.unit)} to {fmt_goal(g.current, g.unit)}"
                     + (f" (measured {fmt_date(g.last_measured)})" if g.last_measured else "")
                     + f" against a target of {fmt_goal(g.target, g.unit)}"
                     + (f": {g.achievement_pct:.0f}% of the way." if g.achievement_pct is not None else "."))
        items.append(head + about + where)
    return Bullets(items)


def _milestone_name(m) -> str:
    """'Kickoff: Reduce ticket resolution time' -> 'Kickoff' when the goal column names the goal."""
    if m.goal and m.name.endswith(": " + m.goal):
        return m.name[: -len(m.goal) - 2]
    return m.name


MILESTONE_CELLS = {"done": ("✓ Done", "good"), "due": ("● Due soon", "warn"), "missed": ("✗ Missed", "bad"),
                   "planned": ("○ Planned", None)}


def milestone_cell(status: str) -> Cell:
    shown, tone = MILESTONE_CELLS.get(status, (status, None))
    return Cell(shown, tone=tone)


def _milestones(roi) -> Table | Paragraph:
    if not roi.milestones:
        return Paragraph("No milestones recorded.", "note")
    rows = [[date_cell(m.date), text(_milestone_name(m)), text(m.goal or "Account"), milestone_cell(m.status)]
            for m in roi.milestones]
    return Table("milestones", cols("llll", "Date", "Milestone", "Goal", "Status", widths=[1.1, 1.9, 3.0, 1.0]),
                 rows)


def at_risk_lines(roi, short: bool = False) -> list[str]:
    """One line per goal at risk: where it stands, why (lagging metrics), and the recommended actions."""
    items = []
    for a in roi.at_risk:
        where = (f": {a.achievement_pct:.0f}% achieved with {a.elapsed_pct:.0f}% of the time elapsed"
                 if a.achievement_pct is not None and a.elapsed_pct is not None else "")
        why = "" if short or not a.signals else " Why: " + "; ".join(a.signals) + "."
        actions = a.actions[:1] if short else a.actions
        items.append(f"{'At risk: ' if short else ''}{a.goal}{where}.{why} Recommended: " + "; ".join(
            x[0].lower() + x[1:] if i else x for i, x in enumerate(actions)) + ".")
    return items


def _at_risk(roi) -> list:
    if not roi.at_risk:
        return [Paragraph("No goal is at risk.")]
    return [Bullets(at_risk_lines(roi))]


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
    rep.meta = title_meta(data, data.compare) + [
        ("Period", f"{roi.period.label} ({fmt_date(roi.period.start)} to {fmt_date(roi.period.end)})")]
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
                      "Value delivered is annualised; value ROI = value delivered / annual investment (a multiple). The Reported ROI metric, where shown, is the customer's own reported return, a separate measure.", "note"),
            *[Paragraph(n, "note") for n in _notes(roi)]),
    ]
    return rep


def _notes(roi) -> list[str]:
    """compute_roi's notes as a customer reads them (the missing-data note names the goals)."""
    out = []
    for n in roi.notes:
        if n.startswith("Some metrics missing data"):
            pending = [g.name for g in roi.goals if g.current is None or g.achievement_pct is None]
            n = (f"Not measured yet: {', '.join(pending)}. Shown as n/a; no value is counted for "
                 f"{'it' if len(pending) == 1 else 'them'} until progress is measured." if pending
                 else "Some figures are missing data: the report shows what is available.")
        out.append(n if n.rstrip().endswith((".", "!", "?")) else n.rstrip() + ".")
    return out
