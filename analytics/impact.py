"""Expected impact: the change in a headline metric associated with closing a gap, from the cohort.

For a gap on metric X (the account at ``x_now``, its target ``x_target``) and a headline
metric Y (health score, renewal rate), the cohort's accounts give pairs (x, y). The
ordinary least-squares slope b of y on x, with its 95% confidence interval from the
t distribution (n - 2 degrees of freedom), gives the expected change
``b * (x_target - x_now)`` and its interval. This is an *association* across accounts,
not a causal effect: accounts with more of X also have more of Y, for reasons that may
have nothing to do with X.

The rule for showing it (:func:`gap_impact` returns None otherwise), in one place:

- at least :data:`MIN_N` accounts with both values (the cohort itself has >= 10 anyway);
- ``|r| >= MIN_R`` (Pearson correlation; a weak association predicts little);
- the slope's 95% interval excludes 0 (its sign is known).

OLS rather than Theil-Sen because it has a textbook confidence interval that can be
checked by hand (``tests/analytics/test_impact.py`` pins it to one); the cohort values
are bounded catalog metrics (scores, percents), so a single extreme point moves the
slope little at n >= 20.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

MIN_N = 20       # accounts with both values
MIN_R = 0.3      # |Pearson r| at least this
LEVEL = 0.95     # confidence level of the interval


@dataclass(frozen=True)
class Slope:
    """OLS fit of y on x: slope, its ``LEVEL`` interval, intercept, Pearson r and n."""

    slope: float
    low: float
    high: float
    intercept: float
    r: float
    n: int


@dataclass(frozen=True)
class Impact:
    """The change in y associated with moving x by ``change``: ``expected`` within [low, high]."""

    change: float
    expected: float
    low: float
    high: float
    fit: Slope


def ols_slope(x, y, level: float = LEVEL) -> Slope | None:
    """Least-squares slope of y on x with its confidence interval; None below 3 usable pairs.

    Pairs with a missing value in either are dropped. The interval is
    ``b +- t(level, n-2) * sqrt(SSE / (n-2) / Sxx)``.

    Examples
    --------
    >>> f = ols_slope([1, 2, 3, 4], [2.0, 4.1, 5.9, 8.0])
    >>> round(f.slope, 3), round(f.low, 3), round(f.high, 3), round(f.r, 4), f.n
    (1.98, 1.797, 2.163, 0.9995, 4)
    >>> ols_slope([1, 1, 1], [1, 2, 3]) is None     # no spread in x: no slope
    True
    """
    x, y = np.asarray(x, dtype="float64"), np.asarray(y, dtype="float64")
    keep = ~(np.isnan(x) | np.isnan(y))
    x, y = x[keep], y[keep]
    n = len(x)
    if n < 3:
        return None
    dx, dy = x - x.mean(), y - y.mean()
    sxx, syy, sxy = float(dx @ dx), float(dy @ dy), float(dx @ dy)
    if sxx <= 0 or syy <= 0:
        return None
    b = sxy / sxx
    sse = max(syy - b * sxy, 0.0)
    # Student's t quantile: scipy.stats.t.ppf is this function (t._ppf calls it); scipy.special imports
    # in about 0.15 s, scipy.stats in 0.45 s, and only an impact estimate pays for it.
    from scipy.special import stdtrit

    half = float(stdtrit(n - 2, 0.5 + level / 2)) * float(np.sqrt(sse / (n - 2) / sxx))
    return Slope(slope=b, low=b - half, high=b + half, intercept=float(y.mean() - b * x.mean()),
                 r=sxy / float(np.sqrt(sxx * syy)), n=n)


def supported(fit: Slope | None, min_n: int = MIN_N, min_r: float = MIN_R) -> bool:
    """Whether the cohort supports stating an impact (the module's rule).

    >>> supported(Slope(2.0, 1.5, 2.5, 0.0, 0.5, 30)), supported(Slope(2.0, -0.1, 4.1, 0.0, 0.5, 30))
    (True, False)
    >>> supported(Slope(2.0, 1.5, 2.5, 0.0, 0.2, 30)), supported(Slope(2.0, 1.5, 2.5, 0.0, 0.5, 12))
    (False, False)
    """
    if fit is None or fit.n < min_n or abs(fit.r) < min_r:
        return False
    return fit.low > 0 or fit.high < 0


def gap_impact(x, y, x_now: float, x_target: float, min_n: int = MIN_N, min_r: float = MIN_R) -> Impact | None:
    """The change in y associated with moving x from ``x_now`` to ``x_target``, or None when the
    cohort does not support it (:func:`supported`) or there is nothing to close.

    Examples
    --------
    >>> xs = np.arange(1.0, 25.0)
    >>> ys = 50 + 2 * xs + np.where(np.arange(24) % 2, -1.0, 1.0)
    >>> i = gap_impact(xs, ys, 4.0, 9.0)
    >>> round(i.expected, 2), round(i.low, 2), round(i.high, 2)
    (9.95, 9.63, 10.27)
    >>> gap_impact(xs, ys, 9.0, 9.0) is None
    True
    """
    change = float(x_target) - float(x_now)
    if not change or change != change:
        return None
    fit = ols_slope(x, y)
    if not supported(fit, min_n, min_r):
        return None
    ends = sorted((fit.low * change, fit.high * change))
    return Impact(change=change, expected=fit.slope * change, low=ends[0], high=ends[1], fit=fit)
