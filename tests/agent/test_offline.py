"""The agent with the real tools: offline mode end to end, the scripted Claude against the
real compare_customer, attachments, the CLI and the agent bench."""

from __future__ import annotations

import json

import pytest

from agent.cli import main
from agent.core import NullEvents, answer
from agent.session import Session, Settings
from reports.figures import check
from reports.format import ordinal
from tests.agent.test_agent_fakes import BASE, claude, client, text, tools  # noqa: F401
from tests.factories import add_customers, add_quantile_benchmark
from tests.fakes.claude import tool_result_data
from tools.base import Tool
from tools.registry import all_tools

ENT = ["Acme Corp", "TechCorp", "DataPro", "CloudMax"] + [f"Enterprise Account {i:02d}" for i in range(10)]
DATA = __import__("pathlib").Path(__file__).resolve().parents[2] / "data" / "saas_industry_benchmarks_2026.csv"


def registry() -> dict[str, Tool]:
    return all_tools()


@pytest.fixture
def rws(ws):
    add_customers(ws, len(ENT), names=ENT, seed=3)
    add_customers(ws, 12, segment="SMB", industry="Retail", arr=10_000, seed=4, region="APAC")
    add_quantile_benchmark(ws, "Test Bench 2026", {"nps": {25: 10, 50: 30, 75: 45, 90: 60}})
    return ws


async def _offline(ws, message, session=None, **kw):
    return await answer(message, ws=ws, session=session or Session(id="offline"), registry=registry(),
                        settings=Settings(), **kw)


async def test_offline_compare_has_correct_figures(rws):
    from tools.compare.compare_customer import CompareCustomerInput, compare_customer
    ans = await _offline(rws, "How does acme compare to peers?")
    assert ans.mode == "offline" and ans.notices[0].startswith("Offline mode")
    (name, out), = ans.results
    assert name == "compare_customer" and out.customer == "Acme Corp"
    direct = compare_customer(rws, CompareCustomerInput(customer="Acme Corp"))
    assert out.overall_percentile == direct.overall_percentile
    assert f"**{ordinal(direct.overall_percentile)} percentile overall**" in ans.text
    assert "| Metric | Value | Peer median |" in ans.text
    assert check(ans.narrative, [out]) == []  # the template invents no figure
    row = rws.query("SELECT name, session, error FROM tool_calls")[0]
    assert row == {"name": "compare_customer", "session": "offline", "error": None}


async def test_offline_follow_ups_in_one_session(rws):
    s = Session()
    await _offline(rws, "How does Acme Corp compare to peers?", s)
    ans = await _offline(rws, "and TechCorp?", s)
    assert ans.results[0][1].customer == "TechCorp"
    ans = await _offline(rws, "what should they do first?", s)
    assert "not available yet" in ans.text or ans.results[0][0] == "recommend_improvements"
    assert s.context.customer == "TechCorp"


async def test_offline_unknown_customer_asks_back(rws):
    ans = await _offline(rws, "How does Zebra Industries compare?")
    assert ans.results == [] and "Zebra" in ans.text and ans.mode == "offline"


async def test_offline_small_cohort_error_is_explained(rws):
    ans = await _offline(rws, "Compare Acme Corp vs Enterprise peers over $5M ARR")
    assert ans.results == [] and "at least 10" in ans.text


async def test_offline_lists_the_benchmark_sets(rws):
    ans = await _offline(rws, "Which benchmark sets are loaded?")
    assert [n for n, _ in ans.results] == ["list_benchmarks"] and "Test Bench 2026" in ans.text


async def test_offline_help_for_unmapped(rws):
    ans = await _offline(rws, "Tell me a joke")
    assert "I can help with" in ans.text and ans.results == []


async def test_attachment_is_loaded_first_and_used(rws):
    session = Session(id="offline")
    loaded = await _offline(rws, "Compare my customers against these benchmarks", session, attachments=[DATA])
    assert [n for n, _ in loaded.results] == ["load_benchmarks"]  # step 2 first: the peer grouping
    summary = loaded.results[0][1].summary
    assert summary in loaded.text.split("\n\n")[0] and loaded.results[0][1].name in loaded.text.split("\n\n")[0]
    assert "Step 2 of 3: peer groups" in loaded.text and "I propose **by segment**" in loaded.text
    grouping = [a.label for a in loaded.actions if a.tools() == {"compare_portfolio"}]
    assert grouping[:3] == ["By segment (proposed)", "By industry", "By ARR band"]
    ans = await _offline(rws, "yes", session)
    assert ans.results[0][0] == "compare_portfolio" and ans.results[0][1].group_by == "segment"
    ans.results = [loaded.results[0], *ans.results]
    assert ans.results[1][1].benchmark.name == ans.results[0][1].name
    batch = next(a for a in ans.actions if a.label.startswith("Create benchmark reports per customer"))
    calls = batch.payload["calls"]
    assert 0 < len(calls) <= 50 and {c["tool"] for c in calls} == {"draft_report"}
    assert {c["input"]["customer"] for c in calls} <= set(ENT) | {f"SMB Retail {i:02d}" for i in range(12)}
    assert "Export full analysis" in [a.label for a in ans.actions]


async def test_bad_attachment_stops_the_answer(rws, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_bytes(b"\x00\x01 not a csv")
    before = rws.query("SELECT COUNT(*) AS n FROM benchmark_sets")
    ans = await _offline(rws, "Compare my customers against these benchmarks", attachments=[bad])
    assert any(n.startswith("Could not import bad.csv") for n in ans.notices)
    assert ans.results == [] and "Nothing was changed" in ans.text
    assert rws.query("SELECT COUNT(*) AS n FROM benchmark_sets") == before


async def test_scripted_claude_with_the_real_compare_customer(rws, claude):
    def narrate(request):
        body = json.loads(request.content)
        last = body["messages"][-1]["content"]
        if isinstance(last, str):
            return tools(("t1", "compare_customer", {"customer": "acme", "cohort_type": "segment"}))
        data = tool_result_data(last[0]["content"])
        return text(f"{data['customer']} is at the {ordinal(data['overall_percentile'])} percentile overall "
                    f"among {data['cohort']['size']} peers.")
    claude.route.mock(side_effect=narrate)
    ans = await answer("How does Acme compare to peers?", ws=rws, session=Session(), client=client(),
                       registry=registry(), settings=Settings())
    out = ans.results[0][1]
    assert ans.mode == "claude" and claude.route.call_count == 2
    assert ans.narrative.startswith(f"Acme Corp is at the {ordinal(out.overall_percentile)} percentile")
    if "draft_report" in registry():
        assert [a.label for a in ans.actions][:3] == ["Export report (DOCX)", "Export PDF", "Generate QBR slide"]


async def test_scripted_claude_wrong_figure_against_real_output(rws, claude):
    claude.script(tools(("t1", "compare_customer", {"customer": "Acme Corp"})),
                  text("Acme Corp is at the 99.9th percentile overall."), text("Acme Corp sits at 1234 NPS."))
    ans = await answer("How does Acme compare to peers?", ws=rws, session=Session(), client=client(),
                       registry=registry(), settings=Settings())
    assert ans.mode == "fallback" and "99.9" not in ans.text and "1234" not in ans.text
    assert "percentile overall" in ans.text  # the template narrative instead


async def test_run_action_validates_the_payload(rws):
    from agent.core import run_action
    from tools.base import ToolError
    with pytest.raises(ToolError):
        await run_action({"tool": "manage_goals", "input": {"action": "delete", "goal": "1"}}, ws=rws,
                         session=Session(), registry=registry())
    if "draft_report" in registry():
        ans = await run_action({"tool": "draft_report", "input": {"customer": "Acme Corp", "kind": "benchmark",
                                                                 "format": "md", "sneaky": 1}},
                               ws=rws, session=Session(), registry=registry(), events=NullEvents())
        assert ans.results and ans.results[0][0] == "draft_report"


def test_cli_ask_prints_markdown(rws, capsys, monkeypatch):
    monkeypatch.setattr("agent.core._registry", lambda r: registry())
    assert main(["--db", str(rws.path), "ask", "How does Acme Corp compare to peers?"]) == 0
    out = capsys.readouterr()
    assert out.out.startswith("_Offline mode") and "| Metric | Value |" in out.out
    assert "-> peer comparison: Acme Corp" in out.err and "Peer group: same segment" in out.err
    assert "compare_customer" not in out.err and "{" not in out.err  # plain words, no tool name or JSON


def test_agent_bench_counts_calls_and_bytes(monkeypatch):
    from tests import bench_agent as chat
    monkeypatch.setattr(chat, "_demo", lambda ws: (add_customers(ws, len(ENT), names=ENT, seed=3),
                                                   add_customers(ws, 12, segment="SMB", seed=4)))
    out = chat.agent_bench(("How does Acme Corp compare to peers?",
                            "How do Acme Corp and TechCorp compare to peers?"), quiet=True)
    first, second = out["questions"]
    assert first["model_calls"] == 2 and second["model_calls"] == 2
    assert first["bytes_sent"] > out["cached_prefix_bytes"] * 2
    assert 0 < first["tool_result_bytes"] <= 8000 and second["tools"] == ["compare_accounts"]  # side by side


async def test_report_answer_offers_the_other_formats(rws):
    ans = await _offline(rws, "Create a benchmark report for Acme Corp to share with them")
    labels = [a.label for a in ans.actions]
    assert "Export PDF" in labels and "Export report (DOCX)" not in labels  # the DOCX is already there
    pdf = next(a for a in ans.actions if a.label == "Export PDF")
    assert pdf.payload == {"tool": "draft_report", "input": {"customer": "Acme Corp", "kind": "benchmark",
                                                             "format": "pdf"}}
