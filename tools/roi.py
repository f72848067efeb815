"""compute_roi (one account's goals, value delivered and ROI) and portfolio_success (the whole book).

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
import re
from typing import Literal

import numpy as np
import pandas as pd
from pydantic import BaseModel, Field

from analytics import goals as ag
from analytics.catalog import BY_KEY, LOWER, segment_for
from analytics.percentiles import ordinal
from tools.base import Tool, ToolError, ToolInput, ToolOutput
from tools.data import customers_frame, latest_metrics
from reports.format import fmt_value
from tools.goal_views import GoalView, MeasurementView, MilestoneView, goal_frame, goal_views, milestone_views
from tools.resolve import resolve_customer
from tools.workspace import Workspace

MISSING_NOTE = "Some metrics missing data: showing what is available"
LOWER_KEYS = {k for k, m in BY_KEY.items() if m.direction == LOWER}


# ---- periods -------------------------------------------------------------------------------

class PeriodInfo(BaseModel):
    label: str
    start: str
    end: str = Field(description="the evaluation date: the period's end, or the as-of date if earlier")


def _quarter(year: int, q: int) -> tuple[dt.date, dt.date]:
    start = dt.date(year, 3 * q - 2, 1)
    end = dt.date(year + (q == 4), 1 if q == 4 else 3 * q + 1, 1) - dt.timedelta(days=1)
    return start, end


def parse_period(text: str | None, as_of: dt.date, contract_start: dt.date | None) -> PeriodInfo:
    """'2026-Q3', '2026', 'this_quarter', 'last_quarter' or None (contract to date)."""
    norm = (text or "").strip().lower().replace(" ", "_")
    if norm in ("", "contract", "contract_to_date", "all"):
        start = min(contract_start or as_of, as_of)
        return PeriodInfo(label="contract to date", start=start.isoformat(), end=as_of.isoformat())
    q_now = (as_of.month - 1) // 3 + 1
    if norm in ("this_quarter", "qtd", "current_quarter"):
        year, q = as_of.year, q_now
    elif norm in ("last_quarter", "previous_quarter"):
        year, q = (as_of.year, q_now - 1) if q_now > 1 else (as_of.year - 1, 4)
    elif m := re.fullmatch(r"(\d{4})-?q([1-4])|q([1-4])[-_]?(\d{4})", norm):
        year, q = (int(m.group(1)), int(m.group(2))) if m.group(1) else (int(m.group(4)), int(m.group(3)))
    elif re.fullmatch(r"\d{4}", norm):
        start, end = dt.date(int(norm), 1, 1), dt.date(int(norm), 12, 31)
        return _bounded(norm, start, end, as_of)
    else:
        raise ToolError(f"Unknown period '{text}'.", suggestions=["2026-Q3", "2026", "this_quarter",
                                                                  "last_quarter", "omit for contract to date"])
    start, end = _quarter(year, q)
    return _bounded(f"{year}-Q{q}", start, end, as_of)


def _bounded(label: str, start: dt.date, end: dt.date, as_of: dt.date) -> PeriodInfo:
    if start > as_of:
        raise ToolError(f"Period {label} starts after the as-of date {as_of}: nothing measured yet.")
    return PeriodInfo(label=label, start=start.isoformat(), end=min(end, as_of).isoformat())


def _period_values(frame: pd.DataFrame, period: PeriodInfo) -> np.ndarray:
    start = np.datetime64(period.start, "D")
    end = np.datetime64(period.end, "D")
    goal_start = pd.to_datetime(frame["start_date"], errors="coerce").to_numpy("datetime64[D]")
    begin = np.where(np.isnat(goal_start) | (goal_start < start), start, goal_start)
    days = np.clip((end - begin).astype("float64") + 1, 0, None)
    return frame["annual_value"].astype("float64").fillna(0.0).to_numpy() * days / 365.0


# ---- compute_roi ---------------------------------------------------------------------------

class ComputeRoiInput(ToolInput):
    customer: str = Field(description="account name as the user wrote it (fuzzy-matched)")
    period: str | None = Field(None, description="'2026-Q3', '2026', 'this_quarter', 'last_quarter'; "
                               "omit for contract to date")
    investment: float | None = Field(None, description="annual investment in dollars; default the account's ARR")
    peer_group: Literal["segment", "all"] = Field("segment", description="peers for the benchmark comparison: "
                                                  "accounts with goals in the same segment, or all accounts")
    as_of: dt.date | None = Field(None, description="evaluation date, default today")


class RoiGoal(GoalView):
    progress: list[MeasurementView] = Field(default_factory=list, description="measurements over time")


class ValueItem(BaseModel):
    goal: str
    value_type: str
    monthly: float | None
    annual: float
    period_value: float
    calculation: str


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
    goal_achievement_rate: float | None = Field(description="achieved goals / goals x 100")
    value_delivered: ValueDelivered
    investment: float | None
    investment_source: str | None = Field(description="'arr' or 'given'")
    roi_multiplier: float | None = Field(description="annualised value / annual investment, 1 dp (4.2 = 4.2x)")
    net_roi_pct: float | None = Field(description="(value - investment) / investment x 100, 1 dp")
    at_risk: list[AtRiskGoal]
    milestones: list[MilestoneView]
    benchmark: PeerComparison
    status_rule: str = ag.STATUS_RULE
    notes: list[str]

    def to_markdown(self) -> str:
        from reports.success_views import roi_markdown

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
    progress = _progress(ws, frame["id"].tolist(), end)
    out = []
    for view, row in zip(goal_views(frame), frame.to_dict("records")):
        points = [MeasurementView(date=p["date"], value=p["value"],
                                  achievement_pct=_r1(ag.achievement_pct(row["baseline"], row["target"], p["value"])))
                  for p in progress.get(view.id, [])]
        out.append(RoiGoal(**view.model_dump(), progress=points))
    return out


def _value_item(row: dict, annual: float, period_value: float) -> ValueItem:
    amount = row.get("value_amount")
    monthly = round(annual / 12, 2) if amount is None or amount != amount else None
    return ValueItem(goal=row["name"], value_type=row["value_type"] or "other", monthly=monthly,
                     annual=round(annual, 2), period_value=round(float(period_value), 2),
                     calculation=row["value_calculation"])


def _value(frame: pd.DataFrame, period: PeriodInfo) -> ValueDelivered:
    pv = _period_values(frame, period)
    items, pending = [], []
    for row, p in zip(frame.to_dict("records"), pv):
        if _r1(row["annual_value"]) is not None:
            items.append(_value_item(row, row["annual_value"], p))
        elif _r1(row["pending_value"]) is not None:
            pending.append(_value_item(row, row["pending_value"], 0.0))
    by_type: dict[str, float] = {}
    for it in items:
        by_type[it.value_type] = round(by_type.get(it.value_type, 0.0) + it.annual, 2)
    total = float(sum(it.annual for it in items))
    return ValueDelivered(total=round(total, 2), by_type=by_type, items=items, period_value=round(float(pv.sum()), 2),
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
        out.append(AtRiskGoal(goal=row["name"], achievement_pct=_r1(row["achievement_pct"]),
                              elapsed_pct=_r1(row["elapsed_pct"]), target_date=row["target_date"],
                              signals=signals, actions=actions))
    return out


def _r1(x) -> float | None:
    return None if x is None or x != x else round(float(x), 1)


def account_table(ws: Workspace, as_of: dt.date, customers: pd.DataFrame,
                  started_by: dt.date | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Evaluated goals of the given accounts and their per-account roll-up (with ARR and ROI)."""
    frame = goal_frame(ws, as_of, customer_ids=[int(i) for i in customers.index], started_by=started_by)
    if frame.empty:
        return frame, pd.DataFrame()
    summary = ag.account_summary(frame).join(customers[["name", "segment", "arr"]])
    arr = summary["arr"].where(summary["arr"] > 0)
    summary["roi_multiplier"] = summary["value"] / arr
    return frame, summary


def _benchmark(ws, cust, period, mine: dict, peer_group: str) -> PeerComparison:
    customers = customers_frame(ws)
    if peer_group == "segment" and cust.get("segment"):
        customers = customers[customers["segment"] == cust["segment"]]
        label = f"{cust['segment']} accounts with goals"
    else:
        peer_group, label = "all", "all accounts with goals"
    end = dt.date.fromisoformat(period.end)
    _, summary = account_table(ws, end, customers, end)
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
        rows.append(PeerMetric(metric=key, value=_r1(mine[key]), percentile=_r1(p),
                               peer_median=_r1(values.median()) if enough else None))
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
    frame = goal_frame(ws, end, customer_ids=[cust["id"]], started_by=end)
    notes: list[str] = []
    if frame.empty:
        notes.append(f"No success goals defined for {cust['name']}"
                     + (f" in {period.label}." if inp.period else ".") + " Add one with manage_goals.")
        frame = pd.DataFrame(columns=["status", "achievement_pct", "weight", "annual_value", "start_date"])
    elif frame["achievement_pct"].isna().any() or frame["value_note"].notna().any():
        notes.append(MISSING_NOTE)
    goals = _roi_goals(ws, frame, period.end) if len(frame) else []
    counts = {s: int((frame["status"] == s).sum()) for s in ag.STATUSES}
    score = ag.success_score(frame["achievement_pct"], frame["weight"]) if len(frame) else None
    rate = counts["achieved"] / len(frame) * 100 if len(frame) else None
    value = _value(frame, period) if len(frame) else ValueDelivered(total=0.0, period_value=0.0)
    investment = inp.investment if inp.investment is not None else cust.get("arr")
    if investment is not None and investment <= 0:
        raise ToolError(f"Investment must be a positive amount, got {investment}.")
    multiplier = net = None
    if investment is None:
        notes.append("Investment unknown (no ARR on record): give an investment to compute ROI.")
    elif goals:
        multiplier, net = ag.roi(value.total, investment)
    mine = {"success_score": score, "goal_achievement_rate": rate, "roi_multiplier": multiplier}
    return ComputeRoiOutput(
        customer=cust["name"], segment=cust.get("segment"), arr=cust.get("arr"), as_of=as_of.isoformat(),
        period=period, goals=goals, status_counts=counts, success_score=_r1(score),
        goal_achievement_rate=_r1(rate), value_delivered=value, investment=investment,
        investment_source=None if investment is None else ("given" if inp.investment is not None else "arr"),
        roi_multiplier=_r1(multiplier), net_roi_pct=_r1(net),
        at_risk=_signals(ws, cust, frame, notes) if len(frame) else [],
        milestones=milestone_views(ws, cust["id"]),
        benchmark=_benchmark(ws, cust, period, mine, inp.peer_group) if goals else PeerComparison(
            peer_group=inp.peer_group, peers=0, shown=False, message="No goals: nothing to compare."),
        notes=notes)


# ---- portfolio_success ---------------------------------------------------------------------

class PortfolioSuccessInput(ToolInput):
    segment: str | None = Field(None, description="Enterprise, Mid-Market or SMB; omit for the whole book")
    limit: int = Field(10, ge=1, le=100, description="how many top performers and at-risk goals to list")
    as_of: dt.date | None = Field(None, description="evaluation date, default today")


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
    avg_success_score: float | None
    avg_roi_multiplier: float | None
    value_delivered: float


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
    total_value_delivered: float
    by_segment: list[SegmentSuccess]
    accounts: list[AccountSuccess] = Field(description="every account with goals, by value delivered")
    top_performers: list[AccountSuccess]
    at_risk_goals: list[RiskGoal] = Field(description="at-risk goals, largest ARR at stake first")
    status_rule: str = ag.STATUS_RULE
    notes: list[str]

    def to_markdown(self) -> str:
        from reports.success_views import portfolio_success_markdown

        return portfolio_success_markdown(self)

    def summary_for_model(self) -> dict:
        return self.model_dump(mode="json", exclude={"accounts", "status_rule"})


def _account_rows(summary: pd.DataFrame) -> list[AccountSuccess]:
    return [AccountSuccess(customer=r["name"], segment=r["segment"], arr=_r1(r["arr"]),
                           **{s: int(r[s]) for s in ("goals", "achieved", "on_track", "at_risk", "missed",
                                                     "not_started")},
                           success_score=_r1(r["success_score"]), value_delivered=round(float(r["value"]), 2),
                           roi_multiplier=_r1(r["roi_multiplier"])) for r in summary.to_dict("records")]


def _segments(summary: pd.DataFrame) -> list[SegmentSuccess]:
    out = []
    for seg, g in summary.groupby(summary["segment"].fillna("Unknown"), sort=True):
        out.append(SegmentSuccess(segment=seg, accounts=len(g), goals=int(g["goals"].sum()),
                                  **{s: int(g[s].sum()) for s in ("achieved", "on_track", "at_risk", "missed",
                                                                  "not_started")},
                                  avg_success_score=_r1(g["success_score"].mean()),
                                  avg_roi_multiplier=_r1(g["roi_multiplier"].mean()),
                                  value_delivered=round(float(g["value"].sum()), 2)))
    return out


def portfolio_success(ws: Workspace, inp: PortfolioSuccessInput) -> PortfolioSuccessOutput:
    """Goal success across the book of business (optionally one segment).

    Use for "which goals are at risk?", "compare success rates across enterprise accounts",
    "who delivers the most value?". Returns goals achieved / on track / at risk / missed /
    not started per account and per segment, average success score and ROI, the top
    performers by value delivered, and the at-risk goals across the book sorted by ARR at
    stake (the account's ARR). This is the CSM's own portfolio, so accounts are named.
    For one account's detail use compute_roi.
    """
    as_of = inp.as_of or ws.today()
    customers = customers_frame(ws)
    segment = None
    if inp.segment:
        segment = segment_for(inp.segment)
        if segment is None or segment == "All":
            raise ToolError(f"Unknown segment '{inp.segment}'.", suggestions=["Enterprise", "Mid-Market", "SMB"])
        customers = customers[customers["segment"] == segment]
    frame, summary = account_table(ws, as_of, customers)
    notes = [] if len(summary) else ["No success goals defined for any account" + (f" in {segment}." if segment else ".")]
    counts = {s: int((frame["status"] == s).sum()) if len(frame) else 0 for s in ag.STATUSES}
    risk: list[RiskGoal] = []
    if len(frame):
        summary = summary.sort_values(["value", "name"], ascending=[False, True])
        at = frame[frame["status"] == "at_risk"].join(customers[["arr", "segment"]], on="customer_id", rsuffix="_c")
        at = at.sort_values(["arr", "customer", "name"], ascending=[False, True, True], na_position="last")
        risk = [RiskGoal(customer=r["customer"], segment=r["segment"], goal=r["name"], arr_at_stake=_r1(r["arr"]),
                         achievement_pct=_r1(r["achievement_pct"]), elapsed_pct=_r1(r["elapsed_pct"]),
                         target_date=r["target_date"], owner=r["owner"]) for r in at.head(inp.limit).to_dict("records")]
    accounts = _account_rows(summary) if len(summary) else []
    with_arr = summary[summary["arr"] > 0] if len(summary) else summary
    return PortfolioSuccessOutput(
        as_of=as_of.isoformat(), segment=segment, accounts_with_goals=len(summary),
        accounts_without_goals=len(customers) - len(summary), goals=len(frame), status_counts=counts,
        average_success_score=_r1(summary["success_score"].mean()) if len(summary) else None,
        average_roi_multiplier=_r1(with_arr["roi_multiplier"].mean()) if len(with_arr) else None,
        portfolio_roi_multiplier=_r1(with_arr["value"].sum() / with_arr["arr"].sum()) if len(with_arr) else None,
        total_value_delivered=round(float(summary["value"].sum()), 2) if len(summary) else 0.0,
        by_segment=_segments(summary) if len(summary) else [], accounts=accounts,
        top_performers=[a for a in accounts if a.value_delivered > 0][:inp.limit], at_risk_goals=risk, notes=notes)


TOOL = Tool("compute_roi", ComputeRoiInput, ComputeRoiOutput, compute_roi)
PORTFOLIO_TOOL = Tool("portfolio_success", PortfolioSuccessInput, PortfolioSuccessOutput, portfolio_success)
