"""The fast paths of the portfolio lists give what the plain versions gave: labels looked up,
names sorted by rank, the workbook's first rows in the order of a full sort."""

from __future__ import annotations

import numpy as np

from reports.format import ordinal
from tools.portfolio import rows
from tools.portfolio.models import BelowBenchmark
from tools.report import portfolio as report


def _plain_labels(pct, bound):
    out = []
    for p, b in zip(pct, bound):
        if p != p:
            out.append("n/a")
        else:
            out.append({"below": "<", "above": ">"}.get(b, "") + ordinal(int(np.clip(np.rint(p), 0, 100))))
    return out


def test_labels_match_one_by_one_formatting():
    rng = np.random.default_rng(5)
    pct = rng.uniform(-5, 105, 5000)
    pct[rng.random(5000) < 0.1] = np.nan
    bound = rng.choice(np.array(["", "below", "above"], dtype=object), 5000)
    assert rows._labels(pct, bound) == _plain_labels(pct, bound)


def test_name_rank_orders_as_the_names():
    class Pos:
        names = np.array(["b", "a", "B", "a2", "Zed", "a"], dtype=object)

    rank = rows.name_rank(Pos())
    assert [Pos.names[i] for i in np.argsort(rank, kind="stable")] == sorted(Pos.names)
    assert rank[1] == rank[5]  # equal names share a place


def _below(values):
    n = len(values)
    return BelowBenchmark(metric="nps", label="NPS", count=n, customer=[f"A{i}" for i in range(n)], segment=["SMB"] * n,
                          value=values, percentile=[10.0] * n, percentile_label=["10th"] * n,
                          benchmark_p25=[1.0] * n, benchmark_median=[2.0] * n, gap_to_median=[1.0] * n, gap_to_p25=[0.5] * n)


def test_ordered_first_rows_are_those_of_a_full_stable_sort():
    rng = np.random.default_rng(9)
    values = rng.integers(0, 20, 300).astype(float).tolist()  # many ties
    lst = _below(values)
    for best_first, higher in ((True, True), (False, True)):
        plain = sorted(lst.rows(), key=lambda r: r["value"], reverse=higher == best_first)
        assert report._ordered(lst, "nps", best_first) == plain
        assert report._ordered(lst, "nps", best_first, 17) == plain[:17]
    capped = report._first_rows([lst, lst], False, lambda b, r: r["customer"], limit=450)
    assert len(capped) == 450 and capped[:300] == [r["customer"] for r in sorted(lst.rows(), key=lambda r: r["value"])]


def test_shared_floats_is_tolist_with_none_for_nan():
    from tools.base import rounded_list, shared_floats

    rng = np.random.default_rng(2)
    a = np.round(rng.normal(0, 50, 5000), 1)
    a[rng.random(5000) < 0.1] = np.nan
    assert shared_floats(a) == [None if x != x else x for x in a.tolist()]
    kept = shared_floats(a, nan_as_none=False)
    assert sum(x != x for x in kept) == int(np.isnan(a).sum())  # NaN stays NaN when asked
    negative_zero = np.array([-0.0] * 1500 + [1.0])
    assert str(rounded_list(negative_zero, 2)[0]) == "-0.0"
    levels = shared_floats(np.repeat([61.5, 70.25, 80.0], 2000))
    assert len({id(x) for x in levels}) == 3  # one float object per distinct value
