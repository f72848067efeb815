"""compare_portfolio on small hand-built workspaces: figures pinned to scipy / numpy by hand."""

from __future__ import annotations

import json

import numpy as np
import pytest
from scipy.stats import percentileofscore

from agent.cli import main
from analytics.catalog import BY_KEY, KEYS
from tests.factories import add_customers, add_quantile_benchmark, scope_columns, set_metric
from tools.base import ToolError
from tools.compare.compare_customer import CompareCustomerInput, compare_customer
from tools.portfolio.compare_portfolio import ComparePortfolioInput, compare_portfolio
from tools.portfolio.snapshots import snapshot_metrics
from tools.store.frames import customers_table, latest_metrics
from tools.store.workspace import now_iso

ENT = {"nps": {25: 20.0, 50: 40.0, 75: 60.0, 90: 70.0},
       "time_to_value_days": {10: 20.0, 25: 30.0, 50: 45.0, 75: 60.0, 90: 80.0},
       "health_score": {25: 30.0, 50: 50.0, 75: 70.0, 90: 80.0}}
ALL = {"nps": {25: 10.0, 50: 30.0, 75: 50.0, 90: 60.0},
       "time_to_value_days": {10: 25.0, 25: 35.0, 50: 50.0, 75: 65.0, 90: 85.0},
       "health_score": {25: 20.0, 50: 40.0, 75: 60.0, 90: 70.0}}


def add_rows(ws, set_id: int, points: dict, segment: str) -> None:
    with ws.write() as db:
        db["benchmark_rows"].insert_all(
            {"set_id": set_id, "metric": m, **scope_columns(segment), "stat": f"p{int(p)}", "quantile": p,
             "value": v, "sample_size": 300} for m, pts in points.items() for p, v in pts.items())


@pytest.fixture
def book(ws):
    """14 Enterprise, 12 SMB and 6 Mid-Market accounts; a benchmark with Enterprise and 'All' rows."""
    ent = add_customers(ws, 14, names=["Acme Corp"] + [f"Ent {i:02d}" for i in range(13)], seed=1)
    smb = add_customers(ws, 12, segment="SMB", industry="Retail", arr=10_000, seed=2)
    mm = add_customers(ws, 6, segment="Mid-Market", arr=50_000, seed=3)
    sid = add_quantile_benchmark(ws, "SaaS 2026", ENT)
    add_rows(ws, sid, ALL, "All")
    return ws, ent, smb, mm


def interp_pct(x: float, points: dict, higher: bool = True) -> float:
    ps = sorted(points)
    p = float(np.interp(x, [points[q] for q in ps], ps))
    return p if higher else 100 - p


def test_metric_table_average_median_and_percentile(book):
    ws, ent, smb, mm = book
    out = compare_portfolio(ws, ComparePortfolioInput(segment="Enterprise"))
    latest = latest_metrics(ws).loc[ent]
    nps = next(m for m in out.metrics if m.metric == "nps")
    avg = latest["nps"].mean()
    assert out.accounts == 14 and out.segment == "Enterprise"
    assert nps.portfolio_average == pytest.approx(avg, abs=1e-4)
    assert nps.benchmark_median == 40.0 and nps.benchmark_basis == "Enterprise"
    assert nps.percentile == pytest.approx(interp_pct(avg, ENT["nps"]), abs=0.01)
    ttv = next(m for m in out.metrics if m.metric == "time_to_value_days")
    assert ttv.percentile == pytest.approx(interp_pct(latest["time_to_value_days"].mean(), ENT["time_to_value_days"], False),
                                           abs=0.01)
    assert next(m for m in out.metrics if m.metric == "csat").benchmark_median is None  # not in the file


def test_mixed_segments_use_account_weighted_quantiles(book):
    ws, ent, smb, mm = book
    out = compare_portfolio(ws, ComparePortfolioInput())
    latest = latest_metrics(ws)
    nps = next(m for m in out.metrics if m.metric == "nps")
    # Enterprise rows for 14 accounts; SMB (12) and Mid-Market (6) fall back to "All": 18 accounts.
    mixed = {p: (14 * ENT["nps"][p] + 18 * ALL["nps"][p]) / 32 for p in ENT["nps"]}
    assert nps.benchmark_basis == "mix: Enterprise 14, All 18"
    assert nps.benchmark_median == pytest.approx(mixed[50], abs=1e-4)
    assert nps.percentile == pytest.approx(interp_pct(latest["nps"].mean(), mixed), abs=0.01)


def test_fallback_to_all_rows_is_reported(book):
    ws, *_ = book
    out = compare_portfolio(ws, ComparePortfolioInput())
    assert out.benchmark_segments == {"Enterprise": "Enterprise", "Mid-Market": "All", "SMB": "All"}
    assert any("no SMB rows" in n and "'All' rows" in n for n in out.notes)
    assert out.benchmark.name == "SaaS 2026" and out.benchmark.segment == "Enterprise, All"


def test_top_performers_and_below_benchmark_match_brute_force(book):
    ws, ent, smb, mm = book
    set_metric(ws, ent[3], "nps", 100.0)     # the best, above P90 -> ">90th"
    set_metric(ws, smb[0], "nps", 5.0)       # below the All P25 -> "<25th"
    set_metric(ws, ent[5], "time_to_value_days", 120.0)  # slower than P90 value -> lagging
    out = compare_portfolio(ws, ComparePortfolioInput())
    latest, names = latest_metrics(ws), dict(ws.db.execute("SELECT id, name FROM customers").fetchall())
    segs = dict(ws.db.execute("SELECT id, segment FROM customers").fetchall())
    for key in ENT:
        higher = BY_KEY[key].higher_is_better
        tops, below = set(), {}
        for cid, x in latest[key].items():
            pts = ENT[key] if segs[cid] == "Enterprise" else ALL[key]
            p = interp_pct(x, pts, higher)
            lo_bound = (x < min(pts.values())) if higher else (x > max(pts.values()))
            if p >= 90 - 1e-9:
                tops.add(names[cid])
            if p < 25 - 1e-9 or (lo_bound and p <= 25 + 1e-9):
                q = 25 if higher else 75
                below[names[cid]] = (pts[q] if q in pts else None, pts[50])
        t = next(t for t in out.top_performers if t.metric == key)
        b = next(b for b in out.below_benchmark if b.metric == key)
        assert set(t.customer) == tops and t.count == len(tops) and set(t.basis) <= {"benchmark"}
        assert set(b.customer) == set(below)
        for r in b.rows():
            p25, med = below[r["customer"]]
            assert r["benchmark_median"] == med
            assert r["gap_to_median"] == pytest.approx((med - r["value"]) * (1 if higher else -1), abs=1e-4)
            if p25 is not None:
                assert r["benchmark_p25"] == p25
    nps_top = next(t for t in out.top_performers if t.metric == "nps").rows()
    assert nps_top[0]["customer"] == names[ent[3]] and nps_top[0]["percentile_label"] == ">90th"
    nps_below = next(b for b in out.below_benchmark if b.metric == "nps").rows()
    first = next(r for r in nps_below if r["customer"] == names[smb[0]])
    assert first["percentile_label"] == "<25th" and first["gap_to_median"] == pytest.approx(25.0)
    ttv = next(r for r in next(b for b in out.below_benchmark if b.metric == "time_to_value_days").rows()
               if r["customer"] == names[ent[5]])
    assert ttv["percentile_label"] == "<10th" and ttv["gap_to_median"] == pytest.approx(75.0)  # 120 - 45 days


def test_top_performers_without_benchmark_row_use_peers(book):
    ws, ent, smb, mm = book
    out = compare_portfolio(ws, ComparePortfolioInput(metric="csat"))
    latest = latest_metrics(ws)
    expected = set()
    for ids in (ent, smb):  # Mid-Market (6 accounts) has no peer percentiles
        vals = latest.loc[ids, "csat"]
        expected |= {cid for cid in ids if percentileofscore(vals, vals[cid], kind="mean") >= 90}
    names = dict(ws.db.execute("SELECT id, name FROM customers").fetchall())
    t = out.top_performers[0]
    assert set(t.customer) == {names[c] for c in expected} and set(t.basis) == {"peers"}
    assert len(out.metrics) == 1 and out.metric == "csat"


def test_peer_groups_rank_like_compare_customer_and_hide_small_groups(book):
    ws, ent, smb, mm = book
    out = compare_portfolio(ws, ComparePortfolioInput())
    groups = {g.segment: g for g in out.peer_groups}
    assert [g.segment for g in out.peer_groups] == ["Enterprise", "Mid-Market", "SMB"]
    mid = groups["Mid-Market"]
    assert not mid.sufficient and mid.accounts.customer == [] and "fewer than 10" in mid.note
    ent_rows = groups["Enterprise"].accounts.rows()
    assert [r["rank"] for r in ent_rows] == sorted(r["rank"] for r in ent_rows) and ent_rows[0]["rank"] == 1
    acme = next(r for r in ent_rows if r["customer"] == "Acme Corp")
    single = compare_customer(ws, CompareCustomerInput(customer="Acme Corp"))
    assert acme["overall_percentile"] == pytest.approx(single.overall_percentile, abs=0.01)
    assert acme["composite"] == pytest.approx(single.composite, abs=0.01)
    assert set(acme["strengths"]) <= set(single.strengths) | {m.metric for m in single.metrics if m.percentile >= 75}
    assert all(single.metric(k).percentile < 50 for k in acme["gaps"])
    composites = [r["composite"] for r in ent_rows]
    assert composites == sorted(composites, reverse=True)


def test_raw_peer_benchmark_matches_scipy(ws):
    ids = add_customers(ws, 12, seed=4)
    rng = np.random.default_rng(9)
    peers = {f"P{i}": (float(rng.uniform(0, 100)), float(rng.uniform(5, 90))) for i in range(40)}
    with ws.write() as db:
        sid = db["benchmark_sets"].insert({"name": "Raw peers", "kind": "raw", "active": 1, "loaded_at": now_iso(),
                                           "owner": "", "sample_size": 40}).last_pk
        db["benchmark_peers"].insert_all(
            [{"set_id": sid, "peer": p, "segment": "All", "metric": "nps", "value": a} for p, (a, _) in peers.items()]
            + [{"set_id": sid, "peer": p, "segment": "All", "metric": "time_to_value_days", "value": b}
               for p, (_, b) in peers.items()])
    out = compare_portfolio(ws, ComparePortfolioInput())
    latest = latest_metrics(ws).loc[ids]
    nps_vals = [a for a, _ in peers.values()]
    ttv_vals = [b for _, b in peers.values()]
    nps = next(m for m in out.metrics if m.metric == "nps")
    assert nps.percentile == pytest.approx(percentileofscore(nps_vals, latest["nps"].mean(), kind="mean"), abs=0.01)
    assert nps.benchmark_median == pytest.approx(np.median(nps_vals), abs=1e-4)
    below = next(b for b in out.below_benchmark if b.metric == "time_to_value_days")
    names = dict(ws.db.execute("SELECT id, name FROM customers").fetchall())
    expected = {names[c] for c in ids
                if 100 - percentileofscore(ttv_vals, latest.at[c, "time_to_value_days"], kind="mean") < 25}
    assert set(below.customer) == expected
    for r in below.rows():
        assert r["percentile"] == pytest.approx(100 - percentileofscore(ttv_vals, r["value"], kind="mean"), abs=0.01)
        assert r["benchmark_p25"] == pytest.approx(np.percentile(ttv_vals, 75), abs=1e-4)  # lower is better
    from tools.benchmarks.lookup import benchmark_for_account

    single = benchmark_for_account(ws, None, {"segment": "Enterprise"})
    assert single.info.sample_size == 40 and single.bases["nps"].scope == "All"
    assert np.array_equal(single.peers["nps"], np.sort(nps_vals))


def test_a_repeated_run_stores_nothing_until_the_data_or_the_snapshots_change(book):
    ws, ent, smb, mm = book
    first = compare_portfolio(ws, ComparePortfolioInput())
    compare_portfolio(ws, ComparePortfolioInput())
    runs = lambda: [r["run_id"] for r in ws.query("SELECT DISTINCT run_id FROM snapshots ORDER BY id")]
    assert runs() == [first.run_id]
    with ws.write() as db:  # emptied (as the demo rebuild does): the next run is stored again
        db.execute("DELETE FROM snapshots")
    third = compare_portfolio(ws, ComparePortfolioInput())
    assert runs() == [third.run_id]
    with ws.write() as db:  # a benchmark set renamed: what a snapshot records changed
        db.execute("UPDATE benchmark_sets SET name = 'SaaS 2026 (final)'")
    fourth = compare_portfolio(ws, ComparePortfolioInput())
    assert runs() == [third.run_id, fourth.run_id]


def test_each_run_is_stored_as_a_snapshot(book):
    ws, ent, smb, mm = book
    first = compare_portfolio(ws, ComparePortfolioInput())
    second = compare_portfolio(ws, ComparePortfolioInput(segment="SMB"))
    rows = ws.query("SELECT run_id, COUNT(*) AS n FROM snapshots GROUP BY run_id")
    assert {r["run_id"]: r["n"] for r in rows} == {first.run_id: 32, second.run_id: 12}
    snap = ws.query("SELECT * FROM snapshots WHERE run_id = ? AND customer_id = ?", (first.run_id, ent[0]))[0]
    acme = next(r for r in first.peer_groups[0].accounts.rows() if r["customer"] == "Acme Corp")
    assert snap["overall_percentile"] == pytest.approx(acme["overall_percentile"], abs=0.01)
    assert snap["benchmark_set"] == "SaaS 2026" and snap["cohort"] == "segment:Enterprise" and snap["period"] == "2026-10"
    metrics = snapshot_metrics(snap["metrics_json"])
    assert set(metrics) == set(KEYS)
    assert metrics["nps"]["value"] == pytest.approx(latest_metrics(ws).at[ent[0], "nps"])
    assert metrics["csat"]["benchmark_percentile"] is None
    small = ws.query("SELECT overall_percentile FROM snapshots WHERE run_id = ? AND customer_id = ?", (first.run_id, mm[0]))
    assert small[0]["overall_percentile"] is None  # Mid-Market has 6 accounts: no peer figure


def test_summary_line_by_category(book):
    ws, ent, smb, mm = book
    for cid in ent + smb + mm:
        set_metric(ws, cid, "nps", 90.0)           # satisfaction: far above
        set_metric(ws, cid, "health_score", 95.0)
        set_metric(ws, cid, "time_to_value_days", 200.0)  # value: far below
    out = compare_portfolio(ws, ComparePortfolioInput())
    assert "Above benchmark on satisfaction" in out.summary and "below on value" in out.summary
    cats = {c.category: c.position for c in out.categories}
    assert cats == {"satisfaction": "above", "value": "below"}


def test_model_summary_is_compact_and_markdown_reads(book):
    ws, *_ = book
    out = compare_portfolio(ws, ComparePortfolioInput())
    text = json.dumps(out.summary_for_model())
    assert len(text) < 10_000 and "Portfolio vs Benchmarks" in out.to_markdown()
    assert "customer-facing" in " ".join(out.notes)


def test_without_benchmark_and_bad_filters(ws):
    add_customers(ws, 11, seed=5)
    out = compare_portfolio(ws, ComparePortfolioInput())
    assert out.benchmark is None and "no benchmark set is loaded" in out.summary
    assert all(b.count == 0 for b in out.below_benchmark)
    assert sum(t.count for t in out.top_performers) > 0  # peers still rank
    with pytest.raises(ToolError, match="segment 'SMB'"):
        compare_portfolio(ws, ComparePortfolioInput(segment="SMB"))
    with pytest.raises(ToolError, match="not a metric"):
        compare_portfolio(ws, ComparePortfolioInput(metric="colour"))
    with pytest.raises(ToolError, match="No benchmark set"):
        compare_portfolio(ws, ComparePortfolioInput(benchmark="Nope"))


def test_tiny_selection_has_no_aggregates(ws):
    add_customers(ws, 12, seed=6)
    add_customers(ws, 4, segment="SMB", seed=7)
    add_quantile_benchmark(ws, "B", ENT, segment="All")
    out = compare_portfolio(ws, ComparePortfolioInput(segment="SMB"))
    assert out.accounts == 4 and all(m.portfolio_average is None for m in out.metrics)
    assert any("no portfolio aggregates" in n for n in out.notes)


def test_cli_portfolio_json_is_the_output_model(book, capsys):
    ws, *_ = book
    assert main(["--db", str(ws.path), "portfolio", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    for key in ("accounts", "benchmark", "summary", "metrics", "top_performers", "below_benchmark", "peer_groups",
                "run_id", "notes"):
        assert key in data
    assert data["accounts"] == 32 and data["metrics"][0]["metric"] == "health_score"
    from tools.portfolio.compare_portfolio import ComparePortfolioOutput
    again = ComparePortfolioOutput.model_validate(data)  # the JSON is the output model, round trip
    assert again.below_benchmark[1].rows() == [dict(r) for r in again.below_benchmark[1].rows()]
    assert main(["--db", str(ws.path), "portfolio", "--segment", "ent", "--metric", "NPS Score"]) == 0
    text = capsys.readouterr().out
    assert "**NPS across" in text and "| NPS |" in text  # asked about one metric, the view stays on it


def test_benchmark_refs_agree_with_benchmark_for_account(book):
    from tools.benchmarks.lookup import benchmark_for_account, benchmark_refs, find_set

    ws, *_ = book
    add_customers(ws, 2, segment=None, seed=8, names=["Loose 1", "Loose 2"])
    customers = customers_table(ws)
    codes, refs = benchmark_refs(ws, find_set(ws, None), customers)
    assert len(refs) == 2  # Enterprise accounts use the Enterprise rows; everyone else the 'All' rows
    for i, (_, account) in enumerate(customers.iterrows()):
        single = benchmark_for_account(ws, None, account)
        assert refs[codes[i]].info == single.info and refs[codes[i]].quantiles == single.quantiles
        assert single.info.segment == ("Enterprise" if account["segment"] == "Enterprise" else "All")


def test_accounts_without_segment_have_no_peer_group(book):
    ws, ent, *_ = book
    loose = add_customers(ws, 11, segment=None, seed=8, names=[f"Loose {i}" for i in range(11)])
    out = compare_portfolio(ws, ComparePortfolioInput())
    group = next(g for g in out.peer_groups if g.segment == "(no segment)")
    assert group.size == 11 and not group.sufficient and "without a segment" in group.note
    snap = ws.query("SELECT overall_percentile, cohort FROM snapshots WHERE customer_id = ?", (loose[0],))[0]
    assert snap["overall_percentile"] is None and snap["cohort"] == "segment:(no segment)"
    assert out.benchmark_segments["(no segment)"] == "All"


@pytest.mark.parametrize("env,expected", [("", 4), ("3", 3), ("9", 4), ("0", 4)])
def test_per_customer_report_button_never_carries_more_calls_than_the_chat_takes(book, monkeypatch, env, expected):
    import tools.portfolio.compare_portfolio as cp

    monkeypatch.setattr(cp, "MAX_BATCH", 4)
    monkeypatch.setenv("PEERBENCH_BATCH_LIMIT", env)
    out = compare_portfolio(book[0], ComparePortfolioInput())
    button = next(f for f in cp.follow_ups(out) if "calls" in f.payload)
    assert len(button.payload["calls"]) == expected
    listed = len({n for g in out.peer_groups for n in g.accounts.customer})
    assert listed > 4 and button.label == f"Create benchmark reports per customer (first {expected} of {listed})"


def test_a_snapshot_built_in_parts_stores_what_one_part_stores(book, monkeypatch):
    import tools.portfolio.snapshots as snapshots

    ws = book[0]
    cols = "customer_id, period, benchmark_set, cohort, overall_percentile, composite, benchmark_composite, metrics_json"
    whole = compare_portfolio(ws, ComparePortfolioInput())
    with ws.write() as db:  # the next run is stored again
        db.execute("DELETE FROM snapshots")
    monkeypatch.setattr(snapshots, "SNAPSHOT_CHUNK", 3)
    parts = compare_portfolio(ws, ComparePortfolioInput())
    assert parts.run_id != whole.run_id
    stored = ws.query(f"SELECT run_id, {cols} FROM snapshots ORDER BY id")
    assert {r["run_id"] for r in stored} == {parts.run_id} and len(stored) == 32
    monkeypatch.setattr(snapshots, "SNAPSHOT_CHUNK", 10_000)
    with ws.write() as db:
        db.execute("DELETE FROM snapshots")
    compare_portfolio(ws, ComparePortfolioInput())
    again = ws.query(f"SELECT {cols} FROM snapshots ORDER BY id")
    assert again == [{k: v for k, v in r.items() if k != "run_id"} for r in stored]
