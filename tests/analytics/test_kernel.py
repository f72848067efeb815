"""The portfolio kernel's paths, pinned to scipy's percentileofscore and to np.interp.

The kernel groups rows once, drops missing values, sorts within groups (one sort
per group, or one global sort + a radix sort by group when groups are small) and
computes benchmark percentiles for all scopes at once, per run of equal values
when a cohort lies inside one benchmark scope. Each path is checked here against
the definitions (DESIGN §4), never against the kernel itself.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import percentileofscore

from analytics import percentiles as pc
from analytics.portfolio import metric_means, rank_portfolio
from analytics.scopes import BenchmarkScopes

POINTS = (10.0, 25.0, 50.0, 75.0, 90.0)


def assert_scipy(got, want):
    """scipy sums in another order: equal to the last bits (the suite's tolerance)."""
    np.testing.assert_allclose(got, want, rtol=0, atol=1e-9)


def scipy_groups(values, groups, higher=True, only=None):
    """percentileofscore(kind="mean") of every value among its group's non-missing values."""
    values, groups = np.asarray(values, dtype=float), np.asarray(groups)
    out = np.full(values.shape, np.nan)
    for g in (np.unique(groups[groups >= 0]) if only is None else only):
        rows = np.flatnonzero((groups == g) & ~np.isnan(values))
        if rows.size:
            p = np.asarray(percentileofscore(values[rows], values[rows], kind="mean"), dtype=float)
            out[rows] = p if higher else 100.0 - p
    return out


def interp_scopes(values, scopes, points_by_code, higher=True):
    """np.interp per scope with its sorted points; bound codes outside the points."""
    pct, bound = np.full(values.shape, np.nan), np.zeros(values.shape, dtype=np.int8)
    for code, points in points_by_code.items():
        pts = sorted((v, p) for p, v in points.items() if not np.isnan(v))
        rows = np.flatnonzero(scopes == code)
        if len(pts) < 2 or rows.size == 0:
            continue
        xs, ps = np.array([v for v, _ in pts]), np.array([p for _, p in pts])
        x = values[rows]
        got = np.where(np.isnan(x), np.nan, np.interp(x, xs, ps))
        b = (x > xs[-1]).astype(np.int8) - (x < xs[0])
        pct[rows], bound[rows] = (got, b) if higher else (100.0 - got, -b)
    return pct, bound


def rounded_portfolio(n, metrics=3, seed=0, missing=0.05):
    """n accounts with rounded (tied) values and some missing."""
    rng = np.random.default_rng(seed)
    data = {f"m{j}": np.round(rng.normal(50, 15, n), 0) for j in range(metrics)}
    frame = pd.DataFrame(data)
    for col in frame.columns:
        frame.loc[rng.random(n) < missing, col] = np.nan
    return frame


# --- cohort percentiles ---------------------------------------------------------------------

@pytest.mark.parametrize("higher", [True, False])
def test_ties_missing_and_one_element_groups(higher):
    values = np.array([5.0, 5.0, 5.0, np.nan, 7.0, 3.0, 3.0, np.nan, 9.0])
    groups = np.array([0, 0, 0, 0, 1, 1, 1, 2, 3])  # group 2 only missing, group 3 one value
    got = pc.group_percentiles(values, groups, higher)
    assert_scipy(got, scipy_groups(values, groups, higher))
    assert got[8] == 50.0  # alone in its group: (0 + 1) / 2 / 1
    assert np.isnan(got[3]) and np.isnan(got[7])


def test_negative_group_codes_are_left_out():
    values = np.array([1.0, 2.0, 3.0, 4.0])
    got = pc.group_percentiles(values, np.array([-1, 0, -5, 0]))
    assert np.isnan(got[0]) and np.isnan(got[2])
    assert got[[1, 3]].tolist() == [25.0, 75.0]


def test_empty_and_all_missing():
    assert pc.group_percentiles(np.array([])).size == 0
    assert pc.group_percentiles(np.array([]), np.array([], dtype=int)).size == 0
    assert np.isnan(pc.group_percentiles(np.array([np.nan, np.nan]), np.array([0, 1]))).all()
    assert np.isnan(pc.group_percentiles(np.array([1.0, 2.0]), np.array([-1, -1]))).all()


@pytest.mark.parametrize("loop_min_group", [1, 10**9])  # one sort per group / global sort + radix by group
def test_both_sorting_paths_match_scipy(monkeypatch, loop_min_group):
    monkeypatch.setattr(pc, "_LOOP_MIN_GROUP", loop_min_group)
    rng = np.random.default_rng(4)
    values = rng.integers(0, 12, 3000).astype(float)
    values[rng.random(3000) < 0.05] = np.nan
    groups = rng.integers(-1, 25, 3000)
    for higher in (True, False):
        assert_scipy(pc.group_percentiles(values, groups, higher), scipy_groups(values, groups, higher))


def test_more_groups_than_int16_holds():
    # 40,000 groups of about 2: group codes sort as uint16, values by one global sort
    rng = np.random.default_rng(5)
    n = 90_000
    groups = rng.integers(0, 40_000, n)
    values = rng.integers(0, 4, n).astype(float)
    values[rng.random(n) < 0.02] = np.nan
    sample = rng.choice(40_000, 300, replace=False)
    got = pc.group_percentiles(values, groups, False)
    want = scipy_groups(values, groups, False, only=sample)
    rows = np.isin(groups, sample)
    assert_scipy(got[rows], want[rows])


def test_large_sparse_group_codes():
    # codes beyond 16 bits (not dense): sorted with a plain argsort of the codes
    rng = np.random.default_rng(6)
    groups = rng.choice([70_000, 5_000_000, 2**40, 3], 2000)
    values = np.round(rng.normal(size=2000), 1)
    assert_scipy(pc.group_percentiles(values, groups), scipy_groups(values, groups))


def test_stable_radix_order_beyond_65536_codes():
    rng = np.random.default_rng(7)
    codes = rng.integers(0, 200_000, 300_000)
    got = pc._stable_argsort_dense(codes, 200_000)
    np.testing.assert_array_equal(got, np.argsort(codes, kind="stable"))


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(st.one_of(st.floats(-50, 50, allow_nan=False), st.sampled_from([0.0, 1.0, np.nan])),
                          st.integers(-1, 6)), min_size=0, max_size=60), st.booleans())
def test_property_grouped_matches_scipy(rows, higher):
    values = np.array([v for v, _ in rows], dtype=float)
    groups = np.array([g for _, g in rows], dtype=int)
    np.testing.assert_allclose(pc.group_percentiles(values, groups, higher),
                               scipy_groups(values, groups, higher), atol=1e-9)


def test_frame_percentiles_share_one_grouping():
    frame = rounded_portfolio(500)
    groups = np.random.default_rng(1).integers(0, 4, 500)
    directions = {"m0": True, "m1": False, "m2": True}
    got = pc.frame_percentiles(frame, directions, groups)
    for col, higher in directions.items():
        assert_scipy(got[col].to_numpy(), scipy_groups(frame[col].to_numpy(), groups, higher))


# --- benchmark percentiles for many scopes at once ---------------------------------------------

def test_scopes_match_np_interp_with_bounds_and_gaps():
    rng = np.random.default_rng(8)
    scopes = rng.integers(0, 5, 2000)
    values = np.round(rng.uniform(-20, 120, 2000), 0)
    values[rng.random(2000) < 0.05] = np.nan
    points = {0: dict(zip(POINTS, [10.0, 20.0, 40.0, 60.0, 80.0])),
              1: {25: 30.0, 50: 30.0, 75: 50.0},          # a repeated quantile value
              2: {50: 40.0},                               # one point: no percentile
              3: {10: np.nan, 50: 10.0, 90: 90.0},         # a missing point is skipped
              9: {10: 0.0, 90: 100.0}}                     # a scope no account has
    for higher in (True, False):
        pct, bound = BenchmarkScopes(scopes).percentiles(values, points, higher)
        want_pct, want_bound = interp_scopes(values, scopes, points, higher)
        np.testing.assert_array_equal(pct, want_pct)
        np.testing.assert_array_equal(bound, want_bound)
    assert np.isnan(pct[scopes == 4]).all() and (bound[scopes == 4] == 0).all()


def test_scopes_match_np_interp_at_extremes():
    # infinities and overflowing slopes: np.interp's fallbacks are reproduced
    values = np.array([9e307, -9e307, 0.0, np.inf, -np.inf, 1e308, 5.0])
    for points in ({10: -1e308, 90: 1e308}, {10: -1e308, 50: -1e308, 90: 1e308},
                   {10: -np.inf, 50: 0.0, 90: np.inf}, {10: 0.0, 50: np.inf, 90: np.inf}):
        scopes = np.zeros(values.size, dtype=int)
        pct, bound = BenchmarkScopes(scopes).percentiles(values, {0: points})
        want_pct, want_bound = interp_scopes(values, scopes, {0: points})
        np.testing.assert_array_equal(pct, want_pct)
        np.testing.assert_array_equal(bound, want_bound)


def test_scopes_with_negative_and_huge_codes():
    rng = np.random.default_rng(9)
    scopes = rng.choice([-3, 7, 2**33], 500)
    values = rng.uniform(0, 100, 500)
    points = {-3: {25: 20.0, 75: 60.0}, 2**33: {10: 5.0, 50: 50.0, 90: 95.0}}
    pct, bound = BenchmarkScopes(scopes).percentiles(values, points, False)
    want_pct, want_bound = interp_scopes(values, scopes, points, False)
    np.testing.assert_array_equal(pct, want_pct)
    np.testing.assert_array_equal(bound, want_bound)


def test_scopes_without_any_benchmark():
    pct, bound = BenchmarkScopes(np.array([0, 1])).percentiles(np.array([1.0, 2.0]), {})
    assert np.isnan(pct).all() and bound.tolist() == [0, 0]


# --- the whole portfolio -----------------------------------------------------------------------

def segment_benchmarks(frame, segments, n_segments):
    return {col: {s: dict(zip(POINTS, np.nanpercentile(frame[col].to_numpy()[segments == s], POINTS)))
                  for s in range(n_segments)} for col in frame.columns}


@pytest.mark.parametrize("crossing", [False, True])
def test_bench_groups_scope_other_than_cohort(crossing):
    # cohorts = segment x industry; benchmarks by segment (nested in the cohort) or by a
    # scope that cuts across cohorts (e.g. an ARR band)
    rng = np.random.default_rng(10)
    n = 3000
    frame = rounded_portfolio(n, seed=10)
    segment, industry = rng.integers(0, 3, n), rng.integers(0, 7, n)
    scope = rng.integers(0, 3, n) if crossing else segment
    points = segment_benchmarks(frame, scope, 3)
    directions = {"m0": True, "m1": False, "m2": True}
    cohorts = segment * 7 + industry
    r = rank_portfolio(frame, cohorts, directions, points, bench_groups=scope)
    for col, higher in directions.items():
        want_pct, want_bound = interp_scopes(frame[col].to_numpy(), scope, points[col], higher)
        np.testing.assert_array_equal(r.bench_pct[col].to_numpy(), want_pct)
        np.testing.assert_array_equal(r.bench_bound[col].to_numpy(), want_bound)
        assert_scipy(r.cohort_pct[col].to_numpy(), scipy_groups(frame[col].to_numpy(), cohorts, higher))


def test_bench_groups_default_to_groups():
    frame = rounded_portfolio(400, seed=11)
    groups = np.random.default_rng(11).integers(0, 3, 400)
    points = segment_benchmarks(frame, groups, 3)
    directions = dict.fromkeys(frame.columns, True)
    a = rank_portfolio(frame, groups, directions, points)
    b = rank_portfolio(frame, groups, directions, points, bench_groups=groups)
    pd.testing.assert_frame_equal(a.bench_pct, b.bench_pct)
    pd.testing.assert_frame_equal(a.bench_bound, b.bench_bound)


def test_accounts_without_a_group_still_get_their_benchmark():
    frame = pd.DataFrame({"m": [10.0, 20.0, 30.0, 40.0]})
    r = rank_portfolio(frame, np.array([0, 0, -1, 0]), {"m": True}, {"m": {5: {25: 0.0, 75: 40.0}}},
                       bench_groups=np.array([5, 5, 5, 5]))
    assert np.isnan(r.cohort_pct["m"].iloc[2])
    assert r.bench_pct["m"].tolist() == [37.5, 50.0, 62.5, 75.0]


def test_bench_groups_must_match_accounts():
    with pytest.raises(ValueError, match="one code per account"):
        rank_portfolio(pd.DataFrame({"m": [1.0, 2.0]}), np.array([0, 0]), {"m": True}, bench_groups=np.array([0]))


def test_composite_and_overall_follow_the_definitions():
    rng = np.random.default_rng(12)
    frame = rounded_portfolio(800, metrics=4, seed=12, missing=0.3)
    frame.loc[:5, :] = np.nan  # accounts without any value
    groups = rng.integers(0, 5, 800)
    r = rank_portfolio(frame, groups, dict.fromkeys(frame.columns, True))
    # bit-identical to the pandas mean the composite was defined with
    np.testing.assert_array_equal(r.composite.to_numpy(), r.cohort_pct.mean(axis=1, skipna=True).to_numpy())
    assert_scipy(r.overall.to_numpy(), scipy_groups(np.round(r.composite.to_numpy(), 9), groups))
    assert r.composite.iloc[:6].isna().all() and r.overall.iloc[:6].isna().all()


def test_metric_means_skip_missing():
    rows = np.array([[10.0, np.nan, 1.0], [20.0, np.nan, np.nan], [np.nan, np.nan, 4.0]])
    np.testing.assert_array_equal(metric_means(rows), [15.0, np.nan, 2.5])


def test_empty_portfolio():
    frame = pd.DataFrame({"m": np.zeros(0)})
    r = rank_portfolio(frame, np.zeros(0, dtype=int), {"m": True}, {"m": {0: {25: 1.0, 75: 2.0}}})
    assert r.cohort_pct.shape == (0, 1) and r.bench_bound.dtypes["m"] == np.int8
    assert r.overall.size == 0 and r.bench_composite.size == 0


def test_result_frames_keep_index_columns_and_dtypes():
    frame = rounded_portfolio(50).set_axis([f"acct-{i}" for i in range(50)])
    r = rank_portfolio(frame, np.zeros(50, dtype=int), dict.fromkeys(frame.columns, True))
    for table in (r.cohort_pct, r.bench_pct, r.bench_bound):
        assert table.index.equals(frame.index) and list(table.columns) == list(frame.columns)
    assert (r.cohort_pct.dtypes == np.float64).all() and (r.bench_bound.dtypes == np.int8).all()
    assert r.bench_pct.isna().all().all() and (r.bench_bound == 0).all().all()
