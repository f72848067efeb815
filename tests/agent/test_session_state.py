"""A conversation's agent state survives a resume (issue 18)."""

from __future__ import annotations

import datetime as dt

from agent.session import Session, ToolCall
from agent.session_state import dump, from_messages, load


def test_the_whole_state_round_trips_through_json():
    import json

    s = Session()
    s.remember("How does Acme Corp compare to peers?", "Acme Corp is at the 48th percentile.")
    s.note_call(ToolCall("compare_customer", {"customer": "Acme Corp", "cohort_type": "segment"}), "Acme Corp")
    s.analysis.learn({"customer": "Acme Corp", "cohort_type": "custom", "criteria": {"segment": "Enterprise"},
                      "benchmark": "SaaS Industry 2026", "peer_group": "Enterprise accounts (102)"})
    s.analysis.as_of = dt.date(2026, 11, 1)
    s.scope.known_accounts.update({3, 1, 2})
    s.pending = {"id": "ab" * 8, "kind": "tool", "tool": "manage_goals", "input": {"action": "create"}}
    back = load(json.loads(json.dumps(dump(s))))
    assert back.id == s.id and back.history == s.history and back.scope.key == s.scope.key
    assert back.context.call == s.context.call and back.context.customer == "Acme Corp"
    assert back.analysis == s.analysis and back.analysis.line(dt.date(2026, 1, 1)) == s.analysis.line(dt.date(2026, 1, 1))
    assert back.scope.known_accounts == {1, 2, 3} and back.pending == s.pending


def test_an_unreadable_state_gives_none_and_messages_rebuild_the_history():
    assert load(None) is None and load({"version": 99, "id": "x"}) is None
    assert load({"version": 1, "id": "x", "analysis": {"as_of": "not a date"}}) is None
    s = from_messages([("user", "hello"), ("assistant", "hi"), ("assistant", "more"), ("tool", "x")])
    assert s.history == [{"role": "user", "content": "hello"}, {"role": "assistant", "content": "hi\n\nmore"}]
