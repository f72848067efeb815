"""PDF export with fpdf2 (PyPI only) and matplotlib's DejaVu Sans (Unicode: ▲ ▼ ✓ – †)."""

from __future__ import annotations

import io
from pathlib import Path

import matplotlib
from fpdf import FPDF, FontFace

from reports.model import Bullets, Callouts, Figure, Paragraph, Report, Table

FONT_DIR = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
FONT = "DejaVu"
NAVY = (31, 58, 95)
TEXT = (40, 40, 40)
GREY = (100, 100, 100)
LIGHT = (242, 244, 247)
TONES = {"good": (46, 125, 79), "warn": (199, 124, 2), "bad": (176, 58, 46)}
MM_PER_IN = 25.4


class _PDF(FPDF):
    def __init__(self, report: Report):
        super().__init__(format="A4", unit="mm")
        self.report = report
        self.set_margins(18, 18, 18)
        self.set_auto_page_break(True, margin=18)
        for style, file in (("", "DejaVuSans.ttf"), ("B", "DejaVuSans-Bold.ttf"), ("I", "DejaVuSans-Oblique.ttf"),
                            ):
            self.add_font(FONT, style, str(FONT_DIR / file))
        self.set_title(report.title)
        self.set_author(report.prepared_by)
        self.set_creator("peerbench")

    def header(self):
        if self.page_no() == 1:
            return
        self.set_font(FONT, "", 7.5)
        self.set_text_color(*GREY)
        self.cell(0, 5, self.report.title, align="L")
        self.ln(8)

    def footer(self):
        self.set_y(-12)
        self.set_font(FONT, "", 7.5)
        self.set_text_color(*GREY)
        self.cell(0, 5, self.report.footer, align="L")
        self.set_x(self.l_margin)
        self.cell(0, 5, f"Page {self.page_no()} of {{nb}}", align="R")

    @property
    def width(self) -> float:
        return self.w - self.l_margin - self.r_margin


def _text(pdf: _PDF, text: str, size=10, style="", colour=TEXT, h=5.0) -> None:
    pdf.set_font(FONT, style, size)
    pdf.set_text_color(*colour)
    pdf.multi_cell(pdf.width, h, text, new_x="LMARGIN", new_y="NEXT", align="L")


def _figure_size(pdf: _PDF, f: Figure) -> tuple[float, float]:
    from PIL import Image

    with Image.open(io.BytesIO(f.png)) as im:
        ratio = im.height / im.width
    w = min(f.width_in * MM_PER_IN, pdf.width)
    h = w * ratio
    if h > pdf.h - 60:  # tall small-multiples: scale to fit a page
        h = pdf.h - 60
        w = h / ratio
    return w, h


def _heading(pdf: _PDF, text: str, first=None) -> None:
    need = 45 if not isinstance(first, Figure) else _figure_size(pdf, first)[1] + 22
    if pdf.get_y() + need > pdf.h - pdf.b_margin:  # keep a heading with what follows
        pdf.add_page()
    pdf.ln(3)
    _text(pdf, text, 13, "B", NAVY, 7)
    pdf.set_draw_color(*NAVY)
    pdf.set_line_width(0.4)
    pdf.line(pdf.l_margin, pdf.get_y(), pdf.l_margin + pdf.width, pdf.get_y())
    pdf.ln(2.5)


def _table(pdf: _PDF, t: Table) -> None:
    if t.title:
        _text(pdf, t.title, 10, "B")
    size = 8.5 if len(t.columns) <= 6 else 7.5 if len(t.columns) <= 8 else 7
    pdf.set_font(FONT, "", size)
    pdf.set_text_color(*TEXT)
    pdf.set_draw_color(210, 215, 222)
    pdf.set_line_width(0.2)
    aligns = tuple("RIGHT" if c.align == "r" else "LEFT" for c in t.columns)
    head = FontFace(emphasis="BOLD", color=(255, 255, 255), fill_color=NAVY)
    with pdf.table(col_widths=tuple(c.width for c in t.columns), width=pdf.width, text_align=aligns,
                   headings_style=head, cell_fill_color=LIGHT, cell_fill_mode="ROWS", line_height=size * 0.55,
                   padding=1.2, borders_layout="HORIZONTAL_LINES", first_row_as_headings=True) as table:
        row = table.row()
        for c in t.columns:
            row.cell(c.header)
        for r in t.rows:
            row = table.row()
            for c in r:
                row.cell(c.text, style=FontFace(color=TONES[c.tone]) if c.tone else None)
    if t.note:
        pdf.ln(1)
        _text(pdf, t.note, 7.5, "I", GREY, 4)
    pdf.ln(3)


def _callouts(pdf: _PDF, b: Callouts) -> None:
    n = len(b.items)
    gap = 4
    w = (pdf.width - gap * (n - 1)) / n
    h = 24
    if pdf.get_y() + h > pdf.h - 20:
        pdf.add_page()
    y = pdf.get_y()
    for i, c in enumerate(b.items):
        x = pdf.l_margin + i * (w + gap)
        pdf.set_fill_color(238, 242, 247)
        pdf.rect(x, y, w, h, style="F")
        pdf.set_xy(x, y + 3)
        pdf.set_font(FONT, "B", 15)
        pdf.set_text_color(*NAVY)
        pdf.cell(w, 8, c.value, align="C")
        pdf.set_xy(x, y + 12)
        pdf.set_font(FONT, "B", 8)
        pdf.set_text_color(*TEXT)
        pdf.cell(w, 4.5, c.label, align="C")
        if c.detail:
            pdf.set_xy(x + 1, y + 16.5)
            pdf.set_font(FONT, "", 7)
            pdf.set_text_color(*GREY)
            pdf.multi_cell(w - 2, 3.3, c.detail, align="C")
    pdf.set_xy(pdf.l_margin, y + h + 4)


def _bullets(pdf: _PDF, b: Bullets) -> None:
    pdf.set_font(FONT, "", 9.5)
    pdf.set_text_color(*TEXT)
    for i, item in enumerate(b.items, 1):
        pdf.set_x(pdf.l_margin + 2)
        pdf.cell(6, 5, f"{i}." if b.numbered else "•")
        pdf.multi_cell(pdf.width - 8, 5, item, new_x="LMARGIN", new_y="NEXT", align="L")
        pdf.ln(1)
    pdf.ln(1.5)


def _figure(pdf: _PDF, f: Figure) -> None:
    w, h = _figure_size(pdf, f)
    if pdf.get_y() + h + 12 > pdf.h - pdf.b_margin:
        pdf.add_page()
    _text(pdf, f.title, 10, "B")
    pdf.image(io.BytesIO(f.png), x=pdf.l_margin + (pdf.width - w) / 2, w=w, h=h)
    if f.caption:
        _text(pdf, f.caption, 7.5, "I", GREY, 4)
    pdf.ln(3)


def _block(pdf: _PDF, b) -> None:
    if isinstance(b, Paragraph):
        if b.style == "note":
            _text(pdf, b.text, 8, "I", GREY, 4.2)
        else:
            _text(pdf, b.text, 10.5 if b.style == "lead" else 9.5, "", TEXT, 5.2)
        pdf.ln(2)
    elif isinstance(b, Bullets):
        _bullets(pdf, b)
    elif isinstance(b, Callouts):
        _callouts(pdf, b)
    elif isinstance(b, Table):
        _table(pdf, b)
    elif isinstance(b, Figure):
        _figure(pdf, b)


def write_pdf(report: Report, path: Path) -> Path:
    pdf = _PDF(report)
    pdf.alias_nb_pages()
    pdf.add_page()
    pdf.set_fill_color(*NAVY)
    pdf.rect(0, 0, pdf.w, 4, style="F")
    pdf.ln(2)
    _text(pdf, report.title, 18, "B", NAVY, 8.5)
    pdf.ln(2)
    for k, v in report.meta:
        pdf.set_font(FONT, "B", 9)
        pdf.set_text_color(*TEXT)
        pdf.cell(40, 5, f"{k}:")
        pdf.set_font(FONT, "", 9)
        pdf.multi_cell(pdf.width - 40, 5, v, new_x="LMARGIN", new_y="NEXT", align="L")
    pdf.ln(2)
    for s in report.sections:
        _heading(pdf, s.heading, s.blocks[0] if s.blocks else None)
        for b in s.blocks:
            _block(pdf, b)
    pdf.output(str(path))
    return path
