"""Issue 20a in chat with a scripted Claude (no network): the new inputs reach the tools through
the schemas, and the answers carry the grouping, the metric subset, the distribution, the scatter,
the expected impact and the upload's step 2 (the grouping buttons before any comparison)."""

from __future__ import annotations

import shutil
from pathlib import Path

from agent.core import answer
from tests.agent.test_agent_fakes import claude, client, new_session, settings, text, tools  # noqa: F401
from tests.fakes.claude import tool_result_data
from tools.registry import all_tools

KBCM = Path(__file__).parents[1] / "fixtures" / "ingest" / "published" / "kbcm_style_acv_bands.csv"


async def _ask(ws, message, session=None, attachments=()):
    return await answer(message, ws=ws, session=session or new_session(), client=client(), settings=settings(),
                        registry=all_tools(), attachments=attachments)


def _schema(body, name):
    return next(t for t in body["tools"] if t["name"] == name)["input_schema"]["properties"]


async def test_claude_groups_the_portfolio_by_industry(demo_ws, claude):
    claude.script(tools(("t1", "compare_portfolio", {"group_by": "industry", "metrics": ["nps", "health_score"]})),
                  text("Here is the book by industry; the tables below have the details."))
    ans = await _ask(demo_ws, "group them by industry instead, NPS and health score only")
    (name, out), = ans.results
    assert name == "compare_portfolio" and out.group_by == "industry"
    assert [m.metric for m in out.metrics] == ["health_score", "nps"]
    assert {g.segment for g in out.peer_groups} >= {"FinTech", "Education"}
    assert "peer groups by industry" in ans.text and "data as of 2026-10" in ans.context_line
    body = claude.bodies[0]
    assert {"group_by", "metrics"} <= set(_schema(body, "compare_portfolio"))
    sent = tool_result_data(claude.bodies[1]["messages"][-1]["content"][0]["content"])
    assert sent["group_by"] == "industry" and claude.all_used()


async def test_claude_shows_a_metric_subset_with_the_full_distribution(demo_ws, claude):
    claude.script(tools(("t1", "compare_customer", {"customer": "Acme Corp", "metrics": ["nps", "renewal_rate"],
                                                   "distribution": True})),
                  text("Acme Corp is above the peer median on both."))
    ans = await _ask(demo_ws, "compare Acme on NPS and renewal rate only, with the full distribution")
    out = ans.results[0][1]
    assert out.focus == ["nps", "renewal_rate"] and out.show_distribution
    assert "| Metric | Value | Peer P25 | Peer median | Peer P75 | Peer P90 | Peer percentile |" in ans.text
    assert "percentile, average** among peers" in ans.text or "percentile, above average**" in ans.text
    sent = tool_result_data(claude.bodies[1]["messages"][-1]["content"][0]["content"])
    assert sent["position"] == out.position and sent["data_as_of"].startswith("data as of 2026-10")


async def test_claude_plots_feature_adoption_against_health_score(demo_ws, claude):
    claude.script(tools(("t1", "plot_metrics", {"customer": "Acme Corp", "x": "feature_adoption",
                                               "y": "health_score"})),
                  text("The chart marks Acme Corp among its anonymous peers."))
    ans = await _ask(demo_ws, "plot feature adoption against health score for Acme")
    out = ans.results[0][1]
    assert out.points >= 10 and out.scatter.account_x == 37.0
    chart = all_tools()["plot_metrics"].charts(out)
    assert chart[0][1][:8] == b"\x89PNG\r\n\x1a\n"
    sent = tool_result_data(claude.bodies[1]["messages"][-1]["content"][0]["content"])
    assert "peers_x" not in sent and sent["note"].startswith("association across peers, not causation")


async def test_claude_sees_the_expected_impact_with_its_caveat(demo_ws, claude):
    claude.script(tools(("t1", "recommend_improvements", {"customer": "Acme Corp"})),
                  text("Closing the feature adoption gap is associated with a higher health score."))
    ans = await _ask(demo_ws, "what is the expected impact of Acme's recommendations on health score")
    sent = tool_result_data(claude.bodies[1]["messages"][-1]["content"][0]["content"])
    impacts = [t for item in sent["in_plan"] for t in item["expected_impact"]]
    assert impacts and all(t.endswith("association, not causation)") for t in impacts)
    assert "**Expected impact** (peer correlation: association, not causation)" in ans.text


async def test_claude_proposes_the_grouping_before_comparing_an_upload(demo_ws, claude):
    staged = demo_ws.uploads_dir / "kbcm.csv"
    staged.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(KBCM, staged)
    claude.script(text("I propose grouping your accounts by ARR band, as the benchmark's rows are; confirm or choose."))
    session = new_session()
    ans = await _ask(demo_ws, "Compare my customers against these benchmarks", session, [staged])
    assert [n for n, _ in ans.results] == ["load_benchmarks"]
    data, told, asked = claude.bodies[0]["messages"][-1]["content"]
    assert told["text"].startswith("Step 2 of 3 (peer groups): the proposed grouping for a portfolio comparison is "
                                   "by ARR band")  # peerbench's instruction, outside the untrusted file data
    assert "Step 2" not in data["text"] and asked["text"] == "Compare my customers against these benchmarks"
    grouping = {a.label: a.payload["input"]["group_by"] for a in ans.actions if a.tools() == {"compare_portfolio"}}
    assert grouping["By ARR band (proposed)"] == "arr_band" and grouping["By industry"] == "industry"
    assert claude.all_used()
