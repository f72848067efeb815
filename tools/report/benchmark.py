"""1. Customer benchmark report (customer-facing), from compare_customer and recommend_improvements.

Story first, as a consulting one-page summary: the finding as a headline, three cards, wins /
risks / asks; then the table, where the account stands (percentile bands, the middle half of
the comparison group), its place in the peer group's distribution, the position over time,
strengths and opportunities, the action plan and the method.
"""

from __future__ import annotations

from reports.format import fmt_versus, ordinal, ordinal_parts, position_value
from reports.model import Callout, Callouts, Panel, Panels, Paragraph, Report, Section
from tools.report.shared import (
    ReportData,
    as_of_text,
    improvement_lines,
    improvements,
    industry_view,
    methodology,
    metric_line,
    new_report,
    performance_table,
    slot,
    title_meta,
)
from tools.report.story import asks, headline, plan_rows, plan_table, risks, tier, wins
from tools.report.visuals import (
    bullet_figure,
    distribution_figure,
    metric_trends_figure,
    percentile_figure,
    trend_figure,
)

STRENGTH_AT = 75.0  # top quartile, on the basis the report's table shows


def strengths_shown(cmp, limit: int = 5) -> list:
    """Top-quartile metrics by the percentile the table shows (industry where benchmarked, else peers):
    a strength is listed with the figure that makes it one."""
    rated = [(industry_view(m)[1], m) for m in cmp.metrics if m.value is not None]
    best = sorted(((p, m) for p, m in rated if p is not None and p >= STRENGTH_AT), key=lambda x: -x[0])
    return [m for _, m in best[:limit]]


def overall_callout(cmp) -> Callout:
    p = cmp.overall_percentile
    low = p is not None and p < 25
    n, fmt = ordinal_parts(p) if p is not None else (None, None)
    return Callout("Overall vs peers", position_value(p),
                   f"among {cmp.cohort.size} {cmp.cohort.description}" + (": room to grow" if low else ""),
                   key="overall", raw=n, num_format=fmt)


def _cards(cmp, items: list[dict], above: int, rated: int) -> list[Callout]:
    out = [overall_callout(cmp)]
    ranked = sorted((m for m in cmp.metrics if m.value is not None and industry_view(m)[1] is not None),
                    key=lambda m: -industry_view(m)[1])
    if ranked:
        best = ranked[0]
        _, pct, label, _, industry = industry_view(best)
        out.append(Callout("Strongest metric", best.label,
                           f"{label or ordinal(pct)} percentile {'vs industry' if industry else 'vs peers'}",
                           key="strongest"))
    if rated and above * 3 >= rated:
        out.append(Callout("At or above the industry median", f"{above} of {rated}", "metrics, as in the table",
                           key="above_median", raw=above, num_format="0"))
    elif items:
        it = items[0]
        target = fmt_versus(it["metric"], it["current"], it["target"])[1] if it["target"] is not None else None
        out.append(Callout("Focus for the next 90 days", it["label"],
                           f"target {target}, the {it['reference']} median" if target else "see the action plan",
                           key="focus"))
    return out


def build_benchmark(data: ReportData) -> Report:
    cmp = data.compare
    accent = data.brand.accent
    rep = new_report(data, f"Performance Benchmark Report: {cmp.customer} vs Industry Peers", cmp.customer,
                     ["compare_customer"] + (["recommend_improvements"] if data.recommend else []),
                     kicker="Performance Benchmark Report",
                     subtitle=" · ".join(x for x in (f"vs {cmp.cohort.description} and the industry benchmark",
                                                     as_of_text(data)) if x))
    rep.meta = title_meta(data, cmp)
    shown = [industry_view(m)[1] for m in cmp.metrics if m.value is not None]  # as in the table
    above = sum(1 for p in shown if p is not None and p >= 50)
    rated = sum(1 for p in shown if p is not None)
    items = improvements(data)
    ctx = {"c": cmp, "above": above, "rated": rated, "low": tier(cmp) == "low",
           "strengths": [m.label for m in strengths_shown(cmp, 3)],
           "gaps": [it["label"] for it in items[:3]]}  # as in "Opportunities for improvement"
    title = headline(cmp, items)
    summary = Section("summary", "Executive summary", headline=title).add(
        Paragraph(title, "headline"),
        Callouts(_cards(cmp, items, above, rated)),
        Paragraph(slot(data, "executive_summary", "benchmark_summary", **ctx), "lead"),
        Panels([Panel("Wins", wins(data) or ["Your first wins will show here after the next review."], "good"),
                Panel("Risks", risks(data, items) or ["No metric is below the median."], "bad"),
                Panel("Our asks", asks(data))]))
    summary.notes = f"{title}. " + " ".join(p for p in (ctx["strengths"] and "Strengths: " + ", ".join(
        ctx["strengths"]) + ".", ctx["gaps"] and "Gaps: " + ", ".join(ctx["gaps"]) + ".") if p)
    perf = Section("performance", "Your performance vs benchmarks").add(performance_table(cmp))
    keys = [b["metric"] for b in data.peers.bullets] or None  # the metrics the story is about (all in the table)
    position = Section("position", "Where you stand on the key metrics").add(
        percentile_figure(cmp, keys, accent), bullet_figure(data.peers, accent))
    peers = Section("peers", "You within your peer group").add(distribution_figure(data.peers, cmp, accent))
    trend = Section("trend", "Your position over time").add(trend_figure(data.peers, accent),
                                                            metric_trends_figure(data.peers, accent))
    rep.sections = [summary, perf, _strengths(data, cmp, items), position, peers, trend,
                    _action_plan(data, items), methodology(cmp, data.recommend)]
    return rep


def _strengths(data: ReportData, cmp, items: list[dict]) -> Section:
    best = strengths_shown(cmp)
    lead = [metric_line(m) for m in best] or ["No metric is in the top quartile yet: the plan below starts there."]
    grow = improvement_lines(items[:3]) or _stretch_lines(data) or ["Every metric is at or above the median."]
    sec = Section("strengths", "Strengths and opportunities")
    sec.add(Paragraph(data.narrative["strengths"]) if data.narrative.get("strengths") else None,
            Paragraph(data.narrative["opportunities"]) if data.narrative.get("opportunities") else None,
            Panels([Panel("Where you lead", lead, "good"),
                    Panel("Stretch goals" if not items else "Where to grow", grow)]))
    return sec


def _action_plan(data: ReportData, items: list[dict]) -> Section:
    sec = Section("action_plan", "Action plan")
    sec.add(Paragraph(data.narrative["next_steps"]) if data.narrative.get("next_steps") else None,
            plan_table(plan_rows(data, items)))
    sec.notes = "Agree an owner on each side and the dates; confirm the date of the next review."
    return sec


def _stretch_lines(data: ReportData, limit: int = 3) -> list[str]:
    """recommend_improvements' stretch goals (targets already met) when there is no gap; a metric already
    past its stretch level is one to hold."""
    rec = data.recommend
    out = []
    for r in (getattr(rec, "improvements", None) or [])[:limit] if rec is not None else []:
        if not r.target_met or r.stretch is None:
            continue
        ref = "industry" if r.reference == "benchmark" else "peer"
        where = ordinal(r.stretch_percentile) if r.stretch_percentile else "top"
        now, goal = fmt_versus(r.metric, r.value, r.stretch)
        if r.percentile is not None and r.stretch_percentile is not None and r.percentile >= r.stretch_percentile:
            out.append(f"Hold {r.label} at {now}, already above the {ref} {where} percentile.")
        else:
            out.append(f"Stretch goal: {r.label} from {now} to {goal} ({ref} {where} percentile).")
    return out


def next_steps(data: ReportData, items: list[dict], cmp) -> list[str]:
    """The action plan as lines (Markdown chat answers and the QBR notes)."""
    return [f"{r['action']}: {r['ours']} with {r['yours']}, by {r['due']:%d %b %Y}. {r['measure']}."
            for r in plan_rows(data, items)]
