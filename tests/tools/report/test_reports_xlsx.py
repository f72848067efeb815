"""Workbook exports (formula escaping, numbers stay numbers), the portfolio workbook, the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest

from agent.cli import main
from reports.xlsx_export import escape
from tests.factories import add_customers, add_quantile_benchmark
from tools.compare.compare_customer import CompareCustomerInput, compare_customer
from tools.portfolio.compare_portfolio import ComparePortfolioInput, compare_portfolio
from tools.report.draft_report import DraftReportInput, draft_report

EVIL = '=HYPERLINK("http://x","y")'


@pytest.fixture
def evil(ws):
    add_customers(ws, 12, names=[EVIL, "+Plus Co", "@At Co", "-Minus Co", "\tTab Co"] + [f"Ent {i}" for i in range(7)],
                  seed=4)
    add_quantile_benchmark(ws, "SaaS 2026", {"nps": {25: 10.0, 50: 20.0, 75: 40.0, 90: 60.0}})
    return ws


def _cells(path):
    wb = openpyxl.load_workbook(path)
    return wb, [c for sheet in wb.worksheets for row in sheet.iter_rows() for c in row if c.value is not None]


def test_escape_rule():
    assert [escape(s) for s in ("=1+1", "+1", "-1", "@x", "\tx", "\rx", "\nx", "ok", "")] == \
        ["'=1+1", "'+1", "'-1", "'@x", "'\tx", "'\rx", "'\nx", "ok", ""]


def test_customer_named_like_a_formula_is_inert(evil):
    out = draft_report(evil, DraftReportInput(customer=EVIL, kind="benchmark", format="xlsx"))
    assert out.file_name.startswith("hyperlink-http-x-y_benchmark_") and not set('=()",/') & set(out.file_name)
    assert Path(out.path).parent == evil.reports_dir
    wb, cells = _cells(out.path)
    texts = [c.value for c in cells if isinstance(c.value, str)]
    assert not any(c.data_type == "f" for c in cells)
    assert not any(t.startswith(("=", "+", "-", "@", "\t", "\r", "\n")) for t in texts)
    assert any(EVIL in t for t in texts)  # the title, as text
    perf = wb["Your performance vs benchmarks"]
    assert perf.freeze_panes == "A2"
    header = [c.value for c in perf[1]]
    assert header == ["Metric", "Your score", "Industry median", "Percentile vs industry", "Status vs industry"]
    cmp = compare_customer(evil, CompareCustomerInput(customer=EVIL))
    nps_row = next(r for r in perf.iter_rows(min_row=2, values_only=True) if r[0] == "NPS")
    assert nps_row[1] == cmp.metric("nps").value and isinstance(nps_row[1], float)  # numbers stay numbers
    pct = cmp.metric("nps").benchmark_percentile
    assert nps_row[2] == 20.0 and nps_row[3] == int(pct + 1e-9) or nps_row[3] == 1  # shown as its ordinal
    assert perf["D2"].number_format.endswith('"th"') or perf["D2"].number_format[-4:] in ('"st"', '"nd"', '"rd"')
    assert perf["B2"].number_format != "General"
    assert len(wb["Charts"]._images) == 5


def test_portfolio_workbook_sheets_and_figures(evil):
    out = draft_report(evil, DraftReportInput(kind="portfolio", format="xlsx"))
    assert out.customer is None and not out.customer_facing and out.file_name.startswith("portfolio_portfolio_")
    wb, cells = _cells(out.path)
    assert wb.sheetnames == ["Summary", "Portfolio vs benchmarks", "Top performers", "Below-benchmark accounts",
                             "Peer groups", "Recommendations", "Goals at risk"]
    assert not any(c.data_type == "f" for c in cells)
    for name in wb.sheetnames[1:]:
        assert wb[name].freeze_panes == "A2"
    port = compare_portfolio(evil, ComparePortfolioInput())
    rows = list(wb["Portfolio vs benchmarks"].iter_rows(min_row=2, values_only=True))
    nps = next(r for r in rows if r[0] == "NPS")
    m = next(m for m in port.metrics if m.metric == "nps")
    assert (nps[2], nps[3], nps[5]) == (m.accounts, m.portfolio_average, m.benchmark_median)
    groups = list(wb["Peer groups"].iter_rows(min_row=2, values_only=True))
    assert {r[2] for r in groups} >= {"'" + EVIL, "'+Plus Co", "'@At Co", "'-Minus Co", "'\tTab Co", "Ent 0"}


def test_cli_report_and_reports(evil, tmp_path, capsys):
    db = ["--db", str(evil.path)]
    assert main(db + ["report", "Ent 0", "--kind", "benchmark", "--format", "md", "--out", str(tmp_path)]) == 0
    said = capsys.readouterr().out
    assert "Saved Performance Benchmark Report: Ent 0 vs Industry Peers (md)" in said
    assert len(list(tmp_path.glob("ent-0_benchmark_*.md"))) == 1
    assert main(db + ["report", "--kind", "portfolio", "--format", "xlsx", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["kind"] == "portfolio" and data["path"].endswith(".xlsx")
    assert main(db + ["reports", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [(r["customer"], r["kind"], r["format"]) for r in rows] == [(None, "portfolio", "xlsx"),
                                                                       ("Ent 0", "benchmark", "md")]
    assert main(db + ["reports"]) == 0
    assert "(portfolio)" in capsys.readouterr().out
    assert main(db + ["report", "Nobody Inc", "--kind", "benchmark"]) == 2
    assert main(db + ["report", "--kind", "qbr"]) == 2


def test_small_cohort_refused_for_customer_reports(ws):
    add_customers(ws, 6, names=["Tiny A"] + [f"T {i}" for i in range(5)])
    with pytest.raises(Exception) as err:
        draft_report(ws, DraftReportInput(customer="Tiny A", kind="benchmark", format="md"))
    assert "at least 10" in str(err.value)
    assert list(ws.reports_dir.iterdir()) == []
