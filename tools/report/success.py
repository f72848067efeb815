"""3. Success metrics report (customer-shareable), from compute_roi (and compare_customer when given).

Story first: the finding (value and goals) as a headline, three cards, wins / risks / asks;
then the goals, their progress, the value, details, milestones and risks, the peer comparison,
the action plan and how the figures are computed.
"""

from __future__ import annotations

import datetime as dt

from reports.format import fmt_date, fmt_money, position_value
from reports.model import Bullets, Callout, Callouts, Cell, Panel, Panels, Paragraph, Report, Section, Table
from tools.report.cells import (
    cols,
    date_cell,
    fmt_goal,
    goal_cell,
    goal_status_cell,
    money,
    num,
    pcell,
    pct_cell,
    text,
)
from tools.report.shared import ReportData, as_of_text, new_report, slot, title_meta
from tools.report.story import asks, plan_table, risks, wins
from tools.success.charts import progress_figure
from tools.success.score_gauge import BANDS_TEXT, gauge_figure

KR_RULE = ("A goal with key results is measured on all its metrics: its achievement is the mean of each one's "
           "achievement (its own metric included), each capped at 100%, and it is achieved when every one is.")

PEER_MEASURES = {"success_score": ("Success score", "{:.0f} / 100", "0"),
                 "goal_achievement_rate": ("Goals achieved", "{:.0f}%", "pct"),
                 "roi_multiplier": ("Value ROI", "{:.1f}x", '0.0"x"')}


def success_callouts(roi) -> list[Callout]:
    n = len(roi.goals)
    achieved = roi.status_counts.get("achieved", 0)
    out = [Callout("Goals achieved", f"{achieved} of {n}",
                   f"success score {roi.success_score:.0f} / 100" if roi.success_score is not None else "",
                   key="goals", raw=achieved, num_format=f'0" of {n}"')]
    out.append(Callout("Value delivered", fmt_money(roi.value_delivered.total), "per year (annualised)", key="value",
                       raw=roi.value_delivered.total, num_format='"$"#,##0'))
    if roi.roi_multiplier is not None:
        first = roi.roi_multiplier < 1
        out.append(Callout("Value ROI so far" if first else "Value ROI", f"{roi.roi_multiplier:.1f}x",
                           "building towards the investment: see the plan" if first else
                           f"value delivered / investment; net value ROI {roi.net_roi_pct:,.0f}%"
                           if roi.net_roi_pct is not None else "value / investment",
                           key="roi", raw=roi.roi_multiplier, num_format='0.0"x"'))
    return out


def qbr_success_callouts(roi) -> list[Callout]:
    """The QBR's success slide: goals, value and goals at risk (ROI is on the benchmark slide already)."""
    out = success_callouts(roi)[:2]
    counts = roi.status_counts
    attention = counts.get("at_risk", 0) + counts.get("missed", 0)
    parts = [f"{counts[s]} {s.replace('_', ' ')}" for s in ("missed", "at_risk", "on_track", "not_started")
             if counts.get(s)]
    out.append(Callout("Goals needing attention", f"{attention} of {len(roi.goals)}",
                       ", ".join(parts) if parts else "all achieved", key="attention", raw=attention,
                       num_format=f'0" of {len(roi.goals)}"'))
    return out


def goals_table(roi, compact: bool = False) -> Table:
    rows = []
    for g in roi.goals:
        ach = pct_cell(g.achievement_pct)
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
        items.append(head + about + where + _more(roi, g))
    return Bullets(items)


def _more(roi, g) -> str:
    """A goal detail's key results, trend, value (with its confidence) and the customer's words."""
    parts = []
    if g.key_results:
        parts.append("Key results: " + "; ".join(
            f"{k.name} {fmt_goal(k.current, k.shown_unit)} of {fmt_goal(k.target, k.shown_unit)}"
            + (f" ({k.achievement_pct:.0f}%)" if k.achievement_pct is not None else "") for k in g.key_results) + ".")
    if g.trend:
        parts.append(g.trend)
    item = next((it for it in roi.value_delivered.items if it.goal == g.name), None)
    if item is not None:
        parts.append(f"Value {fmt_money(item.annual)} a year ({item.confidence}).")
    for q in g.quotes[:2]:  # the goal's own quotes: this customer's words only
        who = ", ".join(x for x in (q.person, fmt_date(q.date) if q.date else None) if x)
        parts.append(f"“{q.text}”" + (f" ({who})" if who else ""))
    return (" " + " ".join(parts)) if parts else ""


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
    return [Paragraph("Goals at risk:"), Bullets(at_risk_lines(roi))]


def _benchmark(data: ReportData, roi) -> list:
    b = roi.benchmark
    out: list = []
    if b.shown:
        rows = []
        for m in b.metrics:
            label, pattern, fmt = PEER_MEASURES[m.metric]

            def cell(x):
                if fmt == "pct":
                    return pct_cell(x)
                return num(x, fmt, pattern.format(x) if x is not None else None)
            rows.append([text(label), cell(m.value), cell(m.peer_median), pcell(m.percentile)])
        out.append(Table("success_benchmark", cols("lrrr", "Measure", "Yours", "Peer median", "Your percentile",
                                                   widths=[2.0, 1.2, 1.2, 1.2]), rows, note=b.message))
    else:
        out.append(Paragraph(b.message, "note"))
    cmp = data.compare
    if cmp is not None and cmp.overall_percentile is not None:
        p = cmp.overall_percentile
        where = ("in the lowest quartile" if p < 25 else f"at the {position_value(p)} percentile")
        out.append(Paragraph(f"On product and relationship metrics you rank {where} overall among {cmp.cohort.size} "
                             f"peer accounts ({cmp.cohort.description}); the benchmark report has the detail."))
    return out


def success_headline(roi) -> str:
    """The finding: value against the investment, and how many goals need attention."""
    counts = roi.status_counts
    attention = counts.get("at_risk", 0) + counts.get("missed", 0)
    value = fmt_money(roi.value_delivered.total)
    need = (f"{attention} goal{'s need' if attention > 1 else ' needs'} a recovery plan" if attention else
            "every goal achieved or on track")
    if roi.roi_multiplier is not None and roi.roi_multiplier >= 1:
        return f"{value} of value a year, {roi.roi_multiplier:.1f}x the investment; {need}"
    if roi.value_delivered.total:
        return f"{value} of value a year so far; {need}"
    return f"{counts.get('achieved', 0)} of {len(roi.goals)} goals achieved; first value to be measured"


def _plan_rows(data: ReportData, roi) -> list[dict]:
    """Recover each goal at risk (its first recommended action, by its target date), then the renewal."""
    csm = data.prepared_by
    rows = []
    goals = {g.name: g for g in roi.goals}
    for a in roi.at_risk:
        g = goals.get(a.goal)
        due = dt.date.fromisoformat(a.target_date[:10]) if a.target_date else data.today + dt.timedelta(weeks=8)
        rows.append({"action": a.actions[0] if a.actions else "Review the goal plan", "ours": f"{csm} (CSM)",
                     "yours": (f"{g.owner}" if g is not None and g.owner else "Your goal owner"), "due": due,
                     "measure": f"{a.goal}: reach {fmt_goal(g.target, g.unit)}" if g is not None else a.goal})
    pending = [g for g in roi.goals if g.current is None]
    if pending:
        rows.append({"action": f"First measurement of {pending[0].name}", "ours": f"{csm} (CSM)",
                     "yours": pending[0].owner or "Your goal owner", "due": data.today + dt.timedelta(weeks=4),
                     "measure": "Progress measured against the baseline"})
    if data.renewal:
        rows.append({"action": f"Value review before the renewal of {fmt_date(data.renewal.isoformat())}",
                     "ours": f"{csm} (CSM), account executive", "yours": "Your executive sponsor",
                     "due": max(data.today + dt.timedelta(weeks=2), data.renewal - dt.timedelta(days=90)),
                     "measure": "Value summary agreed; renewal plan confirmed"})
    rows.append({"action": "Next business review: goals, value and the next quarter's targets", "ours": f"{csm} (CSM)",
                 "yours": "Your executive sponsor", "due": data.today + dt.timedelta(weeks=13),
                 "measure": "Goals reviewed; next quarter's targets agreed"})
    return rows


def build_success(data: ReportData) -> Report:
    roi = data.roi
    rep = new_report(data, f"Success Metrics Report: {roi.customer}", roi.customer,
                     ["compute_roi"] + (["compare_customer"] if data.compare else []),
                     kicker="Success Metrics Report",
                     subtitle=" · ".join(x for x in (f"Period: {roi.period.label} ({fmt_date(roi.period.start)} to "
                                                     f"{fmt_date(roi.period.end)})", as_of_text(data)) if x))
    rep.meta = title_meta(data, data.compare)  # the period is in the subtitle
    overview = Section("overview", "Executive summary")
    if not roi.goals:
        overview.add(Paragraph("; ".join(roi.notes) or "No success goals recorded."))
        rep.sections = [overview]
        return rep
    title = success_headline(roi)
    overview.headline = title
    overview.add(Paragraph(title, "headline"), Callouts(success_callouts(roi)),
                 Paragraph(slot(data, "executive_summary", "success_summary", r=roi), "lead"),
                 gauge_figure(roi.success_score),
                 Panels([Panel("Wins", wins(data) or ["First results to review at the next business review"], "good"),
                         Panel("Risks", risks(data, []) or ["No goal is at risk"], "bad"),
                         Panel("Our asks", _asks(data, roi))]))
    methodology = Section("methodology", "How these figures are computed").add(
        Paragraph(roi.status_rule, "note"),
        Paragraph(BANDS_TEXT + " " + KR_RULE, "note"),
        Paragraph("Success score: the weighted mean of goal achievement, each goal capped at 100%. "
                  "Value delivered is annualised; value ROI = value delivered / annual investment (a multiple). "
                  "The Reported ROI metric, where shown, is the customer's own reported return, a separate "
                  "measure.", "note"),
        *[Paragraph(n, "note") for n in _notes(roi)])
    rep.sections = [
        overview,
        Section("goals", "Goals and progress").add(goals_table(roi), progress_figure(roi) or Paragraph(
            "Not enough measurements yet to chart progress.", "note")),
        Section("value", "Value delivered").add(value_table(roi), roi_paragraph(roi)),
        Section("details", "Goal details").add(_details(roi)),
        Section("milestones", "Milestones and goals at risk").add(_milestones(roi), *_at_risk(roi)),
        Section("benchmark", "Benchmark comparison").add(*_benchmark(data, roi)),
        Section("action_plan", "Action plan").add(plan_table(_plan_rows(data, roi))),
        methodology,
    ]
    return rep


def _asks(data: ReportData, roi) -> list[str]:
    out = []
    if roi.at_risk:
        out.append(f"Confirm an owner and a date to bring {roi.at_risk[0].goal} back on track")
    if any(g.current is None for g in roi.goals):
        out.append("Share the first measurements of the goals not yet measured")
    out.append("Share monthly measurements so value is counted as it lands")
    return (out + asks(data))[:3]


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
