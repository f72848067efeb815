"""Reports as a reader sees them: nothing runs off the page or out of its box, figures add up, units shown.

Uses the workspace of ``test_reports`` (the ``book`` fixture). The PDF checks read the drawn page
(pypdf's content stream and text positions), the PPTX checks every shape against the 16:9 slide
and every text box against the estimated height of its wrapped text.
"""

from __future__ import annotations

import datetime as dt
import re

import openpyxl
import pytest
from docx import Document
from docx.oxml.ns import qn
from pptx import Presentation
from pptx.util import Emu, Pt
from pypdf import PdfReader

from reports.format import fmt_value
from reports.layout import estimate, fit_widths
from reports.model import Cell, Column, Figure, Report, Section, Table
from reports.pdf_export import render_pdf
from reports.pptx_export import text_height, write_pptx
from tests.tools.report.test_reports import AS_OF, book  # noqa: F401  (the shared workspace fixture)
from tools.compare.compare_customer import CompareCustomerInput, compare_customer
from tools.playbooks.recommend_improvements import RecommendImprovementsInput, recommend_improvements
from tools.report.cells import render
from tools.report.qbr import build_qbr
from tools.report.shared import ReportData
from tools.success.compute_roi import ComputeRoiInput, compute_roi

PT_PER_MM = 72 / 25.4


def _wide_report(kind: str = "account") -> Report:
    """A report whose table has long headers and long unbreakable-ish cells (worst case for widths)."""
    cols = [Column("Metric", "l", 1.0)] + [Column(f"Achievement {i}", "r", 0.4) for i in range(9)]
    rows = [[Cell("Support Tickets per User and a very long metric label " * 2)]
            + [Cell(f"{i * 1234.5:,.1f} days") for i in range(9)] for _ in range(40)]
    rep = Report(kind=kind, title="Wide", customer=None, customer_facing=False, date="1 Jan 2026",
                 prepared_by="Tester", footer="Internal")
    rep.sections = [Section("s", "Wide table").add(Table("wide", cols, rows, note="A note."))]
    return rep


# ---- PDF ------------------------------------------------------------------------------------

@pytest.mark.parametrize("kind", ["benchmark", "account", "success", "qbr"])
def test_pdf_tables_and_text_stay_within_the_margins(book, kind):  # noqa: F811
    _, produce = book
    reader = PdfReader(produce(kind, "pdf").path)
    for page in reader.pages:
        width = float(page.mediabox.width)
        xs: list[float] = []
        page.extract_text(visitor_text=lambda text, cm, tm, font, size: xs.append(tm[4] * cm[0] + cm[4])
                          if text.strip() else None)
        assert xs and min(xs) >= 18 * PT_PER_MM - 1 and max(xs) <= width - 18 * PT_PER_MM
        for operands, op in page.get_contents().operations:
            if op == b"re":  # filled rectangles: table rows, call-outs, the title band
                x, _, w, _ = (float(v) for v in operands)
                assert x >= 0 and x + w <= width + 0.01


def test_pdf_wide_table_fits_and_repeats_its_header():
    pdf = render_pdf(_wide_report())
    assert pdf.table_boxes and pdf.pages_count >= 2
    for _, x, w in pdf.table_boxes:
        assert x >= pdf.l_margin - 0.01 and x + w <= pdf.w - pdf.r_margin + 0.01
    pdf_landscape = render_pdf(_wide_report("portfolio"))
    assert pdf_landscape.w > pdf_landscape.h  # the portfolio kind is laid out on landscape pages


def test_column_widths_keep_words_whole():
    t = Table("goals", [Column("Goal", "l", 3.0), Column("Achievement", "r", 0.5), Column("Status", "l", 1.0)],
              [[Cell("Reduce ticket resolution time"), Cell("104%"), Cell("✓ Achieved")]])
    widths = fit_widths(t, 300, lambda s, bold: estimate(s, 9, bold), 4)
    assert abs(sum(widths) - 300) < 1e-6
    assert widths[1] >= estimate("Achievement", 9, True) + 8


def test_success_pdf_headers_unbroken_and_values_add_up(book):  # noqa: F811
    ws, produce = book
    text = " ".join(p.extract_text() for p in PdfReader(produce("success", "pdf").path).pages)
    assert "Achievement" in text and "Achievem ent" not in text and "Achievem\nent" not in text
    roi = compute_roi(ws, ComputeRoiInput(customer="Acme Corp", as_of=AS_OF))
    for item in roi.value_delivered.items:  # exact dollars: the rows add up to the total shown
        assert f"${item.annual:,.0f}" in text
    assert f"${roi.value_delivered.total:,.0f}" in text


# ---- PPTX -----------------------------------------------------------------------------------

def test_qbr_slides_fit_16_9_and_text_fits_its_boxes(book):  # noqa: F811
    _, produce = book
    prs = Presentation(produce("qbr", "pptx").path)
    sw, sh = prs.slide_width, prs.slide_height
    for n, slide in enumerate(prs.slides, 1):
        for shape in slide.shapes:
            assert shape.left >= 0 and shape.top >= 0, (n, shape.name)
            assert shape.left + shape.width <= sw and shape.top + shape.height <= sh, (n, shape.name)
            if shape.has_text_frame and shape.text_frame.text.strip():
                paras = [(p.text, p.runs[0].font.size.pt, bool(p.runs[0].font.bold), None)
                         for p in shape.text_frame.paragraphs if p.runs]
                assert min(s for _, s, _, _ in paras) >= 9, (n, shape.text_frame.text[:40])
                space = shape.text_frame.paragraphs[0].space_after.pt
                need = text_height(paras, Emu(shape.width).inches, space)
                assert need <= Emu(shape.height).inches + 0.01, (n, shape.text_frame.text[:40])
            if shape.has_table:
                rows = sum(r.height for r in shape.table.rows)
                assert shape.top + rows <= sh - Emu(Pt(30)), (n, "table runs into the footer")
        assert slide.notes_slide.notes_text_frame.text.strip(), f"slide {n} has no speaker notes"


def test_qbr_chart_reads_like_the_png(book):  # noqa: F811
    _, produce = book
    prs = Presentation(produce("qbr", "pptx").path)
    chart = next(sh.chart for s in prs.slides for sh in s.shapes if sh.has_chart)
    assert not chart.has_title  # the slide title names it
    assert chart.category_axis.reverse_order  # the first metric at the top...
    assert chart.value_axis._element.xpath("./c:crosses/@val") == ["max"]  # ...and the value axis at the bottom
    labels = [p.data_label.text_frame.text for p in chart.plots[0].series[-1].points]
    assert labels and all(re.fullmatch(r"[<>]?\d+(st|nd|rd|th)", x) for x in labels)  # ordinals, as in the table
    legend = {s.name for s in chart.plots[0].series}
    assert legend & {"Above median (50th-89th)", "Below median (25th-49th)", "Lowest quartile (under 25th)"}


def test_qbr_pptx_never_draws_the_png_of_a_native_chart(book, tmp_path):  # noqa: F811
    ws, _ = book
    cmp = compare_customer(ws, CompareCustomerInput(customer="Acme Corp", anonymise=True))
    rep = build_qbr(ReportData(kind="qbr", date="1 Jan 2026", prepared_by="T", compare=cmp))
    write_pptx(rep, tmp_path / "deck.pptx")
    fig = next(b for b in rep.section("scorecard").blocks if isinstance(b, Figure))
    assert isinstance(fig, Figure) and callable(fig.draw)  # matplotlib never started for it
    assert fig.png[:8] == b"\x89PNG\r\n\x1a\n" and not callable(fig.draw)  # drawn (once) on demand


# ---- DOCX -----------------------------------------------------------------------------------

@pytest.mark.parametrize("kind", ["benchmark", "success", "account"])
def test_docx_tables_fit_the_page_and_repeat_headers(book, kind):  # noqa: F811
    _, produce = book
    doc = Document(produce(kind, "docx").path)
    sec = doc.sections[0]
    text_width = sec.page_width - sec.left_margin - sec.right_margin
    data_tables = [t for t in doc.tables if len(t.rows) > 1]  # not the one-row call-out strip
    assert data_tables
    for t in data_tables:
        grid = [int(c.get(qn("w:w"))) * 635 for c in t._tbl.tblGrid.findall(qn("w:gridCol"))]  # twips -> EMU
        assert sum(grid) <= text_width + 635 * len(grid)
        assert t.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
        for row in t.rows:
            assert row._tr.trPr.find(qn("w:cantSplit")) is not None


# ---- content a reader checks ---------------------------------------------------------------

def test_benchmark_opportunities_use_recommend_improvements(book):  # noqa: F811
    ws, produce = book
    rec = recommend_improvements(ws, RecommendImprovementsInput(customer="Acme Corp"))
    gaps = [r for r in rec.improvements if not r.target_met and r.target is not None]
    if not gaps:
        pytest.skip("no gap to recommend on in this workspace")
    md = produce("benchmark", "md").markdown
    opp = md.split("**Where to grow**")[1].split("##")[0]
    first = gaps[0]
    now, target = fmt_value(first.metric, first.value), fmt_value(first.metric, first.target)
    assert f"{first.label}: now {now}; target {target}" in opp
    assert "Targets and timelines." in md.split("## Methodology")[1]


def test_summary_template_grammar(book):  # noqa: F811
    ws, _ = book
    cmp = compare_customer(ws, CompareCustomerInput(customer="Acme Corp", anonymise=True))
    one = render("benchmark_summary", c=cmp, above=3, rated=5, low=False, strengths=["Renewal Rate"], gaps=["NPS"])
    assert "Its strongest area is Renewal Rate." in one and "The largest opportunity is in NPS;" in one
    three = render("benchmark_summary", c=cmp, above=3, rated=5, low=False, strengths=["A", "B", "C"], gaps=["X", "Y"])
    assert "Its strongest areas are A, B and C." in three and "opportunities are in X and Y;" in three
    low = render("benchmark_summary", c=cmp, above=0, rated=5, low=True, strengths=[], gaps=["X"])
    assert "lowest quartile" in low and "percentile" not in low and "0 of 5" not in low  # no shaming figures


def test_success_report_reads_well(book):  # noqa: F811
    ws, produce = book
    md = produce("success", "md").markdown
    milestones = md.split("## Milestones")[1].split("##")[0]
    assert "| 15 Nov 2026 | Admin training | Increase user activation | ○ Planned |" in milestones  # readable dates
    assert not any(line.count("Increase user activation") > 1 for line in milestones.splitlines())  # no repeats
    assert "Some metrics missing data" not in md


def test_xlsx_keeps_units_and_dates_native(book):  # noqa: F811
    _, produce = book
    wb = openpyxl.load_workbook(produce("success", "xlsx").path)
    goals = wb["Goals and progress"]
    header = [c.value for c in goals[1]]
    date_col = header.index("Target date")
    row = list(goals.iter_rows(min_row=2, max_row=2))[0]
    assert isinstance(row[date_col].value, dt.datetime) and row[date_col].number_format == "d mmm yyyy"
    value = wb["Value delivered"]
    last = next(r for r in value.iter_rows() if r[0].value == "Total value delivered")  # the total row, bold
    assert last[0].font.b


def test_improvements_follow_recommend_improvements_output():
    """The report reads the tool's real output (improvements + actions), skipping targets already met."""
    from types import SimpleNamespace as NS

    from tools.report.shared import improvements

    action = NS(key="training_programme", title="Role-based training programme", description="Run sessions.",
                owner="CSM", start_week=3, metrics=["training_hours"])
    gap = NS(metric="training_hours", label="Training Hours", value=24.4, target=43.2, stretch=61.3,
             target_met=False, reference="benchmark", percentile_label="14th", timeline_days=90,
             actions=["training_programme", "onboarding_track"])
    met = NS(metric="nps", label="NPS", value=60.0, target=20.0, stretch=70.0, target_met=True,
             reference="benchmark", percentile_label="80th", timeline_days=None, actions=[])
    data = ReportData(kind="benchmark", date="", prepared_by="", recommend=NS(improvements=[gap, met],
                                                                             actions=[action]))
    [item] = improvements(data)
    assert (item["target"], item["stretch"], item["reference"], item["timeline"]) == (43.2, 61.3, "industry", "90 days")
    assert (item["action"], item["owner"], item["start_week"]) == ("Role-based training programme", "CSM", 3)
