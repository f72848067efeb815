"""Expected impact pinned to a hand calculation (12 points) and to scipy's linregress."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from analytics.impact import MIN_N, gap_impact, ols_slope, supported

# The fixture: x = 1..12, y = 50 + 2x + e with e = +1, -1, +1, -1, ... (starting +1 at x = 1).
#
# By hand:
#   mean x = 6.5, Sxx = sum (x - 6.5)^2 = 143
#   sum (x - 6.5) e = (1 - 2) + (3 - 4) + ... (six pairs, each -1) = -6
#   Sxy = 2 * 143 - 6 = 280                       -> slope b = 280 / 143 = 1.958042
#   mean y = 50 + 13 + 0 = 63                      -> intercept = 63 - 1.958042 * 6.5 = 50.272727
#   Syy = 4 * 143 + 4 * (-6) + 12 = 560
#   SSE = Syy - b * Sxy = 560 - 280^2 / 143 = 11.748252
#   s^2 = SSE / (12 - 2) = 1.1748252;  se(b) = sqrt(s^2 / 143) = 0.0906400
#   t(0.975, 10) = 2.228139                        -> half-width 0.2019581
#   95% interval: [1.756084, 2.160000]
#   r = 280 / sqrt(143 * 560) = 280 / 282.98410 = 0.989455
# Closing a gap from x = 4 to x = 9 (change 5): expected 5 * b = 9.79021, interval [8.78042, 10.80000].
X = np.arange(1.0, 13.0)
Y = 50 + 2 * X + np.where(np.arange(12) % 2, -1.0, 1.0)


def test_slope_matches_the_hand_calculation():
    f = ols_slope(X, Y)
    assert f.n == 12
    assert f.slope == pytest.approx(1.958042, abs=1e-6)
    assert f.intercept == pytest.approx(50.272727, abs=1e-6)
    assert f.low == pytest.approx(1.756084, abs=1e-6)
    assert f.high == pytest.approx(2.160000, abs=1e-6)
    assert f.r == pytest.approx(0.989455, abs=1e-6)


def test_slope_matches_scipy_linregress():
    ref = stats.linregress(X, Y)
    t = stats.t.ppf(0.975, len(X) - 2)
    f = ols_slope(X, Y)
    assert f.slope == pytest.approx(ref.slope, rel=1e-12)
    assert f.r == pytest.approx(ref.rvalue, rel=1e-12)
    assert f.low == pytest.approx(ref.slope - t * ref.stderr, rel=1e-12)
    assert f.high == pytest.approx(ref.slope + t * ref.stderr, rel=1e-12)


def test_impact_of_closing_a_gap_matches_the_hand_calculation():
    i = gap_impact(X, Y, 4.0, 9.0, min_n=12)
    assert i.change == 5.0
    assert i.expected == pytest.approx(9.79021, abs=1e-5)
    assert (i.low, i.high) == (pytest.approx(8.78042, abs=1e-5), pytest.approx(10.8, abs=1e-5))


def test_negative_change_keeps_the_interval_ordered():
    i = gap_impact(X, Y, 9.0, 4.0, min_n=12)  # a lower-is-better metric closes its gap downwards
    assert i.expected == pytest.approx(-9.79021, abs=1e-5) and i.low < i.expected < i.high


def test_not_shown_when_the_cohort_does_not_support_it():
    assert gap_impact(X, Y, 4.0, 9.0) is None            # 12 < MIN_N
    assert MIN_N == 20
    rng = np.random.default_rng(0)
    x = rng.normal(size=200)
    y = rng.normal(size=200)                               # no association
    assert gap_impact(x, y, 0.0, 1.0) is None
    assert not supported(ols_slope(x, y))


def test_missing_values_are_dropped_and_degenerate_inputs_give_none():
    x = np.append(X, [np.nan, 5.0])
    y = np.append(Y, [70.0, np.nan])
    assert ols_slope(x, y).slope == pytest.approx(ols_slope(X, Y).slope)
    assert ols_slope([1.0, 2.0], [1.0, 2.0]) is None
    assert ols_slope([3.0] * 5, [1.0, 2.0, 3.0, 4.0, 5.0]) is None
