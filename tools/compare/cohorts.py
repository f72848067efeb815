"""Peer groups: criteria, who matches them, how to describe them, and the differencing guard."""

from __future__ import annotations

import datetime as dt
import re
from typing import Literal

import pandas as pd
from pydantic import BaseModel, ConfigDict, Field

from analytics.catalog import segment_for
from analytics.privacy import MIN_COHORT, differencing_conflict
from reports.format import clean_text
from tools.base import NotFound, ToolError
from tools.store.workspace import Workspace

CohortType = Literal["segment", "industry", "size", "region", "contract_age", "all", "custom"]
CONTRACT_AGE_BANDS = ((0, 12, "under 1 year"), (12, 24, "1-2 years"), (24, 48, "2-4 years"),
                      (48, 10_000, "over 4 years"))


class CohortCriteria(BaseModel):
    """Filters that define a peer group; every given field must match."""

    model_config = ConfigDict(extra="forbid")
    segment: str | None = Field(None, description="Enterprise, Mid-Market or SMB")
    industry: str | None = Field(None, description="e.g. SaaS, FinTech, Healthcare")
    region: str | None = Field(None, description="e.g. North America, EMEA, APAC, LATAM")
    arr_min: float | None = Field(None, description="minimum ARR in dollars (inclusive)")
    arr_max: float | None = Field(None, description="maximum ARR in dollars (exclusive)")
    contract_age_min_months: int | None = None
    contract_age_max_months: int | None = None
    saved: str | None = Field(None, description="name of a saved cohort to start from")

    def is_empty(self) -> bool:
        return all(v is None for v in self.model_dump().values())


def _months(pair: str, value: str) -> int:
    text = value.strip()
    if not re.fullmatch("[0-9]{1,4}", text) or int(text) > 1200:
        raise ToolError(f"--where '{pair}': expected a whole number of months from 0 to 1200 (e.g. "
                        f"contract_age_min=12)")
    return int(text)


def parse_amount(text: str) -> float:
    """'100000', '$100K', '1.5M' -> dollars."""
    m = re.fullmatch(r"\s*\$?\s*([0-9][0-9,]*(?:\.[0-9]+)?)\s*([kKmM]?)\s*", text)
    if not m:
        raise ToolError(f"'{text}' is not an amount (expected e.g. 100000, $100K or 1.5M).")
    scale = {"": 1, "k": 1e3, "m": 1e6}[m.group(2).lower()]
    return float(m.group(1).replace(",", "")) * scale


_WHERE_KEYS = {"segment", "industry", "region", "arr_min", "arr_max", "contract_age_min",
               "contract_age_max", "cohort", "saved"}


def criteria_from_where(pairs: list[str]) -> CohortCriteria:
    """CLI ``--where key=value`` pairs -> criteria (arr_min accepts $100K)."""
    data: dict = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        key = key.strip().lower()
        if not sep or key not in _WHERE_KEYS:
            raise ToolError(f"--where '{pair}': expected key=value with key one of "
                            + ", ".join(sorted(_WHERE_KEYS)))
        if key in ("arr_min", "arr_max"):
            data[key] = parse_amount(value)
        elif key.startswith("contract_age"):
            data[key + "_months"] = _months(pair, value)
        elif key in ("cohort", "saved"):
            data["saved"] = value.strip()
        else:
            data[key] = value.strip()
    return CohortCriteria(**data)


def contract_age_months(contract_start: pd.Series, as_of: dt.date) -> pd.Series:
    start = pd.to_datetime(contract_start, errors="coerce")
    return (as_of.year - start.dt.year) * 12 + (as_of.month - start.dt.month)


def _eq(series: pd.Series, value: str) -> pd.Series:
    return series.fillna("").str.casefold() == value.strip().casefold()


def criteria_mask(customers: pd.DataFrame, c: CohortCriteria, ws: Workspace | None = None,
                  as_of: dt.date | None = None, _seen: frozenset[str] = frozenset()) -> pd.Series:
    """Boolean mask over ``customers`` (from :func:`tools.store.frames.customers_frame`)."""
    mask = pd.Series(True, index=customers.index)
    if c.saved:
        if ws is None:
            raise ToolError("Saved cohorts need a workspace.")
        key = c.saved.strip().casefold()
        if key in _seen:  # a saved cohort that refers back to itself would never end
            raise ToolError(f"Saved cohort '{c.saved}' refers to itself; save it again without 'saved'.")
        mask &= criteria_mask(customers, saved_cohort(ws, c.saved), ws, as_of, _seen | {key})
    if c.segment:
        mask &= _eq(customers["segment"], segment_for(c.segment) or c.segment)
    if c.industry:
        mask &= _eq(customers["industry"], c.industry)
    if c.region:
        mask &= _eq(customers["region"], c.region)
    if c.arr_min is not None:
        mask &= customers["arr"] >= c.arr_min
    if c.arr_max is not None:
        mask &= customers["arr"] < c.arr_max
    if c.contract_age_min_months is not None or c.contract_age_max_months is not None:
        age = contract_age_months(customers["contract_start"], as_of or dt.date.today())
        if c.contract_age_min_months is not None:
            mask &= age >= c.contract_age_min_months
        if c.contract_age_max_months is not None:
            mask &= age < c.contract_age_max_months
    return mask.fillna(False)


def peer_mask(customers: pd.DataFrame, account: pd.Series, cohort_type: str,
              as_of: dt.date | None = None) -> pd.Series:
    """The accounts like ``account`` by one dimension ("segment", "industry", ...)."""
    if cohort_type in ("all", "custom"):
        return pd.Series(True, index=customers.index)
    if cohort_type == "size":
        return customers["arr_band"] == account["arr_band"]
    if cohort_type == "contract_age":
        ages = contract_age_months(customers["contract_start"], as_of or dt.date.today())
        mine = ages.loc[account.name]
        for lo, hi, _ in CONTRACT_AGE_BANDS:
            if lo <= mine < hi:
                return (ages >= lo) & (ages < hi)
        return ages == mine
    column = {"segment": "segment", "industry": "industry", "region": "region"}[cohort_type]
    return customers[column] == account[column]


def describe(criteria: CohortCriteria, cohort_type: str | None = None, account: pd.Series | None = None) -> str:
    """Plain words for a peer group: 'Enterprise SaaS accounts with ARR >= $100K'."""
    parts = []
    seg = criteria.segment or (account["segment"] if account is not None and cohort_type == "segment" else None)
    ind = criteria.industry or (account["industry"] if account is not None and cohort_type == "industry" else None)
    reg = criteria.region or (account["region"] if account is not None and cohort_type == "region" else None)
    words = " ".join(w for w in (segment_for(seg) if seg else None, ind) if w)
    parts.append(f"{words} accounts" if words else "accounts")
    if reg:
        parts.append(f"in {reg}")
    if cohort_type == "size" and account is not None:
        parts.append(f"with ARR {account['arr_band']}")
    if criteria.arr_min is not None:
        parts.append(f"with ARR >= ${criteria.arr_min:,.0f}")
    if criteria.arr_max is not None:
        parts.append(f"with ARR < ${criteria.arr_max:,.0f}")
    if cohort_type == "contract_age":
        parts.append("with a similar contract age")
    if criteria.saved:
        parts.append(f"in saved cohort '{criteria.saved}'")
    return " ".join(parts)


def guard_differencing(ws: Workspace, members, subject: int | None = None) -> None:
    """Refuse aggregates over a cohort within 10 accounts of one already shown to this caller
    (this chat, the CLI or this API token; the log lives in the workspace for a day).

    ``subject`` is the account the aggregate is shown next to: its own values are on screen,
    so a difference made only of such accounts reveals nothing (see
    :func:`analytics.privacy.differencing_conflict`); it joins the caller's known accounts.
    """
    current = frozenset(int(i) for i in members)
    known = frozenset(ws.scope.known_accounts) | ({int(subject)} if subject is not None else frozenset())
    with ws.shown_groups() as (shown, record):
        if differencing_conflict(current, shown, known=known) is not None:
            raise ToolError(
                f"This peer group differs from one already shown to you (in this conversation, or in the "
                f"last day from the command line or API) by fewer than {MIN_COHORT} accounts; comparing the "
                "two could reveal individual accounts. Use the earlier peer group, or change the criteria "
                "so the groups differ more.")
        record(current)
    if subject is not None:
        ws.scope.known_accounts.add(int(subject))


def saved_cohort(ws: Workspace, name: str) -> CohortCriteria:
    rows = ws.query("SELECT criteria_json FROM cohorts WHERE name = ? COLLATE NOCASE", (name,))
    if not rows:  # a name stored with invisible characters (older data), asked for as typed
        rows = [r for r in ws.query("SELECT name, criteria_json FROM cohorts")
                if clean_text(r["name"]).casefold() == clean_text(name).casefold()]
    if not rows:
        names = [r["name"] for r in ws.query("SELECT name FROM cohorts ORDER BY name")]
        raise NotFound(f"No saved cohort named '{name}'.", suggestions=names)
    return CohortCriteria.model_validate_json(rows[0]["criteria_json"])


def composition(members: pd.DataFrame) -> dict[str, dict[str, int]]:
    """Counts by segment, industry and ARR band (largest first)."""
    return {col: {str(k): int(v) for k, v in members[col].value_counts().items()}
            for col in ("segment", "industry", "arr_band")}


def cohort_members(ws: Workspace, customers: pd.DataFrame, account: pd.Series, cohort_type: str,
                   criteria: CohortCriteria | None, guard: bool = True) -> pd.Index:
    """The account's peer group (the account included): ``cohort_type`` narrowed by ``criteria``.

    ToolError when it has fewer than MIN_COHORT accounts; ``guard`` records it for this caller's
    differencing guard (off only for figures that never leave the tools, e.g. a report's inputs
    computed again from a comparison already shown).
    """
    mask = peer_mask(customers, account, cohort_type)
    if criteria is not None and not criteria.is_empty():
        mask &= criteria_mask(customers, criteria, ws)
    elif cohort_type == "custom":
        raise ToolError("A custom peer group needs criteria (segment, industry, ARR range, ...).")
    mask.loc[account.name] = True  # the account is always part of its own cohort
    size = int(mask.sum())
    if size < MIN_COHORT:
        raise ToolError(
            f"The peer group ({describe(criteria or CohortCriteria(), cohort_type, account)}) has "
            f"only {size} accounts including {account['name']}; at least {MIN_COHORT} are needed so no "
            "peer can be singled out. Try a wider group: the account's whole segment, all accounts, or fewer "
            "filters.", suggestions=["its whole segment", "all accounts", "fewer filters"])
    members = customers.index[mask.to_numpy()]
    if guard:  # the account itself is on screen with all its values: a difference of it alone reveals nothing
        guard_differencing(ws, members, subject=int(account.name))
    return members
