"""Anonymity rules that are pure set arithmetic (DESIGN.md §4, §8)."""

from __future__ import annotations

MIN_COHORT = 10


def differencing_conflict(members: frozenset, shown: list[frozenset], min_diff: int = MIN_COHORT,
                          known: frozenset = frozenset()) -> frozenset | None:
    """The earlier cohort that ``members`` could be subtracted from, if any.

    Two aggregates over cohorts that differ by fewer than ``min_diff`` accounts
    let a reader work out the few accounts in between. The same cohort shown
    again is fine. Accounts in ``known`` are the ones the reader was shown by name
    with all their own values (the accounts compared): subtracting them reveals
    nothing new, so they do not count towards the difference. The protection
    stays whole for everyone else: a difference of 1 to ``min_diff - 1`` other
    accounts is refused, whatever known accounts come with it.

    >>> a = frozenset(range(20)); b = frozenset(range(21))
    >>> differencing_conflict(b, [a]) == a, differencing_conflict(a, [a]), differencing_conflict(frozenset(range(40)), [a])
    (True, None, None)

    Account 20 is the account being compared (its values are on screen): no conflict.
    With one more, unknown account in the difference, the conflict is back:

    >>> differencing_conflict(b, [a], known=frozenset({20})), differencing_conflict(frozenset(range(22)), [a], known=frozenset({20})) == a
    (None, True)
    """
    for earlier in shown:
        diff = (members ^ earlier) - known
        if 0 < len(diff) < min_diff:
            return earlier
    return None
