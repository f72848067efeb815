"""Ratings read back from Chainlit's tables: the run Chainlit's thumbs rate, the answer inside it."""

from __future__ import annotations

import json

from agent.cli import main as cli
from tools.chat.feedback import list_ratings
from tools.chat.schema import history_url


def _thread(ws) -> None:
    rows = [
        ("u1", "user_message", "local", "How does Acme Corp compare to peers?", None, {}, "2026-01-01T10:00:00Z"),
        ("r1", "run", "on_message", "", None, {}, "2026-01-01T10:00:01Z"),
        ("t1", "tool", "compare customer", "- customer: Acme Corp", "r1", {}, "2026-01-01T10:00:02Z"),
        ("a1", "assistant_message", "peerbench", "Acme Corp is at the 48th percentile.", "r1",
         {"asked": "How does Acme Corp compare to peers?", "tools": ["compare_customer"]}, "2026-01-01T10:00:03Z"),
        ("u2", "user_message", "local", "and TechCorp?", None, {}, "2026-01-01T10:01:00Z"),
        ("a2", "assistant_message", "peerbench", "TechCorp is at the 99th percentile.", None, {}, "2026-01-01T10:01:02Z"),
    ]
    with ws.write() as db:
        db.execute("INSERT INTO users VALUES ('p1', 'local', '{}', '2026-01-01')")
        db.execute('INSERT INTO threads ("id", "name", "userId", "userIdentifier") VALUES '
                   "('th', 'How does Acme Corp compare to peers?', 'p1', 'local')")
        for sid, kind, name, out, parent, meta, at in rows:
            db.execute('INSERT INTO steps ("id", "type", "name", "output", "parentId", "metadata", "createdAt", '
                       '"threadId", "streaming") VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0)',
                       (sid, kind, name, out, parent, json.dumps(meta), at, "th"))
        db.execute("INSERT INTO feedbacks VALUES ('f1', 'r1', 'th', 0, 'Wrong peers')")
        db.execute("INSERT INTO feedbacks VALUES ('f2', 'a2', 'th', 1, NULL)")


async def test_ratings_say_what_was_asked_answered_and_which_tools_ran(ws):
    _thread(ws)
    down, up = sorted(await list_ratings(history_url(ws.path)), key=lambda r: r.rating)
    assert (down.rating, down.comment, down.asked, down.tools) == (
        "down", "Wrong peers", "How does Acme Corp compare to peers?", ["compare_customer"])
    assert down.answer == "Acme Corp is at the 48th percentile." and down.user == "local"
    # an answer without stored metadata: the question and tools are read from the thread
    assert (up.rating, up.asked, up.tools, up.comment) == ("up", "and TechCorp?", [], None)
    assert [r.rating for r in await list_ratings(history_url(ws.path), only="down")] == ["down"]


def test_peerbench_feedback_prints_them(ws, capsys):
    _thread(ws)
    assert cli(["--db", str(ws.path), "feedback"]) == 0
    out = capsys.readouterr().out
    assert "2 rated answers: 1 up, 1 down" in out
    assert "asked:    How does Acme Corp compare to peers?" in out and "comment:  Wrong peers" in out
    assert "tools:    compare_customer" in out
