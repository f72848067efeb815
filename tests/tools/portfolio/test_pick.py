"""rows._pick: each account's strengths/gaps (up to 3 metric keys), against a plain per-row reading."""

from __future__ import annotations

import numpy as np
import pytest

from analytics.catalog import KEYS
from tools.portfolio.rows import _pick


def _plain(pct: np.ndarray, keep, best_first: bool, n: int = 3) -> list[list[str]]:
    out = []
    for row in pct:
        known = [(v, j) for j, v in enumerate(row) if v == v]
        known.sort(key=lambda vj: -vj[0] if best_first else vj[0])  # stable: ties keep catalog order
        out.append([KEYS[j] for v, j in known[:n] if keep(np.array(v))])
    return out


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("rule", ["strengths", "gaps", "band"])
def test_pick_matches_a_plain_reading(seed, rule):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(1, 400))
    pct = np.round(rng.uniform(0, 100, (n, len(KEYS))), int(rng.integers(0, 2)))  # ties when rounded
    pct[rng.random(pct.shape) < 0.4] = np.nan
    keep, best = {"strengths": (lambda p: p >= 75, True), "gaps": (lambda p: p < 50, False),
                  "band": (lambda p: (p > 30) & (p < 60), True)}[rule]  # band: not a prefix of a row
    assert _pick(pct, keep, best) == _plain(pct, keep, best)


def test_rows_with_the_same_picks_read_alike():
    pct = np.full((3, len(KEYS)), np.nan)
    pct[:, 0], pct[:, 1] = [90, 90, 10], [80, 80, 95]
    assert _pick(pct, lambda p: p >= 75, True) == [[KEYS[0], KEYS[1]], [KEYS[0], KEYS[1]], [KEYS[1]]]
