"""The demo portfolio (tools/demo.py) and the sample benchmark file (tools/demo_benchmarks.py)."""

from __future__ import annotations

import csv
import datetime as dt
import json

import numpy as np
import pandas as pd
import pytest
from scipy.stats import percentileofscore

from analytics.catalog import BY_KEY, KEYS, SEGMENTS, segment_for_arr
from tools.demo.benchmarks import BENCHMARK_COLUMNS, BENCHMARK_PATH, sample_benchmark_rows
from tools.demo.build import build_demo
from tools.demo.model import AS_OF, PERIODS
from tools.store.workspace import Workspace

NAMED = ("Acme Corp", "TechCorp", "DataPro", "CloudMax", "OldCorp", "SmallBiz", "LegacyCo",
         "StartupXYZ", "BetaInc", "GrowthCo")
TABLES = ("customers", "metric_values", "stakeholders", "practices", "goals", "goal_measurements", "milestones")


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """One default demo build shared by the read-only tests: (workspace, returned counts)."""
    workspace = Workspace(tmp_path_factory.mktemp("demo") / "peerbench.db")
    counts = build_demo(workspace)
    yield workspace, counts
    workspace.close()


@pytest.fixture(scope="module")
def frames(demo):
    ws, _ = demo
    customers = pd.DataFrame(ws.query("SELECT * FROM customers ORDER BY id")).set_index("id")
    values = pd.DataFrame(ws.query("SELECT customer_id, metric, period, value FROM metric_values"))
    latest = values[values.period == PERIODS[-1]].pivot(index="customer_id", columns="metric", values="value")
    return customers, values, latest


def dump(ws: Workspace) -> dict[str, list[tuple]]:
    return {t: ws.db.execute(f"SELECT * FROM {t} ORDER BY {', '.join(ws.db[t].pks)}").fetchall() for t in TABLES}


def percentiles(customers, latest, name: str, cohort_ids) -> pd.Series:
    """DESIGN §4 percentile of one account per metric within a cohort (account included)."""
    cid = int(customers.index[customers.name == name][0])
    out = {}
    for key in KEYS:
        p = percentileofscore(latest.loc[cohort_ids, key].dropna(), latest.loc[cid, key], kind="mean")
        out[key] = p if BY_KEY[key].higher_is_better else 100 - p
    return pd.Series(out)


def segment_ids(customers, name: str):
    return customers.index[customers.segment == customers.loc[customers.name == name, "segment"].iloc[0]]


# ---------------------------------------------------------------- portfolio shape

def test_counts_match_tables(demo):
    ws, counts = demo
    for table in TABLES:
        assert counts[table] == ws.query(f"SELECT COUNT(*) AS n FROM {table}")[0]["n"], table
    assert counts["customers"] == 320
    assert ws.get_setting("as_of") == AS_OF.isoformat() == "2026-11-01"
    assert counts["metric_values"] > 0.95 * 320 * len(KEYS) * len(PERIODS)


def test_customers_cover_segments_industries_regions(frames):
    customers, _, _ = frames
    assert len(customers) >= 300
    assert customers.name.str.casefold().is_unique
    assert set(customers.segment) == set(SEGMENTS)
    assert all(segment_for_arr(a) == s for a, s in zip(customers.arr, customers.segment, strict=True))
    assert customers.industry.nunique() >= 6
    assert set(customers.region) == {"North America", "EMEA", "APAC", "LATAM"}
    starts = pd.to_datetime(customers.contract_start, format="%Y-%m-%d")
    assert starts.min().year == 2021 and starts.max() < pd.Timestamp(AS_OF)
    assert set(starts.dt.year) == set(range(2021, 2027))
    assert customers.csm.notna().all()
    # every industry x segment cell can be a cohort of >= 10 accounts
    assert customers.groupby(["segment", "industry"]).size().min() >= 10
    ent_saas = customers[(customers.segment == "Enterprise") & (customers.industry == "SaaS")]
    assert len(set(ent_saas.name) - set(NAMED)) >= 10


def test_named_accounts_complete_history(frames):
    customers, values, _ = frames
    assert set(NAMED) <= set(customers.name)
    ids = customers.index[customers.name.isin(NAMED)]
    named = values[values.customer_id.isin(ids)]
    assert len(named) == len(NAMED) * len(KEYS) * len(PERIODS)
    assert sorted(values.period.unique()) == list(PERIODS)
    assert PERIODS[0] == "2025-11" and PERIODS[-1] == "2026-10" and len(PERIODS) == 12
    seg = dict(zip(customers.name, customers.segment, strict=True))
    assert seg["Acme Corp"] == seg["TechCorp"] == "Enterprise"
    assert seg["SmallBiz"] == seg["StartupXYZ"] == "SMB"
    assert seg["LegacyCo"] == seg["BetaInc"] == seg["GrowthCo"] == "Mid-Market"
    acme = customers[customers.name == "Acme Corp"].iloc[0]
    assert acme.industry == "SaaS" and acme.arr == 285_000


@pytest.mark.parametrize("key", KEYS)
def test_values_in_catalog_units_and_ranges(frames, key):
    _, values, _ = frames
    v = values.loc[values.metric == key, "value"]
    metric = BY_KEY[key]
    assert v.notna().all()
    assert v.min() >= metric.lo and v.max() <= metric.hi
    plausible = {"dau_mau": (0, 1), "csat": (1, 5), "nps": (-100, 100), "support_tickets_per_user": (0.05, 3),
                 "renewal_rate": (0, 100), "time_to_value_days": (1, 365)}
    if key in plausible:
        lo, hi = plausible[key]
        assert lo <= v.min() and v.max() <= hi
    if metric.is_percent and key not in ("roi", "expansion_rate", "seat_growth", "net_revenue_retention"):
        assert v.max() <= 100 and v.median() > 1  # stored as 0-100, never as a 0-1 fraction


def test_missing_values_are_few(frames):
    customers, values, latest = frames
    cells = len(customers) * len(KEYS) * len(PERIODS)
    assert 0.01 < 1 - len(values) / cells < 0.05
    pairs = values.groupby(["customer_id", "metric"]).size()
    assert len(pairs) < len(customers) * len(KEYS)  # some account never reports some metric
    assert latest.notna().to_numpy().mean() > 0.95


def test_metrics_are_correlated(frames):
    _, _, latest = frames
    corr = latest.corr()
    assert corr.loc["health_score", "adoption_score"] > 0.5
    assert corr.loc["adoption_score", "engagement_score"] > 0.5
    assert corr.loc["health_score", "support_tickets_per_user"] < -0.2
    assert corr.loc["health_score", "time_to_value_days"] < -0.2


# ---------------------------------------------------------------- named accounts' stories

def test_techcorp_is_a_top_performer(frames):
    customers, _, latest = frames
    ent = segment_ids(customers, "TechCorp")
    tech = customers.index[customers.name == "TechCorp"][0]
    assert latest.loc[tech, "adoption_score"] > latest.loc[ent, "adoption_score"].median()
    pct = percentiles(customers, latest, "TechCorp", ent)
    assert pct[["adoption_score", "engagement_score", "dau_mau"]].min() >= 90
    assert pct.mean() >= 85


def test_laggards_are_below_p25_on_most_metrics(frames):
    customers, _, latest = frames
    for name in ("OldCorp", "LegacyCo"):
        pct = percentiles(customers, latest, name, segment_ids(customers, name))
        assert (pct < 25).sum() >= 15, (name, pct.round(0).to_dict())


def test_acme_sits_near_the_middle(frames):
    customers, _, latest = frames
    ent_saas = customers.index[(customers.segment == "Enterprise") & (customers.industry == "SaaS")]
    for cohort in (segment_ids(customers, "Acme Corp"), ent_saas):
        pct = percentiles(customers, latest, "Acme Corp", cohort)
        assert 35 <= pct.mean() <= 65
        assert pct.between(25, 75).sum() >= 14
        assert pct["feature_adoption"] < 25 and pct["training_hours"] < 30
    pct = percentiles(customers, latest, "Acme Corp", segment_ids(customers, "Acme Corp"))
    assert pct["renewal_rate"] > 60 and pct["csat"] > 60


def test_growth_accounts_and_averages(frames):
    customers, _, latest = frames
    for name in ("CloudMax", "GrowthCo", "StartupXYZ"):
        pct = percentiles(customers, latest, name, segment_ids(customers, name))
        assert pct[["expansion_rate", "seat_growth", "net_revenue_retention"]].min() >= 90, name
    for name in ("DataPro",):
        assert percentiles(customers, latest, name, segment_ids(customers, name)).mean() >= 75
    for name in ("BetaInc", "SmallBiz"):
        assert 35 <= percentiles(customers, latest, name, segment_ids(customers, name)).mean() <= 65


def test_trends_tell_the_story(frames):
    customers, values, _ = frames

    def slope(name, key):
        cid = customers.index[customers.name == name][0]
        v = values[(values.customer_id == cid) & (values.metric == key)].sort_values("period").value.to_numpy()
        return np.polyfit(np.arange(6), v[-6:], 1)[0]

    assert slope("OldCorp", "health_score") < 0 and slope("OldCorp", "adoption_score") < 0
    assert slope("CloudMax", "seat_growth") > 0 and slope("StartupXYZ", "expansion_rate") > 0


def test_stakeholders_and_practices(demo, frames):
    ws, _ = demo
    customers, _, _ = frames
    per_account = pd.DataFrame(ws.query("SELECT customer_id, COUNT(*) AS n FROM stakeholders GROUP BY customer_id"))
    assert len(per_account) == len(customers) and per_account.n.min() >= 1
    n = dict(zip(per_account.customer_id, per_account.n, strict=True))
    ids = dict(zip(customers.name, customers.index, strict=True))
    assert n[ids["TechCorp"]] > n[ids["OldCorp"]]
    practices = pd.DataFrame(ws.query("SELECT customer_id, metric, note FROM practices"))
    assert practices.metric.dropna().isin(KEYS).all()
    assert practices.note.str.len().min() > 10
    assert {ids["TechCorp"], ids["DataPro"], ids["CloudMax"]} <= set(practices.customer_id)
    assert ids["OldCorp"] not in set(practices.customer_id)
    assert practices.metric.nunique() == len(KEYS)  # every metric has a best practice to find


# ---------------------------------------------------------------- goals

def goal_table(ws: Workspace) -> pd.DataFrame:
    goals = pd.DataFrame(ws.query("SELECT * FROM goals"))
    last = pd.DataFrame(ws.query(
        "SELECT goal_id, value, date FROM goal_measurements m WHERE date = "
        "(SELECT MAX(date) FROM goal_measurements WHERE goal_id = m.goal_id)"))
    goals = goals.merge(last.rename(columns={"goal_id": "id", "value": "current", "date": "last_date"}),
                        on="id", how="left")
    goals["achievement"] = (goals.current - goals.baseline) / (goals.target - goals.baseline) * 100
    start = pd.to_datetime(goals.start_date)
    end = pd.to_datetime(goals.target_date)
    goals["elapsed"] = (pd.Timestamp(AS_OF) - start) / (end - start) * 100
    return goals


def status(g) -> str:
    """DESIGN §4 with the simplest time rule: on track when progress >= time elapsed."""
    if pd.isna(g.current):
        return "not_started"
    if g.achievement >= 100 - 1e-9:
        return "achieved"
    if g.target_date < AS_OF.isoformat():
        return "missed"
    return "on_track" if g.achievement >= g.elapsed else "at_risk"


def test_goals_cover_every_status(demo):
    ws, _ = demo
    goals = goal_table(ws)
    goals["status"] = goals.apply(status, axis=1)
    assert set(goals.status) == {"achieved", "on_track", "at_risk", "missed", "not_started"}
    missed = goals[goals.status == "missed"]
    assert (missed.target_date < AS_OF.isoformat()).all() and (missed.achievement < 100).all()
    on_track = goals[goals.status == "on_track"]
    assert (on_track.achievement - on_track.elapsed).min() > 5  # clearly on track
    at_risk = goals[goals.status == "at_risk"]
    assert (at_risk.achievement <= 25).all() and (at_risk.elapsed >= 55).all()  # little progress, late
    named = ws.query("SELECT DISTINCT c.name FROM goals g JOIN customers c ON c.id = g.customer_id")
    assert set(NAMED) <= {r["name"] for r in named}
    assert goals.customer_id.nunique() > 50  # a sample of the other accounts too


def test_goal_fields_follow_the_schema(demo):
    ws, _ = demo
    goals = goal_table(ws)
    assert goals.category.isin(["efficiency", "revenue", "cost", "quality", "adoption", "satisfaction",
                                "custom"]).all()
    assert goals.direction.isin(["increase", "decrease"]).all()
    assert ((goals.direction == "increase") == (goals.target > goals.baseline)).all()
    assert goals.value_type.dropna().isin(["time_saved", "cost_reduction", "revenue_increase"]).all()
    for g in goals.itertuples():
        dt.date.fromisoformat(g.start_date), dt.date.fromisoformat(g.target_date)
        assert g.start_date < g.target_date
        if isinstance(g.value_inputs_json, str):
            inputs = json.loads(g.value_inputs_json)
            expected = ({"hours_saved_per_unit", "units_per_month", "hourly_rate"} if g.value_type == "time_saved"
                        else {"monthly_amount"})
            numbers = {k: v for k, v in inputs.items() if k != "unit_name"}
            assert set(numbers) == expected and all(v > 0 for v in numbers.values())
    dates = pd.DataFrame(ws.query("SELECT goal_id, date FROM goal_measurements"))
    assert (dates.date < AS_OF.isoformat()).all()
    months = pd.to_datetime(dates.date).dt.to_period("M")
    assert not months.groupby(dates.goal_id).apply(lambda m: m.duplicated().any()).any()  # monthly
    milestones = pd.DataFrame(ws.query("SELECT * FROM milestones"))
    assert milestones.goal_id.dropna().isin(goals.id).all() and milestones.done.isin([0, 1]).all()


def test_acme_prd_goal(demo):
    ws, _ = demo
    goals = goal_table(ws)
    acme_id = ws.query("SELECT id FROM customers WHERE name = 'Acme Corp'")[0]["id"]
    g = goals[(goals.customer_id == acme_id) & (goals.name == "Reduce ticket resolution time")].iloc[0]
    assert (g.baseline, g.target, g.current, g.direction) == (24, 12, 11.5, "decrease")
    assert round(g.achievement, 1) == 104.2
    assert g.value_type == "time_saved"
    # valued as agent handling time saved, not the 12.5 h of elapsed resolution time (issue 11)
    assert json.loads(g.value_inputs_json) == {"hours_saved_per_unit": 1.25, "units_per_month": 200,
                                               "hourly_rate": 55, "unit_name": "ticket"}
    acme = goals[goals.customer_id == acme_id].apply(status, axis=1)
    assert {"achieved", "on_track", "at_risk", "not_started"} <= set(acme)


# ---------------------------------------------------------------- determinism and rebuilds

def small_build(path, seed: int) -> dict[str, list[tuple]]:
    workspace = Workspace(path)
    try:
        build_demo(workspace, seed=seed, n_accounts=60)
        return dump(workspace)
    finally:
        workspace.close()


def test_same_seed_same_rows(tmp_path):
    assert small_build(tmp_path / "a.db", 42) == small_build(tmp_path / "b.db", 42)


def test_different_seed_differs(tmp_path):
    first, other = small_build(tmp_path / "a.db", 42), small_build(tmp_path / "b.db", 7)
    assert other["metric_values"] != first["metric_values"]
    assert [c[1] for c in other["customers"]] != [c[1] for c in first["customers"]]
    # the named accounts come first, whatever the seed
    assert [c[1] for c in other["customers"][:10]] == [c[1] for c in first["customers"][:10]] == list(NAMED)


def test_refuses_existing_then_replaces(ws):
    counts = build_demo(ws, n_accounts=60)
    assert counts["customers"] == 60
    with pytest.raises(ValueError, match="replace=True"):
        build_demo(ws, n_accounts=60)
    with ws.write() as db:
        db["cohorts"].insert({"name": "old", "criteria_json": "{}", "size": 60, "created_at": "2026-01-01"})
        db["snapshots"].insert({"run_id": "r", "customer_id": 1, "period": "2026-10"})
        db["benchmark_sets"].insert({"name": "kept", "source": "x", "year": 2026})
    counts = build_demo(ws, seed=3, n_accounts=80, replace=True)
    assert ws.query("SELECT COUNT(*) AS n FROM customers")[0]["n"] == counts["customers"] == 80
    assert ws.query("SELECT COUNT(*) AS n FROM cohorts")[0]["n"] == 0
    assert ws.query("SELECT COUNT(*) AS n FROM snapshots")[0]["n"] == 0
    assert ws.query("SELECT COUNT(*) AS n FROM benchmark_sets")[0]["n"] == 1
    for table in TABLES:
        assert ws.query(f"SELECT COUNT(*) AS n FROM {table}")[0]["n"] == counts[table]


def test_too_small_portfolio_is_refused(ws):
    with pytest.raises(ValueError, match="n_accounts"):
        build_demo(ws, n_accounts=20)
    assert ws.query("SELECT COUNT(*) AS n FROM customers")[0]["n"] == 0


# ---------------------------------------------------------------- the sample benchmark file

def read_benchmarks() -> list[dict]:
    with BENCHMARK_PATH.open(newline="", encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        assert tuple(reader.fieldnames) == BENCHMARK_COLUMNS
        return list(reader)


def test_benchmark_csv_shape():
    rows = read_benchmarks()
    assert {r["metric"] for r in rows} == set(KEYS)
    assert len(rows) == len(KEYS) * 3
    assert {(r["metric"], r["segment"]) for r in rows} == {(k, s) for k in KEYS for s in SEGMENTS}
    for r in rows:
        q = [float(r[c]) for c in ("p10", "p25", "p50", "p75", "p90")]
        assert all(a < b for a, b in zip(q, q[1:])), r
        metric = BY_KEY[r["metric"]]
        assert metric.lo <= q[0] and q[-1] <= metric.hi
        assert q[0] <= float(r["mean"]) <= q[-1]
        assert r["sample_size"] == "500" and r["year"] == "2026"
        assert "sample" in r["source"] and "synthetic" in r["source"]
        assert r["unit"] == metric.unit_label


def test_benchmark_csv_is_the_generator_output():
    """The committed file is exactly what ``python -m tools.demo.benchmarks`` writes (no hand edits)."""
    rows = read_benchmarks()
    expected = sample_benchmark_rows()
    for got, want in zip(rows, expected, strict=True):
        assert {k: str(v) if not isinstance(v, float) else v for k, v in want.items()} == {
            k: (float(v) if isinstance(want[k], float) else v) for k, v in got.items()}


def test_benchmark_roughly_matches_the_demo(frames):
    customers, _, latest = frames
    bench = {(r["metric"], r["segment"]): r for r in read_benchmarks()}
    for segment in SEGMENTS:
        ids = customers.index[customers.segment == segment]
        medians = latest.loc[ids].median()
        for key in KEYS:
            r = bench[(key, segment)]
            assert float(r["p25"]) < medians[key] < float(r["p75"]), (key, segment)
            share_low = (latest.loc[ids, key].dropna() < float(r["p25"])).mean()
            assert 0.05 < share_low < 0.45, (key, segment)  # a realistic spread vs the industry


def test_value_roi_tells_the_same_story_as_the_benchmark(demo):
    """Strong accounts deliver strong value, lagging ones weak (issue 11): the named accounts' value ROI
    rises with their overall percentile, and no time-saved line is flagged as implausible."""
    from tools.compare.compare_customer import CompareCustomerInput, compare_customer
    from tools.success.compute_roi import ComputeRoiInput, compute_roi

    ws, _ = demo
    rows = []
    for name in ("TechCorp", "DataPro", "GrowthCo", "Acme Corp", "OldCorp", "LegacyCo"):
        roi = compute_roi(ws, ComputeRoiInput(customer=name))
        cmp = compare_customer(ws.with_scope(type(ws.scope)()), CompareCustomerInput(customer=name))
        rows.append((cmp.overall_percentile, roi.roi_multiplier, name))
        assert not any(it.flagged for it in roi.value_delivered.items), name
    top = [r for p, r, _ in rows if p >= 90]
    lagging = [r for p, r, _ in rows if p <= 10]
    middle = [r for p, r, _ in rows if 10 < p < 90]
    assert min(top) >= 2.0 and max(lagging) < 0.5 and max(lagging) < min(middle) < min(top), rows
