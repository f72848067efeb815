"""PPTX export (python-pptx): 16:9, a cover and an agenda, one slide per section, native editable charts,
speaker notes on every slide.

A slide's title is the section's finding when it has one (its name above it, small), so a deck
reads as a story from its titles alone. Layout per slide: side-by-side panels (wins / risks /
asks); a figure on the left with call-outs and text on the right, or two figures side by side;
without a figure, call-outs in a row, then tables (split over continuation slides when long),
then text. Charts are native wherever python-pptx draws the kind (bars, percentile bands, the
peer histogram, lines and small multiples of lines); others are placed as the PNG. Every text
box is sized for its text: font sizes step down until the estimated wrapped height fits the box
(python-pptx cannot measure text, so :func:`text_height` estimates it from the characters per
line), and tables get row heights for their wrapped cells.
"""

from __future__ import annotations

import io
from pathlib import Path

from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.enum.text import MSO_ANCHOR, MSO_AUTO_SIZE, PP_ALIGN
from pptx.util import Emu, Inches, Pt

from reports.layout import estimate, fit_widths, measure
from reports.model import Bullets, Callouts, Figure, Panels, Paragraph, Report, Section, Table, cleaned
from reports.pptx_charts import NATIVE, native_chart
from reports.properties import set_core

FONT = "Calibri"
TEXT = RGBColor(0x33, 0x33, 0x33)
GREY = RGBColor(0x6B, 0x6B, 0x6B)
LIGHT = RGBColor(0xEE, 0xF2, 0xF7)
WHITE = RGBColor(0xFF, 0xFF, 0xFF)
TONES = {"good": RGBColor(0x2E, 0x7D, 0x4F), "warn": RGBColor(0xC7, 0x7C, 0x02), "bad": RGBColor(0xB0, 0x3A, 0x2E)}
PANEL_FILLS = {"good": RGBColor(0xEC, 0xF5, 0xEF), "bad": RGBColor(0xFA, 0xEE, 0xEC), "": RGBColor(0xF1, 0xF4, 0xF9)}
W, H = 13.333, 7.5
TOP = 1.45             # content starts under the title
BOTTOM = H - 0.6       # content ends above the footer
MARGIN_X = 0.1         # python-pptx text frame insets (in)
MARGIN_Y = 0.05
LINE = 1.2             # line height / font size
SPACE_AFTER_PT = 4
CELL_MARGIN_X = 0.08
CELL_MARGIN_Y = 0.03

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


def _bar(slide, x, y, w, h, colour: RGBColor):
    bar = slide.shapes.add_shape(1, Inches(x), Inches(y), Inches(w), Inches(h))
    bar.fill.solid()
    bar.fill.fore_color.rgb = colour
    bar.line.fill.background()
    return bar


def _logo(slide, logo: bytes, right: float, bottom: float, height: float) -> None:
    pic = slide.shapes.add_picture(io.BytesIO(logo), 0, 0, height=Inches(height))
    if pic.width > Inches(2.2):  # a wide wordmark: cap the width instead
        scale = Inches(2.2) / pic.width
        pic.width, pic.height = int(pic.width * scale), int(pic.height * scale)
    pic.left, pic.top = int(Inches(right) - pic.width), int(Inches(bottom) - pic.height)


class _Deck:
    def __init__(self, report: Report):
        self.prs = Presentation()
        self.prs.slide_width, self.prs.slide_height = Inches(W), Inches(H)
        self.report = report
        self.accent = RGBColor(*report.brand.rgb)

    def slide(self, s: Section | None, title: str, kicker: str = "", notes: str = ""):
        slide = self.prs.slides.add_slide(self.prs.slide_layouts[6])
        _bar(slide, 0, 0, W, 0.12, self.accent)
        if kicker:
            _text_box(slide, 0.5, 0.22, W - 1, 0.32, [(kicker.upper(), 11, True, GREY)])
        _text_box(slide, 0.5, 0.5 if kicker else 0.3, W - 1, 0.85 if kicker else 1.0, [(title, 26, True, self.accent)],
                  anchor=MSO_ANCHOR.MIDDLE)
        page = len(self.prs.slides._sldIdLst)
        _text_box(slide, 0.5, H - 0.45, W - 3.2, 0.32, [(self.report.footer, 9, False, GREY)])
        _text_box(slide, W - 2.6, H - 0.45, 0.6, 0.32, [(str(page), 9, False, GREY)], align=PP_ALIGN.RIGHT)
        if self.report.brand.logo:
            _logo(slide, self.report.brand.logo, W - 0.5, H - 0.12, 0.32)
        slide.notes_slide.notes_text_frame.text = notes or (_notes_text(s) if s is not None else title)
        return slide

    def section_slide(self, s: Section, continued: bool = False):
        title = (s.headline or s.heading) + (" (continued)" if continued else "")
        return self.slide(s, title, kicker=s.heading if s.headline else "")


def _notes_text(s: Section) -> str:
    return s.notes or "\n".join(t for t, *_ in _texts(s.blocks)) or s.heading


# ---- blocks ---------------------------------------------------------------------------------------

def _figure(slide, f: Figure, x, y, w, h, accent: RGBColor, title: bool = False) -> None:
    top = y
    if title:
        _text_box(slide, x, y, w, 0.4, [(f.title, 14, True, TEXT)])
        top += 0.42
    cap_h = min(0.75, text_height([(f.caption, 11, False, GREY)], w) + 0.02) if f.caption else 0
    ch = y + h - top - cap_h
    if f.chart_type in NATIVE and (f.categories or f.panels or f.points):
        native_chart(slide, f, x, top, w, ch, accent)
    else:
        pic = slide.shapes.add_picture(io.BytesIO(f.png), Inches(x), Inches(top))
        scale = min(Inches(w) / pic.width, Inches(ch) / pic.height)
        pic.width, pic.height = int(pic.width * scale), int(pic.height * scale)
        pic.left = Inches(x) + (Inches(w) - pic.width) // 2
    if f.caption:
        _text_box(slide, x, y + h - cap_h, w, cap_h, [(f.caption, 11, False, GREY)])


def _callouts(slide, b: Callouts, x, y, w, h, accent: RGBColor, per_row: int | None = None) -> float:
    """Call-out boxes in rows of ``per_row`` (default: one row); returns the y below them."""
    n = len(b.items)
    gap = 0.15
    cols = per_row or n
    bw = (w - gap * (cols - 1)) / cols
    for i, c in enumerate(b.items):
        r, k = divmod(i, cols)
        bx, by = x + k * (bw + gap), y + r * (h + gap)
        paras = [(c.value, 26, True, accent), (c.label, 13, True, TEXT)] + ([(c.detail, 11, False, GREY)]
                                                                            if c.detail else [])
        _text_box(slide, bx, by, bw, h, paras, anchor=MSO_ANCHOR.MIDDLE, align=PP_ALIGN.CENTER, fill=LIGHT,
                  space_after=2)
    rows = -(-n // cols)
    return y + rows * (h + gap)


def _panels(slide, b: Panels, x, y, w, h, accent: RGBColor) -> None:
    n = len(b.items)
    gap = 0.2
    pw = (w - gap * (n - 1)) / n
    for i, p in enumerate(b.items):
        px = x + i * (pw + gap)
        colour = TONES.get(p.tone, accent)
        _bar(slide, px, y, pw, 0.07, colour)
        paras = [(p.title, 20, True, colour)] + [("• " + item, 16, False, TEXT) for item in p.items]
        _text_box(slide, px, y + 0.07, pw, h - 0.07, paras, fill=PANEL_FILLS.get(p.tone, PANEL_FILLS[""]),
                  space_after=10)


def panels_height(b: Panels, w: float, gap: float = 0.2) -> float:
    pw = (w - gap * (len(b.items) - 1)) / len(b.items)
    return max(text_height([(p.title, 20, True, TEXT)] + [("• " + i, 16, False, TEXT) for i in p.items], pw, 10)
               for p in b.items) + 0.07


def _table_size(t: Table) -> float:
    return 14 if len(t.columns) <= 6 else 12 if len(t.columns) <= 8 else 11


def _table_layout(t: Table, w: float, room: float = BOTTOM - TOP,
                  grow: float = 0) -> tuple[list[float], list[float], float]:
    """(column widths in, row heights in for header + rows, font size): the size steps down (to 11 pt) while
    that keeps the table on one slide; ``grow`` pt larger first (a short table alone on its slide)."""
    for size in sorted({_table_size(t) + grow, _table_size(t), 12, 11}, reverse=True):
        if size > _table_size(t) + grow:
            continue
        layout = _table_at(t, w, size)
        if sum(layout[1]) <= room:
            return layout
    return _table_at(t, w, _table_size(t))


def _table_at(t: Table, w: float, size: float) -> tuple[list[float], list[float], float]:
    widths = fit_widths(t, w * 72, lambda text, bold: measure(text, size, bold), CELL_MARGIN_X * 72)
    widths = [x / 72 for x in widths]

    def height(texts: list[str], bold: bool) -> float:
        lines = max(_wrapped_lines(s, size, cw - 2 * CELL_MARGIN_X, bold) for s, cw in zip(texts, widths))
        return lines * size * LINE / 72 + 2 * CELL_MARGIN_Y + 0.06

    rows = [height([c.header for c in t.columns], True)]
    rows += [height([c.text for c in r], t.total and i == len(t.rows) - 1) for i, r in enumerate(t.rows)]
    return widths, rows, size


def _table(slide, t: Table, rows: list, heights: list[float], widths: list[float], size: float, x, y,
           accent: RGBColor, on_accent: RGBColor) -> float:
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
                cell.fill.fore_color.rgb, run.font.color.rgb = accent, on_accent
            else:
                cell.fill.fore_color.rgb = LIGHT if r % 2 == 1 else WHITE
                run.font.color.rgb = TONES.get(row[i].tone or "", TEXT)
    return y + sum(heights) + 0.2


def _texts(blocks, size: float = 16, accent: RGBColor = TEXT) -> list[Para]:
    out = []
    for b in blocks:
        if isinstance(b, Paragraph):
            if b.style == "headline":
                continue  # it is the slide's title
            out.append((b.text, size - 4 if b.style == "note" else size, False,
                        GREY if b.style == "note" else accent if b.style == "lead" else TEXT))
        elif isinstance(b, Bullets):
            out += [((f"{i}. " if b.numbered else "• ") + item, size, False, TEXT)
                    for i, item in enumerate(b.items, 1)]
    return out


# ---- slides ---------------------------------------------------------------------------------------

def _flow(s: Section) -> bool:
    """Tables and text only: such a section may share a slide with the one before."""
    return all(isinstance(b, (Table, Paragraph, Bullets)) for b in s.blocks)


def _flow_height(s: Section, accent: RGBColor) -> float:
    h = 0.0
    for t in (b for b in s.blocks if isinstance(b, Table)):
        _, heights, _ = _table_layout(t, W - 1)
        h += sum(heights) + 0.2 + (text_height([(t.note, 11, False, GREY)], W - 1) if t.note else 0)
    texts = _texts(s.blocks, accent=accent)
    return h + (text_height(texts, W - 1) if texts else 0)


def _append_section(deck: _Deck, s: Section, slide, y: float) -> float:
    """``s`` under the previous section on the same slide, with its heading as a subtitle."""
    y += 0.15
    _text_box(slide, 0.5, y, W - 1, 0.45, [(s.headline or s.heading, 18, True, deck.accent)])
    y += 0.5
    for t in (b for b in s.blocks if isinstance(b, Table)):
        slide, y = _table_slides(deck, s, t, y, slide)
    texts = _texts(s.blocks, accent=deck.accent)
    if texts:
        h = min(BOTTOM - y, text_height(texts, W - 1))
        _text_box(slide, 0.5, y, W - 1, h, texts)
        y += h
    frame = slide.notes_slide.notes_text_frame
    frame.text = frame.text + "\n" + _notes_text(s)
    return y


def _section_slides(deck: _Deck, s: Section):
    """The section's slides; returns (last slide, y below its content) when a short section could follow."""
    figures = [b for b in s.blocks if isinstance(b, Figure)]
    callouts = [b for b in s.blocks if isinstance(b, Callouts)]
    panels = [b for b in s.blocks if isinstance(b, Panels)]
    tables = [b for b in s.blocks if isinstance(b, Table)]
    texts = _texts(s.blocks, accent=deck.accent)
    accent = deck.accent
    slide = deck.section_slide(s)
    if panels:
        y = TOP
        for c in callouts:
            y = _callouts(slide, c, 0.5, y, W - 1, 1.25, accent)
        text_h = min(2.2, text_height(texts, W - 1)) if texts else 0
        room = BOTTOM - y - text_h - (0.15 if texts else 0)
        h = min(room, max(2.6, panels_height(panels[0], W - 1) + 0.3))
        _panels(slide, panels[0], 0.5, y, W - 1, h, accent)
        if texts:
            _text_box(slide, 0.5, y + h + 0.15, W - 1, BOTTOM - y - h - 0.15, texts)
        for f in figures:
            _figure_slide(deck, s, f)
        for t in tables:
            _table_slides(deck, s, t, TOP, None)
        return
    side_by_side = all(f.chart_type in NATIVE and f.chart_type != "panels" for f in figures[:2])
    if len(figures) >= 2 and not callouts and not tables and side_by_side:  # two native charts, half width each
        half = (W - 1 - 0.4) / 2
        text_h = min(1.0, text_height(texts, W - 1)) if texts else 0
        for i, f in enumerate(figures[:2]):
            _figure(slide, f, 0.5 + i * (half + 0.4), TOP, half, BOTTOM - TOP - text_h, accent, title=True)
        if texts:
            _text_box(slide, 0.5, BOTTOM - text_h, W - 1, text_h, texts)
        for f in figures[2:]:
            _figure_slide(deck, s, f)
        return
    if figures and tables and not callouts:  # a short table with its chart under it, else one after the other
        widths, heights, size = _table_layout(tables[0], W - 1)
        if len(tables) == 1 and sum(heights) <= 0.45 * (BOTTOM - TOP) and \
                BOTTOM - TOP - sum(heights) - 0.2 >= _readable_height(figures[0]):
            y = _table(slide, tables[0], tables[0].rows, heights, widths, size, 0.5, TOP, accent,
                       RGBColor(*deck.report.brand.on_accent))
            _figure(slide, figures[0], 0.5, y, W - 1, BOTTOM - y, accent, title=True)
            rest = figures[1:]
        else:
            for t in tables:  # a short table alone on its slide reads a size larger
                slide, _ = _table_slides(deck, s, t, TOP, slide, grow=2 if len(tables) == 1 else 0)
                slide = None
            rest = figures
        for f in rest:
            _figure_slide(deck, s, f)
        return None
    if figures:
        f = figures[0]
        wide = f.chart_type == "panels" or (not callouts and not texts)
        _figure(slide, f, 0.5, TOP, W - 1 if wide else 7.6, BOTTOM - TOP, accent)
        y = TOP
        if not wide:
            for c in callouts:
                y = _callouts(slide, c, 8.4, y, 4.43, 1.2, accent, per_row=2)
            if texts:
                _text_box(slide, 8.4, y + 0.05, 4.43, BOTTOM - y - 0.05, [(t, min(s_, 16), b, c)
                                                                          for t, s_, b, c in texts])
        for extra in figures[1:]:
            _figure_slide(deck, s, extra)
        for t in tables:  # rare: a table with a figure goes on the next slide
            _table_slides(deck, s, t, TOP, None)
        return
    y = TOP
    for c in callouts:
        y = _callouts(slide, c, 0.5, y, W - 1, 1.3, accent)
    reserve = text_height([(t, 12, b, c) for t, _, b, c in texts], W - 1) if texts and tables else 0
    for t in tables:  # the table's type steps down so the text under it stays on the slide
        slide, y = _table_slides(deck, s, t, y, slide, reserve)
    if texts:
        if BOTTOM - y < 0.45 or text_height(fit_paragraphs(texts, W - 1, BOTTOM - y, smallest=11), W - 1) > BOTTOM - y:
            slide, y = deck.section_slide(s, continued=True), TOP
        alone = not tables and not callouts  # a text-only slide reads at 20 pt with room between items
        paras = [(t, sz * 20 / 16, b, c) for t, sz, b, c in texts] if alone else texts
        space = 14 if alone else SPACE_AFTER_PT
        h = min(BOTTOM - y, text_height(fit_paragraphs(paras, W - 1, BOTTOM - y, space_after=space), W - 1, space))
        _text_box(slide, 0.5, y, W - 1, BOTTOM - y if alone else h, paras, space_after=space)
        y = BOTTOM if alone else y + h
    return (slide, y) if _flow(s) and not callouts else None


PANEL_ROW_IN = 2.2      # a small multiple's plot stays readable with its title, axis and legend


def _readable_height(f: Figure) -> float:
    """The height (in) a figure needs under a table: small multiples need a row height per two panels."""
    rows = -(-len(f.panels) // 2) if f.chart_type == "panels" and f.panels else 1
    return 0.42 + rows * PANEL_ROW_IN + (0.5 if f.caption else 0)


def _figure_slide(deck: _Deck, s: Section, f: Figure) -> None:
    slide = deck.slide(s, f.title, kicker=s.heading, notes=f"{f.title}. {f.caption}".strip())
    _figure(slide, f, 0.5, TOP, W - 1, BOTTOM - TOP, deck.accent)


def _table_slides(deck: _Deck, s: Section, t: Table, y: float, slide, reserve: float = 0.0, grow: float = 0):
    note = text_height([(t.note, 11, False, GREY)], W - 1) if t.note else 0
    widths, heights, size = _table_layout(t, W - 1, BOTTOM - y - reserve - note, grow)
    head, body = heights[0], heights[1:]
    rows = list(zip(t.rows, body))
    on_accent = RGBColor(*deck.report.brand.on_accent)
    while True:
        if slide is None or y + head + (rows[0][1] if rows else 0) > BOTTOM:
            slide, y = deck.section_slide(s, continued=True), TOP
        room, take = BOTTOM - y - head, 0
        while take < len(rows) and room >= rows[take][1]:
            room -= rows[take][1]
            take += 1
        take = max(1, take)
        if 0 < len(rows) - take < 3 and take > 3:  # never leave one or two rows alone on a slide
            take = len(rows) - 3
        part = rows[:take]
        y = _table(slide, t, [r for r, _ in part], [head] + [h for _, h in part], widths, size, 0.5, y,
                   deck.accent, on_accent)
        rows = rows[take:]
        if not rows:
            if t.note:
                note = [(t.note, 11, False, GREY)]
                nh = text_height(note, W - 1)
                if BOTTOM - y < nh:  # no room under the table: the note goes to the speaker notes
                    frame = slide.notes_slide.notes_text_frame
                    frame.text = frame.text + "\n" + t.note
                else:
                    _text_box(slide, 0.5, y - 0.1, W - 1, nh, note)
                    y += nh
            return slide, y
        slide = None


def _cover(deck: _Deck) -> None:
    report = deck.report
    slide = deck.prs.slides.add_slide(deck.prs.slide_layouts[6])
    _bar(slide, 0, 0, W, H * 0.58, deck.accent)
    on = RGBColor(*report.brand.on_accent)
    if report.kicker:
        _text_box(slide, 0.8, 0.9, W - 1.6, 0.5, [(report.kicker.upper(), 16, True, on)])
    _text_box(slide, 0.8, 1.4, W - 1.6, 2.1, [(report.customer or report.title, 48, True, on)],
              anchor=MSO_ANCHOR.BOTTOM)
    if report.subtitle:
        _text_box(slide, 0.8, 3.55, W - 1.6, 0.6, [(report.subtitle, 18, False, on)])
    _text_box(slide, 0.8, H * 0.58 + 0.4, W - 4.6, 2.2, [(f"{k}: {v}", 16, False, TEXT) for k, v in report.meta])
    _text_box(slide, 0.8, H - 0.6, W - 4.6, 0.34, [(report.footer, 10, False, GREY)])
    if report.brand.logo:
        _logo(slide, report.brand.logo, W - 0.8, H - 0.5, 0.8)
    elif report.brand.name:
        _text_box(slide, W - 4.8, H - 1.2, 4.0, 0.6, [(report.brand.name, 20, True, deck.accent)], align=PP_ALIGN.RIGHT)
    slide.notes_slide.notes_text_frame.text = (
        f"{report.title}. Prepared by {report.prepared_by}, {report.date}. "
        + ("Agenda: " + "; ".join(s.heading for s in report.sections) + "." if report.sections else ""))


def _agenda(deck: _Deck) -> None:
    sections = deck.report.sections
    main = [s.heading for s in sections if s.key != "methodology"]
    items = [(f"{i}.  {h}", 22, False, TEXT) for i, h in enumerate(main, 1)]
    if any(s.key == "methodology" for s in sections):
        items.append(("Appendix: how the comparison was made", 16, False, GREY))
    slide = deck.slide(None, "Agenda", notes="Today: " + "; ".join(main) + ". Ask what matters most to them "
                                                                             "this quarter before starting.")
    _text_box(slide, 0.8, TOP + 0.1, W - 1.6, BOTTOM - TOP - 0.1, items, space_after=14)


def write_pptx(report: Report, path: Path) -> Path:
    report = cleaned(report)  # text from data: no control characters reach the file
    deck = _Deck(report)
    set_core(deck.prs.core_properties, report)
    _cover(deck)
    if report.agenda:
        _agenda(deck)
    room = None  # (slide, y) with space left after a section of tables and text
    for s in report.sections:
        if room is not None and _flow(s) and room[1] + 0.65 + _flow_height(s, deck.accent) <= BOTTOM:
            room = (room[0], _append_section(deck, s, *room))  # a short section shares the slide
        else:
            room = _section_slides(deck, s)
    deck.prs.save(str(path))
    return path
