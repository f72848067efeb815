"""analytics.goals: the figures of DESIGN.md §4 pinned to the PRD examples and hand calculations."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy.stats import percentileofscore

from analytics import goals as ag
from tools.success.goals import value_calculation

AS_OF = dt.date(2026, 11, 1)


# ---- TC-165 ---------------------------------------------------------------------------------

def test_tc_165_1_achievement_of_a_decrease_goal():
    a = ag.achievement_pct(24, 12, 11.5)
    assert a == pytest.approx(12.5 / 12 * 100)
    assert round(a, 1) == 104.2
    assert ag.goal_status(a, 50.0, target_passed=False, measured=True) == "achieved"


def test_tc_165_2_roi_multiplier():
    multiplier, net = ag.roi(285_000, 68_000)
    assert multiplier == pytest.approx(285_000 / 68_000)
    assert round(multiplier, 1) == 4.2
    assert net == pytest.approx((285_000 - 68_000) / 68_000 * 100)


@pytest.mark.parametrize("bad", [0, -5, float("nan")])
def test_roi_rejects_a_non_positive_investment(bad):
    with pytest.raises(ValueError, match="investment"):
        ag.roi(1000, bad)


# ---- achievement ----------------------------------------------------------------------------

def test_achievement_increase_and_vectorised():
    assert ag.achievement_pct(40, 60, 50) == 50.0
    assert ag.achievement_pct(40, 60, 30) == -50.0  # moved the wrong way
    out = ag.achievement_pct([40, 24, 10, np.nan], [60, 12, 10, 5], [55, 18, 12, 4])
    np.testing.assert_allclose(out, [75.0, 50.0, np.nan, np.nan])


@given(st.floats(-1e6, 1e6), st.floats(-1e6, 1e6), st.floats(-1e6, 1e6))
def test_achievement_is_the_same_for_the_mirrored_goal(b, t, c):
    if abs(t - b) < 1e-3:
        return
    assert ag.achievement_pct(b, t, c) == pytest.approx(ag.achievement_pct(-b, -t, -c), rel=1e-9, abs=1e-9)


# ---- status rule ----------------------------------------------------------------------------

def _status(a, e, passed=False, measured=True, baseline=True):
    return ag.goal_status(a, e, target_passed=passed, measured=measured, has_baseline=baseline)


@pytest.mark.parametrize("achievement,elapsed,expected", [
    (100.0, 10.0, "achieved"),                    # exactly 100 is achieved
    (100.0 - 1e-12, 10.0, "achieved"),            # within the tolerance
    (99.9, 99.0, "on_track"),
    (35.0, 50.0, "on_track"),                     # exactly 15 points behind: still on track
    (34.99, 50.0, "at_risk"),                     # more than 15 points behind
    (85.0 - 1e-12, 100.0, "on_track"),            # float noise does not flip the status
    (0.0, 15.0, "on_track"),
    (0.0, 15.01, "at_risk"),
    (-5.0, 5.0, "on_track"),                      # early wrong-way wobble within the margin
    (-5.0, 10.01, "at_risk"),
    (80.0, 60.0, "on_track"),                     # ahead of time
])
def test_status_boundaries(achievement, elapsed, expected):
    assert _status(achievement, elapsed) == expected


def test_status_precedence():
    assert _status(120.0, 100.0, passed=True) == "achieved"      # achieved beats a passed date
    assert _status(99.0, 100.0, passed=True) == "missed"
    assert _status(None, 100.0, passed=True, measured=False) == "missed"
    assert _status(None, 30.0, measured=False) == "not_started"
    assert _status(None, 30.0, measured=False, baseline=False) == "unknown"
    assert _status(-1.0, None) == "at_risk"                       # no dates: judged on direction only
    assert _status(1.0, None) == "on_track"


def test_elapsed_pct():
    out = ag.elapsed_pct(["2026-01-01", "2026-10-01", "2027-01-01", "2026-01-01", None],
                         ["2026-12-31", "2026-12-01", "2027-06-01", "2026-01-01", "2026-12-31"], AS_OF)
    np.testing.assert_allclose(out, [304 / 364 * 100, 31 / 61 * 100, 0.0, np.nan, np.nan])


def test_evaluate_goals_frame():
    g = pd.DataFrame({
        "baseline": [24.0, 40.0, 40.0, 40.0, 40.0, np.nan],
        "target": [12.0, 60.0, 60.0, 60.0, 60.0, 60.0],
        "current": [11.5, 50.0, 43.0, np.nan, 55.0, 50.0],
        "start_date": ["2026-01-01"] * 6,
        "target_date": ["2026-12-31", "2026-12-31", "2026-12-31", "2026-12-31", "2026-10-31", "2026-12-31"],
        "measured": [True, True, True, False, True, True],
    })
    out = ag.evaluate_goals(g, AS_OF)
    assert out["status"].tolist() == ["achieved", "at_risk", "at_risk", "not_started", "missed", "unknown"]
    # 50% achieved with 83.5% elapsed is 33.5 points behind: at risk
    assert out.loc[1, "elapsed_pct"] == pytest.approx(304 / 364 * 100)


# ---- success score --------------------------------------------------------------------------

def test_success_score_caps_each_goal_at_100():
    # 150% counts as 100: (100 + 50) / 2, not (150 + 50) / 2
    assert ag.success_score([150.0, 50.0]) == 75.0
    assert ag.success_score([150.0, 20.0], [1.0, 3.0]) == pytest.approx((100 + 60) / 4)
    assert ag.success_score([-40.0, 80.0]) == 40.0               # a wrong-way goal counts as 0
    assert ag.success_score([np.nan, 80.0], [5.0, 1.0]) == 80.0  # unscored goals are left out
    assert ag.success_score([50.0, 100.0], [np.nan, 0.0]) == 75.0  # missing weight counts 1
    assert ag.success_score([]) is None


# ---- value ----------------------------------------------------------------------------------

def test_time_saved_value_against_the_hand_calculation():
    v = ag.goal_value("time_saved", {"hours_saved_per_unit": 12.5, "units_per_month": 150, "hourly_rate": 50})
    assert v.monthly == 12.5 * 150 * 50 == 93_750
    assert v.annual == 93_750 * 12 == 1_125_000
    text = value_calculation(v)
    assert "= $93,750/month" in text and "$1,125,000/year" in text


@pytest.mark.parametrize("kind", ["cost_reduction", "revenue_increase"])
def test_monthly_amount_is_annualised(kind):
    v = ag.goal_value(kind, {"monthly_amount": 8000})
    assert (v.monthly, v.annual) == (8000, 96_000)
    assert value_calculation(v) == f"$8,000/month {kind.replace('_', ' ')}; x 12 = $96,000/year"


def test_value_amount_wins_and_no_value_is_none():
    v = ag.goal_value("time_saved", {"hours_saved_per_unit": 1, "units_per_month": 1, "hourly_rate": 1}, 285_000)
    assert (v.annual, v.monthly, v.source) == (285_000, None, "amount")
    assert ag.goal_value(None, None, None) is None


@pytest.mark.parametrize("kind,inputs,match", [
    ("time_saved", {"hours_saved_per_unit": 1, "units_per_month": 2}, "hourly_rate"),
    ("cost_reduction", {}, "monthly_amount"),
    ("cost_reduction", {"monthly_amount": -1}, ">= 0"),
    ("cost_reduction", {"monthly_amount": "lots"}, "must be a number"),
    ("magic", {}, "unknown value type"),
])
def test_value_input_errors(kind, inputs, match):
    with pytest.raises(ValueError, match=match):
        ag.goal_value(kind, inputs)


# ---- peers and roll-up ----------------------------------------------------------------------

def test_peer_percentile_matches_scipy_and_respects_the_minimum():
    values = [3.0, 1.0, 4.0, 1.0, 5.0, 9.0, 2.0, 6.0, 5.0, 3.0, np.nan]
    assert ag.peer_percentile(values, 5.0) == percentileofscore([v for v in values if v == v], 5.0, kind="mean")
    assert ag.peer_percentile(values[:9], 5.0) is None
    assert ag.peer_percentile(values, np.nan) is None


def test_account_summary_by_hand():
    g = pd.DataFrame({"customer_id": [1, 1, 1, 2],
                      "status": ["achieved", "at_risk", "not_started", "missed"],
                      "achievement_pct": [130.0, 40.0, np.nan, 50.0], "weight": [2.0, 1.0, 1.0, np.nan],
                      "annual_value": [1000.0, 500.0, np.nan, np.nan]})
    s = ag.account_summary(g)
    assert s.loc[1, "success_score"] == pytest.approx((100 * 2 + 40) / 3)
    assert s.loc[1, "achievement_rate"] == pytest.approx(100 / 3)
    assert (s.loc[1, "goals"], s.loc[1, "not_started"], s.loc[1, "value"]) == (3, 1, 1500.0)
    assert (s.loc[2, "missed"], s.loc[2, "success_score"], s.loc[2, "value"]) == (1, 50.0, 0.0)


def test_lagging_drivers_flip_lower_is_better():
    peers = pd.DataFrame({"support_tickets_per_user": np.linspace(0.1, 1.0, 10),
                          "self_service_rate": np.linspace(10, 100, 10)})
    account = {"support_tickets_per_user": 1.0, "self_service_rate": 100.0}
    lag = ag.lagging_drivers("quality", account, peers, {"support_tickets_per_user"})
    assert [k for k, *_ in lag] == ["support_tickets_per_user"]   # most tickets = worst
    assert lag[0][2] == pytest.approx(100 - percentileofscore(peers["support_tickets_per_user"], 1.0, kind="mean"))
    assert ag.lagging_drivers("quality", account, peers.head(9), {"support_tickets_per_user"}) == []


def test_docstring_examples_run():
    import doctest

    import tools.ingest.goals

    for module in (ag, tools.ingest.goals):
        result = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE)
        assert result.failed == 0 and result.attempted > 0, module.__name__
