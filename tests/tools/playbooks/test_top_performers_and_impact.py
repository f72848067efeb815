"""find_best_practices' per-group tables and practices to replicate; recommend_improvements'
expected impact (recomputed from the cohort with analytics.impact)."""

from __future__ import annotations

import numpy as np
import pytest

from analytics.impact import gap_impact
from tests.factories import add_customers
from tools.playbooks.find_best_practices import FindBestPracticesInput, find_best_practices
from tools.playbooks.recommend_improvements import RecommendImprovementsInput, recommend_improvements
from tools.portfolio.positions import KIDX, load_positions
from tools.store.workspace import now_iso


@pytest.fixture()
def book(ws):
    ids = add_customers(ws, 30, segment="Enterprise", seed=7)
    with ws.write() as db:
        db["practices"].insert_all({"customer_id": cid, "metric": "nps", "note": "Closes the loop on detractors",
                                    "created_at": now_iso()} for cid in ids)
    return ws


def test_group_table_counts_metrics_above_the_median(book):
    out = find_best_practices(book, FindBestPracticesInput(metric="nps"))
    (table,) = out.groups
    assert table.group == "Enterprise" and table.basis == "metric" and table.metrics[0] == "nps"
    pos = load_positions(book)
    for row in table.rows:
        assert row.label.startswith("Top performer ")
        i = next(i for i, v in enumerate(pos.values[:, KIDX["nps"]]) if v == row.values[0])
        pct = [pos.cohort_pct[i, KIDX[k]] for k in table.metrics]
        assert row.above_median == sum(p >= 50 for p in pct) and row.with_value == 4
        assert row.best_practice == "Closes the loop on detractors"
    assert "| Account | Overall | NPS |" in out.to_markdown() and f"{table.rows[0].above_median} of 4" in out.to_markdown()


def test_practices_name_the_laggards_only_in_the_internal_view(book):
    pos = load_positions(book)
    pct = pos.cohort_pct[:, KIDX["nps"]]
    lagging = [pos.names[i] for i in np.argsort(pct, kind="stable") if pct[i] < 25]
    named = find_best_practices(book, FindBestPracticesInput(metric="nps", anonymise=False))
    (rep,) = named.replicate
    assert rep.practice == "Closes the loop on detractors" and rep.laggards == len(lagging)
    assert rep.replicate_for == lagging[:5]
    assert "Replicate for " + ", ".join(lagging[:3]) in named.to_markdown()
    anonymous = find_best_practices(book, FindBestPracticesInput(metric="nps"))
    assert anonymous.replicate[0].replicate_for == [] and lagging[0] not in anonymous.to_markdown()
    assert f"Replicate for the {len(lagging)} accounts under P25" in anonymous.to_markdown()


def test_expected_impact_is_the_cohort_slope_times_the_gap(demo_ws):
    out = recommend_improvements(demo_ws, RecommendImprovementsInput(customer="Acme Corp"))
    item = next(i for i in out.improvements if i.metric == "feature_adoption")
    (health, renewal) = item.expected_impact
    pos = load_positions(demo_ws)
    rows = pos.rows_of("Enterprise")
    ref = gap_impact(pos.values[rows, KIDX["feature_adoption"]], pos.values[rows, KIDX["health_score"]],
                     item.value, item.target)
    assert health.headline == "health_score" and health.expected == pytest.approx(ref.expected, abs=0.01)
    assert (health.low, health.high) == (pytest.approx(ref.low, abs=0.01), pytest.approx(ref.high, abs=0.01))
    assert health.n == 102 and health.basis == "association, not causation" and renewal.headline == "renewal_rate"


def test_no_expected_impact_when_the_cohort_is_under_the_minimum(ws):
    add_customers(ws, 15, segment="Enterprise", seed=7)  # a peer group of 15: figures, but n < MIN_N for an impact
    out = recommend_improvements(ws, RecommendImprovementsInput(customer="Enterprise SaaS 00"))
    assert out.improvements and all(i.expected_impact == [] for i in out.improvements)
    assert "No expected impact shown" in out.to_markdown()
