"""Goal success per CSM (issue 17): "success rates across enterprise accounts by CSM", for managers.

Each CSM's row counts the goals of the accounts they own (the customers' ``csm`` column). The
success rate is the share of goals achieved or on track among the goals with a verdict (not
started and unknown left out): ``(achieved + on_track) / (achieved + on_track + at_risk + missed)``.
The average success score follows the segments' rule: only over 10 accounts or more.
"""

from __future__ import annotations

import pandas as pd
from pydantic import BaseModel, Field

from analytics.privacy import MIN_COHORT
from reports.format import fmt_money, markdown_table
from tools.base import rounded

UNASSIGNED = "(no CSM)"
COUNTS = ("achieved", "on_track", "at_risk", "missed", "not_started")


class CsmSuccess(BaseModel):
    csm: str
    accounts: int = Field(description="accounts with goals")
    goals: int
    achieved: int
    on_track: int
    at_risk: int
    missed: int
    not_started: int
    success_rate: float | None = Field(description="% of goals with a verdict that are achieved or on track")
    avg_success_score: float | None = Field(description="None under 10 accounts")
    value_delivered: float = Field(description="annualised dollars")


def success_by_csm(summary: pd.DataFrame, owners: pd.Series) -> list[CsmSuccess]:
    """Per-CSM roll-up of the per-account ``summary`` (indexed by customer id); ``owners``: id -> CSM."""
    if summary.empty:
        return []
    who = owners.reindex(summary.index).fillna("").astype(str).str.strip().replace("", UNASSIGNED)
    out = []
    for csm, g in summary.groupby(who, sort=True):
        n = {s: int(g[s].sum()) for s in COUNTS}
        judged = n["achieved"] + n["on_track"] + n["at_risk"] + n["missed"]
        out.append(CsmSuccess(csm=str(csm), accounts=len(g), goals=int(g["goals"].sum()), **n,
                              success_rate=rounded(100 * (n["achieved"] + n["on_track"]) / judged, 1) if judged else None,
                              avg_success_score=rounded(g["success_score"].mean(), 1) if len(g) >= MIN_COHORT else None,
                              value_delivered=round(float(g["value"].sum()), 2)))
    return sorted(out, key=lambda r: (-(r.success_rate if r.success_rate is not None else -1), r.csm))


def by_csm_markdown(rows: list[CsmSuccess]) -> str:
    if not rows:
        return ""
    table = [[r.csm, r.accounts, r.goals, r.achieved, r.on_track, r.at_risk, r.missed, r.not_started,
              "n/a" if r.success_rate is None else f"{r.success_rate:.1f}%",
              "n/a" if r.avg_success_score is None else f"{r.avg_success_score:.1f}", fmt_money(r.value_delivered)]
             for r in rows]
    return ("**Goal success by CSM** (success rate: achieved or on track, of the goals with a verdict)\n\n"
            + markdown_table(["CSM", "Accounts", "Goals", "Achieved", "On track", "At risk", "Missed", "Not started",
                              "Success rate", "Avg score", "Value / year"], table, "lrrrrrrrrrr"))
