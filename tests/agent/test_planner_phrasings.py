"""The offline planner: a table of phrasings -> the tool chosen and its key inputs."""

from __future__ import annotations

import pytest

from agent.planner import plan
from agent.session import Session, Settings, ToolCall
from tools.store.workspace import now_iso

NAMES = [("Acme Corp", "Enterprise", "SaaS", "North America"), ("TechCorp", "Enterprise", "FinTech", "EMEA"),
         ("DataPro", "Mid-Market", "SaaS", "EMEA"), ("DataSync", "Mid-Market", "Healthcare", "APAC"),
         ("CloudMax", "Enterprise", "SaaS", "APAC"), ("OldCorp", "Mid-Market", "Healthcare", "North America"),
         ("SmallBiz", "SMB", "SaaS", "North America"), ("LegacyCo", "Enterprise", "FinTech", "EMEA"),
         ("StartupXYZ", "SMB", "FinTech", "APAC"), ("BetaInc", "SMB", "SaaS", "EMEA"),
         ("GrowthCo", "Mid-Market", "SaaS", "North America")]


@pytest.fixture
def pws(ws):
    with ws.write() as db:
        for i, (name, seg, ind, reg) in enumerate(NAMES):
            db["customers"].insert({"name": name, "segment": seg, "industry": ind, "region": reg,
                                    "arr": 50_000 + 20_000 * i, "contract_start": "2024-01-01",
                                    "created_at": now_iso(), "updated_at": now_iso()})
        db["benchmark_sets"].insert({"name": "SaaS Industry 2026", "source": "Survey", "year": 2026,
                                     "kind": "quantiles", "active": 1, "loaded_at": now_iso(), "owner": ""})
        db["cohorts"].insert({"name": "fintech-ent", "criteria_json": "{}", "size": 12, "created_at": now_iso()})
    return ws


def _sub(expected: dict, actual: dict) -> bool:
    return all(actual.get(k) == v if not isinstance(v, dict) else _sub(v, actual.get(k) or {})
               for k, v in expected.items())


# (message, tool, key inputs)
TABLE = [
    ("How does Acme Corp compare to peers?", "compare_customer", {"customer": "Acme Corp"}),
    ("how does acme compare to peers", "compare_customer", {"customer": "Acme Corp"}),
    ("Compare Acme vs Enterprise SaaS peers over $100K ARR", "compare_customer",
     {"customer": "Acme Corp", "cohort_type": "custom",
      "criteria": {"segment": "Enterprise", "industry": "SaaS", "arr_min": 100_000}}),
    ("Benchmark TechCorp against its industry peers", "compare_customer",
     {"customer": "TechCorp", "cohort_type": "industry"}),
    ("How is DataPro doing compared to similar size accounts?", "compare_customer",
     {"customer": "DataPro", "cohort_type": "size"}),
    ("Compare CloudMax with accounts in the same region", "compare_customer",
     {"customer": "CloudMax", "cohort_type": "region"}),
    ("compare oldcorp to customers with a similar contract age", "compare_customer",
     {"customer": "OldCorp", "cohort_type": "contract_age"}),
    ("Where does StartupXYZ rank among all customers?", "compare_customer",
     {"customer": "StartupXYZ", "cohort_type": "all"}),
    ("Compare Acme Corp to Mid-Market peers between $50K and $250K ARR", "compare_customer",
     {"cohort_type": "custom", "criteria": {"segment": "Mid-Market", "arr_min": 50_000, "arr_max": 250_000}}),
    ("Acme vs EMEA peers", "compare_customer", {"customer": "Acme Corp", "criteria": {"region": "EMEA"}}),
    ("Compare Acme Corp against the SaaS Industry 2026 benchmark", "compare_customer",
     {"customer": "Acme Corp", "benchmark": "SaaS Industry 2026"}),
    ("Compare Acme to peers who have been customers for more than 2 years", "compare_customer",
     {"customer": "Acme Corp", "criteria": {"contract_age_min_months": 24}}),
    ("Compare Acme against the fintech-ent cohort", "compare_customer",
     {"customer": "Acme Corp", "criteria": {"saved": "fintech-ent"}}),
    ("How does my portfolio stack up against benchmarks?", "compare_portfolio", {}),
    ("Compare all my customers to the SaaS Industry 2026 benchmark", "compare_portfolio",
     {"benchmark": "SaaS Industry 2026"}),
    ("Who is below benchmark?", "compare_portfolio", {}),
    ("Which accounts are lagging on NPS?", "compare_portfolio", {"metric": "nps"}),
    ("Show me the benchmark sets", "list_benchmarks", {}),
    ("Which benchmarks are loaded?", "list_benchmarks", {}),
    ("What do top performers do for NPS?", "find_best_practices", {"metric": "nps"}),
    ("Best practices for time to value", "find_best_practices", {"metric": "time_to_value_days"}),
    ("Who are the best at DAU/MAU and what do they do?", "find_best_practices", {"metric": "dau_mau"}),
    ("Generate best practice playbooks", "find_best_practices", {"metric": None}),
    ("What should Acme do to improve?", "recommend_improvements", {"customer": "Acme Corp"}),
    ("Create an achievement plan for DataPro", "recommend_improvements", {"customer": "DataPro"}),
    ("Recommendations for TechCorp", "recommend_improvements", {"customer": "TechCorp"}),
    ("How can BetaInc improve its NPS?", "recommend_improvements", {"customer": "BetaInc", "metric": "nps"}),
    ("What ROI has Acme Corp seen?", "compute_roi", {"customer": "Acme Corp"}),
    ("Show success metrics for TechCorp", "compute_roi", {"customer": "TechCorp"}),
    ("Value delivered for GrowthCo this quarter", "compute_roi", {"customer": "GrowthCo", "period": "this_quarter"}),
    ("What was Acme's ROI in Q3 2026?", "compute_roi", {"customer": "Acme Corp", "period": "2026-Q3"}),
    ("Which goals are at risk?", "portfolio_success", {}),
    ("Which goals are at risk across Enterprise accounts?", "portfolio_success", {"segment": "Enterprise"}),
    ("Add a goal for Acme: improve NPS from 30 to 50 by 2026-12-31", "manage_goals",
     {"action": "create", "customer": "Acme Corp", "metric": "nps", "baseline": 30, "target": 50,
      "target_date": "2026-12-31"}),
    ("Record 45 for Acme's NPS goal", "manage_goals",
     {"action": "measure", "customer": "Acme Corp", "goal": "NPS", "value": 45}),
    ("Update the NPS goal for Acme Corp to a target of 60", "manage_goals",
     {"action": "update", "customer": "Acme Corp", "goal": "NPS", "target": 60}),
    ("Record 11.5 for Acme's 'Reduce ticket resolution time' goal", "manage_goals",
     {"action": "measure", "customer": "Acme Corp", "goal": "Reduce ticket resolution time", "value": 11.5}),
    ("Create a report on Acme's goals as PDF", "draft_report",
     {"customer": "Acme Corp", "kind": "success", "format": "pdf"}),
    ("Create a QBR slide for Acme", "draft_report", {"customer": "Acme Corp", "kind": "qbr", "format": "pptx"}),
    ("Export Acme's benchmark report as PDF", "draft_report",
     {"customer": "Acme Corp", "kind": "benchmark", "format": "pdf"}),
    ("Generate a success report for TechCorp in Word", "draft_report",
     {"customer": "TechCorp", "kind": "success", "format": "docx"}),
    ("Export the portfolio analysis to Excel", "draft_report", {"kind": "portfolio", "format": "xlsx"}),
    ("How has Acme's benchmark position changed over time?", "benchmark_history", {"customer": "Acme Corp"}),
    ("Show the history for DataPro", "benchmark_history", {"customer": "DataPro"}),
    ("What changed for Acme since last quarter?", "benchmark_history", {"customer": "Acme Corp"}),
    ("Save the cohort of Enterprise SaaS accounts over $100K ARR as big-saas", "build_cohort",
     {"segment": "Enterprise", "industry": "SaaS", "arr_min": 100_000, "save_as": "big-saas"}),
    ("How many Enterprise SaaS accounts are over $100K ARR?", "build_cohort",
     {"segment": "Enterprise", "industry": "SaaS", "arr_min": 100_000}),
    ("Build a peer group of Enterprise FinTech accounts and save it as big-fintech", "build_cohort",
     {"segment": "Enterprise", "industry": "FinTech", "save_as": "big-fintech"}),
]


@pytest.mark.parametrize("message,tool,inputs", TABLE, ids=[t[0][:40] for t in TABLE])
def test_phrasing(pws, message, tool, inputs):
    p = plan(message, pws, Session(), Settings())
    assert p.question is None and p.text is None, (p.question, p.text)
    assert p.call is not None and p.call.name == tool, p
    assert _sub(inputs, p.call.input), p.call.input


def test_table_size():
    assert len(TABLE) >= 40


def test_two_customers_one_side_by_side_call(pws):
    p = plan("How do Acme Corp and TechCorp compare to peers?", pws, Session())
    assert [(c.name, c.input["customers"]) for c in p.calls] == [("compare_accounts", ["Acme Corp", "TechCorp"])]


def test_a_bare_account_name_is_asked_about_not_answered(pws):
    s = Session()
    p = plan("acme corp", pws, s)
    assert not p.calls and "Acme Corp" in p.question
    assert [o.label for o in p.options][:2] == ["Compare Acme Corp with peers", "Show Acme Corp's goals"]
    follow = plan(p.options[1].payload["message"], pws, s)
    assert follow.call.name == "manage_goals" and follow.call.input == {"action": "list", "customer": "Acme Corp"}


def test_attached_benchmarks_propose_the_grouping_then_compare_the_portfolio(pws):
    s = Session()
    p = plan("Compare my customers against these benchmarks", pws, s, loaded_benchmark="Uploaded 2026")
    assert not p.calls and "Step 2 of 3" in p.question
    assert [o.payload["input"]["group_by"] for o in p.options][:3] == ["segment", "industry", "arr_band"]
    assert all(o.payload["input"]["benchmark"] == "Uploaded 2026" for o in p.options)
    p = plan("yes", pws, s)
    assert p.call == ToolCall("compare_portfolio", {"benchmark": "Uploaded 2026", "group_by": "segment"})


@pytest.mark.parametrize("reply, grouping", [("by industry", "industry"), ("group them by ARR band", "arr_band"),
                                             ("custom: by region", "region")])
def test_the_proposed_grouping_can_be_changed_by_typing(pws, reply, grouping):
    s = Session()
    plan("Compare my customers against these benchmarks", pws, s, loaded_benchmark="Uploaded 2026")
    assert plan(reply, pws, s).call.input == {"benchmark": "Uploaded 2026", "group_by": grouping}


def test_an_upload_that_names_the_grouping_compares_at_once(pws):
    p = plan("Compare my customers against these benchmarks by industry", pws, Session(),
             loaded_benchmark="Uploaded 2026")
    assert p.call == ToolCall("compare_portfolio", {"benchmark": "Uploaded 2026", "group_by": "industry"})


def test_one_shot_ask_takes_the_proposal(pws):
    p = plan("Compare my customers against these benchmarks", pws, Session(), Settings(propose_grouping=False),
             loaded_benchmark="Uploaded 2026")
    assert p.call == ToolCall("compare_portfolio", {"benchmark": "Uploaded 2026", "group_by": "segment"})


@pytest.mark.parametrize("message", ["help", "What can you do?", "What's the weather like?", ""])
def test_help(pws, message):
    p = plan(message, pws, Session())
    assert p.text and "Compare an account" in p.text and not p.calls


def test_unknown_name_asks_back(pws):
    p = plan("How does Zebra Industries compare?", pws, Session())
    assert not p.calls and "Zebra" in p.question


def test_ambiguous_name_offers_close_matches(pws):
    p = plan("how does data compare to peers", pws, Session())
    assert not p.calls and "DataPro" in p.question and "DataSync" in p.question


def test_typo_resolves(pws):
    assert plan("how does acme crop compare", pws, Session()).call.input["customer"] == "Acme Corp"


def test_no_customer_asks_which(pws):
    p = plan("Compare to peers please", pws, Session())
    assert not p.calls and "Which customer" in p.question


# --- follow-ups -------------------------------------------------------------

def _after(pws, first: str) -> Session:
    s = Session()
    p = plan(first, pws, s)
    s.note_call(p.call, p.customer)
    s.context.report_kind = {"compare_customer": "benchmark", "compute_roi": "success"}.get(p.call.name)
    return s


@pytest.mark.parametrize("first,follow,tool,inputs", [
    ("How does Acme Corp compare to peers?", "and TechCorp?", "compare_customer",
     {"customer": "TechCorp"}),
    ("How does Acme Corp compare to peers?", "what about datapro", "compare_customer", {"customer": "DataPro"}),
    ("How does Acme Corp compare to peers?", "only Enterprise peers", "compare_customer",
     {"customer": "Acme Corp", "cohort_type": "custom", "criteria": {"segment": "Enterprise"}}),
    ("Compare Acme vs SaaS peers", "just the ones over $250K ARR", "compare_customer",
     {"customer": "Acme Corp", "criteria": {"industry": "SaaS", "arr_min": 250_000}}),
    ("How does Acme Corp compare to peers?", "export that as PDF", "draft_report",
     {"customer": "Acme Corp", "kind": "benchmark", "format": "pdf"}),
    ("How does Acme Corp compare to peers?", "what should they do first?", "recommend_improvements",
     {"customer": "Acme Corp"}),
    ("What ROI has Acme Corp seen?", "and TechCorp?", "compute_roi", {"customer": "TechCorp"}),
    ("What ROI has Acme Corp seen?", "export that", "draft_report", {"customer": "Acme Corp", "kind": "success"}),
    ("How does Acme Corp compare to peers?", "how has their position changed over time?", "benchmark_history",
     {"customer": "Acme Corp"}),
])
def test_follow_ups(pws, first, follow, tool, inputs):
    p = plan(follow, pws, _after(pws, first))
    assert p.call is not None and p.call.name == tool, p
    assert _sub(inputs, p.call.input), p.call.input
