"""portfolio_success: goal success across the book of business (definitions in :mod:`analytics.goals`)."""

from __future__ import annotations

import datetime as dt

import pandas as pd
from pydantic import BaseModel, Field

from analytics import goals as ag
from analytics.catalog import segment_for
from analytics.privacy import MIN_COHORT
from tools.base import Tool, ToolError, ToolInput, ToolOutput, rounded
from tools.store.frames import customers_frame
from tools.store.owners import accounts_of, resolve_csm
from tools.store.workspace import Workspace
from tools.success.by_csm import CsmSuccess, success_by_csm
from tools.success.goals import account_table
from tools.success.periods import PeriodInfo, parse_period, period_values
from tools.success.rules import STATUS_RULE, normalise_category
from tools.success.views import portfolio_success_markdown


class PortfolioSuccessInput(ToolInput):
    segment: str | None = Field(None, description="Enterprise, Mid-Market or SMB; omit for the whole book")
    limit: int = Field(10, ge=1, le=100, description="how many top performers and at-risk goals to list")
    as_of: dt.date | None = Field(None, description="evaluation date, default today")
    period: str | None = Field(None, description="'this_quarter', 'last_quarter', '2026-Q3' or '2026': goals "
                               "evaluated at the period's end, plus the value realised within it; omit for to date")
    csm: str | None = Field(None, description="only this CSM's accounts (full or first name)")
    by_csm: bool = Field(False, description="add a per-CSM table of goal success rates (for managers)")
    category: str | None = Field(None, description="only goals of this category (adoption, efficiency, revenue, cost, "
                                 "financial, quality, satisfaction, strategic, custom; operational = efficiency)")


class AccountSuccess(BaseModel):
    customer: str
    segment: str | None
    arr: float | None
    goals: int
    achieved: int
    on_track: int
    at_risk: int
    missed: int
    not_started: int
    success_score: float | None
    value_delivered: float = Field(description="annualised dollars")
    roi_multiplier: float | None


class SegmentSuccess(BaseModel):
    segment: str
    accounts: int
    goals: int
    achieved: int
    on_track: int
    at_risk: int
    missed: int
    not_started: int
    avg_success_score: float | None = Field(description="None for a segment under 10 accounts (anonymity)")
    avg_roi_multiplier: float | None
    value_delivered: float | None = Field(description="annualised dollars; None for a segment under 10 accounts")


class RiskGoal(BaseModel):
    customer: str
    segment: str | None
    goal: str
    arr_at_stake: float | None = Field(description="the account's ARR")
    achievement_pct: float | None
    elapsed_pct: float | None
    target_date: str | None
    owner: str | None


class PortfolioSuccessOutput(ToolOutput):
    as_of: str
    segment: str | None
    accounts_with_goals: int
    accounts_without_goals: int
    goals: int
    status_counts: dict[str, int]
    average_success_score: float | None
    average_roi_multiplier: float | None = Field(description="mean of the accounts' ROI multipliers")
    portfolio_roi_multiplier: float | None = Field(description="total value / total ARR of accounts with goals")
    total_value_delivered: float | None = Field(description="None when fewer than 10 accounts have goals")
    by_segment: list[SegmentSuccess]
    accounts: list[AccountSuccess] = Field(description="every account with goals, by value delivered")
    top_performers: list[AccountSuccess]
    at_risk_goals: list[RiskGoal] = Field(description="at-risk goals, largest ARR at stake first")
    status_rule: str = STATUS_RULE
    notes: list[str]
    period: PeriodInfo | None = None
    period_value: float | None = Field(None, description="value realised within the period across the accounts "
                                       "(annual value x days active in the period / 365), dollars")
    csm: str | None = Field(None, description="the CSM whose book this is (None: every account)")
    by_csm: list[CsmSuccess] = Field(default_factory=list, description="goal success per CSM, best rate first")

    def to_markdown(self) -> str:

        return portfolio_success_markdown(self)

    def summary_for_model(self) -> dict:
        return self.model_dump(mode="json", exclude={"accounts", "status_rule"})


def _account_rows(summary: pd.DataFrame) -> list[AccountSuccess]:
    return [AccountSuccess(customer=r["name"], segment=r["segment"], arr=rounded(r["arr"], 1),
                           **{s: int(r[s]) for s in ("goals", "achieved", "on_track", "at_risk", "missed",
                                                     "not_started")},
                           success_score=rounded(r["success_score"], 1), value_delivered=round(float(r["value"]), 2),
                           roi_multiplier=rounded(r["roi_multiplier"], 1)) for r in summary.to_dict("records")]


def _segments(summary: pd.DataFrame) -> list[SegmentSuccess]:
    """Counts per segment; averages and totals only for segments of 10 accounts or more (anonymity)."""
    out = []
    for seg, g in summary.groupby(summary["segment"].fillna("Unknown"), sort=True):
        enough = len(g) >= MIN_COHORT
        out.append(SegmentSuccess(segment=seg, accounts=len(g), goals=int(g["goals"].sum()),
                                  **{s: int(g[s].sum()) for s in ("achieved", "on_track", "at_risk", "missed",
                                                                  "not_started")},
                                  avg_success_score=rounded(g["success_score"].mean(), 1) if enough else None,
                                  avg_roi_multiplier=rounded(g["roi_multiplier"].mean(), 1) if enough else None,
                                  value_delivered=round(float(g["value"].sum()), 2) if enough else None))
    return out


def _small_groups_note(summary: pd.DataFrame, segments: list[SegmentSuccess]) -> list[str]:
    small = [s.segment for s in segments if s.accounts < MIN_COHORT]
    notes = []
    if 0 < len(summary) < MIN_COHORT:
        notes.append(f"Only {len(summary)} accounts have goals: no averages or totals for fewer than {MIN_COHORT} "
                     "(anonymity); each account is listed.")
    if small:
        notes.append(", ".join(small) + f": fewer than {MIN_COHORT} accounts with goals, so no segment averages "
                     "or totals (anonymity).")
    return notes


def portfolio_success(ws: Workspace, inp: PortfolioSuccessInput) -> PortfolioSuccessOutput:
    """Goal success across the book of business (optionally one segment).

    Use for "which goals are at risk?", "compare success rates across enterprise accounts",
    "who delivers the most value?", "what value have we delivered this quarter?" (period). Returns goals achieved / on track / at risk / missed /
    not started per account and per segment, average success score and ROI, the top
    performers by value delivered, and the at-risk goals across the book sorted by ARR at
    stake (the account's ARR). This is the CSM's own portfolio, so accounts are named.
    For one account's detail use compute_roi.
    """
    today = inp.as_of or ws.today()
    period = parse_period(inp.period, today, None) if inp.period else None
    as_of = dt.date.fromisoformat(period.end) if period else today
    customers = customers_frame(ws)
    segment = None
    if inp.segment:
        segment = segment_for(inp.segment)
        if segment is None or segment == "All":
            raise ToolError(f"Unknown segment '{inp.segment}'.", suggestions=["Enterprise", "Mid-Market", "SMB"])
        customers = customers[customers["segment"] == segment]
    csm = resolve_csm(ws, inp.csm) if inp.csm else None
    if csm:
        customers = customers[customers.index.isin(accounts_of(ws, csm))]
    category = normalise_category(inp.category) if inp.category else None
    frame, summary = account_table(ws, as_of, customers, started_by=as_of if period else None, category=category)
    notes = [] if len(summary) else ["No success goals defined for any account" + (f" in {segment}." if segment else ".")]
    counts = {s: int((frame["status"] == s).sum()) if len(frame) else 0 for s in ag.STATUSES}
    risk: list[RiskGoal] = []
    if len(frame):
        summary = summary.sort_values(["value", "name"], ascending=[False, True])
        at = frame[frame["status"] == "at_risk"].join(customers[["arr", "segment"]], on="customer_id", rsuffix="_c")
        at = at.sort_values(["arr", "customer", "name"], ascending=[False, True, True], na_position="last")
        risk = [RiskGoal(customer=r["customer"], segment=r["segment"], goal=r["name"], arr_at_stake=rounded(r["arr"], 1),
                         achievement_pct=rounded(r["achievement_pct"], 1), elapsed_pct=rounded(r["elapsed_pct"], 1),
                         target_date=r["target_date"], owner=r["owner"]) for r in at.head(inp.limit).to_dict("records")]
    accounts = _account_rows(summary) if len(summary) else []
    with_arr = summary[summary["arr"] > 0] if len(summary) else summary
    enough = len(summary) >= MIN_COHORT  # no average or total over fewer than 10 accounts
    segments = _segments(summary) if len(summary) else []
    return PortfolioSuccessOutput(
        as_of=as_of.isoformat(), segment=segment, accounts_with_goals=len(summary),
        accounts_without_goals=len(customers) - len(summary), goals=len(frame), status_counts=counts,
        average_success_score=rounded(summary["success_score"].mean(), 1) if enough else None,
        average_roi_multiplier=rounded(with_arr["roi_multiplier"].mean(), 1) if len(with_arr) >= MIN_COHORT else None,
        portfolio_roi_multiplier=(rounded(with_arr["value"].sum() / with_arr["arr"].sum(), 1)
                                  if len(with_arr) >= MIN_COHORT else None),
        total_value_delivered=round(float(summary["value"].sum()), 2) if enough else (0.0 if not len(summary) else None),
        by_segment=segments, accounts=accounts,
        top_performers=[a for a in accounts if a.value_delivered > 0][:inp.limit], at_risk_goals=risk,
        notes=notes + _small_groups_note(summary, segments),
        period=period, period_value=round(float(period_values(frame, period).sum()), 2) if period and len(frame)
        else (0.0 if period else None),
        csm=csm, by_csm=success_by_csm(summary, customers["csm"]) if inp.by_csm and len(summary) else [])


TOOL = Tool("portfolio_success", PortfolioSuccessInput, PortfolioSuccessOutput, portfolio_success,
            narrative="narrative/portfolio_success.md.j2", context=lambda inp, out: {"report_kind": "success"},
            step_title=lambda inp: "goal success across the portfolio" + (" by CSM" if inp.get("by_csm") else "")
            + (f", {inp['csm']}'s book" if inp.get("csm") else "")
            + (f": {inp['segment']}" if inp.get("segment") else "")
            + (f", {inp['period'].replace('_', ' ')}" if inp.get("period") else ""))
