"""Every aggregate path against every small group size: a segment (and a raw peer set) of k = 1..9
accounts gives no aggregate anywhere, and k = 10 does (the rule is not broader than it says).
Differencing: groups that differ by d = 1..9 accounts are refused, d = 10 is allowed."""

from __future__ import annotations

import json

import pytest

from tests.factories import add_customers
from tests.hostile.tally import count
from tools.base import ToolError
from tools.compare.build_cohort import BuildCohortInput, build_cohort
from tools.compare.compare_customer import CompareCustomerInput, compare_customer
from tools.playbooks.find_best_practices import (
    FindBestPracticesInput,
    find_best_practices,
)
from tools.portfolio.benchmark_history import BenchmarkHistoryInput, benchmark_history
from tools.portfolio.compare_portfolio import ComparePortfolioInput, compare_portfolio
from tools.store.workspace import Scope, Workspace, now_iso
from tools.success.compute_roi import ComputeRoiInput, compute_roi
from tools.success.portfolio_success import PortfolioSuccessInput, portfolio_success


def _book(path, k: int) -> Workspace:
    """20 Enterprise accounts, k SMB accounts (all with a goal), a raw peer set of k Enterprise peers."""
    ws = Workspace(path)
    add_customers(ws, 20, seed=1)
    smb = add_customers(ws, k, segment="SMB", industry="Retail", arr=10_000, seed=2)
    with ws.write() as db:
        for cid in smb:
            gid = db["goals"].insert({
                "customer_id": cid, "name": "Activation", "category": "adoption", "metric": "user_activation",
                "baseline": 40.0, "target": 80.0, "unit": "percent", "direction": "increase",
                "start_date": "2026-01-01", "target_date": "2026-12-31", "weight": 1.0,
                "value_type": "revenue_increase", "value_inputs_json": json.dumps({"monthly_amount": 1000}),
                "created_at": now_iso(), "updated_at": now_iso()}).last_pk
            db["goal_measurements"].insert_all([{"goal_id": gid, "date": "2026-01-01", "value": 40.0},
                                                {"goal_id": gid, "date": "2026-09-01", "value": 50.0}])
        sid = db["benchmark_sets"].insert({"name": "Peers", "source": "file", "year": 2026, "kind": "raw",
                                           "sample_size": k, "active": 0, "owner": "", "loaded_at": now_iso()}).last_pk
        db["benchmark_peers"].insert_all({"set_id": sid, "peer": f"P{i}", "segment": "Enterprise", "metric": "nps",
                                          "value": float(i)} for i in range(k))
    ws.set_setting("as_of", "2026-10-31")
    return ws


def _shown(ws: Workspace) -> dict[str, bool]:
    """For each aggregate path: did it show an aggregate over the small group?"""
    shown = {}
    try:
        compare_customer(ws, CompareCustomerInput(customer="SMB Retail 00"))
        shown["compare (peer quantiles)"] = True
    except ToolError:
        shown["compare (peer quantiles)"] = False
    port = compare_portfolio(ws, ComparePortfolioInput(segment="SMB"))
    shown["portfolio averages"] = any(m.portfolio_average is not None for m in port.metrics)
    shown["portfolio peer-group ranks"] = any(g.sufficient for g in port.peer_groups)
    succ = portfolio_success(ws, PortfolioSuccessInput(segment="SMB"))
    shown["success averages"] = succ.average_success_score is not None or succ.total_value_delivered is not None
    seg = next(s for s in portfolio_success(ws, PortfolioSuccessInput()).by_segment if s.segment == "SMB")
    shown["success segment row"] = seg.avg_success_score is not None or seg.value_delivered is not None
    shown["top performers"] = any(m.top_performers for m in find_best_practices(
        ws, FindBestPracticesInput(segment="SMB")).metrics)
    shown["cohort composition"] = bool(build_cohort(ws.with_scope(Scope("sweep")),
                                                    BuildCohortInput(segment="SMB")).composition)
    nps = compare_customer(ws, CompareCustomerInput(customer="Enterprise SaaS 00", benchmark="Peers")).metric("nps")
    shown["raw peer benchmark"] = nps.benchmark_median is not None or nps.benchmark_percentile is not None
    shown["roi peers"] = compute_roi(ws, ComputeRoiInput(customer="SMB Retail 00")).benchmark.shown
    hist = benchmark_history(ws, BenchmarkHistoryInput(customer="SMB Retail 00"))
    shown["history peer percentiles"] = any(h.overall_percentile is not None for h in hist.monthly)
    return shown


@pytest.mark.parametrize("k", range(1, 11))
def test_no_aggregate_for_any_group_under_ten(tmp_path, k):
    ws = _book(tmp_path / "ws.db", k)
    shown = _shown(ws)
    if k < 10:
        assert not any(shown.values()), {p: s for p, s in shown.items() if s}
        count("privacy attempts refused", len(shown))
    else:  # at 10 every path shows its figure
        assert all(shown.values()), {p: s for p, s in shown.items() if not s}
    ws.close()


@pytest.mark.parametrize("d", range(1, 11))
def test_groups_differing_by_fewer_than_ten_are_refused(tmp_path, d):
    ws = Workspace(tmp_path / "ws.db")
    add_customers(ws, 40, seed=1)  # ARR 150,000 + 1,000 i
    build_cohort(ws, BuildCohortInput(arr_min=150_000))
    later = Workspace(ws.path)  # another run of the command line
    if d < 10:
        with pytest.raises(ToolError, match="differs from one already shown"):
            build_cohort(later, BuildCohortInput(arr_min=150_000 + 1000 * d))
        count("privacy attempts refused")
    else:
        assert build_cohort(later, BuildCohortInput(arr_min=150_000 + 1000 * d)).size == 30
    ws.close()
    later.close()
