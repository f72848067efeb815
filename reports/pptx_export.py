"""PPTX export (python-pptx): 16:9, one slide per section, native editable charts, speaker notes.

Layout per slide: a figure on the left with call-outs and text on the right; without a
figure, call-outs in a row, then tables (split over continuation slides when long), then text.
"""

from __future__ import annotations

import io
from pathlib import Path

from pptx import Presentation
from pptx.chart.data import CategoryChartData
from pptx.dml.color import RGBColor
from pptx.enum.chart import XL_CHART_TYPE, XL_LABEL_POSITION
from pptx.enum.text import MSO_ANCHOR, PP_ALIGN
from pptx.util import Emu, Inches, Pt

from reports.model import Bullets, Callouts, Figure, Paragraph, Report, Section, Table

FONT = "Calibri"
NAVY = RGBColor(0x1F, 0x3A, 0x5F)
PEER = RGBColor(0xA9, 0xB4, 0xC2)
TEXT = RGBColor(0x33, 0x33, 0x33)
GREY = RGBColor(0x6B, 0x6B, 0x6B)
LIGHT = RGBColor(0xEE, 0xF2, 0xF7)
WHITE = RGBColor(0xFF, 0xFF, 0xFF)
TONES = {"good": RGBColor(0x2E, 0x7D, 0x4F), "warn": RGBColor(0xC7, 0x7C, 0x02), "bad": RGBColor(0xB0, 0x3A, 0x2E)}
W, H = 13.333, 7.5
ROW_H = 0.34
CHART_TYPES = {"barh": XL_CHART_TYPE.BAR_CLUSTERED, "bar": XL_CHART_TYPE.COLUMN_CLUSTERED,
               "line": XL_CHART_TYPE.LINE_MARKERS}


def _text_box(slide, x, y, w, h, paragraphs: list[tuple[str, float, bool, RGBColor]], anchor=MSO_ANCHOR.TOP,
              align=PP_ALIGN.LEFT, fill: RGBColor | None = None):
    box = slide.shapes.add_textbox(Inches(x), Inches(y), Inches(w), Inches(h))
    tf = box.text_frame
    tf.word_wrap = True
    tf.vertical_anchor = anchor
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
        p.space_after = Pt(4)
    return box


def _title(slide, text: str, footer: str) -> None:
    bar = slide.shapes.add_shape(1, 0, 0, Inches(W), Inches(0.12))
    bar.fill.solid()
    bar.fill.fore_color.rgb = NAVY
    bar.line.fill.background()
    _text_box(slide, 0.5, 0.3, W - 1, 0.8, [(text, 26, True, NAVY)], anchor=MSO_ANCHOR.MIDDLE)
    _text_box(slide, 0.5, H - 0.45, W - 1, 0.3, [(footer, 9, False, GREY)])


def _chart(slide, f: Figure, x, y, w, h) -> None:
    data = CategoryChartData(number_format=f.number_format)
    data.categories = f.categories
    for s in f.series:
        data.add_series(s.name, s.values)
    chart = slide.shapes.add_chart(CHART_TYPES[f.chart_type], Inches(x), Inches(y), Inches(w), Inches(h),
                                   data).chart
    chart.has_legend = len(f.series) > 1
    chart.font.name, chart.font.size = FONT, Pt(11)
    plot = chart.plots[0]
    plot.has_data_labels = True
    plot.data_labels.number_format, plot.data_labels.number_format_is_linked = f.number_format, False
    plot.data_labels.font.size = Pt(10)
    if f.chart_type != "line":
        plot.gap_width = 60
        plot.data_labels.position = XL_LABEL_POSITION.OUTSIDE_END
        series = plot.series[0]
        for i, cat in enumerate(f.categories):
            point = series.points[i]
            point.format.fill.solid()
            point.format.fill.fore_color.rgb = NAVY if cat == "You" else PEER
    if f.chart_type == "barh":
        chart.category_axis.reverse_order = True  # first category at the top, as in the PNG
    chart.value_axis.has_major_gridlines = False
    chart.value_axis.tick_labels.font.size = Pt(10)
    if f.axis_title:
        chart.value_axis.has_title = True
        chart.value_axis.axis_title.text_frame.text = f.axis_title
        chart.value_axis.axis_title.text_frame.paragraphs[0].runs[0].font.size = Pt(10)
    if f.chart_type == "barh" and max((v or 0) for s in f.series for v in s.values) <= 100:
        chart.value_axis.maximum_scale, chart.value_axis.minimum_scale = 100, 0


def _figure(slide, f: Figure, x, y, w, h) -> None:
    if f.chart_type in CHART_TYPES and f.categories and f.series and f.chart_type != "line":
        _chart(slide, f, x, y, w, h)
    else:
        pic = slide.shapes.add_picture(io.BytesIO(f.png), Inches(x), Inches(y))
        scale = min(Inches(w) / pic.width, Inches(h) / pic.height)
        pic.width, pic.height = int(pic.width * scale), int(pic.height * scale)
        pic.left = Inches(x) + (Inches(w) - pic.width) // 2
    _text_box(slide, x, y + h, w, 0.4, [(f.caption, 9, False, GREY)]) if f.caption else None


def _callouts(slide, b: Callouts, x, y, w, h, vertical: bool) -> float:
    n = len(b.items)
    gap = 0.15
    for i, c in enumerate(b.items):
        if vertical:
            bx, by, bw, bh = x, y + i * (h + gap), w, h
        else:
            bw = (w - gap * (n - 1)) / n
            bx, by, bh = x + i * (bw + gap), y, h
        paras = [(c.value, 24, True, NAVY), (c.label, 12, True, TEXT)] + ([(c.detail, 10, False, GREY)] if c.detail else [])
        _text_box(slide, bx, by, bw, bh, paras, anchor=MSO_ANCHOR.MIDDLE, align=PP_ALIGN.CENTER, fill=LIGHT)
    return (y + n * (h + gap)) if vertical else (y + h + gap)


def _table(slide, t: Table, rows: list, x, y, w) -> float:
    shape = slide.shapes.add_table(len(rows) + 1, len(t.columns), Inches(x), Inches(y), Inches(w),
                                   Inches(ROW_H * (len(rows) + 1)))
    table = shape.table
    total = sum(c.width for c in t.columns)
    for i, c in enumerate(t.columns):
        table.columns[i].width = Emu(int(Inches(w) * c.width / total))
    size = 12 if len(t.columns) <= 6 else 10
    for r, row in enumerate([None] + rows):
        for i, col in enumerate(t.columns):
            cell = table.cell(r, i)
            cell.margin_top = cell.margin_bottom = Inches(0.03)
            p = cell.text_frame.paragraphs[0]
            p.alignment = PP_ALIGN.RIGHT if col.align == "r" else PP_ALIGN.LEFT
            run = p.add_run()
            run.text = col.header if row is None else row[i].text
            run.font.name, run.font.size = FONT, Pt(size)
            run.font.bold = row is None
            cell.fill.solid()
            if row is None:
                cell.fill.fore_color.rgb, run.font.color.rgb = NAVY, WHITE
            else:
                cell.fill.fore_color.rgb = LIGHT if r % 2 == 0 else WHITE
                run.font.color.rgb = TONES.get(row[i].tone or "", TEXT)
    return y + ROW_H * (len(rows) + 1) + 0.15


def _texts(blocks) -> list[tuple[str, float, bool, RGBColor]]:
    out = []
    for b in blocks:
        if isinstance(b, Paragraph):
            out.append((b.text, 11 if b.style == "note" else 15, b.style == "lead", GREY if b.style == "note" else TEXT))
        elif isinstance(b, Bullets):
            out += [((f"{i}. " if b.numbered else "• ") + item, 15, False, TEXT) for i, item in enumerate(b.items, 1)]
    return out


def _notes(slide, s: Section) -> None:
    text = s.notes or "\n".join(t for t, *_ in _texts(s.blocks))
    slide.notes_slide.notes_text_frame.text = text


def _section_slides(prs, s: Section, footer: str) -> None:
    layout = prs.slide_layouts[6]
    figures = [b for b in s.blocks if isinstance(b, Figure)]
    callouts = [b for b in s.blocks if isinstance(b, Callouts)]
    tables = [b for b in s.blocks if isinstance(b, Table)]
    texts = _texts(s.blocks)
    slide = prs.slides.add_slide(layout)
    _title(slide, s.heading, footer)
    _notes(slide, s)
    top = 1.25
    if figures:
        fig = figures[0]
        _figure(slide, fig, 0.5, top, 7.4, 5.0)
        y = top
        for c in callouts:
            y = _callouts(slide, c, 8.2, y, 4.6, 0.85, vertical=True)
        if texts:
            _text_box(slide, 8.2, y + 0.1, 4.6, H - 0.6 - y, [(t, min(s_, 13), b, c) for t, s_, b, c in texts])
        for t in tables:  # rare: a table with a figure goes on the next slide
            _table_slides(prs, s, t, footer, 1.25)
        return
    y = top
    for c in callouts:
        y = _callouts(slide, c, 0.5, y, W - 1, 1.25, vertical=False)
    for t in tables:
        y = _table_slides(prs, s, t, footer, y, slide)
    if texts:
        _text_box(slide, 0.5, y, W - 1, max(H - 0.6 - y, 0.8), texts)


def _table_slides(prs, s: Section, t: Table, footer: str, y: float, slide=None) -> float:
    rows = list(t.rows)
    while True:
        if slide is None:
            slide = prs.slides.add_slide(prs.slide_layouts[6])
            _title(slide, s.heading + " (continued)", footer)
            _notes(slide, s)
        fit = max(1, int((H - 0.8 - y) / ROW_H) - 1)
        y = _table(slide, t, rows[:fit], 0.5, y, W - 1)
        rows = rows[fit:]
        if not rows:
            return y
        slide, y = None, 1.25


def write_pptx(report: Report, path: Path) -> Path:
    prs = Presentation()
    prs.slide_width, prs.slide_height = Inches(W), Inches(H)
    prs.core_properties.title = report.title
    prs.core_properties.author = report.prepared_by
    slide = prs.slides.add_slide(prs.slide_layouts[6])
    band = slide.shapes.add_shape(1, 0, 0, Inches(W), Inches(H * 0.55))
    band.fill.solid()
    band.fill.fore_color.rgb = NAVY
    band.line.fill.background()
    _text_box(slide, 0.8, 1.4, W - 1.6, 1.8, [(report.title, 36, True, WHITE)], anchor=MSO_ANCHOR.BOTTOM)
    _text_box(slide, 0.8, H * 0.55 + 0.4, W - 1.6, 2.2,
              [(f"{k}: {v}", 16, False, TEXT) for k, v in report.meta])
    _text_box(slide, 0.8, H - 0.6, W - 1.6, 0.3, [(report.footer, 10, False, GREY)])
    slide.notes_slide.notes_text_frame.text = f"{report.title}. Prepared by {report.prepared_by}, {report.date}."
    for s in report.sections:
        _section_slides(prs, s, report.footer)
    prs.save(str(path))
    return path
