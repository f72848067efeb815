"""A CSM's book (issue 17): accounts carry an owner; portfolio and success views per CSM."""

from __future__ import annotations

import pytest

from tools.base import NotFound
from tools.portfolio.compare_portfolio import ComparePortfolioInput, compare_portfolio
from tools.store.owners import accounts_of, csm_directory, find_csm
from tools.success.portfolio_success import PortfolioSuccessInput, portfolio_success


def test_a_csm_is_named_by_full_name_first_name_or_id(demo_ws):
    directory = csm_directory(demo_ws)
    assert "Sarah Chen" in directory.values() and len(directory) == 8
    sarah = next(i for i, n in directory.items() if n == "Sarah Chen")
    assert find_csm(demo_ws, "sarah chen") == find_csm(demo_ws, "Sarah") == find_csm(demo_ws, str(sarah)) == "Sarah Chen"
    assert find_csm(demo_ws, "Dana") is None


def test_the_book_keeps_ranks_within_the_whole_segment(demo_ws):
    whole = compare_portfolio(demo_ws, ComparePortfolioInput(segment="Enterprise"))
    book = compare_portfolio(demo_ws, ComparePortfolioInput(segment="Enterprise", csm="Sarah"))
    mine = demo_ws.query("SELECT name FROM customers WHERE csm = 'Sarah Chen' AND segment = 'Enterprise'")
    assert book.csm == "Sarah Chen" and book.accounts == len(mine) < whole.accounts
    group, full = book.peer_groups[0], whole.peer_groups[0]
    assert group.size == full.size == 102 and set(group.accounts.customer) == {r["name"] for r in mine}
    rank = dict(zip(full.accounts.customer, full.accounts.rank))
    assert all(rank[n] == r for n, r in zip(group.accounts.customer, group.accounts.rank))
    pct = dict(zip(full.accounts.customer, full.accounts.overall_percentile))
    assert dict(zip(group.accounts.customer, group.accounts.overall_percentile))["Acme Corp"] == pct["Acme Corp"]
    assert "owned by Sarah Chen" in book.to_markdown() and "ranked among all 102" in book.to_markdown()


def test_an_unknown_csm_lists_the_known_ones(demo_ws):
    with pytest.raises(NotFound, match="Dana") as exc:
        compare_portfolio(demo_ws, ComparePortfolioInput(csm="Dana"))
    assert "Sarah Chen" in exc.value.suggestions


def test_success_for_one_csm_and_per_csm(demo_ws):
    all_ent = portfolio_success(demo_ws, PortfolioSuccessInput(segment="Enterprise", by_csm=True))
    rows = {r.csm: r for r in all_ent.by_csm}
    assert sum(r.goals for r in rows.values()) == all_ent.goals
    assert sum(r.accounts for r in rows.values()) == all_ent.accounts_with_goals
    sarah = rows["Sarah Chen"]
    judged = sarah.achieved + sarah.on_track + sarah.at_risk + sarah.missed
    assert sarah.success_rate == pytest.approx(round(100 * (sarah.achieved + sarah.on_track) / judged, 1))
    mine = portfolio_success(demo_ws, PortfolioSuccessInput(segment="Enterprise", csm="Sarah Chen"))
    assert mine.csm == "Sarah Chen" and mine.goals == sarah.goals and mine.status_counts["achieved"] == sarah.achieved
    ids = set(accounts_of(demo_ws, "Sarah Chen"))
    assert {a.customer for a in mine.accounts} <= {r["name"] for r in demo_ws.query("SELECT id, name FROM customers")
                                                    if r["id"] in ids}
    assert "Goal success by CSM" in all_ent.to_markdown()


def test_the_demo_figures_are_unchanged_without_a_csm(demo_ws):
    whole = compare_portfolio(demo_ws, ComparePortfolioInput(segment="Enterprise"))
    assert whole.csm is None and whole.accounts == 102
