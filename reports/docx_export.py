"""DOCX export (python-docx): one font, navy headings, shaded table headers, right-aligned numbers."""

from __future__ import annotations

import io
from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Emu, Inches, Pt, RGBColor
from docx.table import _Cell

from reports.format import clip
from reports.layout import estimate, fit_widths
from reports.model import Bullets, Callouts, Figure, Paragraph, Report, Table, cleaned

FONT = "Calibri"
PROPERTY_CHARS = 255   # the longest core property (title, author) Office accepts
NAVY = RGBColor(0x1F, 0x3A, 0x5F)
GREY = RGBColor(0x59, 0x59, 0x59)
TONE_COLOURS = {"good": RGBColor(0x2E, 0x7D, 0x4F), "warn": RGBColor(0xC7, 0x7C, 0x02),
                "bad": RGBColor(0xB0, 0x3A, 0x2E)}
CONTENT_WIDTH_IN = 6.5   # A4/Letter portrait with 1 in margins
CELL_PAD_PT = 5.4        # Word's default cell margins (0.075 in)
LANDSCAPE_KINDS = frozenset({"portfolio"})


def _shade(cell, hex_fill: str) -> None:
    tc_pr = cell._tc.get_or_add_tcPr()
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), hex_fill)
    tc_pr.append(shd)


def _styles(doc: Document, landscape: bool = False) -> float:
    """One font throughout, navy headings kept with what follows; returns the text width in inches."""
    for name in ("Normal", "List Bullet", "List Number", "Caption"):
        st = doc.styles[name]
        st.font.name = FONT
        st.element.rPr.rFonts.set(qn("w:eastAsia"), FONT)
    doc.styles["Normal"].font.size = Pt(10.5)
    doc.styles["Normal"].paragraph_format.space_after = Pt(6)
    for name, size in (("Title", 20), ("Heading 1", 14), ("Heading 2", 12)):
        st = doc.styles[name]
        st.font.name = FONT
        rfonts = st.element.rPr.rFonts
        for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
            rfonts.attrib.pop(qn(attr), None)
        st.font.size = Pt(size)
        st.font.color.rgb = NAVY
        st.font.bold = True
        st.paragraph_format.keep_with_next = True
    doc.styles["Heading 1"].paragraph_format.space_before = Pt(16)
    doc.styles["Heading 1"].paragraph_format.space_after = Pt(6)
    sec = doc.sections[0]
    if landscape:  # wide internal tables (portfolio)
        sec.orientation = WD_ORIENT.LANDSCAPE
        sec.page_width, sec.page_height = sec.page_height, sec.page_width
    sec.left_margin = sec.right_margin = Inches(1.0)
    sec.top_margin = sec.bottom_margin = Inches(0.9)
    return (sec.page_width - sec.left_margin - sec.right_margin) / 914400


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
    cant = OxmlElement("w:cantSplit")  # a row never splits across pages
    tr_pr.append(cant)
    if header:
        rep = OxmlElement("w:tblHeader")  # the header row repeats on each page
        tr_pr.append(rep)


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


def _table(doc: Document, t: Table, width_in: float) -> None:
    if t.title:
        p = doc.add_paragraph()
        p.paragraph_format.keep_with_next = True
        p.paragraph_format.space_after = Pt(3)
        p.add_run(t.title).bold = True
    table = doc.add_table(rows=1, cols=len(t.columns))
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    size_pt = 9 if len(t.columns) <= 6 else 8 if len(t.columns) <= 8 else 7.5
    size = Pt(size_pt)
    widths = fit_widths(t, width_in * 72, lambda text, bold: estimate(text, size_pt, bold), CELL_PAD_PT)
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

    for i, (col, cell) in enumerate(zip(t.columns, cells(table.rows[0]))):
        _shade(cell, "1F3A5F")
        _cell_text(cell, col.header, right if col.align == "r" else left, size, bold=True,
                   colour=RGBColor(0xFF, 0xFF, 0xFF))
    _row_props(table.rows[0], header=True)
    for r, row in enumerate(t.rows):
        added = table.add_row()
        _row_props(added, header=False)
        bold = t.total and r == len(t.rows) - 1
        for col, c, cell in zip(t.columns, row, cells(added)):
            _cell_text(cell, c.text, right if col.align == "r" else left, size, bold=bold,
                       colour=TONE_COLOURS[c.tone] if c.tone else None)
            if r % 2 == 0:
                _shade(cell, "F2F4F7")
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


def _callouts(doc: Document, b: Callouts, width_in: float) -> None:
    table = doc.add_table(rows=1, cols=len(b.items))
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    _borders(table, {"insideV": ("single", 36, "FFFFFF")}, int(width_in * 1440))  # white gutters between boxes
    w = Inches(width_in / len(b.items))
    for cell, c in zip(table.rows[0].cells, b.items):
        cell.width = w
        _shade(cell, "EEF2F7")
        for i, (text, size, bold, colour) in enumerate(
                [(c.value, 16, True, NAVY), (c.label, 9, True, None)] + ([(c.detail, 8, False, GREY)] if c.detail
                                                                           else [])):
            p = cell.paragraphs[0] if i == 0 else cell.add_paragraph()
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
            p.paragraph_format.space_before = Pt(6 if i == 0 else 0)
            p.paragraph_format.space_after = Pt(6 if i == 2 or (i == 1 and not c.detail) else 1)
            run = p.add_run(text)
            run.bold, run.font.size = bold, Pt(size)
            if colour is not None:
                run.font.color.rgb = colour
    doc.add_paragraph().paragraph_format.space_after = Pt(2)


def _figure(doc: Document, b: Figure, width_in: float) -> None:
    title = doc.add_paragraph()
    title.paragraph_format.keep_with_next = True  # a chart title never ends a page
    title.add_run(b.title).bold = True
    doc.add_picture(io.BytesIO(b.png), width=Inches(min(b.width_in, width_in)))
    pic = doc.paragraphs[-1]
    pic.alignment = WD_ALIGN_PARAGRAPH.CENTER
    pic.paragraph_format.keep_with_next = bool(b.caption)
    if b.caption:
        _note(doc, b.caption)


def _block(doc: Document, b, width_in: float) -> None:
    if isinstance(b, Paragraph):
        if b.style == "note":
            _note(doc, b.text)
        else:
            run = doc.add_paragraph().add_run(b.text)
            if b.style == "lead":
                run.font.size = Pt(11)
    elif isinstance(b, Bullets):
        for item in b.items:
            p = doc.add_paragraph(item, style="List Number" if b.numbered else "List Bullet")
            p.paragraph_format.space_after = Pt(3)
    elif isinstance(b, Callouts):
        _callouts(doc, b, width_in)
    elif isinstance(b, Table):
        _table(doc, b, width_in)
    elif isinstance(b, Figure):
        _figure(doc, b, width_in)


def write_docx(report: Report, path: Path) -> Path:
    report = cleaned(report)  # text from data: no control characters reach the file
    doc = Document()
    width_in = _styles(doc, landscape=report.kind in LANDSCAPE_KINDS)
    doc.core_properties.title = clip(report.title, PROPERTY_CHARS)
    doc.core_properties.author = clip(report.prepared_by, PROPERTY_CHARS)
    doc.add_paragraph(report.title, style="Title")
    for k, v in report.meta:
        p = doc.add_paragraph()
        p.paragraph_format.space_after = Pt(0)
        p.add_run(f"{k}: ").bold = True
        p.add_run(v)
    doc.add_paragraph()
    for s in report.sections:
        doc.add_heading(s.heading, level=1)
        for b in s.blocks:
            _block(doc, b, width_in)
    footer = doc.sections[0].footer.paragraphs[0]
    footer.text = report.footer
    footer.runs[0].font.size = Pt(8)
    footer.runs[0].font.color.rgb = GREY
    doc.save(str(path))
    return path
