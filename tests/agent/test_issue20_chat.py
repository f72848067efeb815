"""Issue 20 in chat, offline (the planner) and with a scripted Claude: the goal detail, quotes with
confirmation and undo, [Define goals], the measurement form, key results and goal categories."""

from __future__ import annotations

from agent.core import Session, answer, decide, run_action
from agent.session import Settings
from agent.ui.measure_form import collect
from tests.agent.test_agent_fakes import claude, client, settings, text, tools  # noqa: F401
from tests.fakes.claude import tool_result_data
from tools.registry import all_tools


def quotes(ws) -> list[str]:
    return [r["text"] for r in ws.query("SELECT text FROM goal_quotes ORDER BY id")]


async def test_goal_detail_offline(demo_ws):
    ans = await answer("show TechCorp's reporting-time goal progress", ws=demo_ws, session=Session())
    assert [n for n, _ in ans.results] == ["show_goal"]
    assert "Automate month-end reporting" in ans.text and "has fallen for 9 consecutive months" in ans.text
    assert "Priya Nair, CFO" in ans.text and "estimated" in ans.text
    (title, png), = all_tools()["show_goal"].charts(ans.results[0][1])  # the chart with the target line
    assert png.startswith(b"\x89PNG") and "Automate month-end reporting" in title


async def test_success_dashboard_has_the_gauge_first(demo_ws):
    ans = await answer("Is Acme Corp achieving their goals?", ws=demo_ws, session=Session())
    assert "**Success score:** 76.2 / 100 (On track)" in ans.text
    charts = all_tools()["compute_roi"].charts(ans.results[0][1])
    assert charts[0][0] == "Acme Corp: success score 76 (On track)" and len(charts) == 2


async def test_quote_is_confirmed_then_saved_and_undone(demo_ws):
    session, before = Session(), quotes(demo_ws)
    held = await answer("add a quote to Acme's onboarding goal: \"Live in a week, not a month\" - Jane Doe, VP Support",
                        ws=demo_ws, session=session)
    assert "Not saved yet" in held.text and "goal quote" in held.text and quotes(demo_ws) == before
    saved = await answer("yes", ws=demo_ws, session=session)
    assert "Added a quote" in saved.text and quotes(demo_ws) == [*before, "Live in a week, not a month"]
    row = demo_ws.query("SELECT person FROM goal_quotes ORDER BY id DESC LIMIT 1")[0]
    assert row["person"] == "Jane Doe, VP Support"
    await answer("undo", ws=demo_ws, session=session)
    assert quotes(demo_ws) == before


async def test_no_goals_offers_define_goals_which_is_confirmed(demo_ws):
    name = demo_ws.query("SELECT name FROM customers c WHERE NOT EXISTS (SELECT 1 FROM goals g WHERE "
                         "g.customer_id = c.id) ORDER BY id LIMIT 1")[0]["name"]
    session = Session()
    ans = await answer(f"Is {name} achieving their goals?", ws=demo_ws, session=session)
    button = next(a for a in ans.actions if a.label == "Define goals")
    held = await run_action(button.payload, ws=demo_ws, session=session)
    assert "Not saved yet" in held.text and "Add goal" in held.text
    assert [a.label for a in held.actions][:2] == ["Save this change", "Cancel"]
    assert not demo_ws.query("SELECT 1 FROM goals g JOIN customers c ON c.id = g.customer_id WHERE c.name = ?", (name,))
    await decide("confirm", None, ws=demo_ws, session=session)
    created = demo_ws.query("SELECT g.name FROM goals g JOIN customers c ON c.id = g.customer_id WHERE c.name = ?",
                            (name,))
    assert created
    await decide("undo", None, ws=demo_ws, session=session)
    assert not demo_ws.query("SELECT 1 FROM goals g JOIN customers c ON c.id = g.customer_id WHERE c.name = ?", (name,))


async def test_update_metrics_offers_the_form_and_saves_after_confirmation(demo_ws):
    session = Session()
    ans = await answer("Update metrics for Acme Corp", ws=demo_ws, session=session)
    assert [n for n, _ in ans.results] == ["goal_measurement_form"]
    assert any(a.payload == {"form": "Acme Corp"} for a in ans.actions)
    form = ans.results[0][1]
    replies = iter(["18", "skip", "45%", "done"])
    asked = []

    async def ask(question: str):
        asked.append(question)
        return next(replies)
    values, skipped = await collect(form.fields, ask)
    assert [v["value"] for v in values] == [18.0, 45.0] and len(skipped) == 1 and len(asked) == 4
    held = await run_action({"tool": "record_measurements", "input": {"customer": "Acme Corp", "values": values}},
                            ws=demo_ws, session=session)
    assert "Not saved yet" in held.text
    saved = await decide("confirm", None, ws=demo_ws, session=session)
    assert "Recorded 2 measurements for Acme Corp" in saved.text


async def test_key_result_and_category_in_chat(demo_ws):
    session = Session()
    await answer("add a key result to Acme's onboarding goal: playbook steps automated from 0 to 8",
                 ws=demo_ws, session=session)
    saved = await answer("yes", ws=demo_ws, session=session)
    assert "Key result 'playbook steps automated' saved" in saved.text
    listed = await answer("show Acme's operational goals", ws=demo_ws, session=Session())
    assert "2 efficiency goals for Acme Corp" in listed.text


async def test_scripted_claude_shows_a_goal_and_holds_a_quote(demo_ws, claude):  # noqa: F811
    claude.script(tools(("t1", "show_goal", {"customer": "TechCorp", "goal": "reporting"})),
                  text("Here is TechCorp's reporting goal in detail."),
                  tools(("t2", "add_goal_quote", {"customer": "TechCorp", "goal": "reporting",
                                                  "text": "Two days, not five", "person": "Priya Nair"})),
                  text("I can add that quote once you confirm."))
    session = Session(id="s20")
    ans = await answer("How is TechCorp's reporting goal going?", ws=demo_ws, session=session, client=client(),
                       settings=settings(), registry=all_tools())
    assert ans.mode == "claude" and [n for n, _ in ans.results] == ["show_goal"]
    sent = tool_result_data(claude.bodies[1]["messages"][-1]["content"][0]["content"])
    assert sent["goal"]["name"] == "Automate month-end reporting" and sent["trend"]["streak"] == 9
    before = quotes(demo_ws)
    held = await answer("Add her quote: two days, not five", ws=demo_ws, session=session, client=client(),
                        settings=settings(), registry=all_tools())
    assert quotes(demo_ws) == before and session.pending and "Not saved yet" in held.text
    await answer("yes", ws=demo_ws, session=session, client=client(), settings=Settings(), registry=all_tools())
    assert quotes(demo_ws) == [*before, "Two days, not five"] and claude.all_used()
