"""The period success metrics are reported for: a quarter, a year, or contract to date.

A period decides which goals count (started by the period's end), which
measurements count (on or before its end) and the value realised within it
(annual value x days the goal was active in the period / 365).
"""

from __future__ import annotations

import datetime as dt
import re

import numpy as np
import pandas as pd
from pydantic import BaseModel, Field

from tools.base import ToolError


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


def period_values(frame: pd.DataFrame, period: PeriodInfo) -> np.ndarray:
    start = np.datetime64(period.start, "D")
    end = np.datetime64(period.end, "D")
    goal_start = pd.to_datetime(frame["start_date"], errors="coerce").to_numpy("datetime64[D]")
    begin = np.where(np.isnat(goal_start) | (goal_start < start), start, goal_start)
    days = np.clip((end - begin).astype("float64") + 1, 0, None)
    return frame["annual_value"].astype("float64").fillna(0.0).to_numpy() * days / 365.0
