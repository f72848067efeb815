"""compute_roi: one account's goals, value delivered and ROI (the whole book: portfolio_success).

Definitions in :mod:`analytics.goals`. ROI compares the annualised value delivered (the sum
of the goals' annual values) with the annual investment (the account's ARR unless given), so
TC-165.2 reads $285,000 / $68,000 = 4.2x. A period (a quarter or a year) decides which goals
count (started by the period's end), which measurements count (on or before its end) and the
value realised within it (annual value x days the goal was active in the period / 365).
A goal's value counts once progress has been measured (a measurement since the baseline);
until then it is listed as pending and left out of the total and the ROI.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

import numpy as np
import pandas as pd
from pydantic import BaseModel, Field

from analytics import goals as ag
from analytics.catalog import BY_KEY, LOWER
from analytics.goal_trends import goal_trend
from reports.format import fmt_value, ordinal
from tools.base import FollowUp, Tool, ToolError, ToolInput, ToolOutput, rounded
from tools.store.frames import customers_frame, latest_metrics
from tools.store.resolve import resolve_customer
from tools.store.workspace import Workspace
from tools.success.charts import goal_progress_charts
from tools.success.goals import (
    GoalView,
    MeasurementView,
    MilestoneView,
    account_table,
    goal_frame,
    goal_views,
    milestone_views,
    only_category,
)
from tools.success.key_results import KeyResultView, key_result_views
from tools.success.periods import PeriodInfo, parse_period, period_values
from tools.success.quotes import QuoteView, quotes_for
from tools.success.rules import STATUS_RULE, normalise_category
from tools.success.score_gauge import gauge_chart, score_label
from tools.success.trend_words import trend_observation
from tools.success.views import roi_markdown

MISSING_NOTE = "Some metrics missing data: showing what is available"
#: Hours saved valued as labour can dwarf what a customer spends (elapsed ticket time is not labour
#: time): a time-saved goal worth more than this multiple of the annual investment is flagged for review.
#: It is still counted (the definition of value delivered stays DESIGN §4's); the flag says why to check it.
TIME_SAVED_FLAG = 2.0
LOWER_KEYS = {k for k, m in BY_KEY.items() if m.direction == LOWER}


class ComputeRoiInput(ToolInput):
    customer: str = Field(description="account name as the user wrote it (fuzzy-matched)")
    period: str | None = Field(None, description="'2026-Q3', '2026', 'this_quarter', 'last_quarter'; "
                               "omit for contract to date")
    investment: float | None = Field(None, description="annual investment in dollars; default the account's ARR")
    peer_group: Literal["segment", "all"] = Field("segment", description="peers for the benchmark comparison: "
                                                  "accounts with goals in the same segment, or all accounts")
    as_of: dt.date | None = Field(None, description="evaluation date, default today")
    category: str | None = Field(None, description="only goals of this category (adoption, efficiency, revenue, cost, "
                                 "financial, quality, satisfaction, strategic, custom; operational = efficiency)")


class RoiGoal(GoalView):
    progress: list[MeasurementView] = Field(default_factory=list, description="measurements over time")
    key_results: list[KeyResultView] = Field(default_factory=list, description="the goal's other metrics; its "
                                             "achievement is the mean of theirs and its own, each capped at 100")
    trend: str | None = Field(None, description="the goal's trend in one plain sentence")
    quotes: list[QuoteView] = Field(default_factory=list, description="what the customer said about this goal")


class ValueItem(BaseModel):
    goal: str
    value_type: str
    monthly: float | None
    annual: float
    period_value: float
    calculation: str
    confidence: str = Field("estimated", description="measured | estimated | customer-stated")
    flagged: bool = Field(False, description="time saved valued above TIME_SAVED_FLAG x the annual investment: "
                                           "check the hours are labour saved, not elapsed time")


class ValueDelivered(BaseModel):
    total: float = Field(description="annualised value delivered in dollars (sum of the goals' annual values)")
    monthly_total: float | None = None
    period_value: float = Field(description="value realised within the period, in dollars")
    by_type: dict[str, float] = Field(default_factory=dict)
    items: list[ValueItem] = Field(default_factory=list)
    pending_total: float = Field(0.0, description="annual value of goals with no progress measured yet (not counted)")
    pending: list[ValueItem] = Field(default_factory=list)


class AtRiskGoal(BaseModel):
    goal: str
    achievement_pct: float | None
    elapsed_pct: float | None
    target_date: str | None
    signals: list[str] = Field(description="account metrics lagging peers that may explain the gap")
    actions: list[str]


class PeerMetric(BaseModel):
    metric: Literal["success_score", "goal_achievement_rate", "roi_multiplier"]
    value: float | None
    percentile: float | None = Field(description="percentileofscore kind=mean among peers, account included")
    peer_median: float | None


class PeerComparison(BaseModel):
    peer_group: str
    peers: int = Field(description="accounts with goals in the peer group, this one included")
    shown: bool
    message: str
    metrics: list[PeerMetric] = Field(default_factory=list)


class ComputeRoiOutput(ToolOutput):
    customer: str
    segment: str | None
    arr: float | None
    as_of: str
    period: PeriodInfo
    goals: list[RoiGoal]
    status_counts: dict[str, int]
    success_score: float | None = Field(description="weighted mean of goal achievement, each capped at 100")
    success_label: str | None = Field(None, description="the score's band: Strong >= 80, On track >= 60, "
                                      "Needs attention >= 40, At risk below 40")
    goal_achievement_rate: float | None = Field(description="achieved goals / goals x 100")
    value_delivered: ValueDelivered
    investment: float | None
    investment_source: str | None = Field(description="'arr' or 'given'")
    roi_multiplier: float | None = Field(description="annualised value / annual investment, 1 dp (4.2 = 4.2x)")
    net_roi_pct: float | None = Field(description="(value - investment) / investment x 100, 1 dp")
    at_risk: list[AtRiskGoal]
    milestones: list[MilestoneView]
    benchmark: PeerComparison
    status_rule: str = STATUS_RULE
    notes: list[str]

    def to_markdown(self) -> str:

        return roi_markdown(self)

    def summary_for_model(self) -> dict:
        data = self.model_dump(mode="json", exclude={"status_rule"})
        for g in data["goals"]:
            g["progress"] = g["progress"][-3:]
        return data


def _progress(ws: Workspace, goal_ids: list[int], end: str) -> dict[int, list[dict]]:
    if not goal_ids:
        return {}
    rows = ws.query(f"SELECT goal_id, date, value FROM goal_measurements WHERE date <= ? AND goal_id IN "
                    f"({', '.join('?' * len(goal_ids))}) ORDER BY date, id", (end, *goal_ids))
    out: dict[int, list[dict]] = {}
    for r in rows:
        out.setdefault(r["goal_id"], []).append(r)
    return out


def _roi_goals(ws: Workspace, frame: pd.DataFrame, end: str) -> list[RoiGoal]:
    ids = frame["id"].tolist()
    progress = _progress(ws, ids, end)
    krs, quotes = key_result_views(ws, ids, dt.date.fromisoformat(end)), quotes_for(ws, ids)
    out = []
    for view, row in zip(goal_views(frame), frame.to_dict("records")):
        points = [MeasurementView(date=p["date"], value=p["value"],
                                  achievement_pct=rounded(ag.achievement_pct(row["baseline"], row["target"], p["value"]), 1))
                  for p in progress.get(view.id, [])]
        dates, values = [p.date for p in points], [p.value for p in points]
        trend = trend_observation(view, goal_trend(dates, values, view.baseline, view.target), dates, values)
        out.append(RoiGoal(**view.model_dump(), progress=points, key_results=krs.get(view.id, []), trend=trend,
                           quotes=quotes.get(view.id, [])))
    return out


def _value_item(row: dict, annual: float, period_value: float, limit: float | None) -> ValueItem:
    amount = row.get("value_amount")
    monthly = round(annual / 12, 2) if amount is None or amount != amount else None
    return ValueItem(goal=row["name"], value_type=row["value_type"] or "other", monthly=monthly,
                     annual=round(annual, 2), period_value=round(float(period_value), 2),
                     calculation=row["value_calculation"], confidence=row.get("value_confidence") or "estimated",
                     flagged=row["value_type"] == "time_saved" and limit is not None and annual > limit)


def _value(frame: pd.DataFrame, period: PeriodInfo, investment: float | None) -> ValueDelivered:
    pv = period_values(frame, period)
    limit = TIME_SAVED_FLAG * investment if investment else None
    items, pending = [], []
    for row, p in zip(frame.to_dict("records"), pv):
        if rounded(row["annual_value"], 1) is not None:
            items.append(_value_item(row, row["annual_value"], p, limit))
        elif rounded(row["pending_value"], 1) is not None:
            pending.append(_value_item(row, row["pending_value"], 0.0, limit))
    by_type: dict[str, float] = {}
    for it in items:
        by_type[it.value_type] = round(by_type.get(it.value_type, 0.0) + it.annual, 2)
    total = float(sum(it.annual for it in items))
    return ValueDelivered(total=round(total, 2), by_type=by_type, items=items,
                          period_value=round(float(pv.sum()), 2),
                          monthly_total=round(total / 12, 2) if items else None, pending=pending,
                          pending_total=round(float(sum(it.annual for it in pending)), 2))


def _signals(ws: Workspace, cust: dict, frame: pd.DataFrame, notes: list[str]) -> list[AtRiskGoal]:
    risky = frame[frame["status"] == "at_risk"]
    if risky.empty:
        return []
    customers = customers_frame(ws)
    metrics = latest_metrics(ws)
    segment = cust.get("segment")
    peers = metrics.reindex(customers.index[customers["segment"] == segment] if segment else customers.index)
    who = f"{segment} peers" if segment else "peers"
    account = metrics.loc[cust["id"]].to_dict() if cust["id"] in metrics.index else {}
    if len(peers) < ag.MIN_PEERS:
        notes.append(f"Fewer than {ag.MIN_PEERS} {who}: at-risk goals are shown without "
                     "root-cause comparison with peers.")
    out = []
    for row in risky.to_dict("records"):
        lag = ag.lagging_drivers(row.get("category"), account, peers, LOWER_KEYS)[:3]
        signals = [f"{BY_KEY[k].label} {fmt_value(k, v)} is at the {ordinal(p)} percentile of "
                   f"{who} (median {fmt_value(k, med)})" for k, v, p, med in lag]
        actions = [ag.ACTIONS.get(k, ag.DEFAULT_ACTION) for k, *_ in lag] or [ag.DEFAULT_ACTION]
        out.append(AtRiskGoal(goal=row["name"], achievement_pct=rounded(row["achievement_pct"], 1),
                              elapsed_pct=rounded(row["elapsed_pct"], 1), target_date=row["target_date"],
                              signals=signals, actions=actions))
    return out


def _benchmark(ws, cust, period, mine: dict, peer_group: str, category: str | None = None) -> PeerComparison:
    customers = customers_frame(ws)
    if peer_group == "segment" and cust.get("segment"):
        customers = customers[customers["segment"] == cust["segment"]]
        label = f"{cust['segment']} accounts with goals"
    else:
        peer_group, label = "all", "all accounts with goals"
    end = dt.date.fromisoformat(period.end)
    _, summary = account_table(ws, end, customers, end, category)
    n = len(summary)
    if n < ag.MIN_PEERS:
        return PeerComparison(peer_group=label, peers=n, shown=False, message=(
            f"Only {n} {label} (fewer than {ag.MIN_PEERS}): no peer comparison is shown."
            + (" Try the wider peer group (all accounts)." if peer_group == "segment" else "")))
    rows = []
    for key, col in (("success_score", "success_score"), ("goal_achievement_rate", "achievement_rate"),
                     ("roi_multiplier", "roi_multiplier")):
        values = summary[col].astype("float64")
        if mine[key] is not None and cust["id"] in summary.index:
            values = values.copy()
            values.loc[cust["id"]] = mine[key]  # the account as shown (e.g. with a given investment)
        p = ag.peer_percentile(values, np.nan if mine[key] is None else mine[key])
        enough = values.notna().sum() >= ag.MIN_PEERS
        rows.append(PeerMetric(metric=key, value=rounded(mine[key], 1), percentile=rounded(p, 1),
                               peer_median=rounded(values.median(), 1) if enough else None))
    return PeerComparison(peer_group=label, peers=n, shown=True, metrics=rows,
                          message=f"Compared with {n} {label}.")


def compute_roi(ws: Workspace, inp: ComputeRoiInput) -> ComputeRoiOutput:
    """Success metrics of one account: goals, achievement, status, value delivered and ROI.

    Use for "show me success metrics for Acme", "is Acme achieving their goals?", "what
    value have we delivered (this quarter)?", "what is Acme's ROI?". Returns each goal with
    baseline, target, current, achievement % and status (achieved, on_track, at_risk, missed,
    not_started; see status_rule), the success score (weighted mean achievement, each goal
    capped at 100), value delivered in dollars with each calculation written out (annualised,
    plus the value realised in the period; goals with no progress measured yet are listed as
    pending and not counted), investment (ARR unless given), ROI multiplier
    and net ROI %, at-risk goals with lagging account metrics and recommended actions,
    milestones, and percentiles of success score, goal achievement rate and ROI among peers
    with goals (none for fewer than 10 peers). Quote figures as given; ``notes`` says what
    data is missing. To create or change goals use manage_goals.
    """
    as_of = inp.as_of or ws.today()
    cust = resolve_customer(ws, inp.customer)
    contract = dt.date.fromisoformat(cust["contract_start"][:10]) if cust.get("contract_start") else None
    period = parse_period(inp.period, as_of, contract)
    end = dt.date.fromisoformat(period.end)
    category = normalise_category(inp.category) if inp.category else None
    frame = only_category(goal_frame(ws, end, customer_ids=[cust["id"]], started_by=end), category)
    notes: list[str] = []
    if frame.empty:
        notes.append(f"No success goals defined for {cust['name']}"
                     + (f" in {period.label}." if inp.period else ".")
                     + f" Add one, e.g. 'Add a goal for {cust['name']}: improve NPS from 30 to 50 by 2026-12-31'.")
        frame = pd.DataFrame(columns=["status", "achievement_pct", "weight", "annual_value", "start_date"])
    elif frame["achievement_pct"].isna().any() or frame["value_note"].notna().any():
        notes.append(MISSING_NOTE)
    goals = _roi_goals(ws, frame, period.end) if len(frame) else []
    counts = {s: int((frame["status"] == s).sum()) for s in ag.STATUSES}
    score = ag.success_score(frame["achievement_pct"], frame["weight"]) if len(frame) else None
    rate = counts["achieved"] / len(frame) * 100 if len(frame) else None
    investment = inp.investment if inp.investment is not None else cust.get("arr")
    if investment is not None and investment <= 0:
        raise ToolError(f"Investment must be a positive amount, got {investment}.")
    value = _value(frame, period, investment) if len(frame) else ValueDelivered(total=0.0, period_value=0.0)
    flagged = [it.goal for it in value.items if it.flagged]
    if flagged:
        notes.append(f"Check the time-saved value of {', '.join(flagged)}: it is more than {TIME_SAVED_FLAG:g}x the "
                     "annual investment. Count only labour time saved (not elapsed time) before sharing it.")
    multiplier = net = None
    if investment is None:
        notes.append("Investment unknown (no ARR on record): give an investment to compute ROI.")
    elif goals:
        multiplier, net = ag.roi(value.total, investment)
    mine = {"success_score": score, "goal_achievement_rate": rate, "roi_multiplier": multiplier}
    return ComputeRoiOutput(
        customer=cust["name"], segment=cust.get("segment"), arr=cust.get("arr"), as_of=as_of.isoformat(),
        period=period, goals=goals, status_counts=counts, success_score=rounded(score, 1),
        success_label=score_label(rounded(score, 1)),
        goal_achievement_rate=rounded(rate, 1), value_delivered=value, investment=investment,
        investment_source=None if investment is None else ("given" if inp.investment is not None else "arr"),
        roi_multiplier=rounded(multiplier, 1), net_roi_pct=rounded(net, 1),
        at_risk=_signals(ws, cust, frame, notes) if len(frame) else [],
        milestones=milestone_views(ws, cust["id"], as_of, {g.id: (g.status, g.target_date) for g in goals}),
        benchmark=_benchmark(ws, cust, period, mine, inp.peer_group, category) if goals else PeerComparison(
            peer_group=inp.peer_group, peers=0, shown=False, message="No goals: nothing to compare."),
        notes=notes)


def follow_ups(out: ComputeRoiOutput) -> list[FollowUp]:
    if not out.goals:  # "No success goals defined": offer the starter goals for the account's category
        return [FollowUp.call("Define goals", "define_goals", customer=out.customer)]
    return [FollowUp.call("Export success report (DOCX)", "draft_report", customer=out.customer, kind="success",
                          format="docx"),
            FollowUp.call("Generate QBR slide", "draft_report", customer=out.customer, kind="qbr", format="pptx"),
            FollowUp.call("Update metrics", "goal_measurement_form", customer=out.customer)]


def remember(inp: dict, out: ComputeRoiOutput) -> dict:
    return {"customer": out.customer, "report_kind": "success"}


def dashboard_charts(out: ComputeRoiOutput) -> list:
    """The success dashboard: the score's gauge, then each goal's progress against its target."""
    return gauge_chart(out) + goal_progress_charts(out)


TOOL = Tool("compute_roi", ComputeRoiInput, ComputeRoiOutput, compute_roi, charts=dashboard_charts,
            follow_ups=follow_ups, narrative="narrative/compute_roi.md.j2", clickable=True, context=remember,
            step_title=lambda inp: f"goals, value and ROI: {inp.get('customer', '')}"
            + (f" ({str(inp['period']).replace('_', ' ')})" if inp.get("period") else ""))
