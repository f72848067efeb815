"""Correctness of the import fast paths (issue 3): they accept and read exactly what the
cell-by-cell rules do. No timings here."""

from __future__ import annotations

import random

import pytest

from analytics.catalog import BY_KEY
from tools.ingest import metric_column as mc


def _fast_accepts(joined: str) -> bool:
    if not mc._plain_lines(joined):
        return False
    try:
        [float(c) for c in joined.split("\n") if c]
    except ValueError:
        return False
    return True


@pytest.mark.parametrize("text", [
    "", "1", "-1", "+1", "1.5", "-0.25", "007", "1.", ".5", "-.5", "+.5", ".", "+", "-", "1-2", "1.2.3",
    "1..2", "1.+2", "--1", "+-1", "1e5", "inf", "nan", " 1", "1 ", "1,5", "62%", "\u0663", "1\n\n2", "\n", "1\n.5",
    "1.\n2", "1\n-\n2", "1\n2.", ".1\n2",
])
def test_plain_lines_matches_the_regex(text):
    assert _fast_accepts(text) == bool(mc._PLAIN_LINES.fullmatch(text)) or not text.isascii()


def test_plain_lines_fuzz_matches_the_regex():
    rng = random.Random(3)
    alphabet = "0123456789..++--\n\n e%,"
    for _ in range(20_000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 8)))
        assert _fast_accepts(text) == bool(mc._PLAIN_LINES.fullmatch(text)), repr(text)


@pytest.mark.parametrize("cells", [
    ["1", "2.5", ""], ["-.5", "2"], ["1.", "2"], ["1-2", "3"], ["+", "4"], ["0.9", "0.85", ""],
    ["62", "7.5", "150"], ["\u0663", "4"],
])
def test_metric_column_same_as_cell_by_cell(cells, monkeypatch):
    metric = BY_KEY["renewal_rate"]
    fast = mc.metric_column(metric, cells, where="column 'x'")
    monkeypatch.setattr(mc, "_plain_column", lambda *a, **k: None)
    slow = mc.metric_column(metric, cells, where="column 'x'")
    assert (fast.values, fast.errors, fast.notes) == (slow.values, slow.errors, slow.notes)
