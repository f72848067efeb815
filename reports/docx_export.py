"""DOCX export (python-docx): one font, the brand's accent on headings and table headers, numbers right-aligned.

Page size from the report (A4 by default, Letter by setting), page numbers in the footer, the
vendor's logo and the customer's name in the title block. Word decides where pages break, so
the writer says what must stay together: a card strip and a panel row never split, a table
row never splits, a short table stays on one page (a long one keeps its first and last rows
with their neighbours), its header row repeats, and a heading or chart title stays with what
follows.
"""

from __future__ import annotations

import io
from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Emu, Inches, Pt, RGBColor
from docx.table import _Cell
from docx.text.paragraph import Paragraph as DocxParagraph

from reports.layout import fit_widths, measure
from reports.model import Bullets, Callouts, Figure, Panels, Paragraph, Report, Section, Table, cleaned
from reports.page import PAGE_SIZES
from reports.properties import set_core

FONT = "Calibri"
GREY = RGBColor(0x59, 0x59, 0x59)
TEXT = RGBColor(0x26, 0x26, 0x26)
TONE_COLOURS = {"good": RGBColor(0x2E, 0x7D, 0x4F), "warn": RGBColor(0xC7, 0x7C, 0x02),
                "bad": RGBColor(0xB0, 0x3A, 0x2E)}
CELL_PAD_PT = 5.4        # Word's default cell margins (0.075 in)
LANDSCAPE_KINDS = frozenset({"portfolio"})
DOCX_CHART_SCALE = 0.9   # charts a little narrower than in the PDF: Word lays text looser
KEEP_LAST_SECTIONS = 2  # the action plan and the method move to a new page together, never a few lines alone
KEEP_WHOLE_ROWS = 12     # a table up to this many rows is kept on one page (a longer one flows, header repeated)


class _Style:
    def __init__(self, report: Report):
        self.accent = RGBColor(*report.brand.rgb)
        self.hex = report.brand.hex
        self.on_accent = RGBColor(*report.brand.on_accent)


def _shade(cell, hex_fill: str) -> None:
    tc_pr = cell._tc.get_or_add_tcPr()
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), hex_fill)
    tc_pr.append(shd)


def _page(doc: Document, report: Report) -> float:
    """Page size and margins; returns the text width in inches."""
    sec = doc.sections[0]
    w, h = PAGE_SIZES.get(report.page_size, PAGE_SIZES["A4"])
    sec.page_width, sec.page_height = Inches(w), Inches(h)
    if report.kind in LANDSCAPE_KINDS:  # wide internal tables (portfolio)
        sec.orientation = WD_ORIENT.LANDSCAPE
        sec.page_width, sec.page_height = Inches(h), Inches(w)
    sec.left_margin = sec.right_margin = Inches(0.9)
    sec.top_margin, sec.bottom_margin = Inches(0.8), Inches(0.8)
    sec.footer_distance = Inches(0.4)
    return (sec.page_width - sec.left_margin - sec.right_margin) / 914400


def _styles(doc: Document, st: _Style) -> None:
    """One font throughout, accent headings kept with what follows."""
    for name in ("Normal", "List Bullet", "List Number", "Caption"):
        style = doc.styles[name]
        style.font.name = FONT
        style.element.rPr.rFonts.set(qn("w:eastAsia"), FONT)
    doc.styles["Normal"].font.size = Pt(10)
    doc.styles["Normal"].font.color.rgb = TEXT
    doc.styles["Normal"].paragraph_format.space_after = Pt(5)
    for name, size in (("Title", 24), ("Heading 1", 14), ("Heading 2", 12)):
        style = doc.styles[name]
        style.font.name = FONT
        rfonts = style.element.rPr.rFonts
        for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
            rfonts.attrib.pop(qn(attr), None)
        style.font.size = Pt(size)
        style.font.color.rgb = st.accent
        style.font.bold = True
        style.paragraph_format.keep_with_next = True
    doc.styles["Title"].paragraph_format.space_after = Pt(4)
    doc.styles["Heading 1"].paragraph_format.space_before = Pt(12)
    doc.styles["Heading 1"].paragraph_format.space_after = Pt(5)


def _borders(table, lines: dict[str, tuple[str, int, str]], width_twips: int) -> None:
    """Table borders (edge -> (val, size in 1/8 pt, colour); others none), a fixed layout and its total width.

    Elements go where the schema wants them in ``w:tblPr`` (tblW, jc, ..., tblBorders, shd, tblLayout, ...):
    Word refuses a document whose properties are out of order.
    """
    table.autofit = False  # w:tblLayout fixed: the widths below, not Word's autofit
    tbl_pr = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        val, size, colour = lines.get(edge, ("nil", 0, ""))
        el = OxmlElement(f"w:{edge}")
        el.set(qn("w:val"), val)
        if val != "nil":
            el.set(qn("w:sz"), str(size))
            el.set(qn("w:color"), colour)
        borders.append(el)
    tbl_pr.find(qn("w:tblLayout")).addprevious(borders)
    tbl_w = tbl_pr.find(qn("w:tblW"))
    tbl_w.set(qn("w:type"), "dxa")
    tbl_w.set(qn("w:w"), str(width_twips))


RULES = {edge: ("single", 4, "D2D7DE") for edge in ("top", "bottom", "insideH")}  # light horizontal rules


def _row_props(row, header: bool) -> None:
    tr_pr = row._tr.get_or_add_trPr()
    tr_pr.append(OxmlElement("w:cantSplit"))  # a row never splits across pages
    if header:
        tr_pr.append(OxmlElement("w:tblHeader"))  # the header row repeats on each page


def _keep(cells, keep: bool) -> None:
    """Every paragraph of these cells kept with the next one: Word then keeps the rows together."""
    for cell in cells:
        for p in cell.paragraphs:
            p.paragraph_format.keep_with_next = keep


def _cell_text(cell, text: str, align, size, *, bold=False, colour=None) -> None:
    p = cell.paragraphs[0]
    p.alignment = align
    p.paragraph_format.space_before = Pt(1.5)
    p.paragraph_format.space_after = Pt(1.5)
    run = p.add_run(text)
    run.font.size = size
    if bold:  # only when set: every property written is XML python-docx has to place
        run.bold = True
    if colour is not None:
        run.font.color.rgb = colour


def _table(doc: Document, t: Table, width_in: float, st: _Style) -> None:
    if t.title:
        p = doc.add_paragraph()
        p.paragraph_format.keep_with_next = True
        p.paragraph_format.space_after = Pt(3)
        p.add_run(t.title).bold = True
    table = doc.add_table(rows=1, cols=len(t.columns))
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    size_pt = 9 if len(t.columns) <= 6 else 8 if len(t.columns) <= 8 else 7
    size = Pt(size_pt)
    widths = fit_widths(t, width_in * 72, lambda text, bold: measure(text, size_pt, bold), CELL_PAD_PT)
    _borders(table, RULES, int(sum(widths) * 20))
    widths = [Emu(int(w * 12700)) for w in widths]
    right, left = WD_ALIGN_PARAGRAPH.RIGHT, WD_ALIGN_PARAGRAPH.LEFT
    for i, w in enumerate(widths):
        table.columns[i].width = w

    def cells(row) -> list[_Cell]:
        # row.cells maps the whole table's grid on every call (quadratic in rows): take this row's cells
        out = [_Cell(tc, table) for tc in row._tr.tc_lst]
        for cell, w in zip(out, widths):
            cell.width = w
        return out

    n = len(t.rows)
    whole = n <= KEEP_WHOLE_ROWS  # LibreOffice reads a kept row as "keep the table with what follows": long ones flow
    head = cells(table.rows[0])
    for col, cell in zip(t.columns, head):
        _shade(cell, st.hex)
        _cell_text(cell, col.header, right if col.align == "r" else left, size, bold=True, colour=st.on_accent)
    _keep(head, whole)
    _row_props(table.rows[0], header=True)
    for r, row in enumerate(t.rows):
        added = table.add_row()
        _row_props(added, header=False)
        bold = t.total and r == n - 1
        row_cells = cells(added)
        for col, c, cell in zip(t.columns, row, row_cells):
            _cell_text(cell, c.text, right if col.align == "r" else left, size, bold=bold,
                       colour=TONE_COLOURS[c.tone] if c.tone else None)
            if r % 2 == 0:
                _shade(cell, "F2F4F7")
        _keep(row_cells, whole and r < n - 1)
    if t.note:
        _note(doc, t.note)
    else:
        doc.add_paragraph().paragraph_format.space_after = Pt(2)


def _note(doc: Document, text: str) -> None:
    p = doc.add_paragraph()
    p.paragraph_format.space_before = Pt(2)
    run = p.add_run(text)
    run.italic, run.font.size = True, Pt(8.5)
    run.font.color.rgb = GREY


def _strip(doc: Document, n: int, width_in: float, fill: str):
    """A one-row table of ``n`` boxes with white gutters that never splits across pages."""
    table = doc.add_table(rows=1, cols=n)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    _borders(table, {"insideV": ("single", 36, "FFFFFF")}, int(width_in * 1440))
    _row_props(table.rows[0], header=False)
    w = Inches(width_in / n)
    cells = table.rows[0].cells
    for cell in cells:
        cell.width = w
        _shade(cell, fill)
    return cells


def _callouts(doc: Document, b: Callouts, width_in: float, st: _Style) -> None:
    for cell, c in zip(_strip(doc, len(b.items), width_in, "EEF2F7"), b.items):
        lines = [(c.value, 16, True, st.accent), (c.label, 9, True, None)] + ([(c.detail, 8, False, GREY)]
                                                                               if c.detail else [])
        for i, (text, size, bold, colour) in enumerate(lines):
            p = cell.paragraphs[0] if i == 0 else cell.add_paragraph()
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
            p.paragraph_format.keep_with_next = i < len(lines) - 1
            p.paragraph_format.space_before = Pt(6 if i == 0 else 0)
            p.paragraph_format.space_after = Pt(6 if i == len(lines) - 1 else 1)
            run = p.add_run(text)
            run.bold, run.font.size = bold, Pt(size)
            if colour is not None:
                run.font.color.rgb = colour
    doc.add_paragraph().paragraph_format.space_after = Pt(2)


def _panels(doc: Document, b: Panels, width_in: float, st: _Style) -> None:
    for cell, panel in zip(_strip(doc, len(b.items), width_in, "F6F8FB"), b.items):
        head = cell.paragraphs[0]
        head.paragraph_format.space_before, head.paragraph_format.space_after = Pt(5), Pt(3)
        run = head.add_run(panel.title)
        run.bold, run.font.size = True, Pt(10)
        run.font.color.rgb = TONE_COLOURS.get(panel.tone, st.accent)
        for item in panel.items:
            p = cell.add_paragraph()
            p.paragraph_format.space_after = Pt(3)
            p.paragraph_format.left_indent, p.paragraph_format.first_line_indent = Pt(9), Pt(-9)
            r = p.add_run("• " + item)
            r.font.size = Pt(9)
        cell.paragraphs[-1].paragraph_format.space_after = Pt(6)
    doc.add_paragraph().paragraph_format.space_after = Pt(2)


def _figure(doc: Document, b: Figure, width_in: float) -> None:
    title = doc.add_paragraph()
    title.paragraph_format.keep_with_next = True  # a chart title never ends a page
    title.paragraph_format.space_before = Pt(4)
    title.add_run(b.title).bold = True
    doc.add_picture(io.BytesIO(b.png), width=Inches(min(b.width_in * DOCX_CHART_SCALE, width_in)))
    pic = doc.paragraphs[-1]
    pic.alignment = WD_ALIGN_PARAGRAPH.CENTER
    pic.paragraph_format.keep_with_next = bool(b.caption)
    if b.caption:
        _note(doc, b.caption)


def _headline(doc: Document, text: str, st: _Style) -> None:
    p = doc.add_paragraph()
    p.paragraph_format.keep_with_next = True
    p.paragraph_format.space_after = Pt(6)
    run = p.add_run(text)
    run.bold, run.font.size = True, Pt(13)
    run.font.color.rgb = st.accent


def _block(doc: Document, b, width_in: float, st: _Style) -> None:
    if isinstance(b, Paragraph):
        if b.style == "note":
            _note(doc, b.text)
        elif b.style == "headline":
            _headline(doc, b.text, st)
        else:
            run = doc.add_paragraph().add_run(b.text)
            if b.style == "lead":
                run.font.size = Pt(11)
    elif isinstance(b, Bullets):
        for i, item in enumerate(b.items):
            p = doc.add_paragraph(item, style="List Number" if b.numbered else "List Bullet")
            p.paragraph_format.space_after = Pt(3)
            p.paragraph_format.keep_with_next = i < len(b.items) - 1 and len(b.items) <= 6
    elif isinstance(b, Callouts):
        _callouts(doc, b, width_in, st)
    elif isinstance(b, Panels):
        _panels(doc, b, width_in, st)
    elif isinstance(b, Table):
        _table(doc, b, width_in, st)
    elif isinstance(b, Figure):
        _figure(doc, b, width_in)


def _field(run, code: str) -> None:
    """A Word field (PAGE, NUMPAGES) inside ``run``; Word fills it in when the page is laid out."""
    for kind, text in (("begin", None), (None, code), ("separate", None), (None, "1"), ("end", None)):
        if kind:
            el = OxmlElement("w:fldChar")
            el.set(qn("w:fldCharType"), kind)
        elif text == code:
            el = OxmlElement("w:instrText")
            el.set(qn("xml:space"), "preserve")
            el.text = f" {code} "
        else:
            el = OxmlElement("w:t")
            el.text = text
        run._r.append(el)


def _footer(doc: Document, report: Report, width_in: float) -> None:
    p = doc.sections[0].footer.paragraphs[0]
    stops = p.paragraph_format.tab_stops
    for pos in (3.25, 6.5):  # the Footer style's centre and right stops would catch the tab first
        stops.add_tab_stop(Inches(pos), WD_TAB_ALIGNMENT.CLEAR)
    stops.add_tab_stop(Inches(width_in), WD_TAB_ALIGNMENT.RIGHT)
    for text, code in ((report.footer + "\tPage ", None), (None, "PAGE"), (" of ", None), (None, "NUMPAGES")):
        run = p.add_run(text or "")
        run.font.size, run.font.color.rgb = Pt(8), GREY
        if code:
            _field(run, code)


def _title_block(doc: Document, report: Report, width_in: float, st: _Style) -> None:
    """Logo and kicker, the customer's name (or the title), the period line, then the title meta."""
    top = doc.add_table(rows=1, cols=2)
    _borders(top, {}, int(width_in * 1440))
    left, right = top.rows[0].cells
    left.width, right.width = Inches(width_in - 1.9), Inches(1.9)
    kicker = left.paragraphs[0]
    run = kicker.add_run((report.kicker or report.title).upper())
    run.bold, run.font.size = True, Pt(9)
    run.font.color.rgb = GREY
    if report.brand.logo:
        rp = right.paragraphs[0]
        rp.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        rp.add_run().add_picture(io.BytesIO(report.brand.logo), height=Inches(0.45))
    elif report.brand.name:
        rp = right.paragraphs[0]
        rp.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        r = rp.add_run(report.brand.name)
        r.bold, r.font.size, r.font.color.rgb = True, Pt(11), st.accent
    doc.add_paragraph(report.customer or report.title, style="Title")
    if report.subtitle:
        p = doc.add_paragraph()
        r = p.add_run(report.subtitle)
        r.font.size, r.font.color.rgb = Pt(10.5), GREY
    for k, v in report.meta:
        p = doc.add_paragraph()
        p.paragraph_format.space_after = Pt(0)
        run = p.add_run(f"{k}: ")
        run.bold, run.font.size = True, Pt(9)
        run = p.add_run(v)
        run.font.size = Pt(9)


def _section(doc: Document, s: Section, width_in: float, st: _Style) -> None:
    doc.add_heading(s.heading, level=1)
    if s.headline and not any(isinstance(b, Paragraph) and b.style == "headline" for b in s.blocks):
        _headline(doc, s.headline, st)
    for b in s.blocks:
        _block(doc, b, width_in, st)


def _short(s: Section) -> bool:
    """Tables and text that fit well within a page (no chart, no long table)."""
    return all(isinstance(b, (Paragraph, Bullets)) or isinstance(b, Table) and len(b.rows) <= KEEP_WHOLE_ROWS
               for b in s.blocks)


def _keep_tail(doc: Document, start: int) -> None:
    """The last sections (the action plan and the method) kept together: rather than a last page holding
    a few lines, Word moves them to the next page as one block (when they fit on one)."""
    body = list(doc.element.body)[start:]
    paras = []
    for el in body:
        if el.tag == qn("w:p"):
            paras.append(DocxParagraph(el, doc))
        elif el.tag == qn("w:tbl"):
            paras += [DocxParagraph(p, doc) for p in el.iter(qn("w:p"))]
    for p in paras[:-1]:
        p.paragraph_format.keep_with_next = True


def write_docx(report: Report, path: Path) -> Path:
    report = cleaned(report)  # text from data: no control characters reach the file
    doc = Document()
    st = _Style(report)
    width_in = _page(doc, report)
    _styles(doc, st)
    set_core(doc.core_properties, report)
    _title_block(doc, report, width_in, st)
    tail = len(report.sections) - KEEP_LAST_SECTIONS
    if not all(_short(s) for s in report.sections[tail:]):
        tail = -1  # a chain longer than a page would move and then break anyway
    for i, s in enumerate(report.sections):
        if i == tail:
            start = len(doc.element.body)
        _section(doc, s, width_in, st)
    if tail > 0:
        _keep_tail(doc, start)
    _footer(doc, report, width_in)
    doc.save(str(path))
    return path
