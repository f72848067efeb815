"""show_goal: one goal in detail: baseline, target, current, key results, progress with the target
line, milestones, value with its confidence, customer quotes and the trend in plain words."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, Field

from analytics import goal_trends as gt
from reports import charts
from reports.format import fmt_goal, fmt_money, fmt_share, md_text
from tools.base import Chart, FollowUp, NotFound, Tool, ToolInput, ToolOutput, rounded
from tools.store.resolve import resolve_customer
from tools.store.workspace import Workspace
from tools.success.charts import _axis
from tools.success.goals import GoalView, MeasurementView, MilestoneView, goal_frame, goal_views, milestone_views
from tools.success.key_results import KeyResultView, key_result_views, kr_table
from tools.success.quotes import QuoteView, _goal_of, quote_line, quotes_for
from tools.success.trend_words import trend_observation
from tools.success.views import STATUS_LABELS


class ShowGoalInput(ToolInput):
    customer: str = Field(description="account name as the user wrote it (fuzzy-matched)")
    goal: str = Field(description="goal id or name, or a word of it ('reporting', 'NPS', 'onboarding')")
    as_of: dt.date | None = Field(None, description="evaluation date, default today")


class GoalValueLine(BaseModel):
    annual: float | None = Field(description="annual dollars delivered (None until progress is measured)")
    pending: float | None = None
    calculation: str | None = None
    confidence: str | None = Field(None, description="measured | estimated | customer-stated")


class TrendView(BaseModel):
    trend: str = Field(description="improving | worsening | flat | unknown")
    moving: str
    streak: int = Field(description="consecutive latest measurements moving the same way")
    slope_per_month: float | None
    observation: str | None = Field(description="the trend in one plain sentence")


class ShowGoalOutput(ToolOutput):
    customer: str
    as_of: str
    goal: GoalView
    key_results: list[KeyResultView] = Field(default_factory=list)
    achievement_rule: str
    progress: list[MeasurementView]
    milestones: list[MilestoneView]
    value: GoalValueLine
    quotes: list[QuoteView]
    trend: TrendView

    def to_markdown(self) -> str:
        return goal_detail_markdown(self)


RULE_HEADLINE = "Achievement = (current - baseline) / (target - baseline) x 100."
RULE_KR = ("Achievement from the goal's metric and its key results: the weighted mean of each one's achievement, "
           "each capped at 100%; the goal is achieved when every one is.")


def show_goal(ws: Workspace, inp: ShowGoalInput) -> ShowGoalOutput:
    """One goal of an account in detail: baseline, target, current, achievement and status, its key
    results, its measurements (charted against the target line), its milestones, the value it
    delivers with how sure that value is (measured / estimated / customer-stated), the customer's
    quotes about it and the trend in plain words ("has fallen for 3 consecutive months").

    Use for "show Acme's reporting-time goal progress", "how is TechCorp's adoption goal doing?".
    For all of an account's goals with value and ROI use compute_roi.
    """
    as_of = inp.as_of or ws.today()
    cust = resolve_customer(ws, inp.customer)
    row = _goal_of(ws, cust, inp.goal)
    frame = goal_frame(ws, as_of, goal_ids=[row["id"]])
    if frame.empty:
        raise NotFound(f"No goal '{inp.goal}' for {cust['name']}.")
    view = goal_views(frame)[0]
    rec = frame.iloc[0].to_dict()
    points = ws.query("SELECT date, value FROM goal_measurements WHERE goal_id = ? AND date <= ? ORDER BY date, id",
                      (row["id"], as_of.isoformat()))
    from analytics import goals as ag
    progress = [MeasurementView(date=p["date"], value=p["value"], achievement_pct=rounded(
        ag.achievement_pct(view.baseline, view.target, p["value"]), 1) if view.baseline is not None else None)
        for p in points]
    facts = gt.goal_trend([p.date for p in progress], [p.value for p in progress], view.baseline, view.target)
    krs = key_result_views(ws, [row["id"]], as_of).get(row["id"], [])
    milestones = [m for m in milestone_views(ws, cust["id"], as_of, {view.id: (view.status, view.target_date)})
                  if m.goal_id == view.id]

    def clean(x):
        return None if x is None or x != x else x
    value = GoalValueLine(annual=rounded(clean(rec.get("annual_value")), 2),
                          pending=rounded(clean(rec.get("pending_value")), 2),
                          calculation=rec.get("value_calculation"), confidence=rec.get("value_confidence"))
    trend = TrendView(trend=facts.trend, moving=facts.moving, streak=facts.streak,
                      slope_per_month=rounded(facts.slope_per_month, 3),
                      observation=trend_observation(view, facts, [p.date for p in progress],
                                                    [p.value for p in progress]))
    return ShowGoalOutput(customer=cust["name"], as_of=as_of.isoformat(), goal=view, key_results=krs,
                          achievement_rule=RULE_KR if krs else RULE_HEADLINE, progress=progress,
                          milestones=milestones, value=value, quotes=quotes_for(ws, [row["id"]]).get(row["id"], []),
                          trend=trend)


# ---------------------------------------------------------------------------
# views


def goal_detail_markdown(out: ShowGoalOutput) -> str:
    g = out.goal
    status = md_text(STATUS_LABELS.get(g.status, g.status), True) + (" (exceeding)" if g.exceeding else "")
    lines = [f"### Goal: {md_text(g.name, True)} ({md_text(out.customer, True)})"]
    if g.description:
        lines.append(md_text(g.description))
    lines += ["", f"**Baseline** {fmt_goal(g.baseline, g.unit)} · **Target** {fmt_goal(g.target, g.unit)}"
              f" by {g.target_date or 'n/a'} · **Current** {fmt_goal(g.current, g.unit)}"
              + (f" ({g.last_measured})" if g.last_measured else ""),
              f"**Achievement** {fmt_share(g.achievement_pct)} · **Status** {status}"
              + (f" · **Category** {md_text(g.category, True)}" if g.category else "")]
    if out.trend.observation:
        lines += ["", f"**Trend:** {md_text(out.trend.observation)}"]
    if out.key_results:
        lines += ["", "**Key results**", "", kr_table(out.key_results), "", f"_{md_text(out.achievement_rule)}_"]
    v = out.value
    if v.annual is not None or v.pending is not None:
        amount = v.annual if v.annual is not None else v.pending
        lines += ["", f"**Value:** {fmt_money(amount, exact=True)} a year"
                  + (" (not counted yet: no progress measured)" if v.annual is None else "")
                  + (f", {md_text(v.confidence, True)}" if v.confidence else "")
                  + (f": {md_text(v.calculation, True)}" if v.calculation else "")]
    if out.milestones:
        lines += ["", "**Milestones:** " + "; ".join(f"{m.date or 'no date'} {md_text(m.name, True)} ({m.status})"
                                                   for m in out.milestones)]
    if out.quotes:
        lines += ["", "**What the customer said**"] + [f"> {quote_line(q)}" for q in out.quotes[:5]]
    return "\n".join(lines)


def goal_chart(out: ShowGoalOutput) -> list[Chart]:
    """The goal's measurements with its target line (and baseline); [] with fewer than two."""
    g = out.goal
    if len(out.progress) < 2:
        return []
    label, kind = _axis(g.unit)
    panel = (g.name, [p.date for p in out.progress], [p.value for p in out.progress], g.baseline, g.target, label,
             f"baseline {fmt_goal(g.baseline, g.unit)}", f"target {fmt_goal(g.target, g.unit)}", kind)
    return [(f"{out.customer}: {g.name}", charts.goal_progress([panel]))]


def follow_ups(out: ShowGoalOutput) -> list[FollowUp]:
    return [FollowUp.call("All goals, value and ROI", "compute_roi", customer=out.customer),
            FollowUp.call("Export success report (DOCX)", "draft_report", customer=out.customer, kind="success",
                          format="docx")]


TOOL = Tool("show_goal", ShowGoalInput, ShowGoalOutput, show_goal, charts=goal_chart, follow_ups=follow_ups,
            clickable=True, context=lambda inp, out: {"customer": out.customer, "report_kind": "success"},
            step_title=lambda inp: f"goal detail: {inp.get('customer', '')}, {inp.get('goal', '')}")
