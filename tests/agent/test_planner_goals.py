"""Goals in plain words: the planner fills target and date, the template the rest (issue 7)."""

from __future__ import annotations

import datetime as dt

import pytest

from agent.core import Session
from agent.planner import plan
from agent.understand.dates import find_date


@pytest.mark.parametrize("text,iso", [
    ("by June 30", "2027-06-30"), ("by 30 June 2026", "2026-06-30"), ("before Dec 31st", "2026-12-31"),
    ("due 2027-01-15", "2027-01-15"), ("by March 3, 2027", "2027-03-03"), ("no date here", None),
])
def test_natural_dates_resolve_to_the_next_such_day(text, iso):
    assert find_date(text, dt.date(2026, 11, 1))[0] == iso


def test_add_nps_goal_in_plain_words(demo_ws):
    p = plan("add an NPS goal for Acme to reach 50 by June 30", demo_ws, Session())
    (call,) = p.calls
    assert call.name == "manage_goals"
    assert call.input == {"action": "create", "customer": "Acme Corp", "metric": "nps", "name": "Improve NPS",
                          "target": 50.0, "target_date": "2027-06-30"}


async def test_goal_created_with_baseline_from_current_nps(demo_ws):
    from agent.core import answer

    session = Session()
    held = await answer("add an NPS goal for Acme to reach 50 by June 30", ws=demo_ws, session=session)
    assert "Not saved yet" in held.text and "target 50" in held.text
    assert [a.label for a in held.actions][:2] == ["Save this change", "Cancel"]
    assert demo_ws.query("SELECT count(*) AS n FROM goals WHERE name = 'Improve NPS'")[0]["n"] == 0
    ans = await answer("yes", ws=demo_ws, session=session)  # the confirmation the chat asks for
    out = ans.results[0][1]
    assert out.goal.target == 50 and out.goal.target_date == "2027-06-30"
    latest = demo_ws.query("SELECT value FROM metric_values mv JOIN customers c ON c.id = mv.customer_id "
                           "WHERE c.name = 'Acme Corp' AND metric = 'nps' ORDER BY period DESC LIMIT 1")[0]["value"]
    assert out.goal.baseline == latest
    assert ans.text.count("Created goal") == 1
