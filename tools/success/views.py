"""Markdown views of the goals and ROI tool outputs (chat, CLI and the numbers in them).

Every figure is a field of the output model, formatted with its unit.
"""

from __future__ import annotations

from reports.format import (
    Markdown,
    fmt_goal,
    fmt_money,
    fmt_share,
    markdown_table,
    md_text,
    ordinal,
)
from tools.success.by_csm import by_csm_markdown

STATUS_LABELS = {"achieved": "achieved", "on_track": "on track", "at_risk": Markdown("**at risk**"), "missed": "missed",
                 "not_started": "not started", "unknown": "unknown"}
PEER_LABELS = {"success_score": "Success score", "goal_achievement_rate": "Goal achievement rate",
               "roi_multiplier": "Value ROI"}


def goal_table(goals, ids: bool = False) -> str:
    rows = []
    for g in goals:
        status = Markdown(md_text(STATUS_LABELS.get(g.status, g.status), True) + (" (exceeding)" if g.exceeding else ""))
        row = [g.name, fmt_goal(g.baseline, g.unit), fmt_goal(g.target, g.unit), fmt_goal(g.current, g.unit),
               fmt_share(g.achievement_pct), status, g.target_date or "n/a"]
        rows.append(([g.id] if ids else []) + row)
    headers = ["Goal", "Baseline", "Target", "Current", "Achievement", "Status", "Target date"]
    return markdown_table((["Id"] if ids else []) + headers, rows, ("r" if ids else "") + "lrrrrll")


def _peer_value(metric: str, x: float | None) -> str:
    if x is None:
        return "n/a"
    return f"{x:.1f}x" if metric == "roi_multiplier" else (f"{x:.1f}%" if metric.endswith("rate") else f"{x:.1f}")


def _value_lines(out) -> list[str]:
    v = out.value_delivered
    lines = [f"**Value delivered:** {fmt_money(v.total, exact=True)} a year (annualised); {fmt_money(v.period_value, exact=True)} "
             "realised in the period"]
    lines += [f"- {md_text(it.goal, True)} ({md_text(it.value_type.replace('_', ' '), True)}, {md_text(it.confidence, True)}): "
              f"{md_text(it.calculation, True)}"
              + (" **(check: more than 2x the annual investment)**" if it.flagged else "") for it in v.items]
    lines += [f"- not counted yet (no progress measured): {md_text(it.goal, True)}: {md_text(it.calculation, True)}"
              for it in v.pending]
    if out.investment is not None:
        source = "ARR" if out.investment_source == "arr" else "given"
        lines.append(f"\n**Investment:** {fmt_money(out.investment, exact=True)} a year ({source})")
    if out.roi_multiplier is not None:
        lines.append(f"**Value ROI:** {out.roi_multiplier:.1f}x (value delivered / investment); net value ROI {out.net_roi_pct:,.1f}%")
    return lines


def _risk_lines(out) -> list[str]:
    lines = []
    for r in out.at_risk:
        lines.append(f"\n**At risk: {md_text(r.goal, True)}**: {fmt_share(r.achievement_pct)} achieved with "
                     f"{fmt_share(r.elapsed_pct)} of the time elapsed")
        lines += [f"- signal: {md_text(s, True)}" for s in r.signals]
        lines += [f"- action: {md_text(a, True)}" for a in r.actions]
    return lines


def roi_markdown(out) -> str:
    """compute_roi as Markdown: goals table, score, value calculation, ROI, risks, milestones, peers."""
    arr = f", ARR {fmt_money(out.arr)}" if out.arr is not None else ""
    lines = [f"### Success metrics: {md_text(out.customer, True)} ({md_text(out.segment or 'no segment', True)}{arr})",
             f"Period: {md_text(out.period.label)} ({out.period.start} to {out.period.end})", ""]
    if out.goals:
        score = "n/a" if out.success_score is None else f"{out.success_score:.1f} / 100" + (
            f" ({out.success_label})" if getattr(out, "success_label", None) else "")
        lines += [goal_table(out.goals), "",
                  f"**Success score:** {score} · **Goal achievement rate:** {fmt_share(out.goal_achievement_rate)}", ""]
        lines += _value_lines(out) + _risk_lines(out)
    upcoming = [m for m in out.milestones if m.status in ("planned", "due") and (m.date or "") >= out.as_of][:5]
    if upcoming:
        lines += ["", "**Next milestones:** " + "; ".join(f"{m.date} {md_text(m.name, True)}" for m in upcoming)]
    b = out.benchmark
    if b.shown:
        rows = [[PEER_LABELS[m.metric], _peer_value(m.metric, m.value), _peer_value(m.metric, m.peer_median),
                 "n/a" if m.percentile is None else ordinal(m.percentile)] for m in b.metrics]
        lines += ["", f"**Peers:** {md_text(b.message)}", "",
                  markdown_table(["Measure", "Account", "Peer median", "Percentile"], rows, "lrrr")]
    elif out.goals:
        lines += ["", f"**Peers:** {md_text(b.message)}"]
    lines += [f"\n_{md_text(n)}_" for n in out.notes]
    return "\n".join(lines)


def goals_markdown(out, with_message: bool = True) -> str:
    """manage_goals as Markdown: the message and alerts (unless the narrative already says
    them), notes, and the goal(s) touched or listed."""
    lines = [md_text(out.message)] + [f"**Alert:** {md_text(a)}" for a in out.alerts] if with_message else []
    lines += [f"_{md_text(n)}_" for n in out.notes]
    goals = out.goals or ([out.goal] if out.goal else [])
    if goals:
        lines += ["", goal_table(goals, ids=bool(out.goals))]
        lines += [f"- {md_text(g.name, True)}: {md_text(g.note, True)}" for g in goals if g.note]
    return "\n".join(lines)


def portfolio_success_markdown(out) -> str:
    """portfolio_success as Markdown: status counts by segment, top performers, goals at risk."""
    book = f", {md_text(out.csm, True)}'s accounts" if getattr(out, "csm", None) else ""
    lines = [f"### Goal success: {md_text(out.segment or 'all segments', True)}{book} (as of {out.as_of})"]
    if out.period is not None:
        lines.append(f"Value realised in {out.period.label} ({out.period.start} to {out.period.end}): "
                     f"{fmt_money(out.period_value or 0.0)}.")
    lines += [f"_{md_text(n)}_" for n in out.notes]
    if not out.goals:
        return "\n".join(lines)
    c = out.status_counts
    avg = "n/a" if out.average_roi_multiplier is None else f"{out.average_roi_multiplier:.1f}x"
    lines += [f"{out.accounts_with_goals} accounts with {out.goals} goals: {c['achieved']} achieved, "
              f"{c['on_track']} on track, {c['at_risk']} at risk, {c['missed']} missed, {c['not_started']} not started.",
              f"Total value delivered: {fmt_money(out.total_value_delivered)} a year; average value ROI {avg}.", ""]
    rows = [[s.segment, s.accounts, s.goals, s.achieved, s.on_track, s.at_risk, s.missed, s.not_started,
             "n/a" if s.avg_success_score is None else f"{s.avg_success_score:.1f}",
             "n/a" if s.avg_roi_multiplier is None else f"{s.avg_roi_multiplier:.1f}x", fmt_money(s.value_delivered)]
            for s in out.by_segment]
    lines.append(markdown_table(["Segment", "Accounts", "Goals", "Achieved", "On track", "At risk", "Missed",
                                 "Not started", "Avg score", "Avg value ROI", "Value / year"], rows, "lrrrrrrrrrr"))
    if getattr(out, "by_csm", None):
        lines += ["", by_csm_markdown(out.by_csm)]
    rows = [[a.customer, a.segment, fmt_money(a.value_delivered),
             "n/a" if a.roi_multiplier is None else f"{a.roi_multiplier:.1f}x",
             "n/a" if a.success_score is None else f"{a.success_score:.1f}"] for a in out.top_performers]
    lines += ["", "**Top performers by value delivered**", "",
              markdown_table(["Account", "Segment", "Value / year", "Value ROI", "Success score"], rows, "llrrr")]
    if out.at_risk_goals:
        rows = [[r.customer, r.goal, fmt_money(r.arr_at_stake) if r.arr_at_stake is not None else "n/a",
                 fmt_share(r.achievement_pct), fmt_share(r.elapsed_pct), r.target_date or "n/a"] for r in out.at_risk_goals]
        lines += ["", "**Goals at risk (largest ARR at stake first)**", "",
                  markdown_table(["Account", "Goal", "ARR at stake", "Achieved", "Time elapsed", "Target date"],
                                 rows, "llrrrl")]
    return "\n".join(lines)
