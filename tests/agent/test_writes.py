"""Writes the CSM confirms (issue 18): preview, save on yes, cancel, undo, imports that replace data."""

from __future__ import annotations

from pathlib import Path

import pytest

from agent.core import Session, answer, decide
from agent.session_state import dump, load
from tools.base import ToolError
from tools.registry import all_tools
from tools.store import changes

SAMPLE = Path(__file__).resolve().parents[2] / "data" / "saas_industry_benchmarks_2026.csv"
ADD_GOAL = "add an NPS goal for Acme to reach 50 by June 30"


def goals(ws, name: str = "Improve NPS") -> list[dict]:
    return ws.query("SELECT name, target FROM goals WHERE name = ?", (name,))


async def test_a_goal_is_previewed_saved_on_yes_and_undone(demo_ws):
    session = Session()
    held = await answer(ADD_GOAL, ws=demo_ws, session=session)
    assert "Not saved yet" in held.text and "Add goal 'Improve NPS'" in held.text and "target 50" in held.text
    assert goals(demo_ws) == [] and session.pending["kind"] == "tool"

    saved = await answer("yes", ws=demo_ws, session=session)
    assert "Created goal 'Improve NPS'" in saved.text and goals(demo_ws) == [{"name": "Improve NPS", "target": 50.0}]
    assert [a.label for a in saved.actions][0] == "Undo this change" and session.pending is None
    assert demo_ws.query("SELECT count(*) AS n FROM undo_log")[0]["n"] == 1

    undone = await answer("undo", ws=demo_ws, session=session)
    assert "Undone" in undone.text and goals(demo_ws) == [] and session.last_change is None


async def test_no_cancels_and_another_message_drops_the_held_write(demo_ws):
    session = Session()
    await answer(ADD_GOAL, ws=demo_ws, session=session)
    cancelled = await answer("no", ws=demo_ws, session=session)
    assert "nothing was saved" in cancelled.text and session.pending is None and goals(demo_ws) == []

    await answer(ADD_GOAL, ws=demo_ws, session=session)
    other = await answer("How does Acme Corp compare to peers?", ws=demo_ws, session=session)
    assert "The change waiting for your confirmation was not saved." in other.notices
    assert session.pending is None
    with pytest.raises(ToolError, match="no longer waiting"):
        await decide("confirm", None, ws=demo_ws, session=session)


async def test_a_stale_button_saves_nothing(demo_ws):
    session = Session()
    await answer(ADD_GOAL, ws=demo_ws, session=session)
    with pytest.raises(ToolError, match="no longer waiting"):
        await decide("confirm", "0" * 16, ws=demo_ws, session=session)
    assert goals(demo_ws) == []


async def test_undo_refuses_when_the_rows_changed_since(demo_ws):
    session = Session()
    await answer(ADD_GOAL, ws=demo_ws, session=session)
    await answer("yes", ws=demo_ws, session=session)
    with demo_ws.write() as db:  # someone else changes the goal afterwards
        db.execute("UPDATE goals SET target = 55 WHERE name = 'Improve NPS'")
    with pytest.raises(ToolError, match="Cannot undo.*changed again since"):
        await answer("undo", ws=demo_ws, session=session)
    assert goals(demo_ws) == [{"name": "Improve NPS", "target": 55.0}]


async def test_the_held_write_and_the_undo_survive_a_resume(demo_ws):
    session = Session()
    await answer(ADD_GOAL, ws=demo_ws, session=session)
    resumed = load(dump(session))
    await answer("yes", ws=demo_ws, session=resumed)
    again = load(dump(resumed))
    await answer("undo", ws=demo_ws, session=again)
    assert goals(demo_ws) == []


def test_tracking_sees_replaced_rows_and_undo_restores_them_exactly(demo_ws):
    cid = demo_ws.query("SELECT id FROM customers WHERE name = 'Acme Corp'")[0]["id"]
    before = demo_ws.query("SELECT * FROM metric_values WHERE customer_id = ? ORDER BY metric, period", (cid,))

    def write():
        with demo_ws.write() as db:
            db.execute("INSERT OR REPLACE INTO metric_values VALUES (?, 'nps', ?, 0.1 + 0.2)", (cid, before[0]["period"]))
            db.execute("DELETE FROM metric_values WHERE customer_id = ? AND metric = 'csat'", (cid,))

    _, change, committed = changes.track(demo_ws, write, decide=lambda c: True)
    assert committed and change.replaces()
    assert any(line.endswith("removed") for line in change.describe())
    changes.undo(demo_ws, change)
    assert demo_ws.query("SELECT * FROM metric_values WHERE customer_id = ? ORDER BY metric, period", (cid,)) == before


def test_a_dry_run_leaves_nothing_behind(demo_ws):
    tool = all_tools()["manage_goals"]
    inp = {"action": "create", "customer": "Acme Corp", "template": "improve_nps", "target": 50,
           "target_date": "2027-06-30"}
    out, change, committed = changes.track(demo_ws, lambda: tool.run(demo_ws, inp), decide=lambda c: False)
    assert not committed and out.goal.target == 50 and len(change.net()) == 1
    assert goals(demo_ws, "Improve NPS to 50") == []
    temp = demo_ws.query("SELECT name FROM sqlite_temp_master")
    assert temp == []


def _benchmark_file(tmp_path: Path, scale: float) -> Path:
    lines = SAMPLE.read_text().splitlines()
    out = [lines[0]]
    for line in lines[1:]:
        cells = line.split(",")
        cells[2:8] = [f"{float(c) * scale:.4f}" if c else c for c in cells[2:8]]  # p10..p90, mean
        out.append(",".join(cells))
    path = tmp_path / "partner_benchmarks.csv"
    path.write_text("\n".join(out) + "\n")
    return path


async def test_an_import_that_only_adds_is_saved_at_once_with_an_undo(demo_ws, tmp_path):
    session = Session()
    sets = demo_ws.query("SELECT count(*) AS n FROM benchmark_sets")[0]["n"]
    ans = await answer("Compare my customers against these benchmarks", ws=demo_ws, session=session,
                       attachments=[_benchmark_file(tmp_path, 1.0)])
    assert "Not saved yet" not in ans.text and session.pending is None
    assert demo_ws.query("SELECT count(*) AS n FROM benchmark_sets")[0]["n"] == sets + 1
    assert "Undo this change" in [a.label for a in ans.actions]
    await answer("undo", ws=demo_ws, session=session)
    assert demo_ws.query("SELECT count(*) AS n FROM benchmark_sets")[0]["n"] == sets


async def test_an_import_that_replaces_data_asks_first_then_answers(demo_ws, tmp_path):
    session = Session()
    await answer("Compare my customers against these benchmarks", ws=demo_ws, session=session,
                 attachments=[_benchmark_file(tmp_path, 1.0)])
    figures = demo_ws.query("SELECT set_id, metric, segment, stat, value FROM benchmark_rows ORDER BY 1, 2, 3, 4")

    held = await answer("Compare my customers against these benchmarks", ws=demo_ws, session=session,
                        attachments=[_benchmark_file(tmp_path, 0.99)])
    assert "would change data already in the workspace" in held.text and "Not saved yet" in held.text
    assert [a.label for a in held.actions][:2] == ["Save this change", "Cancel"]
    assert demo_ws.query("SELECT set_id, metric, segment, stat, value FROM benchmark_rows ORDER BY 1, 2, 3, 4") == figures

    confirmed = await answer("yes", ws=demo_ws, session=session)
    assert "Step 2 of 3: peer groups" in confirmed.text  # the question goes on after the import: the grouping
    compared = await answer("yes", ws=demo_ws, session=session)
    assert [n for n, _ in compared.results][-1] == "compare_portfolio"
    assert demo_ws.query("SELECT set_id, metric, segment, stat, value FROM benchmark_rows ORDER BY 1, 2, 3, 4") != figures
    await answer("undo", ws=demo_ws, session=session)
    assert demo_ws.query("SELECT set_id, metric, segment, stat, value FROM benchmark_rows ORDER BY 1, 2, 3, 4") == figures
