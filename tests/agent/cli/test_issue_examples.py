"""Every example of issue 14 through the CLI (`peerbench ask`, `peerbench chat`), as a CSM types it."""

from __future__ import annotations

import re

import pytest

from agent.cli import main
from tools.registry import all_tools

TOOL_NAMES = re.compile(r"\b(" + "|".join(map(re.escape, all_tools())) + r")\b")

EXAMPLES = [
    ("which of my enterprise accounts are lagging on NPS", "portfolio vs benchmarks: Enterprise, NPS",
     "accounts are below the benchmark's 25th percentile on NPS"),
    ("who should OldCorp learn from", "peers to learn from: OldCorp", "Who OldCorp can learn from"),
    ("show me acme's goals", "goals: Acme Corp", "success goals for Acme Corp"),
    ("what are Acme Corp's goals?", "goals: Acme Corp", "success goals for Acme Corp"),
    ("Is Acme Corp achieving their goals?", "goals, value and ROI: Acme Corp", "Success metrics: Acme Corp"),
    ("how much value has TechCorp gotten from us", "goals, value and ROI: TechCorp", "Value delivered"),
    ("Value metrics for Acme", "goals, value and ROI: Acme Corp", "Value delivered"),
    ("what are the top accounts doing differently on adoption", "top-performer practices: Adoption Score",
     "Most recorded practices"),
    ("give me an improvment plan for legacyco", "improvement plan: LegacyCo", "Improvement plan for LegacyCo"),
    ("has acme gotten better or worse over the last year", "position history: Acme Corp",
     "Overall percentile among Enterprise peers"),
    ("show Acme's health score trend over the last 6 months", "Health Score history: Acme Corp",
     "Health Score over time"),
    ("set a goal for BetaInc to get NPS to 45 by end of March", "new goal: BetaInc", "2027-03-31"),
    ("which of my accounts are at risk of churn?", "churn-risk scan", "show churn signals"),
    ("What value have we delivered this quarter?", "goal success across the portfolio, this quarter",
     "realised"),
    ("Compare success rates across enterprise accounts", "goal success across the portfolio: Enterprise",
     "Goal success: Enterprise"),
    ("Generate a success report for QBR", None, "Which customer is the report for?"),
    ("acme corp nps vs industry", "peer comparison: Acme Corp", "**Acme Corp**'s NPS is"),
    ("compare acme and techcorp side by side", "side-by-side comparison: Acme Corp, TechCorp",
     "| Metric | Acme Corp | TechCorp | Industry median |"),
]


@pytest.mark.parametrize("message,step,answer", EXAMPLES, ids=[e[0][:40] for e in EXAMPLES])
def test_issue_example_in_the_cli(demo_ws, capsys, message, step, answer):
    assert main(["--db", str(demo_ws.path), "ask", message]) == 0
    out = capsys.readouterr()
    assert answer in out.out, out.out[:600]
    if step is None:
        assert out.err == ""  # a question back runs nothing
    else:
        assert out.err.startswith(f"-> {step}"), out.err
    assert not TOOL_NAMES.search(out.out + out.err)


def _chat(monkeypatch, capsys, ws, lines: list[str]) -> str:
    feed = iter(lines)

    def fake_input(prompt=""):
        try:
            return next(feed)
        except StopIteration:
            raise EOFError from None

    monkeypatch.setattr("builtins.input", fake_input)
    assert main(["--db", str(ws.path), "chat"]) == 0
    return capsys.readouterr()


def test_the_pending_report_is_completed_by_the_answer_in_the_chat(demo_ws, capsys, monkeypatch):
    out = _chat(monkeypatch, capsys, demo_ws, ["Generate a success report for QBR", "Acme Corp"])
    assert "Which customer is the report for?" in out.out and "Success Metrics Report: Acme Corp" in out.out
    assert "-> success report: Acme Corp (DOCX)" in out.err and "peer comparison" not in out.err


def test_only_enterprise_peers_after_a_mid_market_account_in_the_chat(demo_ws, capsys, monkeypatch):
    out = _chat(monkeypatch, capsys, demo_ws, ["How does Acme Corp compare to peers?", "and GrowthCo?",
                                               "only Enterprise peers"])
    assert out.err.count("-> peer comparison") == 3 and "could not complete" not in out.err
    assert "**GrowthCo** is at the" in out.out and "103 accounts in its peer group (Enterprise accounts)" in out.out
