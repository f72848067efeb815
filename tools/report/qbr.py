"""4. QBR deck (customer-facing, PPTX first), from compare_customer, compute_roi and recommend_improvements.

A Gainsight-style deck: cover (the quarter named), agenda, an executive summary whose title is
the finding (wins, risks, asks), where the account stands, its place among its peers and over
time, the success plan and goal progress, the action plan, and the method as a back-up slide.
Every slide has speaker notes.
"""

from __future__ import annotations

from reports.format import fmt_money, fmt_value, fmt_versus, ordinal, position_value, quartile_words
from reports.model import Bullets, Callout, Callouts, Panel, Panels, Paragraph, Report, Section
from tools.report.benchmark import overall_callout
from tools.report.cells import render
from tools.report.gather import key_metrics
from tools.report.shared import (
    ReportData,
    as_of_text,
    improvements,
    industry_view,
    methodology,
    metric_line,
    new_report,
    slot,
    title_meta,
)
from tools.report.story import asks, headline, plan_rows, plan_table, risks, shown, wins
from tools.report.success import at_risk_lines, goals_table, qbr_success_callouts
from tools.report.visuals import distribution_figure, metric_trends_figure, percentile_figure, trend_figure
from tools.success.charts import progress_figure
from tools.success.score_gauge import gauge_figure


def build_qbr(data: ReportData) -> Report:
    cmp, roi = data.compare, data.roi
    quarter = data.quarter or "Quarterly"
    rep = new_report(data, f"{cmp.customer}: {quarter} Business Review", cmp.customer,
                     ["compare_customer"] + (["compute_roi"] if roi else [])
                     + (["recommend_improvements"] if data.recommend else []),
                     kicker=f"Quarterly Business Review · {quarter}",
                     subtitle=" · ".join(x for x in (f"Peer group: {cmp.cohort.description}", as_of_text(data)) if x))
    rep.meta = title_meta(data, cmp)
    rep.agenda = True
    items = improvements(data)
    rep.sections = [_summary(data, items), _scorecard(data, items), _peers(data), _trends(data),
                    *_success(data), _plan(data, items), methodology(cmp, data.recommend)]
    rep.sections = [s for s in rep.sections if s.blocks]
    rep.section("methodology").notes = "Back-up slide: how the comparison was made."
    return rep


def _summary(data: ReportData, items: list[dict]) -> Section:
    cmp = data.compare
    title = headline(cmp, items)
    prose = slot(data, "executive_summary", "benchmark_summary", c=cmp,
                 above=sum(1 for m in cmp.metrics if shown(m) is not None and shown(m) >= 50),
                 rated=sum(1 for m in cmp.metrics if shown(m) is not None),
                 low=cmp.overall_percentile is not None and cmp.overall_percentile < 25,
                 strengths=[cmp.metric(k).label for k in cmp.strengths[:3]], gaps=[it["label"] for it in items[:3]])
    sec = Section("summary", "Executive summary", headline=title).add(
        Panels([Panel("Wins", wins(data) or ["First wins to review next quarter"], "good"),
                Panel("Risks", risks(data, items) or ["No metric is below the median"], "bad"),
                Panel("Our asks", asks(data))]),
        Paragraph(prose, "lead"),
        Paragraph(f"{data.quarter or 'This quarter'} · {as_of_text(data) or 'latest data'} · compared with "
                  f"{cmp.cohort.size} peer accounts ({cmp.cohort.description})", "note"))
    sec.notes = f"{title}.\n{prose}"
    return sec


def _scorecard(data: ReportData, items: list[dict]) -> Section:
    cmp = data.compare
    keys = key_metrics(cmp, shown, [it["metric"] for it in items], 8)
    p = cmp.overall_percentile
    low = p is not None and p < 25
    head = (f"Room to grow: {quartile_words(p)} of {cmp.cohort.size} peer accounts overall" if low else
            f"Overall: {position_value(p)} percentile among {cmp.cohort.size} peer accounts")
    sec = Section("scorecard", "Where you stand", headline=head).add(
        Callouts(_qbr_callouts(cmp, data.roi)), percentile_figure(cmp, keys, data.brand.accent),
        Paragraph(_one_recommendation(items), "lead"))
    sec.notes = slot(data, "talking_points", "qbr_benchmark_notes", lines=True, c=cmp, items=items,
                     position=position_value(p) + (" percentile" if p is not None and p >= 25 else ""),
                     strengths=[metric_line(cmp.metric(k)) for k in cmp.strengths[:3]])
    return sec


def _peers(data: ReportData) -> Section:
    accent = data.brand.accent
    sec = Section("peers", "You within your peer group and over time").add(
        distribution_figure(data.peers, data.compare, accent), trend_figure(data.peers, accent))
    sec.notes = ("Left: how many peer accounts have each overall score, with yours highlighted (no single account "
                 "is shown). Right: your overall percentile month by month.")
    return sec


def _trends(data: ReportData) -> Section:
    sec = Section("metric_trends", "Key metrics over time").add(metric_trends_figure(data.peers, data.brand.accent))
    sec.notes = "Your monthly values against the median of your peer group; talk through the direction of each."
    return sec


def _score_line(goal) -> str:
    """A goal's achievement as the goals table shows it; above 100% it counts as 100% toward the score."""
    line = f"{goal.name}: {goal.achievement_pct:.0f}%"
    return line + (" (counts as 100%)" if goal.achievement_pct > 100 else "")


def _success(data: ReportData) -> list[Section]:
    roi = data.roi
    success = Section("success", "Success plan: goals and value")
    if roi is None or not roi.goals:
        success.add(Paragraph("No success goals are recorded yet: let's agree two or three measurable goals "
                              "for next quarter."))
        success.notes = "No goals recorded yet."
        return [success]
    gauge = gauge_figure(roi.success_score, width_in=3.6)
    score = None
    if gauge is not None:  # the success score as a gauge, on its own slide
        score = Section("success_score", f"Success score: {roi.success_score:.0f} / 100, {roi.success_label}").add(
            gauge, Bullets([_score_line(g) for g in roi.goals if g.achievement_pct is not None][:6]))
        score.notes = (f"The success score is {roi.success_score:.0f} out of 100 ({roi.success_label}): the weighted "
                       "mean of goal achievement, each goal capped at 100%.")
    success.add(Callouts(qbr_success_callouts(roi)), goals_table(roi, compact=True))
    success.add(Bullets(at_risk_lines(roi, short=True)) if roi.at_risk else None)
    success.notes = render("qbr_success_notes", lines=True, r=roi)
    fig = progress_figure(roi, limit=4)
    progress = Section("progress", "Goal progress").add(fig)
    progress.notes = "Each goal's measurements against its target (dashed) since the baseline."
    return [x for x in (score, success, progress if fig is not None else None) if x is not None]


def _plan(data: ReportData, items: list[dict]) -> Section:
    sec = Section("action_plan", "Action plan and asks").add(plan_table(plan_rows(data, items)))
    sec.notes = ("Agree an owner on each side and the dates. Asks: " + "; ".join(asks(data)) + ".")
    return sec


def _one_recommendation(items: list[dict]) -> str:
    if not items:
        return "Every metric is at or above the median: protect the lead and agree where to expand."
    it = items[0]
    k = it["metric"]
    now, target = fmt_versus(k, it["current"], it["target"])
    goal = f" to the {it.get('reference', 'peer')} median of {target}" if it["target"] is not None else ""
    when = f" within {it['timeline']}" if it.get("timeline") else ""
    action = it["action"][0].lower() + it["action"][1:]
    return f"First priority: lift {it['label']} from {now}{goal}{when}. Action: {action}."


def _qbr_callouts(cmp, roi) -> list[Callout]:
    out = [overall_callout(cmp)]
    if roi is not None and roi.roi_multiplier is not None:
        if roi.roi_multiplier >= 1:
            out.append(Callout("Value ROI", f"{roi.roi_multiplier:.1f}x", "value delivered / annual investment",
                               key="roi", raw=roi.roi_multiplier, num_format='0.0"x"'))
        else:  # lead with the value built so far; the multiple is in the detail and the success slide
            out.append(Callout("Value delivered", fmt_money(roi.value_delivered.total),
                               f"a year so far ({roi.roi_multiplier:.1f}x the investment)", key="roi",
                               raw=roi.value_delivered.total, num_format='"$"#,##0'))
    else:
        m = cmp.metric("roi")
        if m.value is not None:
            out.append(Callout("Reported ROI", fmt_value("roi", m.value), _where(m), key="roi",
                               raw=m.value / 100, num_format="0%"))
    for key, label in (("adoption_score", "Adoption score"), ("engagement_score", "Engagement score")):
        m = cmp.metric(key)
        if m.value is not None:
            out.append(Callout(label, f"{fmt_value(key, m.value)} / 100", _where(m), key=key.split("_")[0],
                               raw=m.value, num_format='0" / 100"'))
    return out


def _where(m) -> str:
    """'50th percentile vs industry' (as in the benchmark report's table); quartile words under the 25th."""
    median, pct, label, _, industry = industry_view(m)
    if pct is None:
        return ""
    basis = "vs industry" if industry else "vs peers"
    return f"lowest quartile {basis}" if pct < 25 else f"{label or ordinal(pct)} percentile {basis}"
