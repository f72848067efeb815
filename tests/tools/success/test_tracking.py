"""Goals that track themselves (issue 17): imports measure the goals tied to their metric."""

from __future__ import annotations

import pytest

from tools.base import ToolError
from tools.ingest.load import load_file
from tools.success.goals import goal_frame, goal_views
from tools.success.tracking import recent_changes, take_unseen

ADOPTION = "Increase feature adoption to 55%"


def _adoption(ws):
    gid = ws.query("SELECT id FROM goals WHERE name = ?", (ADOPTION,))[0]["id"]
    return goal_views(goal_frame(ws, ws.today(), goal_ids=[gid]))[0]


def test_importing_a_feature_adoption_value_updates_acmes_goal(demo_ws, tmp_path):
    before = _adoption(demo_ws)
    assert before.status == "at_risk" and before.current == pytest.approx(37.0)
    path = tmp_path / "portfolio.csv"
    path.write_text("name,period,feature_adoption\nAcme Corp,2026-11,58\n")
    out = load_file(demo_ws, path)
    after = _adoption(demo_ws)
    assert after.current == 58.0 and after.status == "achieved"
    assert after.achievement_pct == pytest.approx((58 - before.baseline) / (55 - before.baseline) * 100, abs=0.05)
    assert demo_ws.query("SELECT date, value FROM goal_measurements WHERE goal_id = ? ORDER BY date DESC LIMIT 1",
                         (after.id,)) == [{"date": "2026-11-01", "value": 58.0}]  # the current month: today
    assert any(ADOPTION in line and "achieved" in line for line in out.goals_measured)
    assert ADOPTION in out.summary
    # surfaced once at the top of the next answer about Acme, and in the portfolio view
    first = take_unseen(demo_ws, "Acme Corp")
    assert [(c.goal, c.old_status, c.new_status) for c in first] == [(ADOPTION, "at_risk", "achieved")]
    assert take_unseen(demo_ws, "Acme Corp") == []
    assert [c.goal for c in recent_changes(demo_ws)] == [ADOPTION]


def test_history_import_measures_each_period_in_the_goal_window(demo_ws, tmp_path):
    path = tmp_path / "history.csv"
    path.write_text("customer,metric,period,value\nAcme Corp,feature_adoption,2025-10,20\n"
                    "Acme Corp,feature_adoption,2026-10,41\nAcme Corp,nps,2026-10,40\n")
    load_file(demo_ws, path)
    view = _adoption(demo_ws)
    rows = demo_ws.query("SELECT date, value FROM goal_measurements WHERE goal_id = ? ORDER BY date", (view.id,))
    assert {"date": "2026-10-31", "value": 41.0} in rows
    assert all(r["date"] >= "2026-01-01" for r in rows)  # 2025-10 is before the goal started: not a measurement
    assert view.current == 41.0


def test_a_refused_import_measures_nothing(demo_ws, tmp_path):
    before = demo_ws.query("SELECT count(*) AS n FROM goal_measurements")[0]["n"]
    path = tmp_path / "bad.csv"
    path.write_text("customer,metric,period,value\nAcme Corp,feature_adoption,2026-10,58\nAcme Corp,nps,2026-10,abc\n")
    with pytest.raises(ToolError):
        load_file(demo_ws, path)
    assert demo_ws.query("SELECT count(*) AS n FROM goal_measurements")[0]["n"] == before
    assert demo_ws.query("SELECT count(*) AS n FROM goal_changes")[0]["n"] == 0
