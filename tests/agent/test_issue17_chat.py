"""Issue 17 in the chat (offline planner): goals from gaps, milestones and goal edits confirmed with
undo, a CSM's book from the name setting, goal changes at the top of the next answer."""

from __future__ import annotations

from agent.core import Session, answer
from agent.planner import plan
from agent.session import Settings

ADOPTION = "Increase feature adoption to 55%"


def _goal(ws, name=ADOPTION):
    return ws.query("SELECT * FROM goals WHERE name = ?", (name,))[0]


async def test_set_improvement_goals_is_previewed_saved_and_undone(demo_ws):
    session = Session()
    n = demo_ws.query("SELECT count(*) AS n FROM goals")[0]["n"]
    held = await answer("Set improvement goals for Acme Corp", ws=demo_ws, session=session)
    assert "A goal needs a name" not in held.text and "Not saved yet" in held.text
    assert "Goal 'Raise Training Hours to 43.2': 24.4 -> 43.2 by 2027-01-30 (stretch 61.3, P75)" in held.text
    assert "Milestone 'Training Hours halfway: 33.8 (week 8)' on 2026-12-27" in held.text
    assert demo_ws.query("SELECT count(*) AS n FROM goals")[0]["n"] == n
    saved = await answer("yes", ws=demo_ws, session=session)
    assert "Set 4 improvement goals for Acme Corp" in saved.text
    assert demo_ws.query("SELECT count(*) AS n FROM goals")[0]["n"] == n + 4
    assert saved.actions[0].label == "Undo this change"
    await answer("undo", ws=demo_ws, session=session)
    assert demo_ws.query("SELECT count(*) AS n FROM goals")[0]["n"] == n
    assert demo_ws.query("SELECT count(*) AS n FROM milestones WHERE name LIKE 'Training Hours%'")[0]["n"] == 0


async def test_milestone_then_edits_follow_the_goal_last_shown(demo_ws):
    session = Session()
    held = await answer("add a milestone for Acme's feature adoption goal: pilot done by Jan 15", ws=demo_ws,
                        session=session)
    assert "Not saved yet" in held.text
    await answer("yes", ws=demo_ws, session=session)
    ms = demo_ws.query("SELECT name, date, goal_id FROM milestones WHERE name = 'pilot done'")
    assert ms == [{"name": "pilot done", "date": "2027-01-15", "goal_id": _goal(demo_ws)["id"]}]

    await answer("move the target date to June 30", ws=demo_ws, session=session)
    assert _goal(demo_ws)["target_date"] == "2026-12-31"  # not saved before the yes
    await answer("yes", ws=demo_ws, session=session)
    assert _goal(demo_ws)["target_date"] == "2027-06-30"

    await answer("change the target to 60", ws=demo_ws, session=session)
    await answer("yes", ws=demo_ws, session=session)
    assert _goal(demo_ws, "Increase feature adoption to 60%")["target"] == 60.0  # the name follows its target
    await answer("undo", ws=demo_ws, session=session)
    assert _goal(demo_ws)["target"] == 55.0


def test_my_accounts_is_the_named_users_book(demo_ws):
    mine = plan("show my book", demo_ws, Session(), Settings(csm_name="Sarah Chen"))
    assert mine.call.name == "compare_portfolio" and mine.call.input == {"csm": "Sarah Chen"}
    lagging = plan("which of my enterprise accounts are lagging on NPS", demo_ws, Session(), Settings(csm_name="Sarah"))
    assert lagging.call.input["csm"] == "Sarah Chen" and lagging.call.input["segment"] == "Enterprise"
    nobody = plan("my accounts", demo_ws, Session(), Settings(csm_name="Jordan Lee"))  # owns no account here
    assert nobody.call.name == "compare_portfolio" and "csm" not in nobody.call.input


async def test_a_goal_change_tops_the_next_answer_about_the_account(demo_ws, tmp_path):
    from tools.ingest.load import load_file
    path = tmp_path / "acme.csv"
    path.write_text("name,period,feature_adoption\nAcme Corp,2026-11,58\n")
    load_file(demo_ws, path)
    session = Session()
    first = await answer("How does Acme Corp compare to peers?", ws=demo_ws, session=session)
    assert first.text.startswith("**Goal changes**") and f"Goal '{ADOPTION}' (Acme Corp) achieved" in first.text
    again = await answer("How does Acme Corp compare to peers?", ws=demo_ws, session=Session())
    assert "Goal changes" not in again.text  # shown once
    book = await answer("show Sarah Chen's accounts", ws=demo_ws, session=Session())
    assert "Goal changes" in book.text and ADOPTION in book.text  # the portfolio view lists recent changes


async def test_the_plan_offers_a_button_that_previews_the_goals(demo_ws):
    from agent.core import run_action
    session = Session()
    plan_answer = await answer("give me an improvement plan for Acme Corp", ws=demo_ws, session=session)
    button = next(a for a in plan_answer.actions if a.label == "Set improvement goals")
    n = demo_ws.query("SELECT count(*) AS n FROM goals")[0]["n"]
    held = await run_action(button.payload, ws=demo_ws, session=session)
    assert "Not saved yet" in held.text and session.pending["tool"] == "set_improvement_goals"
    assert demo_ws.query("SELECT count(*) AS n FROM goals")[0]["n"] == n
