"""Correctness of the vectorised strengths/gaps pick in tools.portfolio.rows (issue 3). No timings."""

from __future__ import annotations

from itertools import compress

import numpy as np
import pytest

from analytics.catalog import KEYS
from tools.portfolio import rows as prw


def _reference(pct, keep, best_first, n=3):
    filled = np.where(np.isnan(pct), -np.inf if best_first else np.inf, pct)
    order = np.argsort(-filled if best_first else filled, axis=1, kind="stable")[:, :n]
    with np.errstate(invalid="ignore"):
        ok = keep(np.take_along_axis(pct, order, axis=1))
    names = np.array(KEYS, dtype=object)[order].tolist()
    return [list(compress(r, oks)) for r, oks in zip(names, ok.tolist())]


@pytest.mark.parametrize("best_first", [True, False])
@pytest.mark.parametrize("keep", [lambda p: p >= 75, lambda p: p < 25, lambda p: (p > 30) & (p < 60)])
def test_pick_same_as_cell_by_cell(best_first, keep):
    rng = np.random.default_rng(5)
    pct = np.round(rng.uniform(0, 100, (500, len(KEYS))), 0)  # ties included
    pct[rng.random(pct.shape) < 0.3] = np.nan
    pct[:20] = np.nan
    assert prw._pick(pct, keep, best_first) == _reference(pct, keep, best_first)
    assert prw._pick(pct, keep, best_first, n=1) == _reference(pct, keep, best_first, n=1)
