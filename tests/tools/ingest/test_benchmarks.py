"""load_benchmarks: the three shapes, aliases, segments, units, storage and the read helpers."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.ingest_helpers import FIXTURES, fails, make_xlsx, problem_lines, snapshot, write
from tools.base import ToolError
from tools.benchmarks.sets import (
    active_benchmark_set,
    benchmark_peers,
    benchmark_quantiles,
    benchmark_set,
    benchmark_stats,
    list_benchmark_sets,
)
from tools.ingest.load import load_file
from tools.ingest.load_benchmarks import TOOL, LoadBenchmarksInput, load_benchmarks_file

SAMPLE = Path(__file__).resolve().parents[3] / "data" / "saas_industry_benchmarks_2026.csv"


def quantiles(ws, name: str) -> dict[tuple[str, str], list[float]]:
    df = benchmark_quantiles(ws, benchmark_set(ws, name)["id"])
    return {k: list(g.sort_values("quantile")["value"].round(6)) for k, g in df.groupby(["metric", "segment"])}


def test_wide_messy_file_with_aliases_segments_units_and_reference_points(ws):
    out = load_benchmarks_file(ws, FIXTURES / "benchmarks_wide_messy.csv", name="CS Index 2026")
    assert out.shape == "wide" and out.kind == "quantiles"
    assert out.metrics_matched == ["nps", "dau_mau", "time_to_value_days", "net_revenue_retention",
                                   "support_tickets_per_user"]
    assert out.by_category == {"satisfaction": ["nps"], "engagement": ["dau_mau"], "value": ["time_to_value_days"],
                               "growth": ["net_revenue_retention"], "efficiency": ["support_tickets_per_user"]}
    assert out.segments == ["Enterprise", "Mid-Market"]
    assert out.unrecognised == ["Customer happiness quotient"]
    assert [(u.metric, u.unit) for u in out.unreconciled] == [("csat", "% satisfied")]
    assert out.ignored_columns == ["Notes"]
    assert (out.source, out.year, out.sample_size) == ("CS Index", 2026, 330)
    assert "Time to Value: converted 'hours' to days (\u00f724)" in out.normalisations
    assert "segment 'MM' read as Mid-Market" in out.normalisations
    assert "segment 'Enterprise (>$100K ARR)' read as Enterprise" in out.normalisations
    assert out.readings == [
        "Time to Value (Mid-Market, CS Index 2026): percentiles read as performance percentiles, 75th = fewer days "
        "(stored as value quantiles: P10 -> P90, P25 -> P75, P75 -> P25, P90 -> P10); median 45 days"]
    assert "NPS Score -> NPS (alias)" in out.mappings and "column '50th percentile' -> median" in out.mappings
    assert out.summary.startswith("Loaded benchmark set **CS Index 2026**: 5 metrics in 5 categories; scopes "
                                  "Enterprise, Mid-Market; sample size 330. Source: CS Index, 2026.")
    q = quantiles(ws, "CS Index 2026")
    assert q[("time_to_value_days", "Enterprise")] == [20, 30, 50, 70, 100]  # hours / 24
    assert q[("time_to_value_days", "Mid-Market")] == [20, 30, 45, 60, 90]  # performance P10 = 90 days is P90
    assert q[("net_revenue_retention", "Mid-Market")] == [92, 100, 107, 115, 124]
    assert q[("nps", "Mid-Market")] == [-5, 12, 31, 45, 60]
    assert ("csat", "Enterprise") not in q  # unreconciled: not stored
    refs = {(r.metric, r.segment): r.value for r in out.reference_points}
    assert refs[("nps", "Enterprise")] == 80 and refs[("time_to_value_days", "Enterprise")] == 9
    assert {r.label for r in out.reference_points} == {"Best in class"}
    stats = benchmark_stats(ws, benchmark_set(ws, "cs index 2026")["id"])
    mean = stats[(stats.metric == "nps") & (stats.segment == "Enterprise") & (stats.stat == "mean")]
    assert mean["value"].tolist() == [33.0] and mean["quantile"].isna().all()


@pytest.mark.parametrize("name, key", [
    ("DAU/MAU Ratio", "dau_mau"), ("NPS Score", "nps"), ("Time-to-Value (days)", "time_to_value_days"),
    ("Support Tickets/User", "support_tickets_per_user"), ("Net Revenue Retention", "net_revenue_retention"),
    ("net revenue retention", "net_revenue_retention"), ("  nps_score ", "nps"),
])
def test_metric_aliases(ws, tmp_path, name, key):
    out = load_benchmarks_file(ws, write(tmp_path, "a.csv", f"Metric,P25,P50,P75\n{name},0.2,0.3,0.4\n"))
    assert out.metrics_matched == [key] and out.segments == ["All"]


@pytest.mark.parametrize("label", ["Mid Market", "Mid-Market", "MM", "mid-market", "Mid market (25-100K)"])
def test_segment_aliases(ws, tmp_path, label):
    out = load_benchmarks_file(ws, write(tmp_path, "s.csv", f'metric,segment,median\nnps,"{label}",30\n'))
    assert out.segments == ["Mid-Market"]


@pytest.mark.parametrize("label", ["ENT", "Enterprise", "Enterprise (>$100K ARR)", "enterprise"])
def test_enterprise_aliases(ws, tmp_path, label):
    out = load_benchmarks_file(ws, write(tmp_path, "e.csv", f'metric,segment,median\nnps,"{label}",30\n'))
    assert out.segments == ["Enterprise"]


def test_long_shape_keeps_labelled_reference_points(ws):
    out = load_benchmarks_file(ws, FIXTURES / "benchmarks_long.csv")
    assert out.shape == "long" and out.segments == ["Enterprise", "Mid-Market"]
    assert sorted((r.metric, r.label, r.value) for r in out.reference_points) == [
        ("nps", "Best in class", 70.0), ("nps", "Good", 40.0)]
    assert out.name == "Survey Co 2025"  # a human name: the file's one source and year
    q = quantiles(ws, "Survey Co 2025")
    assert q[("nps", "Enterprise")] == [12, 32, 48]  # "best in class" is not a percentile
    assert q[("feature_adoption", "Mid-Market")] == [30, 45, 60]
    assert q[("time_to_value_days", "Mid-Market")] == [20, 30, 50]
    stats = benchmark_stats(ws, benchmark_set(ws, "Survey Co 2025")["id"])
    ref = stats[stats.stat == "best in class"]
    assert ref["quantile"].isna().all() and ref["value"].tolist() == [70.0]


def test_raw_peer_rows_store_peers_and_computed_quantiles(ws):
    out = load_benchmarks_file(ws, FIXTURES / "benchmarks_raw.csv", name="peers")
    assert out.shape == "raw" and out.kind == "raw" and out.sample_size == 10 and out.peers == 29
    assert sorted(out.segments) == ["All", "Enterprise", "SMB"]
    set_id = benchmark_set(ws, "peers")["id"]
    peers = benchmark_peers(ws, set_id)
    assert len(peers) == 29 and set(peers.columns) == {"peer", "segment", "metric", "value"}
    assert peers[(peers.peer == "p04") & (peers.metric == "time_to_value_days")]["value"].tolist() == [10.0]
    q = quantiles(ws, "peers")
    assert ("nps", "Enterprise") not in q  # 5 peers: quantiles of fewer than 10 would expose them
    assert q[("nps", "All")] == [-1, 6.25, 17.5, 28.75, 41]  # numpy linear percentiles of the 10 peers
    assert ("time_to_value_days", "All") not in q  # 9 peers
    df = benchmark_quantiles(ws, set_id)
    assert list(df.columns) == ["metric", "segment", "quantile", "value", "sample_size", "source", "year"]
    assert df[(df.metric == "nps") & (df.segment == "All")]["sample_size"].tolist() == [10] * 5


def test_quantiles_that_do_not_increase_are_a_problem(ws, tmp_path):
    before = snapshot(ws)
    err = fails(load_benchmarks_file, ws, write(tmp_path, "q.csv", "metric,p25,p50,p75\nnps,10,30,20\n"))
    assert problem_lines(err) == [
        "q.csv, row 2, column 'p75': \"20\", expected values of NPS that rise steadily with the percentile: "
        "median = 30 but P75 = 20"]
    assert snapshot(ws) == before


def test_unknown_metrics_only_fails_and_stores_nothing(ws, tmp_path):
    load_benchmarks_file(ws, FIXTURES / "benchmarks_long.csv", name="keep")
    before = snapshot(ws)
    err = fails(load_file, ws, write(tmp_path, "unk.csv", "metric,p25,p50\nHappiness,1,2\nVibes,3,4\n"))
    assert problem_lines(err) == [
        "unk.csv: no benchmark could be stored: no metric matches the catalog with a usable unit (found: "
        "Happiness, Vibes); expected metrics such as NPS, DAU/MAU, Time to Value, Net Revenue Retention; map a "
        "name with --map \"NAME=metric_key\""]
    assert snapshot(ws) == before
    assert active_benchmark_set(ws)["name"] == "keep"


def test_bad_benchmark_cells_fail_whole_file(ws, tmp_path):
    text = ("metric,segment,p25,median,p75,sample size,year\n"
            "NPS,SMB,10,150,40,500,2026\n"
            "DAU/MAU,SMB,0.2,3,0.5,lots,2026\n"
            "CSAT,SMB,3.1,inf,4.4,500,26th\n")
    err = fails(load_benchmarks_file, ws, write(tmp_path, "b.csv", text))
    assert problem_lines(err) == [
        "b.csv, row 2, column 'median': \"150\", expected a number from -100 to 100 (NPS, score -100..100)",
        "b.csv, row 3, column 'sample size': \"lots\", expected a number",
        "b.csv, row 3, column 'median': \"3\", expected a number from 0 to 1 (DAU/MAU, ratio 0-1)",
        "b.csv, row 4, column 'year': \"26th\", expected a year (a number)",
        "b.csv, row 4, column 'median': \"inf\", expected a finite number (infinity/NaN is not a value; leave "
        "the cell blank if unknown) (CSAT)",
    ]
    assert list_benchmark_sets(ws) == []


def test_duplicate_metric_segment_rows(ws, tmp_path):
    path = write(tmp_path, "d.csv", "metric,segment,p50\nnps,SMB,30\nNPS Score,smb,31\n")
    err = fails(load_benchmarks_file, ws, path)
    assert problem_lines(err) == ["d.csv, row 3, column 'p50': \"31\", expected one p50 for NPS (SMB) "
                                  "(row 2 gives 30; a second source needs its own source name or year)"]


def test_reload_same_name_replaces_and_a_new_set_is_active_only_when_asked(ws, tmp_path):
    first = load_benchmarks_file(ws, FIXTURES / "benchmarks_long.csv", name="Industry")
    assert first.active  # the first set becomes active: none was
    other = load_benchmarks_file(ws, FIXTURES / "benchmarks_raw.csv", name="Other")
    assert not other.active and other.previous_active == "Industry"
    assert "It is not the active set; **Industry** stays active." in other.summary
    assert active_benchmark_set(ws)["name"] == "Industry"
    again = load_benchmarks_file(ws, write(tmp_path, "v2.csv", "metric,p50\nnps,33\n"), name="industry")
    assert again.active  # replacing the active set keeps it active
    sets = list_benchmark_sets(ws)
    assert [s["name"] for s in sets] == ["industry", "Other"]
    assert [s["active"] for s in sets] == [True, False]
    assert sets[0]["metrics"] == ["nps"] and sets[0]["checksum"] == again.checksum != first.checksum
    assert sets[0]["file_name"] == "v2.csv"
    assert quantiles(ws, "Industry") == {("nps", "All"): [33.0]}
    orphans = "SELECT COUNT(*) AS n FROM benchmark_rows WHERE set_id NOT IN (SELECT id FROM benchmark_sets)"
    assert ws.query(orphans)[0]["n"] == 0


def test_failed_reload_keeps_the_previous_set(ws, tmp_path):
    load_benchmarks_file(ws, FIXTURES / "benchmarks_long.csv", name="Industry")
    before = snapshot(ws)
    with pytest.raises(ToolError):
        load_benchmarks_file(ws, write(tmp_path, "bad.csv", "metric,p50\nnps,999\n"), name="Industry")
    assert snapshot(ws) == before


def test_unknown_set_name_lists_the_available_ones(ws):
    with pytest.raises(ToolError, match="none is loaded yet"):
        benchmark_set(ws, "anything")
    load_benchmarks_file(ws, FIXTURES / "benchmarks_long.csv", name="SaaS Industry 2026")
    with pytest.raises(ToolError) as info:
        benchmark_set(ws, "saas industry 2025")
    assert info.value.message == "No benchmark set 'saas industry 2025'. Available: SaaS Industry 2026."
    assert info.value.suggestions == ["SaaS Industry 2026"]
    assert active_benchmark_set(ws)["name"] == "SaaS Industry 2026"


def test_xlsx_benchmarks_on_a_named_sheet(ws, tmp_path):
    path = make_xlsx(tmp_path / "bench.xlsx", [["cover page"]], extra_sheets={"Data": [
        ["Metric", "Segment", "P25", "Median", "P75", "Sample size"],
        ["Renewal Rate", "SMB", 0.8, 0.86, 0.91, 120],
        ["Session duration (hours)", "SMB", 0.1, 0.25, 0.5, 120],
    ]})
    out = load_file(ws, path, sheet="Data", name="xl")
    assert out.metrics_matched == ["session_minutes", "renewal_rate"] and out.sample_size == 120
    q = quantiles(ws, "xl")
    assert q[("renewal_rate", "SMB")] == [80, 86, 91]  # fractions of a percent metric, reported
    assert q[("session_minutes", "SMB")] == [6, 15, 30]  # hours to minutes
    assert "Renewal Rate: 0-1 fractions read as percent (0.8 -> 80)" in out.normalisations


def test_sample_benchmark_file_through_the_tool(ws):
    if not SAMPLE.exists():
        pytest.skip("data/saas_industry_benchmarks_2026.csv not written yet")
    out = TOOL.run(ws, {"path": str(SAMPLE), "name": "SaaS Industry 2026"})
    assert out.unrecognised == [] and out.unreconciled == [] and len(out.metrics_matched) >= 12
    assert out.segments == ["Enterprise", "Mid-Market", "SMB"] and out.sample_size == 500
    assert out.industry == "SaaS" and out.year == 2026
    assert out.summary.startswith(f"Loaded benchmark set **SaaS Industry 2026** (SaaS): {len(out.metrics_matched)} "
                                  f"metrics in {len(out.by_category)} categories; scopes Enterprise, Mid-Market, SMB; "
                                  "sample size 500.")
    df = benchmark_quantiles(ws, active_benchmark_set(ws)["id"])
    for _, g in df.groupby(["metric", "segment"]):
        assert g.sort_values("quantile")["value"].is_monotonic_increasing


def test_tool_reads_only_uploaded_files(ws, tmp_path):
    upload = write(ws.uploads_dir, "bench.csv", "metric,p50\nnps,30\n")
    out = TOOL.run(ws, LoadBenchmarksInput(path="bench.csv"))  # the name as uploaded
    assert out.name == "Bench" and Path(upload).exists()  # no title or source: the file name, readable
    staged = write(ws.uploads_dir / "a1b2c3", "Industry 2026.csv", "metric,p50\nnps,31\n")
    assert TOOL.run(ws, {"path": "Industry 2026.csv"}).name == "Industry 2026" and staged.exists()
    outside = write(tmp_path / "elsewhere", "secret.csv", "metric,p50\nnps,30\n")
    for path in (str(outside), "../elsewhere/secret.csv", "/etc/passwd"):
        with pytest.raises(ToolError, match="No uploaded file"):
            TOOL.run(ws, {"path": path})
    assert "Import an industry benchmark file" in TOOL.description
    assert TOOL.input_model.model_json_schema()["required"] == ["path"]


def test_two_columns_for_one_statistic(ws, tmp_path):
    err = fails(load_benchmarks_file, ws, write(tmp_path, "two.csv", "metric,P50,Median,P75\nnps,30,31,40\n"))
    assert problem_lines(err) == ["two.csv, row 1, column 'Median': \"Median\", expected one median column "
                                  "(column 'P50' is the same statistic)"]
