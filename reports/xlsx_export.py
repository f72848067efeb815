"""XLSX export (xlsxwriter): a Summary sheet, one sheet per table, a Charts sheet.

Safety (OWASP CSV/formula injection): formulas and URLs are never inferred from strings
(``strings_to_formulas=False``, ``strings_to_urls=False``), and text that starts with
``= + - @``, tab, CR or LF is prefixed with an apostrophe so it stays inert when the
sheet is re-saved or exported to CSV. Numbers are written as numbers with a number format:
percentages as real percentages (0.461 shown as 46.1%), percentiles as whole numbers shown as
ordinals (49 as "49th"), the Summary's cards as numbers beside their text. A value that would
show as "-0.0%" is written as 0.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from pathlib import Path

import xlsxwriter

from reports.model import Brand, Bullets, Callouts, Figure, Panels, Paragraph, Report, Table, cleaned
from reports.properties import PRODUCER, subject

DANGEROUS = ("=", "+", "-", "@", "\t", "\r", "\n")
TONES = {"good": "#2E7D4F", "warn": "#C77C02", "bad": "#B03A2E"}
FONT = "Calibri"


def escape(text: str) -> str:
    """Text made inert for spreadsheets: a leading apostrophe before = + - @ tab CR LF."""
    return "'" + text if text.startswith(DANGEROUS) else text


def _sheet_name(title: str, used: set[str]) -> str:
    base = " ".join(re.sub(r"[\[\]:*?/\\']", " ", title).split())[:31].strip() or "Sheet"
    name, i = base, 2
    while name.lower() in used:
        name = f"{base[:28]} {i}"
        i += 1
    used.add(name.lower())
    return name


class _Formats:
    def __init__(self, wb, brand: Brand):
        self.wb = wb
        self.accent = "#" + brand.hex
        self.on_accent = "#%02X%02X%02X" % brand.on_accent
        self._cache: dict[tuple, object] = {}

    def get(self, **props):
        key = tuple(sorted(props.items()))
        if key not in self._cache:
            self._cache[key] = self.wb.add_format({"font_name": FONT, "font_size": 10, "valign": "top", **props})
        return self._cache[key]


def _write_table(ws, fmts: _Formats, t: Table, first_row: int = 0) -> None:
    head = fmts.get(bold=True, font_color=fmts.on_accent, bg_color=fmts.accent, text_wrap=True, border=1,
                    border_color="#D9DEE5")
    for c, col in enumerate(t.columns):
        ws.write_string(first_row, c, escape(col.header), head)
    widths = [len(col.header) for col in t.columns]
    last = first_row + len(t.rows)
    for r, row in enumerate(t.rows, first_row + 1):
        for c, (col, cell) in enumerate(zip(t.columns, row)):
            colour = {"font_color": TONES[cell.tone]} if cell.tone else {}
            if t.total and r == last:
                colour["bold"] = True
            if isinstance(cell.value, (int, float)) and not isinstance(cell.value, bool):
                fmt = fmts.get(num_format=cell.num_format or "General", align="right", **colour)
                ws.write_number(r, c, no_minus_zero(cell.value, cell.num_format), fmt)
            elif isinstance(cell.value, dt.date):
                fmt = fmts.get(num_format=cell.num_format or "yyyy-mm-dd", align="right", **colour)
                ws.write_datetime(r, c, dt.datetime.combine(cell.value, dt.time()), fmt)
            else:
                fmt = fmts.get(align="right" if col.align == "r" else "left", **colour)
                ws.write_string(r, c, escape(cell.text), fmt)
            widths[c] = max(widths[c], min(len(cell.text), 60))
    for c, w in enumerate(widths):
        ws.set_column(c, c, min(max(w + 2, 8), 62))
    ws.freeze_panes(first_row + 1, 0)
    ws.repeat_rows(first_row)       # printing: the header on every page,
    ws.set_landscape()              # landscape, all columns on one page width
    ws.fit_to_pages(1, 0)
    if t.rows:
        ws.autofilter(first_row, 0, first_row + len(t.rows), len(t.columns) - 1)
    if t.note:
        ws.write_string(first_row + len(t.rows) + 2, 0, escape(t.note), fmts.get(italic=True, font_color="#666666"))


def no_minus_zero(value: float, num_format: str | None) -> float:
    """0 for a negative value the format would show as zero with a minus sign ('-0.0%').

    >>> no_minus_zero(-0.0002, "0.0%"), no_minus_zero(-0.02, "0.0%"), no_minus_zero(-0.4, "0")
    (0.0, -0.02, 0.0)
    """
    if value >= 0 or not num_format:
        return value
    plain = re.sub(r'"[^"]*"', "", num_format.split(";")[0])
    places = len(plain.split(".", 1)[1].rstrip("%")) if "." in plain else 0
    shown = value * (100 if plain.endswith("%") else 1)
    return 0.0 if round(shown, places) == 0 else value


SUMMARY_WIDTH = 92   # characters across columns B and C of the Summary sheet (prose spans both)


def _wrapped(ws, r: int, text: str, fmt) -> None:
    """Text across columns B:C, wrapped, with its row tall enough (row heights are not computed on open everywhere)."""
    ws.merge_range(r, 1, r, 2, escape(text), fmt)
    lines = sum(max(1, -(-len(part) // int(SUMMARY_WIDTH * 1.05))) for part in text.split("\n"))
    if lines > 1:
        ws.set_row(r, 15 * lines)


def _card(ws, fmts: _Formats, r: int, c) -> None:
    """A card: label, the number (formatted as in the document, or its text), and the detail beside it."""
    ws.write_string(r, 0, escape(c.label), fmts.get(bold=True))
    if c.raw is not None:
        ws.write_number(r, 1, c.raw, fmts.get(num_format=c.num_format or "General", align="right", bold=True))
    else:
        ws.write_string(r, 1, escape(c.value), fmts.get(align="right", bold=True))
    if c.detail:
        ws.write_string(r, 2, escape(c.detail), fmts.get(font_color="#666666"))


def _summary(ws, fmts: _Formats, report: Report) -> None:
    accent = "#" + report.brand.hex
    ws.set_column(0, 0, 30)
    ws.set_column(1, 1, 18)
    ws.set_column(2, 2, SUMMARY_WIDTH - 18)
    ws.set_portrait()
    ws.fit_to_pages(1, 0)
    ws.write_string(0, 0, escape(report.customer or report.title), fmts.get(bold=True, font_size=18, font_color=accent))
    ws.write_string(1, 0, escape(report.kicker or report.title), fmts.get(bold=True, font_color="#666666"))
    if report.subtitle:
        ws.write_string(2, 0, escape(report.subtitle), fmts.get(font_color="#666666"))
    r = 4
    wrap = fmts.get(text_wrap=True)
    for k, v in report.meta:
        ws.write_string(r, 0, escape(k), fmts.get(bold=True))
        _wrapped(ws, r, v, wrap)
        r += 1
    for s in report.sections:
        if not any(isinstance(b, (Paragraph, Bullets, Callouts, Panels)) for b in s.blocks):
            continue
        r += 1
        ws.write_string(r, 0, escape(s.heading), fmts.get(bold=True, font_size=12, font_color=accent))
        r += 1
        for b in s.blocks:
            if isinstance(b, Callouts):
                for c in b.items:
                    _card(ws, fmts, r, c)
                    r += 1
            elif isinstance(b, Panels):
                for panel in b.items:
                    ws.write_string(r, 0, escape(panel.title), fmts.get(bold=True))
                    for item in panel.items:
                        _wrapped(ws, r, "• " + item, wrap)
                        r += 1
            elif isinstance(b, Paragraph):
                _wrapped(ws, r, b.text, fmts.get(text_wrap=True, bold=b.style == "headline",
                                                 font_color=accent if b.style == "headline" else "#000000",
                                                 italic=b.style == "note"))
                r += 1
            elif isinstance(b, Bullets):
                for i, item in enumerate(b.items, 1):
                    _wrapped(ws, r, (f"{i}. " if b.numbered else "• ") + item, wrap)
                    r += 1
    ws.write_string(r + 1, 0, escape(report.footer), fmts.get(italic=True, font_color="#666666"))


def write_xlsx(report: Report, path: Path) -> Path:
    report = cleaned(report)  # text from data: no control characters reach the file
    wb = xlsxwriter.Workbook(str(path), {"constant_memory": True, "strings_to_formulas": False, "strings_to_urls": False,
                                         "strings_to_numbers": False, "nan_inf_to_errors": True})
    wb.set_properties({"title": report.title, "subject": subject(report), "author": report.prepared_by,
                       "manager": "", "company": report.brand.name, "category": "Customer report"
                       if report.customer_facing else "Internal report", "keywords": report.kind,
                       "comments": f"Made with {PRODUCER}", "created": report.created.replace(tzinfo=None)})
    fmts = _Formats(wb, report.brand)
    used: set[str] = set()
    _summary(wb.add_worksheet(_sheet_name("Summary", used)), fmts, report)
    for s in report.sections:
        tables = [b for b in s.blocks if isinstance(b, Table)]
        for t in tables:
            title = t.title or (s.heading if len(tables) == 1 else t.key.replace("_", " ").title())
            _write_table(wb.add_worksheet(_sheet_name(title, used)), fmts, t)
    figures: list[Figure] = report.figures()
    if figures:
        ws = wb.add_worksheet(_sheet_name("Charts", used))
        row = 0
        from PIL import Image

        for f in figures:
            with Image.open(io.BytesIO(f.png)) as im:
                height = im.height
            ws.write_string(row, 0, escape(f.title), fmts.get(bold=True))
            ws.insert_image(row + 1, 0, f"{f.key}.png", {"image_data": io.BytesIO(f.png), "x_scale": 0.6,
                                                         "y_scale": 0.6, "object_position": 3})
            row += int(height * 0.6 / 20) + 4
    wb.close()
    return path
