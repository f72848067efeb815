"""The measurement form in the Chainlit handlers: [Fill in the measurement form] asks for each value
(AskUserMessage), then the values wait for [Save this change] and can be undone (issue 20)."""

from __future__ import annotations

from tests.agent.ui.test_handlers import app_module, ask, demo_db, use_chainlit, ws  # noqa: F401


async def test_update_metrics_form_asks_then_saves_on_confirmation(ws, monkeypatch):  # noqa: F811
    import chainlit as cl

    rec, _ = use_chainlit()
    app = app_module()
    await app.on_chat_start()
    asked, replies = [], iter(["17.5", "skip", "done"])

    class FakeAsk:  # the browser's answers to each question
        def __init__(self, content, timeout):
            asked.append(content)

        async def send(self):
            return {"output": next(replies)}

    monkeypatch.setattr(cl, "AskUserMessage", FakeAsk)
    await ask("Update metrics for Acme Corp")
    form = next(a for a in rec.actions() if a["label"] == "Fill in the measurement form")
    before = ws.query("SELECT count(*) AS n FROM goal_measurements")[0]["n"]
    await app.on_action(cl.Action(name="peerbench_action", payload=form["payload"], label=form["label"]))
    assert len(asked) == 3 and "Reduce ticket resolution time" in asked[0] and "Latest 11.5 h" in asked[0]
    assert "Not saved yet" in rec.messages()[-1]["output"]
    assert ws.query("SELECT count(*) AS n FROM goal_measurements")[0]["n"] == before
    save = next(a for a in rec.actions() if a["label"] == "Save this change")
    await app.on_action(cl.Action(name="peerbench_action", payload=save["payload"], label=save["label"]))
    assert "Recorded 1 measurement for Acme Corp" in rec.messages()[-1]["output"]
    assert ws.query("SELECT count(*) AS n FROM goal_measurements")[0]["n"] == before + 1
