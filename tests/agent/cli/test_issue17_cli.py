"""Issue 17 commands: goal from-gaps (preview unless --yes), goal edit, success --by-csm, goal changes
printed above the next answer about the account."""

from __future__ import annotations

import json

from agent.cli import main as peerbench


def _run(ws, capsys, *argv: str) -> str:
    capsys.readouterr()
    assert peerbench(["--db", str(ws.path), *argv]) == 0
    return capsys.readouterr().out


def _count(ws) -> int:
    return ws.query("SELECT count(*) AS n FROM goals")[0]["n"]


def test_from_gaps_previews_without_yes_and_saves_with_it(demo_ws, capsys):
    n = _count(demo_ws)
    out = _run(demo_ws, capsys, "goal", "from-gaps", "Acme Corp")
    assert "Not saved yet" in out and "Goal 'Raise Training Hours to 43.2'" in out and "--yes" in out
    assert _count(demo_ws) == n
    preview = json.loads(_run(demo_ws, capsys, "goal", "from-gaps", "Acme Corp", "--json"))
    assert preview["message"].startswith("Not saved") and all(g["id"] is None for g in preview["goals"])
    out = _run(demo_ws, capsys, "goal", "from-gaps", "Acme Corp", "--yes")
    assert "Set 4 improvement goals for Acme Corp" in out and _count(demo_ws) == n + 4


def test_goal_edit_and_milestone(demo_ws, capsys):
    _run(demo_ws, capsys, "goal", "edit", "Acme Corp", "feature adoption", "--due", "2027-06-30", "--target", "60")
    row = demo_ws.query("SELECT name, target, target_date FROM goals WHERE name LIKE 'Increase feature adoption%'")[0]
    assert row == {"name": "Increase feature adoption to 60%", "target": 60.0, "target_date": "2027-06-30"}
    _run(demo_ws, capsys, "goal", "milestone", "Acme Corp", "pilot done", "--date", "2027-01-15", "--goal", "feature adoption")
    assert demo_ws.query("SELECT date FROM milestones WHERE name = 'pilot done'") == [{"date": "2027-01-15"}]


def test_success_by_csm_and_changes_above_compare(demo_ws, capsys, tmp_path):
    out = _run(demo_ws, capsys, "success", "--segment", "Enterprise", "--by-csm")
    assert "Goal success by CSM" in out and "| Sarah Chen |" in out
    path = tmp_path / "acme.csv"
    path.write_text("name,period,feature_adoption\nAcme Corp,2026-11,58\n")
    assert "Increase feature adoption to 55%" in _run(demo_ws, capsys, "load", str(path))
    first = _run(demo_ws, capsys, "compare", "Acme Corp")
    assert first.startswith("**Goal changes**") and "achieved" in first.split("\n\n")[0]
    assert "Goal changes" not in _run(demo_ws, capsys, "compare", "Acme Corp")
