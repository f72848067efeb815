"""PDF export with fpdf2 (PyPI only) and matplotlib's DejaVu Sans (Unicode: ▲ ▼ ✓ – †).

One font family throughout. Tables are drawn here rather than with ``FPDF.table``: column
widths always add up to the text width (a table never runs off the page), a cell that fits
on one line is written with a single ``cell`` call (fast), long cells wrap, rows never split
across pages and the header row repeats on each page. Paragraphs and list items are kept
whole (never a line or two orphaned on the next page), a heading stays with what follows,
and call-out values shrink to fit their box. A chart that would leave most of a page empty
is drawn a little smaller to fit instead (down to ``MIN_SCALE``), so no page ends a third full.

Page size from the report (A4 by default, Letter by setting); the brand's accent colour and
logo; the portfolio kind (wide tables, accounts named) is laid out on landscape pages.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from importlib.util import find_spec
from pathlib import Path

from fpdf import FPDF

from reports.layout import fit_widths
from reports.model import Bullets, Callouts, Figure, Panels, Paragraph, Report, Table, cleaned, no_tabs
from reports.properties import PRODUCER, subject

# matplotlib's copy of DejaVu Sans, found without importing matplotlib (a table-only PDF never needs it)
FONT_DIR = Path(find_spec("matplotlib").origin).parent / "mpl-data" / "fonts" / "ttf"
FONT = "DejaVu"
TEXT = (40, 40, 40)
GREY = (100, 100, 100)
LIGHT = (242, 244, 247)
RULE = (210, 215, 222)
CALLOUT_FILL = (238, 242, 247)
TONES = {"good": (46, 125, 79), "warn": (199, 124, 2), "bad": (176, 58, 46)}
MM_PER_IN = 25.4
PT_TO_MM = 25.4 / 72
LANDSCAPE_KINDS = frozenset({"portfolio"})
TONE_FILLS = {"good": (236, 245, 239), "bad": (250, 238, 236), "": (241, 244, 249)}
MIN_SCALE = 0.85   # a chart is drawn down to this size to fit the room left on a page
KEEP_WHOLE_ROWS = 8  # tables up to this many rows are kept on one page
MIN_FILL = 1 / 3   # no page ends less than a third full...
SCALES = (1.0, 0.92, 1.08, 0.85, 1.15)  # ...so the layout is tried again with the charts smaller or larger


class _PDF(FPDF):
    def __init__(self, report: Report, scale: float = 1.0, fonts: dict | None = None, dry: bool = False):
        super().__init__(orientation="L" if report.kind in LANDSCAPE_KINDS else "P",
                         format="Letter" if report.page_size == "Letter" else "A4", unit="mm")
        self.report = report
        self.scale = scale  # charts' size relative to their width in the report
        self.accent = report.brand.rgb
        self.set_margins(18, 18, 18)
        self.set_auto_page_break(True, margin=18)
        self.dry = dry  # a trial layout: charts take their room but are not embedded
        if fonts:  # parsing the TTFs costs 0.2 s: a trial layout and the final one share them
            self.fonts.update(fonts)
        else:
            for style, file in (("", "DejaVuSans.ttf"), ("B", "DejaVuSans-Bold.ttf"), ("I", "DejaVuSans-Oblique.ttf")):
                self.add_font(FONT, style, str(FONT_DIR / file))
        self.set_title(report.title)
        self.set_subject(subject(report))
        self.set_author(report.prepared_by)
        self.set_keywords(", ".join(x for x in (report.customer or "", report.kind) if x))
        self.set_creator(PRODUCER)
        self.set_producer(PRODUCER)
        self.set_creation_date(report.created)
        self.set_lang("en")
        self.table_boxes: list[tuple[int, float, float]] = []  # (page, x, width) of every table row drawn
        self.filled: dict[int, float] = {}  # page -> lowest y drawn on it (how full the page is)

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

    def mark(self) -> None:
        """Note how far down the current page content reaches."""
        self.filled[self.page_no()] = max(self.filled.get(self.page_no(), 0.0), self.get_y())

    def fill_ratios(self) -> list[float]:
        """Per page, the share of the text area (top margin to bottom margin) that holds content."""
        area = self.bottom - self.t_margin
        return [max(0.0, min(1.0, (self.filled.get(p, self.t_margin) - self.t_margin) / area))
                for p in range(1, self.pages_count + 1)]


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
    pdf.mark()


def _figure_size(pdf: _PDF, f: Figure) -> tuple[float, float]:
    from PIL import Image

    with Image.open(io.BytesIO(f.png)) as im:
        ratio = im.height / im.width
    w = min(f.width_in * MM_PER_IN * pdf.scale, pdf.width)
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
        lay = _measure_table(pdf, b)
        return lay.head_h + lay.first_h + (6 if b.title else 0)
    if isinstance(b, Callouts):
        return 28
    if isinstance(b, Panels):
        return _panels_height(pdf, b)[0]
    return 22


def _heading(pdf: _PDF, text: str, first=None) -> None:
    need = 14 + (_first_height(pdf, first) if first is not None else 0)
    if isinstance(first, Figure):  # the chart may be drawn a little smaller to fit (see _figure)
        need = 14 + _figure_need(pdf, first) - _figure_size(pdf, first)[1] * (1 - MIN_SCALE)
    if need > pdf.room():  # keep a heading with what follows
        pdf.add_page()
    pdf.ln(3)
    _text(pdf, text, 13, "B", pdf.accent, 7, keep=False)
    pdf.set_draw_color(*pdf.accent)
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


@dataclass
class _TableLayout:
    size: float
    line_h: float
    pad: float
    widths: list[float]
    head_lines: list[int]
    head_h: float
    body: list[tuple[list, list[int]]]
    heights: list[float]
    first_h: float      # the rows that must start on the same page as the header


def _measure_table(pdf: _PDF, t: Table) -> _TableLayout:
    size = _table_font(t)
    line_h = size * PT_TO_MM * 1.25
    pad = 1.3

    def measure(text: str, bold: bool) -> float:
        pdf.set_font(FONT, "B" if bold else "", size)
        return pdf.get_string_width(text)

    widths = fit_widths(t, pdf.width, measure, pad)

    def lines(texts: list[str], style: str) -> list[int]:
        pdf.set_font(FONT, style, size)
        return [_lines(pdf, s, w - 2 * pad) for s, w in zip(texts, widths)]

    head_lines = lines([c.header for c in t.columns], "B")
    head_h = max(head_lines) * line_h + 2 * pad
    body = [(r, lines([c.text for c in r], "B" if t.total and i == len(t.rows) - 1 else ""))
            for i, r in enumerate(t.rows)]
    heights = [max(ls) * line_h + 2 * pad for _, ls in body]
    # a short table stays on one page; a long one starts with at least three rows under its header
    short = len(body) <= KEEP_WHOLE_ROWS and sum(heights) + head_h < (pdf.bottom - pdf.t_margin) * 0.6
    first_h = sum(heights) if short else sum(heights[:3])
    return _TableLayout(size, line_h, pad, widths, head_lines, head_h, body, heights, first_h)


def _table(pdf: _PDF, t: Table) -> None:
    if t.title:
        if pdf.room() < 30:
            pdf.add_page()
        _text(pdf, t.title, 10, "B", keep=False)
        pdf.ln(0.5)
    lay = _measure_table(pdf, t)
    size, line_h, pad, widths, body, heights_mm = lay.size, lay.line_h, lay.pad, lay.widths, lay.body, lay.heights
    aligns = ["R" if c.align == "r" else "L" for c in t.columns]
    head = [c.header for c in t.columns]

    def header() -> None:
        _row(pdf, head, widths, aligns, size, "B", [pdf.report.brand.on_accent] * len(head), pdf.accent, pad, line_h,
             lay.head_lines)

    if lay.head_h + lay.first_h > pdf.room():
        pdf.add_page()
    header()
    for i, (r, lines) in enumerate(body):
        h = heights_mm[i]
        tail = sum(heights_mm[i:])
        if h > pdf.room() or (len(body) - i == 3 and i >= 3 and tail > pdf.room()):
            # rows never split, the last rows go on together (never one or two alone); the header repeats
            pdf.add_page()
            header()
        bold = t.total and i == len(body) - 1
        _row(pdf, [c.text for c in r], widths, aligns, size, "B" if bold else "",
             [TONES[c.tone] if c.tone else TEXT for c in r], LIGHT if i % 2 == 0 else None, pad, line_h, lines)
        pdf.mark()
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
        _font(pdf, size, "B", pdf.accent)
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
    pdf.mark()


def _panels_height(pdf: _PDF, b: Panels) -> tuple[float, list[list[list[str]]]]:
    """(height in mm, each panel's items wrapped to its width)."""
    n = len(b.items)
    w = (pdf.width - 4 * (n - 1)) / n
    _font(pdf, 8.5)
    wrapped = [[wrap(pdf, item, w - 2 * 2.5 - 3) for item in p.items] for p in b.items]
    return max(8 + sum(len(lines) * 4.0 + 1.5 for lines in items) for items in wrapped) + 2.5, wrapped


def _panels(pdf: _PDF, b: Panels) -> None:
    """Side-by-side boxes (wins, risks, asks): a coloured title, then the items; one height for all."""
    n = len(b.items)
    gap, pad, size, line_h = 4, 2.5, 8.5, 4.0
    w = (pdf.width - gap * (n - 1)) / n
    h, wrapped = _panels_height(pdf, b)
    if h > pdf.room():
        pdf.add_page()
    y = pdf.get_y()
    for i, (panel, items) in enumerate(zip(b.items, wrapped)):
        x = pdf.l_margin + i * (w + gap)
        pdf.set_fill_color(*TONE_FILLS.get(panel.tone, TONE_FILLS[""]))
        pdf.rect(x, y, w, h, style="F")
        pdf.set_fill_color(*TONES.get(panel.tone, pdf.accent))
        pdf.rect(x, y, w, 1.2, style="F")
        _font(pdf, 9.5, "B", TONES.get(panel.tone, pdf.accent))
        pdf.set_xy(x + pad, y + 2.8)
        pdf.cell(w - 2 * pad, 4.5, panel.title)
        yy = y + 8.5
        _font(pdf, size)
        for lines in items:
            pdf.set_xy(x + pad, yy)
            pdf.cell(3, line_h, "•")
            for k, line in enumerate(lines):
                pdf.set_xy(x + pad + 3, yy + k * line_h)
                pdf.cell(w - 2 * pad - 3, line_h, line)
            yy += len(lines) * line_h + 1.5
    pdf.set_xy(pdf.l_margin, y + h + 4)
    pdf.mark()


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
        pdf.mark()
    pdf.ln(1.5)


def _figure_need(pdf: _PDF, f: Figure) -> float:
    """Height (mm) of a chart with its title and caption at full size."""
    _font(pdf, 7.5, "I")
    caption = 4 * _lines(pdf, f.caption, pdf.width) + 2 if f.caption else 0
    return _figure_size(pdf, f)[1] + 10 + caption


def _figure(pdf: _PDF, f: Figure) -> None:
    w, h = _figure_size(pdf, f)
    caption = _figure_need(pdf, f) - h - 10
    if h + 10 + caption > pdf.room():
        scale = (pdf.room() - 10 - caption) / h
        if scale >= MIN_SCALE:  # a little smaller rather than a page left half empty
            w, h = w * scale, h * scale
        else:
            pdf.add_page()
    _text(pdf, f.title, 10, "B", keep=False)
    if pdf.dry:
        pdf.set_y(pdf.get_y() + h)
    else:
        pdf.image(io.BytesIO(f.png), x=pdf.l_margin + (pdf.width - w) / 2, w=w, h=h)  # moves y below it
    pdf.mark()
    if f.caption:
        _text(pdf, f.caption, 7.5, "I", GREY, 4)
    pdf.ln(3)


def _block(pdf: _PDF, b) -> None:
    if isinstance(b, Paragraph):
        if b.style == "note":
            _text(pdf, b.text, 8, "I", GREY, 4.2)
        elif b.style == "headline":
            _text(pdf, b.text, 12.5, "B", pdf.accent, 6)
        else:
            _text(pdf, b.text, 10.5 if b.style == "lead" else 9.5, "", TEXT, 5.2)
        pdf.ln(2)
    elif isinstance(b, Bullets):
        _bullets(pdf, b)
    elif isinstance(b, Callouts):
        _callouts(pdf, b)
    elif isinstance(b, Panels):
        _panels(pdf, b)
    elif isinstance(b, Table):
        _table(pdf, b)
    elif isinstance(b, Figure):
        _figure(pdf, b)


def _title_block(pdf: _PDF, report: Report) -> None:
    """The accent band, logo and kicker, the customer's name, the period line and the title meta."""
    pdf.set_fill_color(*pdf.accent)
    pdf.rect(0, 0, pdf.w, 4, style="F")
    top = pdf.get_y() + 1
    if report.brand.logo:
        from PIL import Image

        with Image.open(io.BytesIO(report.brand.logo)) as im:
            ratio = im.width / im.height
        h = 11.0
        w = min(45.0, h * ratio)
        pdf.image(io.BytesIO(report.brand.logo), x=pdf.l_margin + pdf.width - w, y=top, w=w, h=w / ratio)
    elif report.brand.name:
        _font(pdf, 10, "B", pdf.accent)
        pdf.set_xy(pdf.l_margin, top)
        pdf.cell(pdf.width, 5, report.brand.name, align="R")
    pdf.set_xy(pdf.l_margin, top)
    _font(pdf, 8.5, "B", GREY)
    pdf.cell(pdf.width - 50, 5, (report.kicker or report.title).upper())
    pdf.set_xy(pdf.l_margin, top + 7)
    _text(pdf, report.customer or report.title, 22, "B", pdf.accent, 10, keep=False)
    if report.subtitle:
        _text(pdf, report.subtitle, 9.5, "", GREY, 5, keep=False)
    pdf.ln(2)
    label_w = 36
    for k, v in report.meta:
        _font(pdf, 8.5, "B")
        pdf.cell(label_w, 4.5, f"{k}:")
        _font(pdf, 8.5)
        _write_lines(pdf, v, pdf.width - label_w, 4.5)
    pdf.ln(1)


def _layout(report: Report, scale: float, fonts: dict | None = None, dry: bool = False,
            break_before: int | None = None) -> _PDF:
    pdf = _PDF(report, scale, fonts, dry)
    pdf.alias_nb_pages()
    pdf.add_page()
    _title_block(pdf, report)
    for i, s in enumerate(report.sections):
        if i == break_before and pdf.get_y() > pdf.t_margin + 1:
            pdf.add_page()
        _heading(pdf, s.heading, s.blocks[0] if s.blocks else None)
        if s.headline and not any(isinstance(b, Paragraph) and b.style == "headline" for b in s.blocks):
            _text(pdf, s.headline, 12.5, "B", pdf.accent, 6)
        for b in s.blocks:
            _block(pdf, b)
    return pdf


def _trials(n: int) -> list[tuple[float, int | None]]:
    """Layouts to try when a page ends under a third full: the last sections started on a fresh page,
    then the charts a little smaller or larger."""
    breaks = [(1.0, n - k) for k in (2, 3, 1, 4) if n - k > 0]
    return breaks + [(scale, None) for scale in SCALES[1:]]


def render_pdf(report: Report) -> _PDF:
    """The laid-out document (``write_pdf`` saves it; tests inspect ``table_boxes`` and ``fill_ratios``).

    Layouts are first tried without embedding the charts (a few hundredths of a second each): when a
    page (often the last) would be less than a third full, the last sections start on a fresh page or
    the charts are drawn a little smaller or larger; the fullest layout is then made for real.
    """
    report = no_tabs(cleaned(report))  # text from data: no control characters reach the file
    trial = _layout(report, SCALES[0], dry=True)
    fonts, fills = trial.fonts, trial.fill_ratios()
    best, best_fill = (SCALES[0], None), min(fills)
    if len(fills) > 1 and best_fill < MIN_FILL:
        for scale, brk in _trials(len(report.sections)):
            fill = min(_layout(report, scale, fonts, dry=True, break_before=brk).fill_ratios())
            if fill > best_fill:
                best, best_fill = (scale, brk), fill
            if fill >= MIN_FILL:
                break
    return _layout(report, best[0], fonts, break_before=best[1])


def write_pdf(report: Report, path: Path) -> Path:
    render_pdf(report).output(str(path))
    return path
