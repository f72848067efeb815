"""The hostile suite's figures, printed at the end of the test run (tests/hostile/conftest.py)."""

from __future__ import annotations

from collections import Counter

TALLY: Counter = Counter()


def count(what: str, n: int = 1) -> None:
    TALLY[what] += n
