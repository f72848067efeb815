"""Key results: several metrics per goal, each with baseline, target, direction and frequency.

The goal's achievement follows from its key results, its own headline metric counted as the first
one with weight 1 (rule in :mod:`analytics.goal_trends`):
:func:`apply_key_results` replaces the headline achievement of every goal that has them, and
re-derives its status with the same status rule as any goal (analytics.goals.goal_statuses).
"""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pandas as pd
from pydantic import BaseModel, Field

from analytics import goal_trends as gt
from analytics import goals as ag
from reports.format import fmt_goal, fmt_share, markdown_table
from tools.base import ToolError, rounded
from tools.store.workspace import Workspace, now_iso
from tools.success.rules import normalise_unit, value_problem

FREQUENCIES = ("weekly", "monthly", "quarterly", "annually")


class KeyResultView(BaseModel):
    id: int
    name: str
    metric: str | None = None
    unit: str | None = None
    direction: str | None = None
    frequency: str = "monthly"
    baseline: float | None
    target: float | None
    current: float | None = Field(description="latest measurement on or before the as-of date")
    last_measured: str | None = None
    achievement_pct: float | None = Field(description="(current - baseline) / (target - baseline) x 100, 1 dp")
    achieved: bool = False
    weight: float = 1.0

    @property
    def shown_unit(self) -> str | None:
        """The unit as figures show it ('count' goes without saying: '6.6 of 10')."""
        return None if (self.unit or "").lower() in ("count", "number") else self.unit


def key_result_rows(ws: Workspace, goal_ids: list[int], as_of: dt.date) -> pd.DataFrame:
    """Key results of these goals with their latest measurement on or before ``as_of``."""
    cols = ["id", "goal_id", "name", "metric", "unit", "direction", "frequency", "baseline", "target", "weight",
            "current", "last_measured"]
    if not goal_ids or not ws.query("SELECT 1 FROM sqlite_master WHERE name = 'key_results'"):
        return pd.DataFrame(columns=cols)
    marks = ", ".join("?" * len(goal_ids))
    rows = ws.query(
        f"SELECT k.*, (SELECT m.value FROM key_result_measurements m WHERE m.key_result_id = k.id AND m.date <= ? "
        f"ORDER BY m.date DESC, m.id DESC LIMIT 1) AS current, (SELECT MAX(m.date) FROM key_result_measurements m "
        f"WHERE m.key_result_id = k.id AND m.date <= ?) AS last_measured FROM key_results k "
        f"WHERE k.goal_id IN ({marks}) ORDER BY k.goal_id, k.id", (as_of.isoformat(), as_of.isoformat(), *goal_ids))
    return pd.DataFrame(rows, columns=cols) if rows else pd.DataFrame(columns=cols)


def apply_key_results(ws: Workspace, goals: pd.DataFrame, as_of: dt.date) -> pd.DataFrame:
    """Evaluated goals with achievement and status taken from their key results, where they have them."""
    if goals.empty:
        return goals
    krs = key_result_rows(ws, [int(i) for i in goals["id"]], as_of)
    if krs.empty:
        return goals
    out = goals.copy()
    for gid, group in krs.groupby("goal_id"):
        at = out.index[out["id"] == gid]
        head = out.loc[at[0]]  # the goal's own metric is its first key result
        achievement, _ = gt.key_result_achievement(
            [head["baseline"], *group["baseline"].astype("float64")], [head["target"], *group["target"].astype("float64")],
            [head["current"], *group["current"].astype("float64")], [1.0, *group["weight"].astype("float64")])
        out.loc[at, "achievement_pct"] = np.nan if achievement is None else achievement
        out.loc[at, "measured"] = bool(out.loc[at, "measured"].iloc[0]) or group["current"].notna().any()
    has = out["id"].isin(krs["goal_id"]).to_numpy()
    due = pd.to_datetime(out["target_date"], errors="coerce")
    passed = (due.notna() & (due.dt.date < as_of)).to_numpy()
    status = ag.goal_statuses(out["achievement_pct"], out["elapsed_pct"], target_passed=passed,
                              measured=out["measured"].fillna(False).astype(bool).to_numpy(),
                              has_baseline=np.ones(len(out), dtype=bool))
    out.loc[has, "status"] = status[has]
    return out


def key_result_views(ws: Workspace, goal_ids: list[int], as_of: dt.date) -> dict[int, list[KeyResultView]]:
    krs = key_result_rows(ws, goal_ids, as_of)
    out: dict[int, list[KeyResultView]] = {}
    for r in krs.to_dict("records"):
        r = {k: (None if isinstance(v, float) and math.isnan(v) else v) for k, v in r.items()}
        a = ag.achievement_pct(r["baseline"], r["target"], r["current"]) if None not in (
            r["baseline"], r["target"], r["current"]) else None
        a = None if a is None or (isinstance(a, float) and math.isnan(a)) else a
        out.setdefault(int(r["goal_id"]), []).append(KeyResultView(
            id=r["id"], name=r["name"], metric=r["metric"], unit=r["unit"], direction=r["direction"],
            frequency=r["frequency"] or "monthly", baseline=r["baseline"], target=r["target"], current=r["current"],
            last_measured=r["last_measured"], achievement_pct=rounded(a, 1),
            achieved=a is not None and a >= 100 - ag.TOL, weight=r["weight"] or 1.0))
    return out


def check_key_result(kr: dict) -> dict:
    """A key result record checked like a goal's headline: name, a target that moves, a known unit."""
    name = (kr.get("name") or "").strip()
    if not name:
        raise ToolError("A key result needs a name.")
    kr["name"] = name
    if kr.get("target") is None or kr.get("baseline") is None:
        raise ToolError(f"Key result '{name}' needs a baseline and a target.")
    if kr["target"] == kr["baseline"]:
        raise ToolError(f"Key result '{name}': the target equals the baseline; a key result must move the metric.")
    if kr.get("unit"):
        kr["unit"] = normalise_unit(kr["unit"])
    for key in ("baseline", "target"):
        if problem := value_problem(kr, kr[key]):
            raise ToolError(f"Key result '{name}': {key} {kr[key]:g} is not plausible; expected {problem}.")
    derived = "increase" if kr["target"] > kr["baseline"] else "decrease"
    if kr.get("direction") and kr["direction"] != derived:
        raise ToolError(f"Key result '{name}': direction '{kr['direction']}' contradicts baseline -> target "
                        f"(that is a {derived}).")
    kr["direction"] = derived
    freq = (kr.get("frequency") or "monthly").lower()
    if freq not in FREQUENCIES:
        raise ToolError(f"Key result '{name}': unknown frequency '{freq}'.", suggestions=[", ".join(FREQUENCIES)])
    kr["frequency"] = freq
    return kr


def save_key_result(db, goal_id: int, kr: dict, current: float | None = None, date: str | None = None) -> int:
    """Insert (or replace, by name) a goal's key result, with an optional measurement; inside a write."""
    kr = check_key_result(dict(kr))
    found = db.execute("SELECT id FROM key_results WHERE goal_id = ? AND name = ? COLLATE NOCASE",
                       (goal_id, kr["name"])).fetchone()
    record = {k: kr.get(k) for k in ("name", "metric", "baseline", "target", "unit", "direction", "frequency")}
    record["weight"] = kr.get("weight") or 1.0
    if found:
        kid = found[0]
        db["key_results"].update(kid, record)
    else:
        kid = db["key_results"].insert({**record, "goal_id": goal_id, "created_at": now_iso()}).last_pk
    if current is not None:
        measure_key_result(db, kid, current, date)
    return kid


def measure_key_result(db, kr_id: int, value: float, date: str) -> None:
    if not math.isfinite(value):
        raise ToolError("A key result measurement needs a finite value.")
    db.execute("DELETE FROM key_result_measurements WHERE key_result_id = ? AND date = ?", (kr_id, date))
    db["key_result_measurements"].insert({"key_result_id": kr_id, "date": date, "value": value})


def kr_table(krs: list[KeyResultView]) -> str:
    """Key results as a Markdown table (names escaped)."""
    rows = [[k.name, fmt_goal(k.baseline, k.shown_unit), fmt_goal(k.target, k.shown_unit),
             fmt_goal(k.current, k.shown_unit), fmt_share(k.achievement_pct), k.frequency] for k in krs]
    return markdown_table(["Key result", "Baseline", "Target", "Current", "Achievement", "Measured"], rows, "lrrrrl")


def delete_goal_extras(db, goal_id: int) -> None:
    """A goal's key results, their measurements and its quotes (inside the write deleting the goal)."""
    db.execute("DELETE FROM key_result_measurements WHERE key_result_id IN "
               "(SELECT id FROM key_results WHERE goal_id = ?)", (goal_id,))
    db.execute("DELETE FROM key_results WHERE goal_id = ?", (goal_id,))
    db.execute("DELETE FROM goal_quotes WHERE goal_id = ?", (goal_id,))
