"""compute_roi and portfolio_success against a small hand-built book of accounts."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from scipy.stats import percentileofscore

from reports.format import ordinal
from tools.base import ToolError
from tools.success.compute_roi import TOOL, ComputeRoiInput, compute_roi
from tools.success.periods import parse_period
from tools.success.portfolio_success import TOOL as PORTFOLIO_TOOL
from tools.success.portfolio_success import PortfolioSuccessInput, portfolio_success

AS_OF = dt.date(2026, 11, 1)
YEAR = ("2026-01-01", "2026-12-31")
TIME_SAVED = {"hours_saved_per_unit": 12.5, "units_per_month": 150, "hourly_rate": 50, "unit_name": "ticket"}


def _goal(db, cid, name, baseline, target, dates, category="custom", measurements=(), **extra):
    gid = db["goals"].insert({"customer_id": cid, "name": name, "category": category, "baseline": baseline,
                              "target": target, "start_date": dates[0], "target_date": dates[1],
                              "weight": 1.0, **extra}).last_pk
    for day, value in measurements:
        db["goal_measurements"].insert({"goal_id": gid, "date": day, "value": value})
    return gid


@pytest.fixture
def book(ws):
    """12 Enterprise peers with one adoption goal each (achievement 10%..120%), Acme Corp with a goal
    in every status, 3 SMB accounts with goals, and one account without goals."""
    with ws.write() as db:
        for i in range(1, 13):
            db["customers"].insert({"id": i, "name": f"Peer {i:02d}", "segment": "Enterprise",
                                    "arr": 100_000.0 + i * 10_000})
            _goal(db, i, "Adoption", 40.0, 60.0, YEAR, "adoption", [("2026-10-01", 40.0 + 2 * i)],
                  value_amount=i * 10_000.0)
            db["metric_values"].insert_all([
                {"customer_id": i, "metric": "user_activation", "period": "2026-10", "value": 50.0 + 3 * i},
                {"customer_id": i, "metric": "training_hours", "period": "2026-10", "value": 10.0 + i}])
        db["customers"].insert({"id": 100, "name": "Acme Corp", "segment": "Enterprise", "arr": 68_000.0,
                                "contract_start": "2025-06-01"})
        db["metric_values"].insert_all([
            {"customer_id": 100, "metric": "user_activation", "period": "2026-10", "value": 40.0},
            {"customer_id": 100, "metric": "training_hours", "period": "2026-10", "value": 5.0}])
        _goal(db, 100, "Ticket resolution time", 24.0, 12.0, YEAR, "efficiency",
              [("2026-06-01", 18.0), ("2026-10-15", 11.5)], unit="hours", direction="decrease",
              value_type="time_saved", value_inputs_json=json.dumps(TIME_SAVED))
        _goal(db, 100, "Product adoption", 40.0, 60.0, YEAR, "adoption", [("2026-10-01", 45.0)])
        _goal(db, 100, "NPS", 30.0, 50.0, ("2026-10-01", "2027-06-30"), "satisfaction")
        _goal(db, 100, "CSAT", 3.5, 4.5, ("2026-01-01", "2026-09-30"), "satisfaction", [("2026-09-01", 4.0)])
        _goal(db, 100, "Expansion revenue", 100_000.0, 200_000.0, ("2026-01-01", "2027-01-01"), "revenue",
              [("2026-10-20", 190_000.0)], value_type="revenue_increase",
              value_inputs_json=json.dumps({"monthly_amount": 8000}))
        for i in range(200, 203):
            db["customers"].insert({"id": i, "name": f"Small {i}", "segment": "SMB", "arr": 12_000.0})
            _goal(db, i, "Onboarding", 30.0, 10.0, YEAR, "efficiency", [("2026-10-01", 12.0)])
        db["customers"].insert({"id": 300, "name": "NoGoals Inc", "segment": "SMB", "arr": 20_000.0})
    return ws


def roi(ws, customer="Acme Corp", **kw):
    return compute_roi(ws, ComputeRoiInput(customer=customer, as_of=AS_OF, **kw))


def test_goals_statuses_and_tc_165_1(book):
    out = roi(book)
    by_name = {g.name: g for g in out.goals}
    tickets = by_name["Ticket resolution time"]
    assert (tickets.baseline, tickets.target, tickets.current, tickets.achievement_pct, tickets.status) == (
        24.0, 12.0, 11.5, 104.2, "achieved")
    assert [p.achievement_pct for p in tickets.progress] == [50.0, 104.2]
    assert {g.name: g.status for g in out.goals} == {
        "Ticket resolution time": "achieved", "Product adoption": "at_risk", "NPS": "not_started",
        "CSAT": "missed", "Expansion revenue": "on_track"}
    assert out.status_counts == {"achieved": 1, "on_track": 1, "at_risk": 1, "missed": 1, "not_started": 1,
                                 "unknown": 0}


def test_success_score_and_rate_by_hand(book):
    out = roi(book)
    # capped achievements: 100 (104.2), 25, 50 (CSAT), 90 (revenue); NPS has no measurement and is not scored
    assert out.success_score == round((100 + 25 + 50 + 90) / 4, 1)
    assert out.goal_achievement_rate == 20.0


def test_value_delivered_and_roi_by_hand(book):
    out = roi(book)
    v = out.value_delivered
    assert v.by_type == {"time_saved": 1_125_000.0, "revenue_increase": 96_000.0}
    assert v.total == 12.5 * 150 * 50 * 12 + 8000 * 12 == 1_221_000
    tickets = next(i for i in v.items if i.goal == "Ticket resolution time")
    assert tickets.monthly == 93_750
    assert tickets.calculation.startswith("12.5 h saved per ticket x 150 tickets/month x $50/h = $93,750/month")
    assert (out.investment, out.investment_source) == (68_000.0, "arr")
    assert out.roi_multiplier == round(1_221_000 / 68_000, 1)
    assert out.net_roi_pct == round((1_221_000 - 68_000) / 68_000 * 100, 1)


def test_value_of_a_goal_without_progress_is_pending(book):
    out = roi(book)
    assert [p.goal for p in out.value_delivered.pending] == []
    with book.write() as db:
        _goal(db, 100, "Upsell", 10.0, 20.0, ("2026-10-01", "2027-06-30"), "revenue",
              value_type="revenue_increase", value_inputs_json=json.dumps({"monthly_amount": 5000}))
    v = roi(book).value_delivered
    assert (v.total, v.pending_total, v.pending[0].annual) == (1_221_000, 60_000, 60_000)
    upsell = next(g for g in roi(book).goals if g.name == "Upsell")
    assert (upsell.annual_value, upsell.pending_value, upsell.status) == (None, 60_000, "not_started")


def test_tc_165_2_roi_from_a_known_annual_value(ws):
    with ws.write() as db:
        db["customers"].insert({"id": 1, "name": "DataPro", "segment": "Mid-Market", "arr": 68_000.0})
        _goal(db, 1, "Automation savings", 10.0, 20.0, YEAR, "cost", [("2026-10-01", 18.0)],
              value_type="cost_reduction", value_amount=285_000.0)
    out = roi(ws, "DataPro")
    assert out.value_delivered.total == 285_000
    assert out.roi_multiplier == 4.2
    assert out.net_roi_pct == 319.1
    given = roi(ws, "DataPro", investment=95_000)
    assert (given.investment_source, given.roi_multiplier, given.net_roi_pct) == ("given", 3.0, 200.0)


def test_time_saved_hours_follow_from_the_goal_when_not_given(ws):
    inputs = {"units_per_month": 150, "hourly_rate": 50}
    with ws.write() as db:
        db["customers"].insert({"id": 1, "name": "Acme Corp", "segment": "Enterprise", "arr": 100_000.0})
        _goal(db, 1, "Resolution time", 24.0, 12.0, YEAR, "efficiency", [("2026-10-01", 11.5)], unit="hours",
              value_type="time_saved", value_inputs_json=json.dumps(inputs))
    item = roi(ws).value_delivered.items[0]
    assert item.monthly == (24 - 11.5) * 150 * 50 == 93_750


def test_at_risk_goal_has_root_cause_signals_and_actions(book):
    risk = roi(book).at_risk
    assert [r.goal for r in risk] == ["Product adoption"]
    r = risk[0]
    assert (r.achievement_pct, r.elapsed_pct) == (25.0, round(304 / 364 * 100, 1))
    p_act = percentileofscore([40.0] + [50.0 + 3 * i for i in range(1, 13)], 40.0, kind="mean")
    assert r.signals[0] == f"User Activation 40.0% is at the {ordinal(p_act)} percentile of Enterprise peers " \
                           "(median 68.0%)"
    assert any("Training Hours" in s for s in r.signals)
    assert r.actions[0] == "Run a user reactivation campaign for inactive seats"


def test_benchmark_percentiles_match_scipy(book):
    out = roi(book)
    b = out.benchmark
    assert b.shown and b.peers == 13 and b.peer_group == "Enterprise accounts with goals"
    metrics = {m.metric: m for m in b.metrics}
    peer_scores = [min(i * 10.0, 100.0) for i in range(1, 13)]
    acme_score = (100 + 25 + 50 + 90) / 4
    expected = percentileofscore(peer_scores + [acme_score], acme_score, kind="mean")
    assert metrics["success_score"].percentile == round(expected, 1)
    peer_roi = [i * 10_000 / (100_000 + i * 10_000) for i in range(1, 13)]
    acme_roi = 1_221_000 / 68_000
    assert metrics["roi_multiplier"].percentile == round(
        percentileofscore(peer_roi + [acme_roi], acme_roi, kind="mean"), 1)
    rates = [100.0 if i >= 10 else 0.0 for i in range(1, 13)] + [20.0]
    assert metrics["goal_achievement_rate"].percentile == round(percentileofscore(rates, 20.0, kind="mean"), 1)


def test_small_peer_group_shows_no_aggregate(book):
    b = roi(book, "Small 200").benchmark
    assert not b.shown and b.metrics == [] and b.peers == 3
    assert b.message.startswith("Only 3 SMB accounts with goals (fewer than 10): no peer comparison is shown.")
    wider = roi(book, "Small 200", peer_group="all").benchmark
    assert wider.shown and wider.peers == 16


def test_no_goals_is_said_plainly(book):
    out = roi(book, "NoGoals Inc")
    assert out.goals == [] and out.success_score is None and out.roi_multiplier is None
    assert out.value_delivered.total == 0
    assert out.notes[0].startswith("No success goals defined for NoGoals Inc.")


def test_baseline_not_set_is_said_plainly(ws):
    with ws.write() as db:
        db["customers"].insert({"id": 1, "name": "BetaInc", "segment": "SMB", "arr": 10_000.0})
        _goal(db, 1, "Adoption", None, 60.0, YEAR, "adoption", [("2026-10-01", 50.0)])
        _goal(db, 1, "Tickets", 3.0, 2.0, YEAR, "quality", [("2026-10-01", 2.5)])
    out = roi(ws, "BetaInc")
    g = {x.name: x for x in out.goals}
    assert g["Adoption"].note == "Baseline not set: cannot calculate progress"
    assert g["Adoption"].status == "unknown" and g["Adoption"].achievement_pct is None
    assert "Some metrics missing data: showing what is available" in out.notes
    assert out.success_score == 50.0              # only the goal with a baseline is scored


def test_quarter_period_uses_measurements_up_to_its_end(book):
    out = roi(book, period="2026-Q3")
    assert (out.period.label, out.period.start, out.period.end) == ("2026-Q3", "2026-07-01", "2026-09-30")
    names = [g.name for g in out.goals]
    assert "NPS" not in names                      # starts after the quarter
    tickets = next(g for g in out.goals if g.name == "Ticket resolution time")
    assert (tickets.current, tickets.achievement_pct, tickets.status) == (18.0, 50.0, "at_risk")
    v = out.value_delivered
    # the revenue goal's only measurement (Oct 20) is after the quarter: its value is pending, not counted
    assert (v.total, v.pending_total, [p.goal for p in v.pending]) == (1_125_000, 96_000, ["Expansion revenue"])
    assert v.period_value == round(1_125_000 * 92 / 365, 2)


@pytest.mark.parametrize("text,label,start,end", [
    (None, "contract to date", "2025-06-01", "2026-11-01"),
    ("2026-q2", "2026-Q2", "2026-04-01", "2026-06-30"),
    ("Q4 2026", "2026-Q4", "2026-10-01", "2026-11-01"),
    ("this quarter", "2026-Q4", "2026-10-01", "2026-11-01"),
    ("last_quarter", "2026-Q3", "2026-07-01", "2026-09-30"),
    ("2025", "2025", "2025-01-01", "2025-12-31"),
])
def test_parse_period(text, label, start, end):
    p = parse_period(text, AS_OF, dt.date(2025, 6, 1))
    assert (p.label, p.start, p.end) == (label, start, end)


@pytest.mark.parametrize("text", ["2027-Q1", "next week", "2026-Q5"])
def test_parse_period_errors(text):
    with pytest.raises(ToolError):
        parse_period(text, AS_OF, None)


def test_bad_investment_is_a_tool_error(book):
    with pytest.raises(ToolError, match="Investment must be a positive amount"):
        roi(book, investment=0)


def test_roi_json_contract_keys(book):
    data = json.loads(roi(book).model_dump_json())
    for key in ("success_score", "value_delivered", "investment", "roi_multiplier", "net_roi_pct", "goals"):
        assert key in data
    assert isinstance(data["value_delivered"]["total"], float)
    assert {"name", "baseline", "target", "current", "achievement_pct", "status"} <= set(data["goals"][0])
    assert len(json.dumps(roi(book).summary_for_model())) < 16_000


# ---- portfolio_success -----------------------------------------------------------------------

def test_portfolio_counts_and_at_risk_sorted_by_arr(book):
    out = portfolio_success(book, PortfolioSuccessInput(as_of=AS_OF))
    assert (out.accounts_with_goals, out.accounts_without_goals, out.goals) == (16, 1, 20)
    # peers: i*10% achieved with 83.5% elapsed -> at risk for i <= 6, on track 7..9, achieved 10..12
    # SMB: 90% achieved with 83.5% elapsed -> on track
    assert out.status_counts == {"achieved": 3 + 1, "on_track": 3 + 1 + 3, "at_risk": 6 + 1, "missed": 1,
                                 "not_started": 1, "unknown": 0}
    assert [r.customer for r in out.at_risk_goals] == [f"Peer {i:02d}" for i in range(6, 0, -1)] + ["Acme Corp"]
    assert out.at_risk_goals[0].arr_at_stake == 160_000
    assert out.top_performers[0].customer == "Acme Corp"
    assert out.total_value_delivered == 1_221_000 + sum(i * 10_000 for i in range(1, 13))
    seg = {s.segment: s for s in out.by_segment}
    assert (seg["Enterprise"].accounts, seg["SMB"].accounts, seg["SMB"].on_track) == (13, 3, 3)


def test_portfolio_segment_filter_and_errors(book):
    out = portfolio_success(book, PortfolioSuccessInput(segment="smb", as_of=AS_OF, limit=2))
    assert out.segment == "SMB" and out.accounts_with_goals == 3 and len(out.top_performers) == 0
    assert out.average_success_score is None      # 3 accounts: no average of fewer than 10 (anonymity)
    assert out.total_value_delivered is None and any("fewer than 10" in n for n in out.notes)
    with pytest.raises(ToolError, match="Unknown segment"):
        portfolio_success(book, PortfolioSuccessInput(segment="Galactic", as_of=AS_OF))


def test_portfolio_without_goals(ws):
    out = portfolio_success(ws, PortfolioSuccessInput(as_of=AS_OF))
    assert out.goals == 0 and out.notes == ["No success goals defined for any account."]


def test_tool_records():
    assert (TOOL.name, TOOL.fn) == ("compute_roi", compute_roi)
    assert (PORTFOLIO_TOOL.name, PORTFOLIO_TOOL.fn) == ("portfolio_success", portfolio_success)
    assert "at-risk goals" in " ".join(TOOL.description.split())
    assert "ARR at stake" in " ".join(PORTFOLIO_TOOL.description.split())


def test_account_without_segment_is_compared_with_all_accounts(book):
    with book.write() as db:
        db["customers"].insert({"id": 400, "name": "Nosegment Co", "segment": None, "arr": 50_000.0})
        _goal(db, 400, "Adoption", 40.0, 60.0, YEAR, "adoption", [("2026-10-01", 42.0)])
    out = roi(book, "Nosegment Co")
    assert out.benchmark.shown and out.benchmark.peer_group == "all accounts with goals"
    assert out.benchmark.peers == 17
    assert out.at_risk[0].goal == "Adoption" and out.at_risk[0].signals == []


def test_large_books_are_filtered_in_pandas_with_the_same_result(book, monkeypatch):
    import tools.success.goals

    before = portfolio_success(book, PortfolioSuccessInput(as_of=AS_OF)).model_dump()
    one = roi(book).model_dump()
    monkeypatch.setattr(tools.success.goals, "_MAX_SQL_IDS", 1)
    assert portfolio_success(book, PortfolioSuccessInput(as_of=AS_OF)).model_dump() == before
    assert roi(book).model_dump() == one


def test_portfolio_value_in_a_period_is_the_sum_of_the_accounts(demo_ws):
    out = portfolio_success(demo_ws, PortfolioSuccessInput(segment="Enterprise", period="last_quarter"))
    assert out.period.label == "2026-Q3" and out.period.end == "2026-09-30"
    total = sum(compute_roi(demo_ws, ComputeRoiInput(customer=a.customer, period="last_quarter")).value_delivered
                .period_value for a in out.accounts)
    assert out.period_value == pytest.approx(total, abs=0.05 * len(out.accounts))
    assert "Value realised in 2026-Q3" in out.to_markdown()
    everything = portfolio_success(demo_ws, PortfolioSuccessInput(segment="Enterprise"))
    assert everything.period is None and everything.period_value is None
