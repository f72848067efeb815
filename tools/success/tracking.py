"""Goals that track themselves: an import of a metric's values measures the goals tied to it.

A goal whose ``metric`` is a catalog key is measured by that metric: whenever values of it are
imported for the goal's account (portfolio file, metric history), :func:`measure_imported`
records one goal measurement per imported period inside the import's own transaction (all or
nothing, and undone with it). The measurement is dated at the period's last day, or the
workspace's today when the period is the current month or later; periods before the goal's start month
are not measurements of it. A change of status to "achieved", or a new "at risk", is logged in
``goal_changes``; :func:`take_unseen` hands an account's unseen changes to the next answer about
it (and marks them seen), :func:`recent_changes` lists the book's recent ones for the portfolio view.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable

from pydantic import BaseModel

from reports.format import fmt_number, md_text
from tools.store.workspace import Workspace, now_iso
from tools.success.goals import goal_frame, goal_views

#: Status changes worth telling the CSM about unprompted.
NOTABLE = ("achieved", "at_risk")
RECENT_DAYS = 30


class GoalChange(BaseModel):
    id: int
    customer: str
    goal: str
    old_status: str | None
    new_status: str
    achievement_pct: float | None
    period: str | None
    at: str

    def line(self) -> str:
        pct = f" ({fmt_number(self.achievement_pct)}% of target)" if self.achievement_pct is not None else ""
        what = "achieved" if self.new_status == "achieved" else "now at risk"
        before = f", was {self.old_status.replace('_', ' ')}" if self.old_status and self.new_status == "at_risk" else ""
        return f"Goal '{self.goal}' ({self.customer}) {what}{pct}{before}, from the {self.period} data import."


def _measure_date(period: str, today: dt.date) -> dt.date:
    y, m = int(period[:4]), int(period[5:7])
    end = dt.date(y, m, calendar.monthrange(y, m)[1])
    return today if (y, m) == (today.year, today.month) else end


def measure_imported(ws: Workspace, customer_ids: Iterable[int], metrics: Iterable[str], periods: Iterable[str],
                     source: str) -> list[str]:
    """Measure the goals tied to ``metrics`` of ``customer_ids`` at the imported ``periods``; call inside
    the import's ``ws.write()``. Lines saying what changed (for the import's summary)."""
    cids, keys, periods = set(customer_ids), set(metrics), sorted(set(periods))
    if not cids or not keys or not periods:
        return []
    goals = [g for g in ws.query("SELECT id, customer_id, metric, start_date FROM goals WHERE metric IS NOT NULL")
             if g["customer_id"] in cids and g["metric"] in keys]
    if not goals:
        return []
    today = ws.today()
    ids = [g["id"] for g in goals]
    before = {v.id: v for v in goal_views(goal_frame(ws, today, goal_ids=ids))}
    marks = ",".join("?" * len(periods))
    written: dict[int, tuple[str, float]] = {}
    with ws.write() as db:  # joins the import's transaction
        for g in goals:
            rows = db.execute(f"SELECT period, value FROM metric_values WHERE customer_id = ? AND metric = ? "
                              f"AND period IN ({marks}) AND value IS NOT NULL ORDER BY period",
                              (g["customer_id"], g["metric"], *periods)).fetchall()
            start = g["start_date"][:10] if g["start_date"] else None
            for period, value in rows:
                if start and period < start[:7]:
                    continue
                day = min(_measure_date(period, today), today)  # a later period is still the latest value known
                day_text = max(day.isoformat(), start) if start else day.isoformat()
                db.execute("DELETE FROM goal_measurements WHERE goal_id = ? AND date = ?", (g["id"], day_text))
                db["goal_measurements"].insert({"goal_id": g["id"], "date": day_text, "value": value})
                written[g["id"]] = (period, value)
        after = {v.id: v for v in goal_views(goal_frame(ws, today, goal_ids=list(written)))} if written else {}
        lines, stamp = [], now_iso()
        for gid, view in after.items():
            old = before.get(gid)
            period, value = written[gid]
            lines.append(f"Goal '{view.name}' ({view.customer}): {fmt_number(value)} recorded for {period}; "
                         f"now {fmt_number(view.current)}, status {view.status.replace('_', ' ')}.")
            if view.status in NOTABLE and (old is None or old.status != view.status):
                cid = next(g["customer_id"] for g in goals if g["id"] == gid)
                db["goal_changes"].insert({"goal_id": gid, "customer_id": cid, "goal_name": view.name,
                                           "old_status": old.status if old else None, "new_status": view.status,
                                           "achievement_pct": view.achievement_pct, "period": period,
                                           "source": source, "at": stamp})
    return lines


_CHANGES_SQL = ("SELECT gc.*, c.name AS customer FROM goal_changes gc JOIN customers c ON c.id = gc.customer_id "
                "JOIN goals g ON g.id = gc.goal_id")


def _change(r: dict) -> GoalChange:
    return GoalChange(id=r["id"], customer=r["customer"], goal=r["goal_name"], old_status=r["old_status"],
                      new_status=r["new_status"], achievement_pct=r["achievement_pct"], period=r["period"], at=r["at"])


def take_unseen(ws: Workspace, customer: str | None) -> list[GoalChange]:
    """The account's goal changes not shown yet, oldest first; marked seen (shown once)."""
    if not customer:
        return []
    rows = ws.query(_CHANGES_SQL + " WHERE c.name = ? COLLATE NOCASE AND gc.id NOT IN "
                    "(SELECT change_id FROM goal_changes_seen) ORDER BY gc.id", (customer,))
    if rows:
        with ws.write() as db:
            db["goal_changes_seen"].insert_all([{"change_id": r["id"], "seen_at": now_iso()} for r in rows],
                                               replace=True)
    return [_change(r) for r in rows]


def recent_changes(ws: Workspace, customer_ids: Iterable[int] | None = None, days: int = RECENT_DAYS,
                   limit: int = 10) -> list[GoalChange]:
    """The book's goal changes of the last ``days`` days, newest first (the portfolio view)."""
    since = (dt.datetime.now(dt.timezone.utc) - dt.timedelta(days=days)).isoformat()
    rows = ws.query(_CHANGES_SQL + " WHERE gc.at >= ? ORDER BY gc.id DESC", (since,))
    if customer_ids is not None:
        keep = set(customer_ids)
        rows = [r for r in rows if r["customer_id"] in keep]
    return [_change(r) for r in rows[:limit]]


def changes_markdown(changes: list[GoalChange], title: str = "Goal changes") -> str:
    """The short section shown above an answer (escaped: goal names are data)."""
    if not changes:
        return ""
    return f"**{title}**\n" + "\n".join(f"- {md_text(c.line())}" for c in changes)
