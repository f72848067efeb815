"""The offline planner against the phrasing table (tests/agent/phrasings): tool and key slots per phrasing.

dev.toml is the share the planner is tuned on: every case must pass. heldback.toml was written
before the planner and is only measured: at least 95% must pass (the issue's "done" bar).
"""

from __future__ import annotations

import pytest

from agent.cli.bench_planner import TABLE_DIR, load_cases, matches, run_case, run_planner_bench
from tools.store.workspace import Workspace

DEV = load_cases(TABLE_DIR / "dev.toml")
HELD = load_cases(TABLE_DIR / "heldback.toml")


@pytest.fixture(scope="module")
def table_ws(demo_db):
    """The demo workspace, read only (planning writes nothing)."""
    ws = Workspace(demo_db)
    yield ws
    ws.close()


def test_table_size_and_shares():
    assert len(DEV) + len(HELD) >= 250
    assert len(HELD) / (len(DEV) + len(HELD)) >= 0.30
    kinds = {c.get("expect", "tool") for c in DEV + HELD}
    assert kinds == {"tool", "ask", "help"}
    assert sum("before" in c for c in DEV + HELD) >= 30 and sum("then" in c for c in DEV + HELD) >= 15


def test_every_example_of_the_issue_is_in_the_table():
    issue = {c["say"] for c in DEV if c.get("source") == "issue"}
    for quoted in ("which of my enterprise accounts are lagging on NPS", "who should OldCorp learn from",
                   "show me acme's goals", "what are Acme Corp's goals?", "Is Acme Corp achieving their goals?",
                   "how much value has TechCorp gotten from us", "Value metrics for Acme",
                   "what are the top accounts doing differently on adoption",
                   "give me an improvment plan for legacyco", "has acme gotten better or worse over the last year",
                   "show Acme's health score trend over the last 6 months",
                   "set a goal for BetaInc to get NPS to 45 by end of March",
                   "which of my accounts are at risk of churn?", "What value have we delivered this quarter?",
                   "Compare success rates across enterprise accounts", "Generate a success report for QBR",
                   "acme corp nps vs industry", "compare acme and techcorp side by side", "only Enterprise peers"):
        assert quoted in issue


@pytest.mark.parametrize("case", DEV, ids=[f"{i:03d} {c['say'][:40]}" for i, c in enumerate(DEV)])
def test_development_phrasing(table_ws, case):
    outcome = run_case(case, table_ws)
    assert outcome.ok, f"{case['say']!r} -> {outcome.got}; expected {case.get('tool') or case.get('expect')} " \
                       f"{case.get('slots', '')}"


def test_held_back_accuracy_is_at_least_95_percent(table_ws):
    outcomes = [run_case(c, table_ws) for c in HELD]
    misses = [f"{o.case['say']!r} -> {o.got}" for o in outcomes if not o.ok]
    assert sum(o.ok for o in outcomes) / len(outcomes) >= 0.95, misses


def test_matching_rules():
    assert matches({"a": 1.0, "b": {"c": "x"}}, {"a": 1, "b": {"c": "x", "d": 2}, "e": 3})
    assert not matches({"a": 1.0}, {"a": 2})
    assert matches({"metrics": "<none>"}, {"customer": "Acme Corp"})
    assert not matches({"metrics": "<none>"}, {"metrics": ["nps"]})
    assert not matches({"customers": ["A", "B"]}, {"customers": ["B", "A"]})


def test_bench_prints_both_shares(capsys):
    figures = run_planner_bench()
    out = capsys.readouterr().out
    assert "development" in out and "held back" in out
    assert set(figures) == {"development", "held back"}
    right, total = figures["held back"]
    assert total == len(HELD) and right / total >= 0.95
    assert "miss:" not in out.split("held back")[1]  # held-back misses are not listed unless asked
