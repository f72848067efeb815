"""PPTX export (python-pptx): 16:9, one slide per section, native editable charts, speaker notes.

Layout per slide: a figure on the left with call-outs and text on the right; without a
figure, call-outs in a row, then tables (split over continuation slides when long), then text.
Every text box is sized for its text: font sizes step down until the estimated wrapped height
fits the box (python-pptx cannot measure text, so :func:`text_height` estimates it from
the characters per line), and tables get row heights for their wrapped cells.
"""

from __future__ import annotations

import io
from pathlib import Path

from pptx import Presentation
from pptx.chart.data import CategoryChartData
from pptx.dml.color import RGBColor
from pptx.enum.chart import XL_CHART_TYPE, XL_LABEL_POSITION
from pptx.enum.text import MSO_ANCHOR, MSO_AUTO_SIZE, PP_ALIGN
from pptx.util import Emu, Inches, Pt

from reports.format import clip
from reports.layout import estimate, fit_widths
from reports.model import Bullets, Callouts, Figure, Paragraph, Report, Section, Table, cleaned

FONT = "Calibri"
PROPERTY_CHARS = 255   # the longest core property (title, author) Office accepts
NAVY = RGBColor(0x1F, 0x3A, 0x5F)
PEER = RGBColor(0xA9, 0xB4, 0xC2)
TEXT = RGBColor(0x33, 0x33, 0x33)
GREY = RGBColor(0x6B, 0x6B, 0x6B)
LIGHT = RGBColor(0xEE, 0xF2, 0xF7)
WHITE = RGBColor(0xFF, 0xFF, 0xFF)
TONES = {"good": RGBColor(0x2E, 0x7D, 0x4F), "warn": RGBColor(0xC7, 0x7C, 0x02), "bad": RGBColor(0xB0, 0x3A, 0x2E)}
W, H = 13.333, 7.5
TOP = 1.3              # content starts under the title
BOTTOM = H - 0.6       # content ends above the footer
MARGIN_X = 0.1         # python-pptx text frame insets (in)
MARGIN_Y = 0.05
LINE = 1.2             # line height / font size
SPACE_AFTER_PT = 4
CELL_MARGIN_X = 0.08
CELL_MARGIN_Y = 0.03
CHART_TYPES = {"barh": XL_CHART_TYPE.BAR_CLUSTERED, "bar": XL_CHART_TYPE.COLUMN_CLUSTERED,
               "line": XL_CHART_TYPE.LINE_MARKERS}

Para = tuple[str, float, bool, RGBColor]   # text, size (pt), bold, colour


def _wrapped_lines(text: str, size: float, width_in: float, bold: bool = False) -> int:
    """Lines ``text`` wraps to in a column ``width_in`` wide (word wrap, estimated widths)."""
    avail = width_in * 72
    lines = 0
    for part in text.split("\n"):
        n, used = 1, 0.0
        for word in part.split(" "):
            w = estimate(word + " ", size, bold)
            if used and used + w > avail:
                n, used = n + 1, w
            else:
                used += w
        lines += n
    return lines


def text_height(paragraphs: list[Para], width_in: float, space_after: float = SPACE_AFTER_PT) -> float:
    """Estimated height (in) of the paragraphs in a text box ``width_in`` wide, insets included."""
    inner = width_in - 2 * MARGIN_X
    h = sum(_wrapped_lines(t, s, inner, b) * s * LINE / 72 + space_after / 72 for t, s, b, _ in paragraphs)
    return h + 2 * MARGIN_Y


def fit_paragraphs(paragraphs: list[Para], w: float, h: float, smallest: float = 9,
                   space_after: float = SPACE_AFTER_PT) -> list[Para]:
    """The paragraphs with font sizes scaled down (never below ``smallest`` pt) until they fit w x h."""
    scale = 1.0
    out = paragraphs
    while text_height(out, w, space_after) > h and min(s for _, s, _, _ in out) > smallest:
        scale -= 0.05
        out = [(t, max(smallest, round(s * scale, 1)), b, c) for t, s, b, c in paragraphs]
    return out


def _text_box(slide, x, y, w, h, paragraphs: list[Para], anchor=MSO_ANCHOR.TOP, align=PP_ALIGN.LEFT,
              fill: RGBColor | None = None, fit: bool = True, space_after: float = SPACE_AFTER_PT):
    if fit:
        paragraphs = fit_paragraphs(paragraphs, w, h, space_after=space_after)
    box = slide.shapes.add_textbox(Inches(x), Inches(y), Inches(w), Inches(h))
    tf = box.text_frame
    tf.word_wrap = True
    tf.auto_size = MSO_AUTO_SIZE.NONE  # the box keeps its size; the font sizes above make the text fit
    tf.vertical_anchor = anchor
    tf.margin_left = tf.margin_right = Inches(MARGIN_X)
    tf.margin_top = tf.margin_bottom = Inches(MARGIN_Y)
    if fill is not None:
        box.fill.solid()
        box.fill.fore_color.rgb = fill
    for i, (text, size, bold, colour) in enumerate(paragraphs):
        p = tf.paragraphs[0] if i == 0 else tf.add_paragraph()
        p.alignment = align
        run = p.add_run()
        run.text = text
        run.font.name, run.font.size, run.font.bold = FONT, Pt(size), bold
        run.font.color.rgb = colour
        p.space_after = Pt(space_after)
    return box


def _title(slide, text: str, footer: str, page: int) -> None:
    bar = slide.shapes.add_shape(1, 0, 0, Inches(W), Inches(0.12))
    bar.fill.solid()
    bar.fill.fore_color.rgb = NAVY
    bar.line.fill.background()
    _text_box(slide, 0.5, 0.3, W - 1, 0.8, [(text, 28, True, NAVY)], anchor=MSO_ANCHOR.MIDDLE)
    _text_box(slide, 0.5, H - 0.45, W - 2, 0.32, [(footer, 9, False, GREY)])
    _text_box(slide, W - 1.5, H - 0.45, 1.0, 0.32, [(str(page), 9, False, GREY)], align=PP_ALIGN.RIGHT)


def _chart(slide, f: Figure, x, y, w, h) -> None:
    data = CategoryChartData(number_format=f.number_format)
    data.categories = f.categories
    for s in f.series:
        data.add_series(s.name, s.values)
    chart = slide.shapes.add_chart(CHART_TYPES[f.chart_type], Inches(x), Inches(y), Inches(w), Inches(h),
                                   data).chart
    chart.has_title = False          # the slide title says what the chart is
    chart.has_legend = len(f.series) > 1
    chart.font.name, chart.font.size = FONT, Pt(12)
    plot = chart.plots[0]
    plot.has_data_labels = True
    plot.data_labels.number_format, plot.data_labels.number_format_is_linked = f.number_format, False
    plot.data_labels.font.size = Pt(12)
    if f.chart_type != "line":
        plot.gap_width = 50
        plot.data_labels.position = XL_LABEL_POSITION.OUTSIDE_END
        series = plot.series[0]
        for i, cat in enumerate(f.categories):
            point = series.points[i]
            point.format.fill.solid()
            point.format.fill.fore_color.rgb = NAVY if cat == "You" else PEER
    if f.chart_type == "barh":
        chart.category_axis.reverse_order = True  # first category at the top, as in the PNG...
        # ...and the value axis crosses at the last category, so it stays at the bottom
        # (c:valAx/c:crosses; python-pptx only writes c:crosses into the category axis)
        chart.value_axis._element.xpath("./c:crosses")[0].set("val", "max")
    chart.category_axis.tick_labels.font.size = Pt(12)
    chart.category_axis.format.line.color.rgb = PEER
    chart.value_axis.has_major_gridlines = True
    chart.value_axis.major_gridlines.format.line.color.rgb = RGBColor(0xE3, 0xE7, 0xEC)
    chart.value_axis.format.line.fill.background()
    chart.value_axis.tick_labels.font.size = Pt(11)
    chart.value_axis.tick_labels.font.color.rgb = GREY
    if f.axis_title:
        chart.value_axis.has_title = True
        chart.value_axis.axis_title.text_frame.text = f.axis_title
        run = chart.value_axis.axis_title.text_frame.paragraphs[0].runs[0]
        run.font.size, run.font.bold, run.font.color.rgb = Pt(11), False, GREY
    if f.chart_type == "barh" and max((v or 0) for s in f.series for v in s.values) <= 100:
        chart.value_axis.maximum_scale, chart.value_axis.minimum_scale = 100, 0
        chart.value_axis.major_unit = 20


def _figure(slide, f: Figure, x, y, w, h) -> None:
    cap_h = 0.55 if f.caption else 0
    if f.chart_type in CHART_TYPES and f.categories and f.series and f.chart_type != "line":
        _chart(slide, f, x, y, w, h - cap_h)
    else:
        pic = slide.shapes.add_picture(io.BytesIO(f.png), Inches(x), Inches(y))
        scale = min(Inches(w) / pic.width, Inches(h - cap_h) / pic.height)
        pic.width, pic.height = int(pic.width * scale), int(pic.height * scale)
        pic.left = Inches(x) + (Inches(w) - pic.width) // 2
    if f.caption:
        _text_box(slide, x, y + h - cap_h, w, cap_h, [(f.caption, 11, False, GREY)])


def _callouts(slide, b: Callouts, x, y, w, h, vertical: bool, per_row: int | None = None) -> float:
    """Call-out boxes: a column (``vertical``), one row, or rows of ``per_row``; returns the y below them."""
    n = len(b.items)
    gap = 0.15
    cols = 1 if vertical else (per_row or n)
    bw = (w - gap * (cols - 1)) / cols
    for i, c in enumerate(b.items):
        r, k = divmod(i, cols)
        bx, by = x + k * (bw + gap), y + r * (h + gap)
        paras = [(c.value, 26, True, NAVY), (c.label, 13, True, TEXT)] + ([(c.detail, 11, False, GREY)]
                                                                           if c.detail else [])
        _text_box(slide, bx, by, bw, h, paras, anchor=MSO_ANCHOR.MIDDLE, align=PP_ALIGN.CENTER, fill=LIGHT,
                  space_after=2)
    rows = -(-n // cols)
    return y + rows * (h + gap)


def _table_size(t: Table) -> float:
    return 14 if len(t.columns) <= 6 else 12 if len(t.columns) <= 8 else 11


def _table_layout(t: Table, w: float) -> tuple[list[float], list[float], float]:
    """(column widths in, row heights in for header + rows, font size)."""
    size = _table_size(t)
    widths = fit_widths(t, w * 72, lambda text, bold: estimate(text, size, bold), CELL_MARGIN_X * 72)
    widths = [x / 72 for x in widths]

    def height(texts: list[str], bold: bool) -> float:
        lines = max(_wrapped_lines(s, size, cw - 2 * CELL_MARGIN_X, bold) for s, cw in zip(texts, widths))
        return lines * size * LINE / 72 + 2 * CELL_MARGIN_Y + 0.06

    rows = [height([c.header for c in t.columns], True)]
    rows += [height([c.text for c in r], t.total and i == len(t.rows) - 1) for i, r in enumerate(t.rows)]
    return widths, rows, size


def _table(slide, t: Table, rows: list, heights: list[float], widths: list[float], size: float, x, y) -> float:
    shape = slide.shapes.add_table(len(rows) + 1, len(t.columns), Inches(x), Inches(y), Inches(sum(widths)),
                                   Inches(sum(heights)))
    table = shape.table
    for i, cw in enumerate(widths):
        table.columns[i].width = Emu(int(Inches(cw)))
    for r, rh in enumerate(heights):
        table.rows[r].height = Emu(int(Inches(rh)))
    last = len(t.rows) - 1
    for r, row in enumerate([None] + rows):
        for i, col in enumerate(t.columns):
            cell = table.cell(r, i)
            cell.margin_top = cell.margin_bottom = Inches(CELL_MARGIN_Y)
            cell.margin_left = cell.margin_right = Inches(CELL_MARGIN_X)
            cell.vertical_anchor = MSO_ANCHOR.MIDDLE
            p = cell.text_frame.paragraphs[0]
            p.alignment = PP_ALIGN.RIGHT if col.align == "r" else PP_ALIGN.LEFT
            run = p.add_run()
            run.text = col.header if row is None else row[i].text
            run.font.name, run.font.size = FONT, Pt(size)
            run.font.bold = row is None or (t.total and row is t.rows[last])
            cell.fill.solid()
            if row is None:
                cell.fill.fore_color.rgb, run.font.color.rgb = NAVY, WHITE
            else:
                cell.fill.fore_color.rgb = LIGHT if r % 2 == 1 else WHITE
                run.font.color.rgb = TONES.get(row[i].tone or "", TEXT)
    return y + sum(heights) + 0.2


def _texts(blocks, size: float = 16) -> list[Para]:
    out = []
    for b in blocks:
        if isinstance(b, Paragraph):
            out.append((b.text, size - 4 if b.style == "note" else size, False,
                        GREY if b.style == "note" else NAVY if b.style == "lead" else TEXT))
        elif isinstance(b, Bullets):
            out += [((f"{i}. " if b.numbered else "• ") + item, size, False, TEXT)
                    for i, item in enumerate(b.items, 1)]
    return out


def _notes(slide, s: Section) -> None:
    text = s.notes or "\n".join(t for t, *_ in _texts(s.blocks))
    slide.notes_slide.notes_text_frame.text = text


class _Deck:
    def __init__(self, report: Report):
        self.prs = Presentation()
        self.prs.slide_width, self.prs.slide_height = Inches(W), Inches(H)
        self.footer = report.footer

    def slide(self, s: Section, title: str):
        slide = self.prs.slides.add_slide(self.prs.slide_layouts[6])
        _title(slide, title, self.footer, len(self.prs.slides._sldIdLst))
        _notes(slide, s)
        return slide


def _section_slides(deck: _Deck, s: Section) -> None:
    figures = [b for b in s.blocks if isinstance(b, Figure)]
    callouts = [b for b in s.blocks if isinstance(b, Callouts)]
    tables = [b for b in s.blocks if isinstance(b, Table)]
    texts = _texts(s.blocks)
    slide = deck.slide(s, s.heading)
    if figures:
        _figure(slide, figures[0], 0.5, TOP, 7.6, BOTTOM - TOP)
        y = TOP
        for c in callouts:
            y = _callouts(slide, c, 8.4, y, 4.43, 1.2, vertical=False, per_row=2)
        if texts:
            _text_box(slide, 8.4, y + 0.05, 4.43, BOTTOM - y - 0.05, [(t, min(s_, 16), b, c) for t, s_, b, c in texts])
        for t in tables:  # rare: a table with a figure goes on the next slide
            _table_slides(deck, s, t, TOP, None)
        return
    y = TOP
    for c in callouts:
        y = _callouts(slide, c, 0.5, y, W - 1, 1.3, vertical=False)
    for t in tables:
        slide, y = _table_slides(deck, s, t, y, slide)
    if texts:
        if BOTTOM - y < 0.8 or text_height(fit_paragraphs(texts, W - 1, BOTTOM - y), W - 1) > BOTTOM - y:
            slide, y = deck.slide(s, s.heading + " (continued)"), TOP
        alone = not tables and not callouts  # a text-only slide reads at 20 pt with room between items
        paras = [(t, sz * 20 / 16, b, c) for t, sz, b, c in texts] if alone else texts
        _text_box(slide, 0.5, y, W - 1, BOTTOM - y, paras, space_after=14 if alone else SPACE_AFTER_PT)


def _table_slides(deck: _Deck, s: Section, t: Table, y: float, slide):
    widths, heights, size = _table_layout(t, W - 1)
    head, body = heights[0], heights[1:]
    rows = list(zip(t.rows, body))
    while True:
        if slide is None or y + head + (rows[0][1] if rows else 0) > BOTTOM:
            slide, y = deck.slide(s, s.heading + " (continued)"), TOP
        room, take = BOTTOM - y - head, 0
        while take < len(rows) and room >= rows[take][1]:
            room -= rows[take][1]
            take += 1
        take = max(1, take)
        part = rows[:take]
        y = _table(slide, t, [r for r, _ in part], [head] + [h for _, h in part], widths, size, 0.5, y)
        rows = rows[take:]
        if not rows:
            return slide, y
        slide = None


def write_pptx(report: Report, path: Path) -> Path:
    report = cleaned(report)  # text from data: no control characters reach the file
    deck = _Deck(report)
    prs = deck.prs
    prs.core_properties.title = clip(report.title, PROPERTY_CHARS)
    prs.core_properties.author = clip(report.prepared_by, PROPERTY_CHARS)
    slide = prs.slides.add_slide(prs.slide_layouts[6])
    band = slide.shapes.add_shape(1, 0, 0, Inches(W), Inches(H * 0.55))
    band.fill.solid()
    band.fill.fore_color.rgb = NAVY
    band.line.fill.background()
    _text_box(slide, 0.8, 1.2, W - 1.6, 2.0, [(report.title, 40, True, WHITE)], anchor=MSO_ANCHOR.BOTTOM)
    _text_box(slide, 0.8, H * 0.55 + 0.4, W - 1.6, 2.2,
              [(f"{k}: {v}", 16, False, TEXT) for k, v in report.meta])
    _text_box(slide, 0.8, H - 0.6, W - 1.6, 0.34, [(report.footer, 10, False, GREY)])
    slide.notes_slide.notes_text_frame.text = (f"{report.title}. Prepared by {report.prepared_by}, {report.date}. "
                                               "Agenda: how you compare with peers, your success plan, next steps.")
    for s in report.sections:
        _section_slides(deck, s)
    prs.save(str(path))
    return path
