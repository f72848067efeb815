"""analytics.goal_trends: key-result roll-up, trend facts and the success score bands, pinned by hand."""

from __future__ import annotations

import math

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from analytics.goal_trends import SCORE_BANDS, goal_trend, key_result_achievement, score_band


def test_key_results_mean_of_capped_progress_by_hand():
    # 104.2% -> 100 (capped), 50%, -20% -> 0 (floored): (100 + 50 + 0) / 3
    a, every = key_result_achievement([24, 0, 10], [12, 10, 20], [11.5, 5, 8])
    assert math.isclose(a, 50.0) and every is False


def test_weights_and_all_achieved():
    a, every = key_result_achievement([0, 0], [10, 10], [2, 10], [3, 1])  # (20*3 + 100*1) / 4
    assert math.isclose(a, 40.0) and not every
    assert key_result_achievement([0, 100], [10, 50], [10, 40]) == (100.0, True)


def test_unmeasured_key_result_counts_zero_but_none_measured_has_no_achievement():
    assert key_result_achievement([0, 0], [10, 10], [10, float("nan")]) == (50.0, False)
    assert key_result_achievement([0, 0], [10, 10], [float("nan")] * 2) == (None, False)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.floats(-1e3, 1e3), st.floats(-1e3, 1e3), st.floats(-1e3, 1e3)), min_size=1, max_size=6))
def test_achievement_is_within_0_100_and_100_only_when_every_kr_is_achieved(krs):
    b, t, c = (np.array(x, dtype=float) for x in zip(*krs))
    a, every = key_result_achievement(b, t, c)
    if a is None:
        return
    assert 0.0 <= a <= 100.0
    scorable = b != t
    if every:
        assert a == 100.0 and all(((c - b) / (t - b))[scorable] >= 1 - 1e-9)


def test_trend_streak_months_and_direction():
    f = goal_trend(["2026-06-30", "2026-07-31", "2026-08-31", "2026-09-30", "2026-10-31"],
                   [30, 31, 28, 26, 25], 30, 15)
    assert (f.trend, f.moving, f.streak, f.change) == ("improving", "falling", 3, -5.0)
    away = goal_trend(["2026-08-31", "2026-09-30", "2026-10-31"], [50, 48, 45], 40, 60)
    assert (away.trend, away.moving, away.streak) == ("worsening", "falling", 2)
    flat = goal_trend(["2026-08-31", "2026-09-30"], [50, 50], 40, 60)
    assert (flat.trend, flat.streak) == ("flat", 0)


def test_trend_slope_is_least_squares_per_30_days():
    dates = ["2026-01-01", "2026-01-31", "2026-03-02"]  # 0, 30, 60 days
    f = goal_trend(dates, [10, 12, 14], 10, 20)
    assert math.isclose(f.slope_per_month, 2.0)


def test_score_bands_boundaries_defined_once():
    assert [lo for lo, _, _ in SCORE_BANDS][:3] == [80.0, 60.0, 40.0]
    assert score_band(80.0)[1] == "Strong" and score_band(79.9)[1] == "On track"
    assert score_band(60.0)[1] == "On track" and score_band(59.99)[1] == "Needs attention"
    assert score_band(40.0)[1] == "Needs attention" and score_band(39.9)[1] == "At risk"
    assert score_band(None) is None and score_band(float("nan")) is None
