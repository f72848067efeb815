"""Full names are tested by substring before their pattern: the same accounts are found."""

from __future__ import annotations

import pytest

from agent.understand import names as nm

NAMES = ["Acme Corp", "ACME", "TechCorp", "Müller GmbH", "Straße AG", "K Labs", "Data.Pro", "Beta (EU)", "O'Neil & Co",
         "acme corp ltd", "X", "Zeta\u200bWorks"]
MESSAGES = ["How does acme corp compare?", "compare ACME CORP LTD and techcorp", "what about müller gmbh",
            "MÜLLER GMBH vs Straße ag", "k labs and data.pro", "beta (eu) top performers", "o'neil & co nps",
            "who is below benchmark?", "Zetaworks and x", "Kelvin \u212a Labs"]


@pytest.mark.parametrize("message", MESSAGES)
def test_prefilter_finds_what_every_pattern_finds(message, monkeypatch):
    fast = nm.find_names(message, NAMES)
    monkeypatch.setattr(nm, "_may_occur", lambda text, names: names)
    slow = nm.find_names(message, NAMES)
    assert fast.accounts == slow.accounts and fast.unknown == slow.unknown and fast.candidates == slow.candidates


def test_prefilter_keeps_only_possible_names():
    kept = nm._may_occur("compare acme corp with k labs", NAMES)
    assert {"Acme Corp", "ACME", "K Labs", "Müller GmbH", "Straße AG", "Zeta\u200bWorks"} == set(kept)
