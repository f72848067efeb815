"""Anonymity rules that are pure set arithmetic (DESIGN.md §4, §8)."""

from __future__ import annotations

MIN_COHORT = 10


def differencing_conflict(members: frozenset, shown: list[frozenset], min_diff: int = MIN_COHORT) -> frozenset | None:
    """The earlier cohort that ``members`` could be subtracted from, if any.

    Two aggregates over cohorts that differ by fewer than ``min_diff`` accounts
    let a reader work out the few accounts in between. The same cohort shown
    again is fine.

    >>> a = frozenset(range(20)); b = frozenset(range(21))
    >>> differencing_conflict(b, [a]) == a, differencing_conflict(a, [a]), differencing_conflict(frozenset(range(40)), [a])
    (True, None, None)
    """
    for earlier in shown:
        diff = len(members ^ earlier)
        if 0 < diff < min_diff:
            return earlier
    return None
