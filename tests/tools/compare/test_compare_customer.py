"""compare_customer and build_cohort against a small hand-built workspace."""

from __future__ import annotations

import json

import numpy as np
import pytest
from scipy.stats import percentileofscore

from agent.cli import main
from tests.factories import add_customers, add_quantile_benchmark, set_metric
from tools.base import ToolError
from tools.compare.build_cohort import BuildCohortInput, build_cohort
from tools.compare.cohorts import CohortCriteria
from tools.compare.compare_customer import CompareCustomerInput, compare_customer
from tools.store.frames import latest_metrics
from tools.store.resolve import resolve_customer


@pytest.fixture
def small(ws):
    ent = add_customers(ws, 14, names=["Acme Corp", "Acme Labs"] + [f"Ent {i}" for i in range(12)], seed=1)
    add_customers(ws, 12, segment="SMB", industry="Retail", arr=10_000, seed=2)
    return ws, ent


def test_percentiles_equal_scipy_over_the_segment(small):
    ws, ent = small
    out = compare_customer(ws, CompareCustomerInput(customer="Acme Corp"))
    latest = latest_metrics(ws).loc[ent]
    assert out.cohort.size == 14 and out.cohort.type == "segment"
    for m in out.metrics:
        expected = percentileofscore(latest[m.metric].dropna(), latest.at[ent[0], m.metric], kind="mean")
        if m.direction == "lower_is_better":
            expected = 100 - expected
        assert m.percentile == pytest.approx(expected, abs=0.006)
        assert m.cohort_median == pytest.approx(float(np.median(latest[m.metric])), abs=1e-4)


def test_ties_and_lower_is_better(ws):
    ids = add_customers(ws, 10, seed=3)
    for i, cid in enumerate(ids):
        set_metric(ws, cid, "time_to_value_days", [10, 20, 20, 30, 40, 50, 60, 70, 80, 90][i])
    out = compare_customer(ws, CompareCustomerInput(customer="Enterprise SaaS 01"))
    ttv = out.metric("time_to_value_days")
    # value 20: 1 below, 3 at or below -> (1 + 3) / 2 / 10 = 20 -> lower is better -> 80
    assert ttv.percentile == 80.0 and ttv.status == "above_median" and ttv.rank == 2


def test_overall_percentile_is_rank_of_composite(small):
    ws, ent = small
    acme = compare_customer(ws, CompareCustomerInput(customer="acme corp"))
    composites = [compare_customer(ws, CompareCustomerInput(customer=n)).composite
                  for n in ["Acme Corp", "Acme Labs"] + [f"Ent {i}" for i in range(12)]]
    assert acme.composite == pytest.approx(np.mean([m.percentile for m in acme.metrics if m.percentile is not None]), abs=0.01)
    assert acme.overall_percentile == pytest.approx(percentileofscore(composites, acme.composite, kind="mean"), abs=0.01)


def test_benchmark_percentile_and_bounds(small):
    ws, ent = small
    set_metric(ws, ent[0], "nps", 30.0)
    set_metric(ws, ent[0], "dau_mau", 0.95)
    add_quantile_benchmark(ws, "SaaS 2026", {"nps": {25: 10.0, 50: 20.0, 75: 40.0, 90: 60.0},
                                               "dau_mau": {25: 0.2, 50: 0.3, 75: 0.4, 90: 0.5}})
    out = compare_customer(ws, CompareCustomerInput(customer="Acme Corp"))
    nps = out.metric("nps")
    assert (nps.benchmark_median, nps.benchmark_percentile, nps.benchmark_label) == (20.0, 62.5, "62nd")
    dau = out.metric("dau_mau")
    assert (dau.benchmark_percentile, dau.benchmark_bound, dau.benchmark_label) == (90.0, "above", ">90th")
    assert out.benchmark.name == "SaaS 2026" and out.benchmark.sample_size == 500
    assert out.metric("csat").benchmark_percentile is None


def test_small_cohort_refused_with_advice(small):
    ws, _ = small
    with pytest.raises(ToolError) as err:
        compare_customer(ws, CompareCustomerInput(customer="Acme Corp", cohort_type="custom",
                                                  criteria=CohortCriteria(arr_min=160_000)))
    assert "at least 10" in err.value.message and "wider" in err.value.message


def test_resolver_fuzzy_and_ambiguous(small):
    ws, _ = small
    assert resolve_customer(ws, "ACME CORP")["name"] == "Acme Corp"
    assert resolve_customer(ws, "Acme Crop")["name"] == "Acme Corp"
    with pytest.raises(ToolError) as err:
        resolve_customer(ws, "acme")  # Acme Corp and Acme Labs
    assert "Acme Corp" in err.value.suggestions and "Acme Labs" in err.value.suggestions
    with pytest.raises(ToolError):
        resolve_customer(ws, "Zzyzx Holdings")


def test_peers_are_anonymised(small):
    ws, _ = small
    out = compare_customer(ws, CompareCustomerInput(customer="Acme Corp"))
    labels = [p.label for p in out.peers]
    assert "You" in labels and all(l == "You" or l.startswith("Peer ") for l in labels)
    assert "Acme Labs" not in json.dumps(out.model_dump())


def test_build_cohort_composition_and_save(small):
    ws, _ = small
    out = build_cohort(ws, BuildCohortInput(segment="enterprise", arr_min=100_000, save_as="big"))
    assert out.size == 14 and out.sufficient and out.composition["segment"] == {"Enterprise": 14}
    tiny = build_cohort(ws, BuildCohortInput(industry="Retail", arr_max=15_500))
    assert tiny.size == 6 and not tiny.sufficient and tiny.composition == {}
    reused = compare_customer(ws, CompareCustomerInput(customer="Acme Corp", cohort_type="all",
                                                       criteria=CohortCriteria(saved="big")))
    assert reused.cohort.size == 14


def test_cli_compare_json_contract(small, capsys):
    ws, _ = small
    assert main(["--db", str(ws.path), "compare", "Acme Corp", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["customer"] == "Acme Corp" and data["cohort"]["size"] == 14 and data["cohort"]["type"] == "segment"
    for key in ("overall_percentile", "strengths", "gaps"):
        assert key in data
    m = data["metrics"][0]
    for key in ("metric", "value", "percentile", "cohort_p25", "cohort_median", "cohort_p75", "cohort_p90",
                "benchmark_median", "benchmark_percentile", "status", "trend"):
        assert key in m


def test_cli_where_and_errors(small, capsys):
    ws, _ = small
    assert main(["--db", str(ws.path), "compare", "Acme Corp", "--where", "industry=SaaS",
                 "--where", "arr_min=$100K", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["cohort"]["type"] == "custom"
    assert main(["--db", str(ws.path), "compare", "Nobody Inc"]) == 2
    assert "No customer" in capsys.readouterr().err
    assert main(["--db", str(ws.path), "cohort", "--where", "segment=SMB", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["size"] == 12


def test_differencing_refused_within_a_session(small):
    ws, ent = small
    compare_customer(ws, CompareCustomerInput(customer="Acme Corp"))  # 14 Enterprise accounts
    compare_customer(ws, CompareCustomerInput(customer="Acme Corp"))  # the same group again is fine
    with pytest.raises(ToolError) as err:  # 14 minus 2 accounts would expose those two
        compare_customer(ws, CompareCustomerInput(customer="Acme Corp", cohort_type="custom",
                                                  criteria=CohortCriteria(segment="Enterprise", arr_max=162_000)))
    assert "differs from one already shown" in err.value.message


def test_gap_distributions_are_binned_without_min_or_max(small):
    ws, ent = small
    out = compare_customer(ws, CompareCustomerInput(customer="Acme Corp"))
    latest = latest_metrics(ws).loc[ent]
    assert [d.metric for d in out.distributions] == out.gaps[:4]
    for d in out.distributions:
        col = latest[d.metric].dropna()
        assert sum(d.counts) == len(col) and len(d.edges) == len(d.counts) + 1
        assert d.edges[0] == pytest.approx(np.percentile(col, 10), abs=1e-6)
        assert d.edges[-1] == pytest.approx(np.percentile(col, 90), abs=1e-6)
        assert col.min() not in d.edges and col.max() not in d.edges
        assert d.value == latest.at[ent[0], d.metric]
    assert "distributions" not in out.summary_for_model()


def test_another_account_against_the_same_group_is_not_differencing(small):
    """Issue 14: "only Enterprise peers" after a Mid-Market account. The groups differ only by the
    account being compared, whose own values are on screen anyway: nothing is revealed."""
    ws, ent = small
    compare_customer(ws, CompareCustomerInput(customer="Acme Corp"))  # the 14 Enterprise accounts
    other = compare_customer(ws, CompareCustomerInput(customer="SMB Retail 00", cohort_type="custom",
                                                      criteria=CohortCriteria(segment="Enterprise")))
    assert other.cohort.size == 15  # the 14 + the SMB account itself


def test_the_guard_still_refuses_a_difference_of_another_account(small):
    """The compared accounts do not count, every other account still does: one unknown account is refused."""
    ws, ent = small
    compare_customer(ws, CompareCustomerInput(customer="Acme Corp"))
    with pytest.raises(ToolError) as err:  # 13 Enterprise + the SMB account: differs by Ent 11, a peer
        compare_customer(ws, CompareCustomerInput(customer="SMB Retail 01", cohort_type="custom",
                                                  criteria=CohortCriteria(segment="Enterprise", arr_max=163_000)))
    assert "differs from one already shown" in err.value.message


def test_a_focused_comparison_shows_only_the_metrics_asked_about(small):
    ws, ent = small
    full = compare_customer(ws, CompareCustomerInput(customer="Acme Corp"))
    focused = compare_customer(ws, CompareCustomerInput(customer="Acme Corp", metrics=["NPS Score", "csat", "nps"]))
    assert focused.focus == ["nps", "csat"]
    assert focused.metrics == full.metrics and focused.overall_percentile == full.overall_percentile
    table = [line for line in focused.to_markdown().splitlines() if line.startswith("| ") and "---" not in line]
    assert [line.split(" | ")[0] for line in table] == ["| Metric", "| NPS", "| CSAT"]
    assert "the full table has 22 metrics" in focused.to_markdown()
    assert [m[0] for m in focused.summary_for_model()["metrics"]] == ["nps", "csat"]
    with pytest.raises(ToolError):
        compare_customer(ws, CompareCustomerInput(customer="Acme Corp", metrics=["favourite colour"]))
