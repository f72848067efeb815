"""A report model with hostile text in every text slot, and readers for every written format."""

from __future__ import annotations

from pathlib import Path

import openpyxl

from reports.model import (
    Bullets,
    Callout,
    Callouts,
    Cell,
    Column,
    Figure,
    Paragraph,
    Report,
    Section,
    Series,
    Table,
    chart,
)
from tests.readers import docx_text, pdf_text, pptx_text


def hostile_report(text: str, kind: str = "benchmark") -> Report:
    """Every text slot of the report model holds ``text`` (title, meta, headings, paragraphs, bullets,
    call-outs, table headers/cells/notes, figure titles/captions/categories/series, notes, footer,
    prepared-by), and the figures draw it into their PNG as well."""
    table = Table("t", [Column(text), Column("Value", "r")],
                  [[Cell(text), Cell("12", 12, "0")], [Cell("ok"), Cell(text)]], title=text, note=text)
    bars = Figure("bars", text, chart("peer_bars", [text, "You"], [40.0, 60.0], [False, True], text),
                  caption=text, chart_type="barh", categories=[text, "You"], series=[Series(text, [40.0, 60.0])],
                  axis_title=text)
    goal = Figure("goal", text, chart("goal_progress", [(text, ["2026-01-01", "2026-02-01"], [1.0, 2.0], 0.0, 3.0,
                                                           text, text, text, None)]), caption=text)
    sections = [
        Section("a", text, [Paragraph(text, "lead"), Paragraph(text), Paragraph(text, "note"),
                            Bullets([text, "plain"]), Bullets([text], numbered=True),
                            Callouts([Callout(text, text, text), Callout("Score", "72")])], notes=text),
        Section("b", text, [table, bars], notes=text),
        Section("c", text, [goal, Paragraph(text)]),
    ]
    return Report(kind=kind, title=text, customer=text, customer_facing=kind != "account", date=text,
                  prepared_by=text, meta=[(text, text), ("Prepared by", text)], sections=sections, footer=text)


def xlsx_text(path) -> str:
    wb = openpyxl.load_workbook(path)
    parts = [str(c.value) for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.value is not None]
    return "\n".join(parts + [wb.properties.title or "", wb.properties.creator or ""])


READERS = {"docx": docx_text, "pptx": pptx_text, "pdf": pdf_text, "xlsx": xlsx_text,
           "md": lambda p: Path(p).read_text(encoding="utf-8")}
