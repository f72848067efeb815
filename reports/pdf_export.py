"""PDF export with fpdf2 (PyPI only) and matplotlib's DejaVu Sans (Unicode: ▲ ▼ ✓ – †).

One font family throughout. Tables are drawn here rather than with ``FPDF.table``: column
widths always add up to the text width (a table never runs off the page), a cell that fits
on one line is written with a single ``cell`` call (fast), long cells wrap, rows never split
across pages and the header row repeats on each page. Paragraphs and list items are kept
whole (never a line or two orphaned on the next page), a heading stays with what follows,
and call-out values shrink to fit their box.

The portfolio kind (wide tables, accounts named) is laid out on landscape pages.
"""

from __future__ import annotations

import io
from importlib.util import find_spec
from pathlib import Path

from fpdf import FPDF

from reports.layout import fit_widths
from reports.model import Bullets, Callouts, Figure, Paragraph, Report, Table, cleaned, no_tabs

# matplotlib's copy of DejaVu Sans, found without importing matplotlib (a table-only PDF never needs it)
FONT_DIR = Path(find_spec("matplotlib").origin).parent / "mpl-data" / "fonts" / "ttf"
FONT = "DejaVu"
NAVY = (31, 58, 95)
TEXT = (40, 40, 40)
GREY = (100, 100, 100)
LIGHT = (242, 244, 247)
RULE = (210, 215, 222)
CALLOUT_FILL = (238, 242, 247)
TONES = {"good": (46, 125, 79), "warn": (199, 124, 2), "bad": (176, 58, 46)}
MM_PER_IN = 25.4
PT_TO_MM = 25.4 / 72
LANDSCAPE_KINDS = frozenset({"portfolio"})


class _PDF(FPDF):
    def __init__(self, report: Report):
        super().__init__(orientation="L" if report.kind in LANDSCAPE_KINDS else "P", format="A4", unit="mm")
        self.report = report
        self.set_margins(18, 18, 18)
        self.set_auto_page_break(True, margin=18)
        for style, file in (("", "DejaVuSans.ttf"), ("B", "DejaVuSans-Bold.ttf"), ("I", "DejaVuSans-Oblique.ttf")):
            self.add_font(FONT, style, str(FONT_DIR / file))
        self.set_title(report.title)
        self.set_author(report.prepared_by)
        self.set_creator("peerbench")
        self.table_boxes: list[tuple[int, float, float]] = []  # (page, x, width) of every table row drawn

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

    @property
    def bottom(self) -> float:
        return self.h - self.b_margin

    def room(self) -> float:
        return self.bottom - self.get_y()


def _font(pdf: _PDF, size: float, style: str = "", colour=TEXT) -> None:
    pdf.set_font(FONT, style, size)
    pdf.set_text_color(*colour)


def wrap(pdf: _PDF, text: str, w: float) -> list[str]:
    """``text`` broken into lines at most ``w`` mm wide at the current font (greedy, by words).

    fpdf2's ``multi_cell`` re-measures the line for every character added (quadratic); measuring
    each word once is several times faster and gives the same lines for this left-aligned text.
    """
    width, space = pdf.get_string_width, pdf.get_string_width(" ")
    lines: list[str] = []
    for part in text.split("\n"):
        line, used = "", 0.0
        for word in part.split(" "):
            ww = width(word)
            if line and used + space + ww > w:
                lines.append(line)
                line, used = "", 0.0
            while ww > w and len(word) > 1:  # a word wider than the box: split it
                cut = max(1, int(len(word) * w / ww))
                while cut > 1 and width(word[:cut]) > w:
                    cut -= 1
                lines.append(word[:cut])
                word = word[cut:]
                ww = width(word)
            line, used = (f"{line} {word}", used + space + ww) if line else (word, ww)
        lines.append(line)
    return lines


def _lines(pdf: _PDF, text: str, w: float) -> int:
    """How many lines ``text`` takes in a box ``w`` mm wide at the current font."""
    if "\n" not in text and pdf.get_string_width(text) <= w:
        return 1
    return len(wrap(pdf, text, w))


def _write_lines(pdf: _PDF, text: str, w: float, h: float, align: str = "L") -> None:
    """``text`` wrapped to ``w`` mm from the current position, one ``cell`` per line; ends on the next line."""
    x = pdf.get_x()
    for line in wrap(pdf, text, w):
        pdf.set_x(x)
        pdf.cell(w, h, line, align=align, new_x="LMARGIN", new_y="NEXT")


def _text(pdf: _PDF, text: str, size=10, style="", colour=TEXT, h=5.0, keep: bool = True) -> None:
    """A paragraph; kept whole on one page when it is short enough to (``keep``)."""
    _font(pdf, size, style, colour)
    if keep:
        need = _lines(pdf, text, pdf.width) * h
        if need > pdf.room() and need < (pdf.bottom - pdf.t_margin) / 3:
            pdf.add_page()
    pdf.set_x(pdf.l_margin)
    _write_lines(pdf, text, pdf.width, h)


def _figure_size(pdf: _PDF, f: Figure) -> tuple[float, float]:
    from PIL import Image

    with Image.open(io.BytesIO(f.png)) as im:
        ratio = im.height / im.width
    w = min(f.width_in * MM_PER_IN, pdf.width)
    h = w * ratio
    if h > pdf.h - 70:  # tall small-multiples: scale to fit a page with its title and caption
        h = pdf.h - 70
        w = h / ratio
    return w, h


def _first_height(pdf: _PDF, b) -> float:
    """Room to keep with a heading: the first block, or enough of it."""
    if isinstance(b, Figure):
        return _figure_size(pdf, b)[1] + 14
    if isinstance(b, Table):
        return 8 + 7 * min(3, len(b.rows)) + (6 if b.title else 0)
    if isinstance(b, Callouts):
        return 28
    return 22


def _heading(pdf: _PDF, text: str, first=None) -> None:
    need = 14 + (_first_height(pdf, first) if first is not None else 0)
    if need > pdf.room():  # keep a heading with what follows
        pdf.add_page()
    pdf.ln(3)
    _text(pdf, text, 13, "B", NAVY, 7, keep=False)
    pdf.set_draw_color(*NAVY)
    pdf.set_line_width(0.4)
    pdf.line(pdf.l_margin, pdf.get_y(), pdf.l_margin + pdf.width, pdf.get_y())
    pdf.ln(2.5)


def _table_font(t: Table) -> float:
    n = len(t.columns)
    return 8.5 if n <= 5 else 8 if n <= 6 else 7.5 if n <= 8 else 7


def _row(pdf: _PDF, texts: list[str], widths: list[float], aligns: list[str], size: float, style: str,
         colours: list, fill, pad: float, line_h: float, heights: list[int] | None = None) -> None:
    """One table row at the current y: fill, then each cell's text (wrapped when it does not fit)."""
    x0, y = pdf.l_margin, pdf.get_y()
    rows = heights or [1] * len(texts)
    h = max(rows) * line_h + 2 * pad
    if fill is not None:
        pdf.set_fill_color(*fill)
        pdf.rect(x0, y, sum(widths), h, style="F")
    pdf.table_boxes.append((pdf.page_no(), x0, sum(widths)))
    x = x0
    for text, w, align, colour, n in zip(texts, widths, aligns, colours, rows):
        pdf.set_font(FONT, style, size)
        pdf.set_text_color(*colour)
        pdf.set_xy(x + pad, y + pad)
        if n == 1:
            pdf.cell(w - 2 * pad, line_h, text, align=align)
        else:
            for i, line in enumerate(wrap(pdf, text, w - 2 * pad)):
                pdf.set_xy(x + pad, y + pad + i * line_h)
                pdf.cell(w - 2 * pad, line_h, line, align=align)
        x += w
    pdf.set_xy(x0, y + h)
    pdf.set_draw_color(*RULE)
    pdf.set_line_width(0.2)
    pdf.line(x0, y + h, x0 + sum(widths), y + h)


def _table(pdf: _PDF, t: Table) -> None:
    if t.title:
        if pdf.room() < 30:
            pdf.add_page()
        _text(pdf, t.title, 10, "B", keep=False)
        pdf.ln(0.5)
    size = _table_font(t)
    line_h = size * PT_TO_MM * 1.25
    pad = 1.3

    def measure(text: str, bold: bool) -> float:
        pdf.set_font(FONT, "B" if bold else "", size)
        return pdf.get_string_width(text)

    widths = fit_widths(t, pdf.width, measure, pad)
    aligns = ["R" if c.align == "r" else "L" for c in t.columns]

    def heights(texts: list[str], style: str) -> list[int]:
        pdf.set_font(FONT, style, size)
        return [_lines(pdf, s, w - 2 * pad) for s, w in zip(texts, widths)]

    head = [c.header for c in t.columns]
    head_lines = heights(head, "B")
    head_h = max(head_lines) * line_h + 2 * pad

    def header() -> None:
        _row(pdf, head, widths, aligns, size, "B", [(255, 255, 255)] * len(head), NAVY, pad, line_h, head_lines)

    body = [(r, heights([c.text for c in r], "B" if t.total and i == len(t.rows) - 1 else ""))
            for i, r in enumerate(t.rows)]
    first_h = max(body[0][1]) * line_h + 2 * pad if body else 0
    if head_h + first_h > pdf.room():
        pdf.add_page()
    header()
    for i, (r, lines) in enumerate(body):
        h = max(lines) * line_h + 2 * pad
        if h > pdf.room():  # rows never split; the header repeats on the next page
            pdf.add_page()
            header()
        bold = t.total and i == len(body) - 1
        _row(pdf, [c.text for c in r], widths, aligns, size, "B" if bold else "",
             [TONES[c.tone] if c.tone else TEXT for c in r], LIGHT if i % 2 == 0 else None, pad, line_h, lines)
    if t.note:
        pdf.ln(1)
        _text(pdf, t.note, 7.5, "I", GREY, 4)
    pdf.ln(3)


def _fit(pdf: _PDF, text: str, w: float, size: float, style: str, smallest: float) -> float:
    """The largest font size <= ``size`` at which ``text`` fits on one line ``w`` mm wide."""
    pdf.set_font(FONT, style, size)
    width = pdf.get_string_width(text)
    return size if width <= w else max(smallest, size * w / width)


def _callouts(pdf: _PDF, b: Callouts) -> None:
    n = len(b.items)
    gap = 4
    w = (pdf.width - gap * (n - 1)) / n
    h = 25
    if pdf.room() < h + 4:
        pdf.add_page()
    y = pdf.get_y()
    for i, c in enumerate(b.items):
        x = pdf.l_margin + i * (w + gap)
        pdf.set_fill_color(*CALLOUT_FILL)
        pdf.rect(x, y, w, h, style="F")
        size = _fit(pdf, c.value, w - 4, 15, "B", 9)
        _font(pdf, size, "B", NAVY)
        pdf.set_xy(x + 1, y + 3)
        pdf.cell(w - 2, 8, c.value, align="C")
        size = _fit(pdf, c.label, w - 4, 8, "B", 6.5)
        _font(pdf, size, "B")
        pdf.set_xy(x + 1, y + 12)
        pdf.cell(w - 2, 4.5, c.label, align="C")
        if c.detail:
            _font(pdf, 7, "", GREY)
            pdf.set_xy(x + 1.5, y + 16.5)
            _write_lines(pdf, c.detail, w - 3, 3.3, align="C")
    pdf.set_xy(pdf.l_margin, y + h + 4)


def _bullets(pdf: _PDF, b: Bullets) -> None:
    _font(pdf, 9.5)
    for i, item in enumerate(b.items, 1):
        need = _lines(pdf, item, pdf.width - 8) * 5
        if need > pdf.room():  # an item never splits across pages
            pdf.add_page()
            _font(pdf, 9.5)
        pdf.set_x(pdf.l_margin + 2)
        pdf.cell(6, 5, f"{i}." if b.numbered else "•")
        _write_lines(pdf, item, pdf.width - 8, 5)
        pdf.ln(1)
    pdf.ln(1.5)


def _figure(pdf: _PDF, f: Figure) -> None:
    w, h = _figure_size(pdf, f)
    if h + 14 > pdf.room():
        pdf.add_page()
    _text(pdf, f.title, 10, "B", keep=False)
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


def render_pdf(report: Report) -> _PDF:
    """The laid-out document (``write_pdf`` saves it; tests inspect ``table_boxes``)."""
    report = no_tabs(cleaned(report))  # text from data: no control characters reach the file
    pdf = _PDF(report)
    pdf.alias_nb_pages()
    pdf.add_page()
    pdf.set_fill_color(*NAVY)
    pdf.rect(0, 0, pdf.w, 4, style="F")
    pdf.ln(2)
    _text(pdf, report.title, 18, "B", NAVY, 8.5, keep=False)
    pdf.ln(2)
    label_w = 40
    for k, v in report.meta:
        _font(pdf, 9, "B")
        pdf.cell(label_w, 5, f"{k}:")
        _font(pdf, 9)
        _write_lines(pdf, v, pdf.width - label_w, 5)
    pdf.ln(2)
    for s in report.sections:
        _heading(pdf, s.heading, s.blocks[0] if s.blocks else None)
        for b in s.blocks:
            _block(pdf, b)
    return pdf


def write_pdf(report: Report, path: Path) -> Path:
    render_pdf(report).output(str(path))
    return path
