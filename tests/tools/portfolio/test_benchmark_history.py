"""benchmark_history: stored snapshots read back, and the monthly position recomputed from history."""

from __future__ import annotations

import json

import numpy as np
import pytest
from scipy.stats import percentileofscore

from agent.cli import main
from analytics.catalog import BY_KEY, KEYS
from tests.factories import PERIODS, add_customers, add_quantile_benchmark
from tools.compare.compare_customer import CompareCustomerInput, compare_customer
from tools.portfolio.benchmark_history import BenchmarkHistoryInput, benchmark_history
from tools.portfolio.compare_portfolio import ComparePortfolioInput, compare_portfolio
from tools.store.frames import metric_history

POINTS = {"nps": {25: 20.0, 50: 40.0, 75: 60.0, 90: 70.0}, "csat": {25: 30.0, 50: 50.0, 75: 70.0}}


@pytest.fixture
def book(ws):
    ids = add_customers(ws, 12, names=["Acme Corp"] + [f"Ent {i:02d}" for i in range(11)], seed=11)
    add_customers(ws, 10, segment="SMB", seed=12)
    add_quantile_benchmark(ws, "SaaS 2026", POINTS)
    # Acme has no values in the first two months: carried forward from nothing, then present.
    with ws.write() as db:
        db.execute("DELETE FROM metric_values WHERE customer_id = ? AND period IN (?, ?)", (ids[0], *PERIODS[:2]))
        db.execute("DELETE FROM metric_values WHERE customer_id = ? AND period = ? AND metric = 'nps'", (ids[1], PERIODS[5]))
    return ws, ids


def scipy_overall(ws, ids, period, me):
    """Overall percentile of ``me`` among ``ids`` from values as of ``period`` (carried forward), by scipy."""
    hist = metric_history(ws, ids)
    hist = hist[hist["period"] <= period].dropna(subset=["value"]).sort_values("period")
    asof = hist.groupby(["customer_id", "metric"])["value"].last().unstack().reindex(index=ids, columns=list(KEYS))
    present = asof.dropna(how="all")
    pcts = {}
    for key in KEYS:
        col = present[key].dropna()
        pcts[key] = {c: (p if BY_KEY[key].higher_is_better else 100 - p) for c in col.index
                     for p in [percentileofscore(col, col[c], kind="mean")]}
    composite = {c: np.mean([pcts[k][c] for k in KEYS if c in pcts[k]]) for c in present.index}
    comps = np.round(list(composite.values()), 9)
    return percentileofscore(comps, round(composite[me], 9), kind="mean"), len(present)


def test_monthly_position_matches_scipy_and_compare_customer(book):
    ws, ids = book
    out = benchmark_history(ws, BenchmarkHistoryInput(customer="acme corp"))
    assert [h.period for h in out.monthly] == PERIODS  # 10 months of data, all shown
    assert out.monthly[0].overall_percentile is None and out.monthly[0].metrics == 0
    for h in out.monthly[2:]:
        expected, size = scipy_overall(ws, ids, h.period, ids[0])
        assert h.cohort_size == size and h.overall_percentile == pytest.approx(expected, abs=0.01)
    latest = compare_customer(ws, CompareCustomerInput(customer="Acme Corp"))
    assert out.monthly[-1].overall_percentile == pytest.approx(latest.overall_percentile, abs=0.01)
    assert out.monthly[-1].benchmark_composite == pytest.approx(
        np.mean([m.benchmark_percentile for m in latest.metrics if m.benchmark_percentile is not None]), abs=0.01)
    assert out.change.startswith("Overall percentile among Enterprise peers")


def test_periods_limit_and_small_segment(book):
    ws, ids = book
    out = benchmark_history(ws, BenchmarkHistoryInput(customer="Ent 03", periods=3))
    assert [h.period for h in out.monthly] == PERIODS[-3:]
    # Ent 00 misses nps in one month: the earlier value is carried forward, so it still counts
    assert all(h.cohort_size == 12 for h in out.monthly)
    add_customers(ws, 3, segment="Mid-Market", seed=13)
    small = benchmark_history(ws, BenchmarkHistoryInput(customer="Mid-Market SaaS 01"))
    assert all(h.overall_percentile is None and h.cohort_size == 3 for h in small.monthly)
    assert any("only 3 accounts" in n for n in small.notes)


def test_snapshots_written_by_compare_portfolio_are_read_back(book):
    ws, ids = book
    before = benchmark_history(ws, BenchmarkHistoryInput(customer="Acme Corp"))
    assert before.snapshots == [] and any("No stored portfolio runs" in n for n in before.notes)
    runs = [compare_portfolio(ws, ComparePortfolioInput()) for _ in range(2)]
    out = benchmark_history(ws, BenchmarkHistoryInput(customer="Acme Corp"))
    assert [s.run_id for s in out.snapshots] == [runs[0].run_id]  # the same data again stores nothing
    with ws.write() as db:  # one peer's value changes: every position is stored again
        db.execute("UPDATE metric_values SET value = value + 5 WHERE customer_id = ? AND metric = 'nps' "
                   "AND period = ?", (ids[3], PERIODS[-1]))
    runs.append(compare_portfolio(ws, ComparePortfolioInput()))
    out = benchmark_history(ws, BenchmarkHistoryInput(customer="Acme Corp"))
    assert [s.run_id for s in out.snapshots] == [runs[0].run_id, runs[2].run_id]
    acme = next(r for r in runs[-1].peer_groups[0].accounts.rows() if r["customer"] == "Acme Corp")
    snap = out.snapshots[-1]
    assert snap.overall_percentile == pytest.approx(acme["overall_percentile"], abs=0.01)
    assert snap.benchmark_composite == pytest.approx(acme["benchmark_composite"], abs=0.01)
    assert snap.period == PERIODS[-1] and snap.benchmark_set == "SaaS 2026"
    assert snap.overall_percentile == pytest.approx(out.monthly[-1].overall_percentile, abs=0.01)


def test_cli_history_json_and_text(book, capsys):
    ws, ids = book
    compare_portfolio(ws, ComparePortfolioInput())
    assert main(["--db", str(ws.path), "history", "Acme Corp", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["customer"] == "Acme Corp" and len(data["monthly"]) == 10 and len(data["snapshots"]) == 1
    assert main(["--db", str(ws.path), "history", "acme"]) == 0
    text = capsys.readouterr().out
    assert "benchmark position over time" in text and "| 2026-10 |" in text and "Stored portfolio runs" in text
    assert main(["--db", str(ws.path), "history", "Nobody Inc"]) == 2


def test_history_of_one_metric_follows_its_value_and_percentile(demo_ws):
    out = benchmark_history(demo_ws, BenchmarkHistoryInput(customer="Acme Corp", metric="health score", periods=6))
    assert out.metric == "health_score" and len(out.monthly) == 6
    rows = demo_ws.query("SELECT period, value FROM metric_values mv JOIN customers c ON c.id = mv.customer_id "
                         "WHERE c.name = 'Acme Corp' AND metric = 'health_score' ORDER BY period")
    recorded = {r["period"]: r["value"] for r in rows}
    for h in out.monthly:
        assert h.value == recorded[h.period] and 0 <= h.metric_percentile <= 100
    assert out.change.startswith("Health Score:") and "| Month | Health Score |" in out.to_markdown()
