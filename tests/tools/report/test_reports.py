"""draft_report: every customer kind x format produced once, read back, and scanned for other names."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from docx import Document
from pptx import Presentation
from pptx.util import Inches
from pypdf import PdfReader

from reports.format import fmt_value, ordinal
from tests.factories import add_customers, add_quantile_benchmark
from tests.readers import READERS, docx_text, pptx_text  # noqa: F401
from tools.compare.compare_customer import CompareCustomerInput, compare_customer
from tools.report.draft_report import DraftReportInput, draft_report, list_reports
from tools.store.workspace import Workspace
from tools.success.compute_roi import ComputeRoiInput, compute_roi
from tools.success.manage_goals import ManageGoalsInput, manage_goals

NAMES = ["Acme Corp", "Globex Industries", "Initech", "Umbrella Health", "Hooli", "Vandelay Imports",
         "Stark Logistics", "Wayne Analytics", "Soylent Foods", "Tyrell Systems", "Cyberdyne Labs",
         "Wonka Retail", "Oscorp Finance", "Gringotts Bank"]
OTHERS = [n for n in NAMES if n != "Acme Corp"] + ["Pied Piper SMB"]
AS_OF = dt.date(2026, 10, 31)
BENCHMARK_SECTIONS = ["Executive summary", "Your performance vs benchmarks", "Strengths and opportunities",
                      "Where you stand on the key metrics", "You within your peer group", "Your position over time",
                      "Action plan", "Methodology"]
BENCHMARK_CHARTS = ["Your percentile by metric", "You against the middle half of the comparison group",
                    "Where you sit among 14 peer accounts", "Your position over the last 12 months",
                    "Key metrics over time: you and the peer median"]


def _goals(ws: Workspace, names: list[str]) -> None:
    """Two goals per account with measurements; rows written directly (manage_goals for Acme only)."""
    def g(**kw):
        return manage_goals(ws, ManageGoalsInput(as_of=AS_OF, **kw))

    g(action="create", customer="Acme Corp", name="Reduce ticket resolution time", metric="resolution time",
      baseline=24, target=12, unit="hours", start_date=dt.date(2026, 1, 1), target_date=dt.date(2026, 12, 31),
      value_type="time_saved", value=24, date=dt.date(2026, 1, 1),
      value_inputs={"hours_saved_per_unit": 1.5, "units_per_month": 200, "hourly_rate": 50})
    for m, v in ((3, 21), (6, 17), (9, 13)):
        g(action="measure", customer="Acme Corp", goal="Reduce ticket resolution time", value=v, date=dt.date(2026, m, 1))
    g(action="create", customer="Acme Corp", name="Increase user activation", metric="user_activation", baseline=40,
      target=80, unit="percent", start_date=dt.date(2026, 1, 1), target_date=dt.date(2026, 12, 31), value=40,
      date=dt.date(2026, 1, 1), value_type="revenue_increase", value_inputs={"monthly_amount": 5000})
    for m, v in ((3, 45), (6, 50), (9, 52)):
        g(action="measure", customer="Acme Corp", goal="Increase user activation", value=v, date=dt.date(2026, m, 1))
    g(action="milestone", customer="Acme Corp", milestone_name="Admin training", date=dt.date(2026, 11, 15),
      goal="Increase user activation")
    ids = {r["name"]: r["id"] for r in ws.query("SELECT id, name FROM customers")}
    with ws.write() as db:
        for i, n in enumerate(names[1:], 1):
            gid = db["goals"].insert({
                "customer_id": ids[n], "name": "Increase user activation", "category": "adoption",
                "metric": "user_activation", "baseline": 40.0, "target": 80.0, "unit": "percent",
                "direction": "increase", "start_date": "2026-01-01", "target_date": "2026-12-31", "weight": 1.0,
                "value_type": "revenue_increase", "value_inputs_json": json.dumps({"monthly_amount": 4000 + 500 * i}),
                "created_at": "2026-01-01", "updated_at": "2026-01-01"}).last_pk
            db["goal_measurements"].insert_all([{"goal_id": gid, "date": d, "value": v} for d, v in
                                                (("2026-01-01", 40.0), ("2026-09-01", 50.0 + 3 * i))])


@pytest.fixture(scope="module")
def book(tmp_path_factory):
    ws = Workspace(tmp_path_factory.mktemp("reports") / "ws" / "peerbench.db")
    add_customers(ws, len(NAMES), names=NAMES, seed=1)
    add_customers(ws, 12, segment="SMB", industry="Retail", arr=10_000, seed=2,
                  names=["Pied Piper SMB"] + [f"Small {i}" for i in range(11)])
    add_quantile_benchmark(ws, "SaaS 2026", {"nps": {25: 10.0, 50: 20.0, 75: 40.0, 90: 60.0},
                                             "health_score": {25: 40.0, 50: 55.0, 75: 70.0, 90: 80.0}})
    _goals(ws, NAMES)
    ws.set_setting("csm_name", "Jordan Lee")
    cache: dict[tuple[str, str], object] = {}

    def produce(kind: str, fmt: str):
        if (kind, fmt) not in cache:
            cache[kind, fmt] = draft_report(ws, DraftReportInput(customer="Acme Corp", kind=kind, format=fmt,
                                                                 as_of=AS_OF))
        return cache[kind, fmt]

    yield ws, produce
    ws.close()




# ---- 1. customer benchmark report ------------------------------------------------------------

@pytest.mark.parametrize("fmt", ["md", "docx", "pdf"])
def test_benchmark_report_sections_in_order(book, fmt):
    ws, produce = book
    out = produce("benchmark", fmt)
    assert out.title == "Performance Benchmark Report: Acme Corp vs Industry Peers"
    assert out.sections == BENCHMARK_SECTIONS and out.customer_facing
    text = " ".join(READERS[fmt](out.path).split())
    assert out.title in text  # in the document's properties and page headers; the cover names the customer
    positions = [text.find(h) for h in ["Acme Corp"] + BENCHMARK_SECTIONS]
    assert -1 not in positions and positions == sorted(positions)
    for must in ("Prepared by", "Jordan Lee", "Peer group", "Test survey", "2026", "sample size 500",
                 "14 accounts", "percentile"):
        assert must in text, must


def test_benchmark_table_equals_compare_customer(book):
    ws, produce = book
    out = produce("benchmark", "docx")
    cmp = compare_customer(ws, CompareCustomerInput(customer="Acme Corp"))
    doc = Document(out.path)
    table = next(t for t in doc.tables if t.rows[0].cells[0].text == "Metric")
    assert [c.text for c in table.rows[0].cells] == ["Metric", "Your score", "Industry median",
                                                    "Percentile vs industry", "Status vs industry"]
    rows = {r.cells[0].text.rstrip(" †"): [c.text for c in r.cells] for r in table.rows[1:]}
    nps = cmp.metric("nps")  # covered by the benchmark: industry figures
    assert rows["NPS"][1:4] == [fmt_value("nps", nps.value), "+20", nps.benchmark_label]
    csat = cmp.metric("csat")  # not covered: peer-group figures, marked
    assert rows["CSAT"][1:4] == [fmt_value("csat", csat.value), fmt_value("csat", csat.cohort_median),
                                 ordinal(csat.percentile)]
    assert len(rows) == sum(m.value is not None for m in cmp.metrics)
    # numbers are right-aligned
    assert table.rows[1].cells[1].paragraphs[0].alignment == 2  # WD_ALIGN_PARAGRAPH.RIGHT
    assert "Overall vs peers" in docx_text(out.path) and ordinal(cmp.overall_percentile) in docx_text(out.path)


def test_benchmark_charts_embedded_everywhere(book):
    ws, produce = book
    md = produce("benchmark", "md")
    assert md.charts == BENCHMARK_CHARTS
    keys = ("percentile_chart", "bullet_chart", "peer_chart", "trend", "metric_trends")
    assert [Path(a).name for a in md.attachments] == [Path(md.path).stem + f"_{k}.png" for k in keys]
    for key in keys:
        ref = f"_{key}.png"
        assert ref in Path(md.path).read_text()
        assert Path(md.path.replace(".md", ref)).stat().st_size > 5000
    assert len(Document(produce("benchmark", "docx").path).inline_shapes) == 5
    images = sum(len(p.images) for p in PdfReader(produce("benchmark", "pdf").path).pages)
    assert images == 5


def test_registry_rows_and_safe_names(book):
    ws, produce = book
    out = produce("benchmark", "pdf")
    row = next(r for r in list_reports(ws) if r["id"] == out.report_id)
    assert (row["customer"], row["kind"], row["format"], row["benchmark_set"]) == ("Acme Corp", "benchmark", "pdf",
                                                                                  "SaaS 2026")
    assert Path(out.path).parent == ws.reports_dir and out.file_name.startswith("acme-corp_benchmark_")


# ---- privacy: no other customer's name in any customer-facing file ----------------------------

@pytest.mark.parametrize("kind,fmt", [(k, f) for k in ("benchmark", "qbr", "success")
                                      for f in ("md", "docx", "pdf", "pptx")])
def test_customer_facing_files_name_no_other_customer(book, kind, fmt):
    ws, produce = book
    out = produce(kind, fmt)
    text = READERS[fmt](out.path).lower()
    assert "acme corp" in text
    leaked = [n for n in OTHERS if n.lower() in text]
    assert leaked == []


# ---- 4. QBR deck ------------------------------------------------------------------------------

def test_qbr_deck_native_chart_callouts_and_notes(book):
    ws, produce = book
    out = produce("qbr", "pptx")
    prs = Presentation(out.path)
    assert (prs.slide_width, prs.slide_height) == (Inches(13.333), Inches(7.5))
    assert out.title == "Acme Corp: Q4 2026 Business Review"  # the quarter of the goals' as-of date
    charts = [sh.chart for s in prs.slides for sh in s.shapes if sh.has_chart]
    assert len(charts) >= 4, "native charts expected: percentile bands, histogram, trends, goal progress"
    cmp = compare_customer(ws, CompareCustomerInput(customer="Acme Corp"))
    histogram = next(c for c in charts if c.chart_type == 51)  # COLUMN_CLUSTERED: the peer group's bins
    assert sum(histogram.plots[0].series[0].values) == cmp.cohort.size  # counts of every account, none alone
    roi = compute_roi(ws, ComputeRoiInput(customer="Acme Corp", as_of=AS_OF))
    text = pptx_text(out.path)
    assert f"{roi.roi_multiplier:.1f}x" in text and "Engagement" in text and "Adoption" in text
    assert "First priority" in text and "Q4 2026" in text
    for slide in prs.slides:
        assert slide.notes_slide.notes_text_frame.text.strip()
    titles = [next(sh.text_frame.text for sh in s.shapes if sh.has_text_frame and sh.text_frame.text) for s in prs.slides]
    assert titles[1] == "Agenda" and titles[2] == "Executive summary".upper()  # the kicker over the finding
    texts = ["\n".join(sh.text_frame.text for sh in s.shapes if sh.has_text_frame) for s in prs.slides]
    assert any("Success plan: goals and value" in t for t in texts) and any("Action plan and asks" in t for t in texts)
    summary = texts[2]
    assert "Wins" in summary and "Risks" in summary and "Our asks" in summary


# ---- 3. success metrics report ---------------------------------------------------------------

@pytest.mark.parametrize("fmt", ["md", "docx", "pdf"])
def test_success_report_figures_equal_compute_roi(book, fmt):
    ws, produce = book
    out = produce("success", fmt)
    roi = compute_roi(ws, ComputeRoiInput(customer="Acme Corp", as_of=AS_OF))
    text = READERS[fmt](out.path).replace("\n", " ")
    for heading in ("Executive summary", "Goals and progress", "Goal details", "Value delivered",
                    "Milestones and goals at risk", "Benchmark comparison", "Action plan"):
        assert heading in text, heading
    assert f"${roi.value_delivered.total:,.0f}" in text and f"{roi.roi_multiplier:.1f}x" in text
    for g in roi.goals:
        assert g.name in text and f"{g.achievement_pct:.0f}%" in text
    assert out.charts == ["Success score", "Goal measurements against target"]  # the gauge (issue 20), then progress
    if fmt == "docx":
        doc = Document(out.path)
        goals = next(t for t in doc.tables if t.rows[0].cells[0].text == "Goal" and len(t.columns) == 7)
        first = [c.text for c in goals.rows[1].cells]
        g = roi.goals[0]
        hours = [f"{x:,.2f}".rstrip("0").rstrip(".") + " h" for x in (g.baseline, g.target, g.current)]
        assert first[:4] == [g.name, *hours]  # 24 h, 12 h, 11.5 h: the goal unit shown as in chat
        assert len(doc.inline_shapes) == 2  # the success score gauge (issue 20) and the goals' progress


# ---- 2. account benchmarking (internal) ---------------------------------------------------------

@pytest.mark.parametrize("fmt", ["md", "docx", "pdf"])
def test_account_report_detail_equals_compare(book, fmt):
    ws, produce = book
    out = produce("account", fmt)
    assert not out.customer_facing
    assert out.sections == ["Summary by dimension", "Detailed comparison by category", "Distribution in the peer group",
                            "Feature adoption and health across peers", "Strengths and improvement areas", "Top performer profile", "Industry benchmark",
                            "Prioritised recommendations", "Percentile over time"]
    assert out.charts == ["Peer-group distribution", "Where the account sits on key metrics",
                          "Feature Adoption vs Health Score", "Your position over the last 12 months", "Key metrics over time: you and the peer median"]
    if fmt == "docx":
        cmp = compare_customer(ws, CompareCustomerInput(customer="Acme Corp"))
        doc = Document(out.path)
        table = next(t for t in doc.tables if [c.text for c in t.rows[0].cells][:6] ==
                     ["Metric", "Value", "P25", "Median", "P75", "P90"])
        row = [c.text for c in table.rows[1].cells]
        m = cmp.metric("health_score")
        assert row[:8] == ["Health Score", fmt_value("health_score", m.value), fmt_value("health_score", m.cohort_p25),
                           fmt_value("health_score", m.cohort_median), fmt_value("health_score", m.cohort_p75),
                           fmt_value("health_score", m.cohort_p90), row[6], f"{m.rank} of 14"]
        assert len(doc.inline_shapes) == 5  # with the internal scatter (feature adoption vs health score)
    if fmt == "pdf":
        assert sum(len(p.images) for p in PdfReader(out.path).pages) == 5


def test_narrative_slots_are_checked(book):
    ws, _ = book
    cmp = compare_customer(ws, CompareCustomerInput(customer="Acme Corp"))
    good = f"Acme Corp is at the {round(cmp.overall_percentile)}th percentile overall."
    out = draft_report(ws, DraftReportInput(customer="Acme Corp", kind="benchmark", format="md", narrative={
        "executive_summary": good, "next_steps": "Aim for a 97.3% renewal rate by adding 41 integrations."}))
    assert out.narrative_used == ["executive_summary"] and set(out.narrative_rejected) == {"next_steps"}
    assert good in out.markdown and "97.3%" not in out.markdown
