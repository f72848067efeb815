"""find_at_risk_accounts on the demo book: points follow the documented rule, signals carry the figures."""

from __future__ import annotations

from tools.portfolio.find_at_risk_accounts import (
    FLAG_AT,
    HIGH_AT,
    FindAtRiskAccountsInput,
    find_at_risk_accounts,
    follow_ups,
)
from tools.portfolio.positions import KIDX, load_positions


def test_points_are_the_documented_rule_and_the_figures_are_the_positions(demo_ws):
    out = find_at_risk_accounts(demo_ws, FindAtRiskAccountsInput(limit=50))
    pos = load_positions(demo_ws)
    row = {str(n): i for i, n in enumerate(pos.names)}
    assert out.accounts and out.flagged >= len(out.accounts)
    for a in out.accounts:
        i = row[a.customer]
        bottom = 2 if a.overall_percentile is not None and a.overall_percentile < 25 else 0
        assert a.points == bottom + sum(s.lagging + s.declining for s in a.signals) >= FLAG_AT
        assert a.level == ("high" if a.points >= HIGH_AT else "medium")
        for s in a.signals:
            assert s.value == round(float(pos.values[i, KIDX[s.metric]]), 4)
            assert s.lagging == (s.percentile is not None and s.percentile < 25)
            assert s.declining == (s.trend == "declining")
    keys = [(-a.points, -(a.arr or 0)) for a in out.accounts]
    assert keys == sorted(keys)


def test_oldcorp_is_flagged_and_a_segment_filters(demo_ws):
    out = find_at_risk_accounts(demo_ws, FindAtRiskAccountsInput())
    assert "OldCorp" in [a.customer for a in out.accounts]
    ent = find_at_risk_accounts(demo_ws, FindAtRiskAccountsInput(segment="ent"))
    assert ent.segment == "Enterprise" and {a.segment for a in ent.accounts} == {"Enterprise"}
    assert ent.accounts_checked == 102
    assert [f.label for f in follow_ups(ent)][0] == f"Improvement plan: {ent.accounts[0].customer}"
    text = ent.to_markdown()
    assert "| Account | Segment | ARR |" in text and ent.accounts[0].customer in text
