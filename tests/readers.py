"""Every text run of an exported file, for tests that read reports back."""

from __future__ import annotations

from pathlib import Path

import openpyxl
from docx import Document
from pptx import Presentation
from pypdf import PdfReader


def docx_text(path) -> str:
    doc = Document(path)
    parts = [p.text for p in doc.paragraphs]
    parts += [c.text for t in doc.tables for row in t.rows for c in row.cells]
    parts += [p.text for s in doc.sections for p in s.footer.paragraphs + s.header.paragraphs]
    parts += [doc.core_properties.title or "", doc.core_properties.author or ""]
    return "\n".join(parts)


def pptx_text(path) -> str:
    prs = Presentation(path)
    parts = [prs.core_properties.title or ""]
    for slide in prs.slides:
        for sh in slide.shapes:
            if sh.has_text_frame:
                parts.append(sh.text_frame.text)
            if sh.has_table:
                parts += [c.text for row in sh.table.rows for c in row.cells]
            if sh.has_chart:
                plot = sh.chart.plots[0]
                parts += [str(c) for c in plot.categories] + [s.name for s in plot.series]
        parts.append(slide.notes_slide.notes_text_frame.text)
    return "\n".join(parts)


def pdf_text(path) -> str:
    reader = PdfReader(path)
    return "\n".join([p.extract_text() for p in reader.pages] + [str(reader.metadata.get("/Title", ""))])


def xlsx_text(path) -> str:
    wb = openpyxl.load_workbook(path)
    return "\n".join(str(c.value) for ws in wb.worksheets for row in ws.iter_rows() for c in row
                     if c.value is not None)


READERS = {"docx": docx_text, "pptx": pptx_text, "pdf": pdf_text, "md": lambda p: Path(p).read_text(),
           "xlsx": xlsx_text}
