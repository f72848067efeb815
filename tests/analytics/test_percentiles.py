"""Percentile definitions pinned to scipy and to hand calculations (DESIGN §4)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import percentileofscore

from analytics import percentiles as pc
from analytics.portfolio import rank_portfolio
from analytics.trends import classify_trends, window_slopes
from reports import format as fmt

finite = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False, allow_infinity=False)


def scipy_reference(values, groups, higher=True):
    out = np.full(len(values), np.nan)
    for i, (x, g) in enumerate(zip(values, groups)):
        if np.isnan(x):
            continue
        peers = [v for v, h in zip(values, groups) if h == g and not np.isnan(v)]
        p = percentileofscore(peers, x, kind="mean")
        out[i] = p if higher else 100 - p
    return out


def test_matches_scipy_with_ties_missing_and_groups():
    rng = np.random.default_rng(3)
    values = rng.integers(0, 8, 300).astype(float)
    values[rng.random(300) < 0.1] = np.nan
    groups = rng.integers(0, 5, 300)
    for higher in (True, False):
        got = pc.group_percentiles(values, groups, higher)
        np.testing.assert_allclose(got, scipy_reference(values, groups, higher), equal_nan=True)


def test_hand_calculation():
    # 4 values; 30 has 2 strictly below and 4 at or below: (2 + 4) / 2 / 4 = 75
    assert pc.group_percentiles(np.array([10.0, 20.0, 30.0, 30.0]))[2] == 75.0
    # 20: (1 + 2) / 2 / 4 = 37.5; lower is better: 100 - 37.5
    assert pc.group_percentiles(np.array([10.0, 20.0, 30.0, 30.0]), higher_is_better=False)[1] == 62.5


@settings(max_examples=200, deadline=None)
@given(st.lists(finite, min_size=1, max_size=40))
def test_properties_range_order_mirror(values):
    arr = np.array(values)
    p = pc.group_percentiles(arr)
    assert np.all((p >= 0) & (p <= 100))
    # monotone: a larger value never has a lower percentile
    order = np.argsort(arr, kind="stable")
    assert np.all(np.diff(p[order]) >= -1e-9)
    # order-independent
    perm = np.random.default_rng(0).permutation(len(arr))
    np.testing.assert_allclose(pc.group_percentiles(arr[perm]), p[perm])
    # direction mirror
    np.testing.assert_allclose(pc.group_percentiles(arr, higher_is_better=False), 100 - p)


@settings(max_examples=100, deadline=None)
@given(st.lists(finite, min_size=1, max_size=30))
def test_property_agrees_with_scipy(values):
    arr = np.array(values)
    expected = [percentileofscore(arr, x, kind="mean") for x in arr]
    np.testing.assert_allclose(pc.group_percentiles(arr), expected, atol=1e-9)


def test_benchmark_interpolation_and_bounds():
    points = {10: 10.0, 25: 20.0, 50: 40.0, 75: 60.0, 90: 80.0}
    pct, bound = pc.benchmark_percentiles(np.array([30.0, 40.0, 70.0, 5.0, 95.0, np.nan]), points)
    assert pct[:3].tolist() == [37.5, 50.0, 82.5]  # 25 + (30-20)/(40-20)*25 ; 75 + 10/20*15
    assert (pct[3], bound[3]) == (10.0, "below")
    assert (pct[4], bound[4]) == (90.0, "above")
    assert np.isnan(pct[5])
    assert fmt.bound_label(pct[3], bound[3]) == "<10th"


def test_benchmark_lower_is_better_flips_value_and_bound():
    points = {25: 5.0, 50: 10.0, 75: 20.0}  # e.g. days to value
    pct, bound = pc.benchmark_percentiles(np.array([7.5, 2.0, 30.0]), points, higher_is_better=False)
    assert pct.tolist() == [100 - 37.5, 75.0, 25.0]
    assert bound.tolist() == ["", "above", "below"]
    assert fmt.bound_label(pct[1], bound[1]) == ">75th"


def test_benchmark_needs_two_points():
    pct, _ = pc.benchmark_percentiles(np.array([1.0]), {50: 3.0})
    assert np.isnan(pct[0])


@pytest.mark.parametrize("p,status", [(90.0, "top_performer"), (90 - 1e-12, "top_performer"),
                                      (89.99, "above_median"), (50.0, "above_median"),
                                      (49.999, "below_median"), (25.0, "below_median"),
                                      (24.9, "lagging"), (0.0, "lagging")])
def test_status_bands_with_tolerance(p, status):
    assert pc.status_for(p) == status
    assert pc.statuses(np.array([p]))[0] == status


def test_status_tolerance_case_from_floating_point():
    p = (0.1 + 0.2) * 300  # 90.00000000000001 vs a 89.99999999999999 computed another way
    q = 100 - (100 - 90) * (1 + 1e-15)
    assert pc.status_for(p) == pc.status_for(q) == "top_performer"


def test_cohort_quantiles_numpy_linear():
    q = pc.cohort_quantiles(np.array([1.0, 2.0, 3.0, 4.0, np.nan]))
    assert q == {25: 1.75, 50: 2.5, 75: 3.25, 90: pytest.approx(3.7)}


def test_overall_percentile_ranks_composites():
    values = pd.DataFrame({"a": [1.0, 2.0, 3.0, 4.0], "b": [4.0, 3.0, 2.0, 1.0], "c": [1.0, 2.0, 4.0, 3.0]})
    r = rank_portfolio(values, np.zeros(4, dtype=int), {"a": True, "b": True, "c": True})
    # composites: account 2 has percentiles 62.5, 37.5, 87.5 -> 62.5 (the best composite)
    assert r.composite.tolist() == [pytest.approx((12.5 + 87.5 + 12.5) / 3), pytest.approx((37.5 + 62.5 + 37.5) / 3),
                                    pytest.approx((62.5 + 37.5 + 87.5) / 3), pytest.approx((87.5 + 12.5 + 62.5) / 3)]
    assert r.overall.iloc[2] == percentileofscore(r.composite, r.composite.iloc[2], kind="mean")


def test_rank_portfolio_matches_per_account_scipy():
    rng = np.random.default_rng(11)
    values = pd.DataFrame({"nps": rng.normal(20, 30, 200).round(), "time_to_value_days": rng.normal(30, 9, 200).round()})
    groups = rng.integers(0, 3, 200)
    r = rank_portfolio(values, groups, {"nps": True, "time_to_value_days": False})
    ref = scipy_reference(values["time_to_value_days"].to_numpy(), groups, higher=False)
    np.testing.assert_allclose(r.cohort_pct["time_to_value_days"], ref)


def test_trend_slope_and_classes():
    slopes = window_slopes(np.array([[50, 52, 54, 56, 58, 60.0], [10, 10, 10, 10, 10, 10.0]]))
    np.testing.assert_allclose(slopes, [2.0, 0.0])
    # change over the window 2 * 5 = 10 vs a spread of 20 -> 0.5 relative -> improving
    assert classify_trends(slopes, 20.0, True).tolist() == ["improving", "stable"]
    assert classify_trends(slopes, 20.0, False).tolist() == ["declining", "stable"]
    assert classify_trends(slopes, 0.0, True).tolist() == [None, None]
