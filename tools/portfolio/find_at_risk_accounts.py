"""find_at_risk_accounts: the accounts showing churn signals, with the signals.

Signals come from the same positions as compare_portfolio (each account within its segment
peer group) and the same trend rule as compare_customer (DESIGN §4, :mod:`analytics.trends`):

- bottom quartile overall: overall percentile among peers below 25 (2 points);
- per retention indicator (health score, NPS, CSAT, renewal rate, net revenue retention,
  DAU/MAU, user activation, adoption and engagement scores): lagging, below the 25th
  percentile of peers (1 point), and declining over the last 6 months (1 point).

An account with 8 points or more is flagged ("high" from 12): for example bottom quartile
overall with three indicators both lagging and declining. On the demo book that flags about
a quarter of the accounts; the listing shows the highest-risk first. Accounts in peer groups under
10 have no peer percentiles, so they cannot be flagged (said in the notes). Names are shown:
this is the CSM's own book (internal view).
"""

from __future__ import annotations

import numpy as np
from pydantic import BaseModel, Field

from analytics import percentiles as pc
from analytics.catalog import BY_KEY
from analytics.trends import WINDOW, classify_trends, window_slopes
from reports.format import fmt_money, fmt_value, markdown_table, ordinal
from tools.base import FollowUp, Tool, ToolInput, ToolOutput, rounded
from tools.compare.cohorts import MIN_COHORT
from tools.portfolio.positions import DIRECTIONS, KIDX, Positions, load_positions, resolve_segment
from tools.store.frames import history_cube
from tools.store.workspace import Workspace

INDICATORS = ("health_score", "nps", "csat", "renewal_rate", "net_revenue_retention", "dau_mau",
              "user_activation", "adoption_score", "engagement_score")
LAGGING_BELOW = 25.0
FLAG_AT, HIGH_AT = 8, 12
RULE = ("Points: bottom quartile overall among segment peers 2; per retention indicator (health score, NPS, "
        "CSAT, renewal rate, NRR, DAU/MAU, activation, adoption, engagement) lagging below the peers' 25th "
        "percentile 1, declining over the last 6 months 1. Flagged from 8 points, high risk from 12.")


class FindAtRiskAccountsInput(ToolInput):
    segment: str | None = Field(None, description="only this segment: Enterprise, Mid-Market or SMB")
    benchmark: str | None = Field(None, description="benchmark set (not used for the signals, which are peer-based)")
    limit: int = Field(10, ge=1, le=50, description="how many flagged accounts to list (highest risk first)")


class Signal(BaseModel):
    metric: str
    label: str
    value: float | None
    percentile: float | None = Field(description="among the account's segment peers")
    trend: str | None
    lagging: bool
    declining: bool


class RiskAccount(BaseModel):
    customer: str
    segment: str | None
    arr: float | None
    overall_percentile: float | None
    points: int
    level: str = Field(description="'high' (12+ points) or 'medium' (8-11)")
    signals: list[Signal]


class FindAtRiskAccountsOutput(ToolOutput):
    segment: str | None
    accounts_checked: int
    flagged: int
    accounts: list[RiskAccount] = Field(description="flagged accounts, most points first, then largest ARR")
    rule: str = RULE
    notes: list[str] = Field(default_factory=list)

    def to_markdown(self) -> str:
        return at_risk_markdown(self)


def find_at_risk_accounts(ws: Workspace, inp: FindAtRiskAccountsInput) -> FindAtRiskAccountsOutput:
    """Accounts at risk of churn, with the signals behind each: lagging (below the 25th percentile of
    their segment peers) or declining (last 6 months) on retention indicators, and a bottom-quartile
    overall position.

    Use for "which accounts are at risk of churn?", "who might leave?", "declining accounts".
    Returns the flagged accounts (8+ points, see ``rule``), highest risk first, each with its
    overall percentile, ARR and signals (value, percentile, trend). Names are shown: internal
    view, never for customer-facing text.
    """
    pos = load_positions(ws, inp.benchmark)
    seg = resolve_segment(pos, inp.segment)
    rows = pos.rows_of(seg)
    trends = _trends(ws, pos, rows)
    found = [a for a in (_account(pos, i, trends.get(int(i), {})) for i in rows) if a is not None]
    found.sort(key=lambda a: (-a.points, -(a.arr or 0.0), a.customer))
    small = [g for g in pos.groups_in(rows) if not pos.sufficient(g)]
    notes = [f"{', '.join(small)}: peer groups under {MIN_COHORT} accounts have no peer percentiles, so their "
             "accounts cannot be flagged (anonymity)."] if small else []
    notes.append("Internal view: account names are shown; name no other customer in anything customer-facing.")
    return FindAtRiskAccountsOutput(segment=seg, accounts_checked=len(rows), flagged=len(found),
                                    accounts=found[:inp.limit], notes=notes)


def _trends(ws: Workspace, pos: Positions, rows: np.ndarray) -> dict[int, dict[str, str | None]]:
    """Each account's trend per indicator over the last WINDOW months, scaled by its peers' IQR."""
    periods, cube = history_cube(ws, pos.ids[rows])
    if not periods:
        return {}
    out: dict[int, dict[str, str | None]] = {int(i): {} for i in rows}
    for key in INDICATORS:
        j = KIDX[key]
        slopes = window_slopes(cube[:, j, -WINDOW:])
        for g in pos.groups_in(rows):
            in_group = pos.group[rows] == g
            q = pc.cohort_quantiles(pos.values[rows[in_group], j], (25, 75))
            labels = classify_trends(slopes[in_group], q[75] - q[25], DIRECTIONS[key])
            for i, label in zip(rows[in_group], labels):
                out[int(i)][key] = label
    return out


def _account(pos: Positions, i: int, trends: dict[str, str | None]) -> RiskAccount | None:
    if not pos.sufficient(str(pos.group[i])):
        return None
    overall = pos.overall[i]
    points = 2 if overall == overall and overall < LAGGING_BELOW else 0
    signals = []
    for key in INDICATORS:
        j = KIDX[key]
        pct, value = pos.cohort_pct[i, j], pos.values[i, j]
        lagging = bool(pct == pct and pct < LAGGING_BELOW)
        declining = trends.get(key) == "declining"
        if lagging or declining:
            points += lagging + declining
            signals.append(Signal(metric=key, label=_label(key), value=rounded(value, 4),
                                  percentile=rounded(pct, 2), trend=trends.get(key), lagging=lagging,
                                  declining=declining))
    if points < FLAG_AT:
        return None
    arr = pos.customers["arr"].iloc[i]
    return RiskAccount(customer=str(pos.names[i]), segment=str(pos.group[i]), arr=rounded(arr, 2),
                       overall_percentile=rounded(overall, 2), points=int(points),
                       level="high" if points >= HIGH_AT else "medium", signals=signals)


def _label(key: str) -> str:
    return BY_KEY[key].label


def signal_text(s: Signal) -> str:
    bits = [fmt_value(s.metric, s.value)]
    if s.lagging and s.percentile is not None:
        bits.append(f"{ordinal(s.percentile)} percentile")
    if s.declining:
        bits.append("declining")
    return f"{s.label} {', '.join(bits)}"


def at_risk_markdown(out: FindAtRiskAccountsOutput) -> str:
    head = (f"**Churn risk{': ' + out.segment if out.segment else ''}**: {out.flagged} of {out.accounts_checked} "
            "accounts show churn signals" + (f"; the {len(out.accounts)} highest-risk are listed" if out.flagged > len(
                out.accounts) else "") + ".")
    if not out.accounts:
        return "\n\n".join([head, f"_{out.rule}_", *(f"_{n}_" for n in out.notes)])
    rows = [[a.customer, a.segment or "", fmt_money(a.arr) if a.arr is not None else "n/a",
             ordinal(a.overall_percentile) if a.overall_percentile is not None else "n/a",
             f"{a.level} ({a.points})", "; ".join(signal_text(s) for s in a.signals[:4])
             + (f"; +{len(a.signals) - 4} more" if len(a.signals) > 4 else "")] for a in out.accounts]
    table = markdown_table(["Account", "Segment", "ARR", "Overall (peers)", "Risk (points)", "Signals"], rows,
                           "llrrll")
    return "\n\n".join([head, table, f"_{out.rule}_", *(f"_{n}_" for n in out.notes)])


def follow_ups(out: FindAtRiskAccountsOutput) -> list[FollowUp]:
    """An improvement plan for the riskiest accounts, one labelled button each."""
    return [FollowUp.call(f"Improvement plan: {a.customer}", "recommend_improvements", customer=a.customer)
            for a in out.accounts[:3]]


TOOL = Tool("find_at_risk_accounts", FindAtRiskAccountsInput, FindAtRiskAccountsOutput, find_at_risk_accounts,
            follow_ups=follow_ups, narrative="narrative/find_at_risk_accounts.md.j2", clickable=True,
            context=lambda inp, out: {"report_kind": "portfolio"},
            step_title=lambda inp: "churn-risk scan" + (f": {inp['segment']}" if inp.get("segment") else ""))
