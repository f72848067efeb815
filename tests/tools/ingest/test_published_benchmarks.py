"""Benchmark files in the shapes published reports come in (tests/fixtures/ingest/published/).

Each test loads a file, checks the stored value quantiles and the load summary's words,
then places an account against it and checks its percentile against a hand calculation
(piecewise-linear through the value quantiles, DESIGN §4; 100 - p for lower-is-better).
"""

from __future__ import annotations

import pytest

from tests.factories import add_customers, set_metric
from tests.ingest_helpers import FIXTURES, fails, make_xlsx, problem_lines, snapshot, write
from tools.benchmarks.sets import benchmark_quantiles, benchmark_set
from tools.compare.compare_customer import CompareCustomerInput, compare_customer
from tools.ingest.load_benchmarks import load_benchmarks_file
from tools.portfolio.positions import KIDX, load_positions

PUBLISHED = FIXTURES / "published"


def quantiles(ws, name: str) -> dict[tuple[str, str], dict[float, float]]:
    df = benchmark_quantiles(ws, benchmark_set(ws, name)["id"])
    return {k: dict(zip(g["quantile"], g["value"].round(6))) for k, g in df.groupby(["metric", "segment"])}


def account(ws, name: str, **attrs) -> int:
    """A target account among 11 Enterprise SaaS peers (a cohort of 12), with the given attributes."""
    add_customers(ws, 11, seed=3)
    cid = add_customers(ws, 1, names=[name], seed=4)[0]
    with ws.write() as db:
        db["customers"].update(cid, attrs)
    return cid


def place(ws, name: str, metric: str, benchmark: str | None = None):
    out = compare_customer(ws, CompareCustomerInput(customer=name, cohort_type="all", benchmark=benchmark))
    return out.metric(metric)


def test_ttv_best_first_columns_are_performance_percentiles(ws):
    """The issue's file: 25th, Median, 75th, Top Decile = 62, 38, 21, 12 days."""
    out = load_benchmarks_file(ws, PUBLISHED / "benchmarkit_style_best_first.csv")
    q = quantiles(ws, out.name)
    assert q[("time_to_value_days", "All")] == {10: 12, 25: 21, 50: 38, 75: 62}  # median stays 38, not 21
    assert q[("support_tickets_per_user", "All")] == {10: 0.2, 25: 0.4, 50: 0.7, 75: 1.1}  # median 0.7, not 0.4
    assert q[("nps", "All")] == {25: 12, 50: 31, 75: 45, 90: 58}  # higher is better: as written
    assert q[("time_to_value_days", "1-200 employees")] == {10: 10, 25: 18, 50: 33, 75: 55}
    assert ("Time to Value: percentiles read as performance percentiles, 75th = fewer days (stored as value "
            "quantiles: 25th -> P75, 75th -> P25, Top Decile -> P10); median 38 days") in out.readings
    assert any(r.startswith("Support Tickets per User: percentiles read as performance percentiles, 75th = fewer "
                            "tickets") and r.endswith("median 0.70") for r in out.readings)
    assert "column 'Top Decile' -> top 10% (a performance percentile)" in out.mappings
    text = out.to_markdown()
    assert "How the file was read (6):" in text and "- Time to Value: percentiles read as performance" in text

    cid = account(ws, "At Median")
    set_metric(ws, cid, "time_to_value_days", 38.0)
    assert place(ws, "At Median", "time_to_value_days").benchmark_percentile == 50.0  # was reported as 25th
    set_metric(ws, cid, "time_to_value_days", 30.0)
    m = place(ws, "At Median", "time_to_value_days")
    assert m.benchmark_percentile == pytest.approx(100 - (25 + (30 - 21) / (38 - 21) * 25), abs=0.01)  # 61.76
    assert m.benchmark_median == 38 and m.benchmark_basis == "all companies"
    set_metric(ws, cid, "support_tickets_per_user", 0.7)
    assert place(ws, "At Median", "support_tickets_per_user").benchmark_percentile == 50.0


def test_employee_band_rows_apply_to_accounts_with_that_head_count(ws):
    out = load_benchmarks_file(ws, PUBLISHED / "benchmarkit_style_best_first.csv")
    cid = account(ws, "Small Co", employees=150)
    set_metric(ws, cid, "time_to_value_days", 30.0)
    m = place(ws, "Small Co", "time_to_value_days", out.name)
    assert m.benchmark_basis == "1-200 employees"
    assert m.benchmark_percentile == pytest.approx(100 - (25 + (30 - 18) / (33 - 18) * 25), abs=0.01)  # 55
    with ws.write() as db:
        db["customers"].update(cid, {"employees": 900})  # outside the band: the file's "All" row
    assert place(ws, "Small Co", "time_to_value_days", out.name).benchmark_basis == "all companies"


def test_arr_band_rows_and_an_alias_listed_not_silent(ws):
    out = load_benchmarks_file(ws, PUBLISHED / "saas_capital_style_retention.csv")
    assert out.name == "SaaS Capital-style B2B retention benchmarks 2023 (synthetic)"  # the file's title
    assert out.segments == ["<$25K ARR band", "$25K-$100K ARR band", ">$100K ARR band", "All"]
    assert "Gross Revenue Retention -> Renewal Rate (alias)" in out.mappings
    assert "column 'ARR Band' -> ARR band (rows scoped by it)" in out.mappings
    q = quantiles(ws, out.name)
    assert q[("net_revenue_retention", ">$100K ARR band")] == {25: 98, 50: 104, 75: 112, 90: 122}
    assert q[("renewal_rate", "$25K-$100K ARR band")] == {25: 85, 50: 90, 75: 93, 90: 96}

    big = account(ws, "Big Co", arr=285_000.0)
    set_metric(ws, big, "net_revenue_retention", 111.1)
    m = place(ws, "Big Co", "net_revenue_retention")
    assert m.benchmark_basis == ">$100K ARR band, SaaS Capital 2023"
    assert m.benchmark_percentile == pytest.approx(50 + (111.1 - 104) / (112 - 104) * 25, abs=0.01)  # 72.19
    with ws.write() as db:
        db["customers"].update(big, {"arr": 50_000.0, "segment": "Mid-Market"})
    set_metric(ws, big, "renewal_rate", 91.5)
    m = place(ws, "Big Co", "renewal_rate")
    assert m.benchmark_basis == "$25K-$100K ARR band, SaaS Capital 2023"
    assert m.benchmark_percentile == pytest.approx(50 + (91.5 - 90) / (93 - 90) * 25, abs=0.01)  # 62.5
    with ws.write() as db:
        db["customers"].update(big, {"arr": None})
    nrr = place(ws, "Big Co", "net_revenue_retention")
    assert nrr.benchmark_basis == "all companies, SaaS Capital 2023"  # no ARR: the All row
    assert place(ws, "Big Co", "renewal_rate").benchmark_percentile is None  # GRR has no All row


def test_acv_bands_named_quartiles_and_a_near_miss_that_asks(ws, tmp_path):
    out = load_benchmarks_file(ws, PUBLISHED / "kbcm_style_acv_bands.csv")
    assert [(m.name, m.metric) for m in out.near_misses] == [("Gross Dolar Retention", "renewal_rate")]
    assert out.unrecognised == ["Logo Churn (annual)"]
    assert "renewal_rate" not in out.metrics_matched  # a near miss is asked, not guessed
    assert "'Gross Dolar Retention' looks like Renewal Rate" in out.to_markdown()
    assert "ACV bands are matched with each account's ARR (one contract per account)" in out.normalisations
    q = quantiles(ws, out.name)
    assert q[("time_to_value_days", "All")] == {25: 21, 50: 45, 75: 90}  # top quartile = fastest quarter = P25
    assert q[("net_revenue_retention", "Enterprise $100k+ ACV band")] == {25: 99, 50: 106, 75: 114}
    assert any("'Bottom Quartile', 'Top Quartile' read by performance (top = fewer days)" in r for r in out.readings)

    cid = account(ws, "Acv Co", arr=285_000.0)
    set_metric(ws, cid, "net_revenue_retention", 111.1)
    set_metric(ws, cid, "time_to_value_days", 30.0)
    nrr = place(ws, "Acv Co", "net_revenue_retention")
    assert nrr.benchmark_basis == "Enterprise $100k+ ACV band, KBCM SaaS Survey 2023"
    assert nrr.benchmark_percentile == pytest.approx(50 + (111.1 - 106) / (114 - 106) * 25, abs=0.01)  # 65.94
    ttv = place(ws, "Acv Co", "time_to_value_days")
    assert ttv.benchmark_percentile == pytest.approx(100 - (25 + (30 - 21) / (45 - 21) * 25), abs=0.01)  # 65.63

    again = load_benchmarks_file(ws, PUBLISHED / "kbcm_style_acv_bands.csv",
                                 mapping=["Gross Dolar Retention=renewal_rate", "Logo Churn (annual)=ignore"])
    assert again.name == out.name and "renewal_rate" in again.metrics_matched and again.unrecognised == []
    assert "Gross Dolar Retention -> Renewal Rate (your mapping)" in again.mappings
    assert quantiles(ws, out.name)[("renewal_rate", "All")] == {25: 84, 50: 90, 75: 94}
    with pytest.raises(Exception, match="matches no metric name"):
        load_benchmarks_file(ws, PUBLISHED / "kbcm_style_acv_bands.csv", mapping=["Gross Retension=renewal_rate"])


def test_multi_source_compilation_keeps_sources_side_by_side(ws):
    out = load_benchmarks_file(ws, PUBLISHED / "cs_compilation_multi_source.csv")
    assert [(s.source, s.year) for s in out.sources] == [
        ("Gainsight Pulse", 2024), ("Pendo", 2024), ("Benchmarkit", 2023), ("KeyBanc", 2023),
        ("SaaS Capital", 2023), ("OpenView", 2022)]
    assert out.segments == ["$25K-$100K ARR band", "FinTech", "EMEA", "All"]
    assert "6 sources, kept side by side." in out.summary
    assert out.overlaps == ["Net Revenue Retention (All): SaaS Capital 2023 (primary), KeyBanc 2023, OpenView 2022",
                            "Renewal Rate (All): SaaS Capital 2023 (primary), KeyBanc 2023"]
    assert out.contenders == ["KeyBanc", "OpenView"]
    labels = {(r.metric, r.label, r.source): r.value for r in out.reference_points}
    assert labels[("net_revenue_retention", "best in class", "OpenView")] == 120
    assert labels[("net_revenue_retention", "good/great", "Benchmarkit")] == 110
    assert labels[("time_to_value_days", "typical range low", "Gainsight Pulse")] == 30
    assert labels[("dau_mau", "guidepost", "Pendo")] == 0.2

    cid = account(ws, "Compiled Co", arr=285_000.0, region="North America")
    for key, value in (("net_revenue_retention", 111.1), ("dau_mau", 0.2), ("time_to_value_days", 30.0),
                       ("renewal_rate", 95.0)):
        set_metric(ws, cid, key, value)
    nrr = place(ws, "Compiled Co", "net_revenue_retention")
    # All scope: SaaS Capital 2023 (P25/median/P75/top decile) is primary over KeyBanc 2023 (same year,
    # earlier in the file) and OpenView 2022 (older); the others are reference points.
    assert nrr.benchmark_basis == "all companies, SaaS Capital 2023"
    assert nrr.benchmark_percentile == pytest.approx(75 + (111.1 - 108) / (118 - 108) * 15, abs=0.01)  # 79.65
    refs = [(r.label, r.value, r.basis.source) for r in nrr.benchmark_references]
    assert refs == [("median", 104.0, "KeyBanc"), ("good/great", 110.0, "Benchmarkit"),
                    ("median", 102.0, "OpenView"), ("best in class", 120.0, "OpenView")]
    ttv = place(ws, "Compiled Co", "time_to_value_days")
    assert ttv.benchmark_percentile == pytest.approx(100 - (25 + (30 - 21) / (42 - 21) * 25), abs=0.01)  # 64.29
    assert [r.label for r in ttv.benchmark_references] == ["typical range low", "typical range high"]
    dau = place(ws, "Compiled Co", "dau_mau")
    assert dau.benchmark_percentile == pytest.approx(50 + (0.2 - 0.13) / (0.22 - 0.13) * 25, abs=0.01)  # 69.44
    md = compare_customer(ws, CompareCustomerInput(customer="Compiled Co", cohort_type="all")).to_markdown()
    assert "Benchmark rows used: all companies, SaaS Capital 2023" not in md  # several rows: named per metric
    assert ("Benchmark rows used: DAU/MAU, Feature Adoption: all companies, Pendo 2024; Renewal Rate, Net Revenue "
            "Retention: all companies, SaaS Capital 2023; Time to Value: all companies, Gainsight Pulse 2024.") in md
    assert "- Net Revenue Retention: median 104.0% (KeyBanc 2023); good/great 110.0% (Benchmarkit 2023)" in md
    assert "| Renewal Rate | 95.0% |" in md and "| 91.0% | above median |" in md  # one median: above it

    with ws.write() as db:
        db["customers"].update(cid, {"region": "EMEA", "industry": "FinTech"})
    assert place(ws, "Compiled Co", "dau_mau").benchmark_percentile == pytest.approx(62.5, abs=0.01)  # EMEA row
    nrr = place(ws, "Compiled Co", "net_revenue_retention")
    assert nrr.benchmark_basis == "FinTech, KeyBanc 2023"  # the industry row is more specific than All
    assert nrr.benchmark_percentile == pytest.approx(50 + (111.1 - 108) / (115 - 108) * 25, abs=0.01)  # 61.07
    with ws.write() as db:
        db["customers"].update(cid, {"arr": 50_000.0})
    set_metric(ws, cid, "net_revenue_retention", 104.0)
    nrr = place(ws, "Compiled Co", "net_revenue_retention")
    assert nrr.benchmark_basis == "$25K-$100K ARR band, SaaS Capital 2023"  # a size band before an industry
    assert nrr.benchmark_percentile == pytest.approx(50 + (104 - 100) / (107 - 100) * 25, abs=0.01)  # 64.29


def test_preferred_source_becomes_primary(ws):
    out = load_benchmarks_file(ws, PUBLISHED / "cs_compilation_multi_source.csv", prefer_source="keybanc")
    assert out.prefer_source == "KeyBanc"
    cid = account(ws, "Pref Co", arr=285_000.0)
    set_metric(ws, cid, "renewal_rate", 90.0)
    set_metric(ws, cid, "net_revenue_retention", 111.1)
    grr = place(ws, "Pref Co", "renewal_rate")
    assert grr.benchmark_median == 88 and grr.benchmark_basis == "all companies, KeyBanc 2023"
    assert [(r.label, r.value, r.basis.source) for r in grr.benchmark_references] == [("median", 91.0, "SaaS Capital")]
    nrr = place(ws, "Pref Co", "net_revenue_retention")
    assert nrr.benchmark_median == 104 and nrr.benchmark_percentile is None  # one median: above/below only

    from tools.benchmarks.manage_benchmarks import ManageBenchmarksInput, manage_benchmarks

    changed = manage_benchmarks(ws, ManageBenchmarksInput(name=out.name, prefer_source=""))
    assert "most recent source, then the largest sample" in changed.to_markdown()
    assert place(ws, "Pref Co", "renewal_rate").benchmark_median == 91


def test_largest_sample_breaks_a_tie_in_year(ws, tmp_path):
    path = write(tmp_path, "two.csv", "metric,stat,value,source,year,n\n"
                                      "nps,median,30,Small Survey,2024,80\nnps,p75,45,Small Survey,2024,80\n"
                                      "nps,median,35,Big Survey,2024,900\nnps,p75,50,Big Survey,2024,900\n"
                                      "nps,median,20,Old Survey,2021,5000\nnps,p75,40,Old Survey,2021,5000\n")
    out = load_benchmarks_file(ws, path)
    assert out.sample_size is None  # three sources: each row keeps its own n
    cid = account(ws, "Tie Co")
    set_metric(ws, cid, "nps", 40.0)
    m = place(ws, "Tie Co", "nps")
    assert m.benchmark_basis == "all companies, Big Survey 2024"
    assert m.benchmark_percentile == pytest.approx(50 + (40 - 35) / (50 - 35) * 25, abs=0.01)


def test_portfolio_positions_use_the_same_rows_as_one_account(ws):
    out = load_benchmarks_file(ws, PUBLISHED / "cs_compilation_multi_source.csv")
    cid = account(ws, "Book Co", arr=50_000.0, industry="FinTech", region="EMEA")
    set_metric(ws, cid, "net_revenue_retention", 104.0)
    pos = load_positions(ws, out.name)
    row = int((pos.ids == cid).nonzero()[0][0])
    for key in ("net_revenue_retention", "dau_mau", "time_to_value_days"):
        single = place(ws, "Book Co", key, out.name)
        got = pos.bench_pct[row, KIDX[key]]
        assert (single.benchmark_percentile is None and got != got) or got == pytest.approx(
            single.benchmark_percentile, abs=0.01)


def test_gainsight_style_xlsx_by_industry_and_company_size(ws, tmp_path):
    path = make_xlsx(tmp_path / "pulse.xlsx", [
        ["Gainsight Pulse-style product benchmarks 2024 (synthetic)"],
        ["Metric", "Industry", "Company headcount", "Bottom Quartile", "Median", "Top Quartile", "n", "Source",
         "Year"],
        ["Time to value (days)", "SaaS", "", 80, 45, 25, 410, "Gainsight Pulse", 2024],
        ["Time to value (days)", "Healthcare", "", 120, 70, 40, 95, "Gainsight Pulse", 2024],
        ["Time to value (days)", "", "1,001-5,000", 100, 60, 35, 120, "Gainsight Pulse", 2024],
        ["Time to value (days)", "", "", 90, 50, 30, 900, "Gainsight Pulse", 2024],
        ["Feature adoption rate", "SaaS", "", "18%", "26%", "37%", 410, "Pendo", 2024],
    ])
    out = load_benchmarks_file(ws, path)
    assert out.segments == ["1,001-5,000 employees", "Healthcare", "SaaS", "All"]
    q = quantiles(ws, out.name)
    assert q[("time_to_value_days", "SaaS")] == {25: 25, 50: 45, 75: 80}
    cid = account(ws, "Pulse Co", employees=2000)  # SaaS and 2,000 employees: the band is the more specific
    set_metric(ws, cid, "time_to_value_days", 50.0)
    m = place(ws, "Pulse Co", "time_to_value_days")
    assert m.benchmark_basis == "1,001-5,000 employees, Gainsight Pulse 2024"
    assert m.benchmark_percentile == pytest.approx(100 - (25 + (50 - 35) / (60 - 35) * 25), abs=0.01)  # 60


# --- what is refused: a true conflict, a higher-is-better metric listed the wrong way round ---------

def test_a_true_conflict_is_an_error_naming_both_rows(ws, tmp_path):
    before = snapshot(ws)
    path = write(tmp_path, "c.csv", "metric,stat,value,source,year\nNRR,median,104%,KeyBanc,2023\n"
                                    "NRR,median,106%,KeyBanc,2023\nNRR,median,101%,SaaS Capital,2023\n")
    err = fails(load_benchmarks_file, ws, path)
    assert problem_lines(err) == ["c.csv, row 3, column 'value': \"106%\", expected one median for Net Revenue "
                                  "Retention (KeyBanc 2023) (row 2 gives 104%; a second source needs its own "
                                  "source name or year)"]
    assert snapshot(ws) == before


def test_higher_is_better_values_falling_with_p_are_an_error(ws, tmp_path):
    path = write(tmp_path, "f.csv", "Metric,25th,Median,75th\nNet Revenue Retention,110%,104%,95%\n")
    err = fails(load_benchmarks_file, ws, path)
    assert problem_lines(err) == [
        "f.csv, row 2, column 'Median': \"104%\", expected values of Net Revenue Retention that rise with the "
        "percentile (Net Revenue Retention is higher-is-better): P25 = 110% but median = 104%"]


def test_the_same_file_is_not_loaded_twice(ws):
    first = load_benchmarks_file(ws, PUBLISHED / "saas_capital_style_retention.csv")
    rows = ws.query("SELECT count(*) AS n FROM benchmark_rows")[0]["n"]
    again = load_benchmarks_file(ws, PUBLISHED / "saas_capital_style_retention.csv")
    assert again.duplicate_of == first.name and again.active
    assert again.summary.startswith(f"This file is already loaded as benchmark set **{first.name}**")
    assert ws.query("SELECT count(*) AS n FROM benchmark_sets")[0]["n"] == 1
    assert ws.query("SELECT count(*) AS n FROM benchmark_rows")[0]["n"] == rows
