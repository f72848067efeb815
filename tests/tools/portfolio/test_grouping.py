"""compare_portfolio grouped by a customer attribute: ranks within each attribute's group, pinned to
scipy; the default (segment) grouping unchanged; small and missing groups get no peer figures."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from tests.factories import add_customers
from tools.base import ToolError
from tools.portfolio.compare_portfolio import ComparePortfolioInput, compare_portfolio
from tools.portfolio.grouping import groupings, proposed_grouping, resolve_grouping
from tools.portfolio.positions import KIDX, load_positions


@pytest.fixture()
def book(ws):
    """Two segments x two industries; 'Retail' SMB has 6 accounts (too small); one CSM column."""
    add_customers(ws, 14, segment="Enterprise", industry="SaaS", seed=1)
    add_customers(ws, 12, segment="Enterprise", industry="FinTech", seed=2)
    add_customers(ws, 11, segment="SMB", industry="SaaS", arr=10_000, seed=3)
    add_customers(ws, 6, segment="SMB", industry="Retail", arr=12_000, seed=4)
    with ws.write() as db:
        db.execute("UPDATE customers SET csm = CASE WHEN id % 2 = 0 THEN 'Ana' ELSE 'Ben' END")
    return ws


def test_accounts_are_ranked_within_their_industry_as_scipy_does(book):
    out = compare_portfolio(book, ComparePortfolioInput(group_by="industry"))
    assert out.group_by == "industry"
    groups = {g.segment: g for g in out.peer_groups}
    assert set(groups) == {"FinTech", "Retail", "SaaS"}
    assert groups["SaaS"].size == 25 and groups["SaaS"].sufficient and not groups["Retail"].sufficient
    pos = load_positions(book)
    names = pos.names.tolist()
    saas = [i for i, n in enumerate(names) if " SaaS " in n]
    nps = pos.values[saas, KIDX["nps"]]
    top = groups["SaaS"].accounts.rows()[0]
    # the best composite of the SaaS group, recomputed: mean of percentileofscore within SaaS over every metric
    def composite(i):
        return np.mean([stats.percentileofscore(pos.values[saas, j], pos.values[i, j], kind="mean")
                        if k != "time_to_value_days" and k != "support_tickets_per_user" else
                        100 - stats.percentileofscore(pos.values[saas, j], pos.values[i, j], kind="mean")
                        for k, j in KIDX.items() if not np.isnan(pos.values[i, j])])
    best = max(saas, key=composite)
    assert top["customer"] == names[best] and top["composite"] == pytest.approx(composite(best), abs=0.01)
    assert len(nps) == 25


def test_default_grouping_figures_are_unchanged(book):
    plain = compare_portfolio(book, ComparePortfolioInput())
    explicit = compare_portfolio(book, ComparePortfolioInput(group_by="segment"))
    strip = lambda o: o.model_dump(exclude={"run_id", "taken_at"})
    assert strip(plain) == strip(explicit) and plain.group_by == "segment"


def test_benchmark_figures_do_not_depend_on_the_grouping(book):
    a = compare_portfolio(book, ComparePortfolioInput())
    b = compare_portfolio(book, ComparePortfolioInput(group_by="region"))
    # (top performers without a benchmark are counted among peers, so those counts follow the grouping)
    peerless = {"top_performers"}
    assert [m.model_dump(exclude=peerless) for m in a.metrics] == [m.model_dump(exclude=peerless) for m in b.metrics]


def test_grouping_by_any_customer_text_column(book):
    assert "csm" in groupings(book)
    out = compare_portfolio(book, ComparePortfolioInput(group_by="CSM"))
    assert {g.segment for g in out.peer_groups} == {"Ana", "Ben"}
    band = compare_portfolio(book, ComparePortfolioInput(group_by="ARR band"))
    assert [g.segment for g in band.peer_groups] == ["<$25K", "$100K-$250K"]  # band order, not alphabetical


def test_segment_filter_with_another_grouping(book):
    out = compare_portfolio(book, ComparePortfolioInput(group_by="industry", segment="SMB"))
    assert out.accounts == 17 and {g.segment for g in out.peer_groups} == {"Retail", "SaaS"}
    assert next(g for g in out.peer_groups if g.segment == "SaaS").size == 25  # ranked in the whole industry


def test_unknown_grouping_names_the_choices(book):
    with pytest.raises(ToolError) as err:
        resolve_grouping(book, "favourite colour")
    assert "csm" in err.value.suggestions and "industry" in err.value.suggestions


def test_a_regrouped_run_is_not_stored_as_a_snapshot(book):
    compare_portfolio(book, ComparePortfolioInput(group_by="industry"))
    assert book.query("SELECT count(*) AS n FROM snapshots")[0]["n"] == 0
    compare_portfolio(book, ComparePortfolioInput())
    assert book.query("SELECT count(*) AS n FROM snapshots")[0]["n"] == 43


def test_metric_subset_keeps_each_list_with_its_metric(book):
    out = compare_portfolio(book, ComparePortfolioInput(metrics=["NPS", "health score"]))
    assert [m.metric for m in out.metrics] == ["health_score", "nps"]
    assert [t.metric for t in out.top_performers] == ["health_score", "nps"]
    assert [m.top_performers for m in out.metrics] == [t.count for t in out.top_performers]


def test_proposed_grouping_follows_the_benchmark_scopes(book):
    assert proposed_grouping(book, None)[0] == "segment"
