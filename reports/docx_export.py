"""DOCX export (python-docx): one font, navy headings, shaded table headers, right-aligned numbers."""

from __future__ import annotations

import io
from pathlib import Path

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Inches, Pt, RGBColor

from reports.model import Bullets, Callouts, Figure, Paragraph, Report, Table

FONT = "Calibri"
NAVY = RGBColor(0x1F, 0x3A, 0x5F)
GREY = RGBColor(0x59, 0x59, 0x59)
TONE_COLOURS = {"good": RGBColor(0x2E, 0x7D, 0x4F), "warn": RGBColor(0xC7, 0x7C, 0x02),
                "bad": RGBColor(0xB0, 0x3A, 0x2E)}
CONTENT_WIDTH_IN = 6.5


def _shade(cell, hex_fill: str) -> None:
    tc_pr = cell._tc.get_or_add_tcPr()
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), hex_fill)
    tc_pr.append(shd)


def _styles(doc: Document) -> None:
    for name in ("Normal", "List Bullet", "List Number", "Caption"):
        st = doc.styles[name]
        st.font.name = FONT
        st.element.rPr.rFonts.set(qn("w:eastAsia"), FONT)
    doc.styles["Normal"].font.size = Pt(10.5)
    for name, size in (("Title", 20), ("Heading 1", 14), ("Heading 2", 12)):
        st = doc.styles[name]
        st.font.name = FONT
        rfonts = st.element.rPr.rFonts
        for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
            rfonts.attrib.pop(qn(attr), None)
        st.font.size = Pt(size)
        st.font.color.rgb = NAVY
        st.font.bold = True
    sec = doc.sections[0]
    sec.left_margin = sec.right_margin = Inches(1.0)
    sec.top_margin = sec.bottom_margin = Inches(0.9)


def _table(doc: Document, t: Table) -> None:
    if t.title:
        doc.add_paragraph().add_run(t.title).bold = True
    table = doc.add_table(rows=1, cols=len(t.columns))
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    total = sum(c.width for c in t.columns)
    widths = [Inches(CONTENT_WIDTH_IN * c.width / total) for c in t.columns]
    size = Pt(9 if len(t.columns) <= 6 else 8)
    for i, col in enumerate(t.columns):
        cell = table.rows[0].cells[i]
        _shade(cell, "1F3A5F")
        p = cell.paragraphs[0]
        p.alignment = WD_ALIGN_PARAGRAPH.RIGHT if col.align == "r" else WD_ALIGN_PARAGRAPH.LEFT
        run = p.add_run(col.header)
        run.bold, run.font.size = True, size
        run.font.color.rgb = RGBColor(0xFF, 0xFF, 0xFF)
    for r, row in enumerate(t.rows):
        cells = table.add_row().cells
        for i, (col, c) in enumerate(zip(t.columns, row)):
            p = cells[i].paragraphs[0]
            p.alignment = WD_ALIGN_PARAGRAPH.RIGHT if col.align == "r" else WD_ALIGN_PARAGRAPH.LEFT
            run = p.add_run(c.text)
            run.font.size = size
            if c.tone:
                run.font.color.rgb = TONE_COLOURS[c.tone]
            if r % 2:
                _shade(cells[i], "F2F4F7")
    for row in table.rows:
        for w, cell in zip(widths, row.cells):
            cell.width = w
    if t.note:
        _note(doc, t.note)
    doc.add_paragraph()


def _note(doc: Document, text: str) -> None:
    run = doc.add_paragraph().add_run(text)
    run.italic, run.font.size = True, Pt(8.5)
    run.font.color.rgb = GREY


def _callouts(doc: Document, b: Callouts) -> None:
    table = doc.add_table(rows=1, cols=len(b.items))
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, c in zip(table.rows[0].cells, b.items):
        _shade(cell, "EEF2F7")
        p = cell.paragraphs[0]
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = p.add_run(c.value)
        run.bold, run.font.size = True, Pt(16)
        run.font.color.rgb = NAVY
        p2 = cell.add_paragraph()
        p2.alignment = WD_ALIGN_PARAGRAPH.CENTER
        r2 = p2.add_run(c.label)
        r2.bold, r2.font.size = True, Pt(9)
        if c.detail:
            p3 = cell.add_paragraph()
            p3.alignment = WD_ALIGN_PARAGRAPH.CENTER
            r3 = p3.add_run(c.detail)
            r3.font.size, r3.font.color.rgb = Pt(8), GREY
    doc.add_paragraph()


def _block(doc: Document, b) -> None:
    if isinstance(b, Paragraph):
        if b.style == "note":
            _note(doc, b.text)
        else:
            run = doc.add_paragraph().add_run(b.text)
            if b.style == "lead":
                run.font.size = Pt(11)
    elif isinstance(b, Bullets):
        for item in b.items:
            doc.add_paragraph(item, style="List Number" if b.numbered else "List Bullet")
    elif isinstance(b, Callouts):
        _callouts(doc, b)
    elif isinstance(b, Table):
        _table(doc, b)
    elif isinstance(b, Figure):
        doc.add_paragraph().add_run(b.title).bold = True
        doc.add_picture(io.BytesIO(b.png), width=Inches(min(b.width_in, CONTENT_WIDTH_IN)))
        doc.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER
        if b.caption:
            _note(doc, b.caption)


def write_docx(report: Report, path: Path) -> Path:
    doc = Document()
    _styles(doc)
    doc.core_properties.title = report.title
    doc.core_properties.author = report.prepared_by
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
            _block(doc, b)
    footer = doc.sections[0].footer.paragraphs[0]
    footer.text = report.footer
    footer.runs[0].font.size = Pt(8)
    footer.runs[0].font.color.rgb = GREY
    doc.save(str(path))
    return path
