"""Native, editable PPTX charts (python-pptx ``CategoryChartData``) for the report figures.

- "bands": a stacked bar per metric: an invisible spacer, the bar coloured by quartile band (one
  series per band, so the legend names every colour), a bound drawn as a hatched span ("<10th" from
  0 to 10, ">90th" from 90 to 100), and the percentile as the label after the bar.
- "histogram": the peer group's bin counts, the account's bin in the accent colour, labelled "You".
- "line": monthly lines, "you" in the accent colour, peer medians and baselines dashed grey, targets
  dashed green.
- "panels": small multiples, one line chart per panel figure.
- "barh" / "bar": plain bars, a "You" category in the accent colour.
"""

from __future__ import annotations

import datetime as dt

from lxml import etree
from pptx.chart.data import CategoryChartData
from pptx.dml.color import RGBColor
from pptx.enum.chart import XL_CHART_TYPE, XL_LABEL_POSITION, XL_LEGEND_POSITION, XL_MARKER_STYLE
from pptx.enum.dml import MSO_LINE_DASH_STYLE, MSO_PATTERN_TYPE
from pptx.oxml.ns import qn
from pptx.util import Inches, Pt

from reports.model import Figure

NATIVE = frozenset({"barh", "bar", "line", "bands", "histogram", "panels"})
FONT = "Calibri"
PEER = RGBColor(0xA9, 0xB4, 0xC2)
GREY = RGBColor(0x6B, 0x6B, 0x6B)
GRIDLINE = RGBColor(0xE3, 0xE7, 0xEC)
GREEN = RGBColor(0x2E, 0x7D, 0x4F)
BAND_COLOURS = {"top_performer": RGBColor(0x2E, 0x7D, 0x4F), "above_median": RGBColor(0x7D, 0xB3, 0x8E),
                "below_median": RGBColor(0xE0, 0xA5, 0x37), "lagging": RGBColor(0xC8, 0x55, 0x3D)}
BAND_NAMES = {"top_performer": "Top 10% (90th+)", "above_median": "Above median (50th-89th)",
              "below_median": "Below median (25th-49th)", "lagging": "Lowest quartile (under 25th)"}
BOUND_NAME = "Outside the published range (somewhere in the hatched span)"
LABEL_ROOM = 14   # the transparent span after each band bar that carries its label


def native_chart(slide, f: Figure, x: float, y: float, w: float, h: float, accent: RGBColor) -> None:
    if f.chart_type == "panels":
        _panels(slide, f, x, y, w, h, accent)
    elif f.chart_type == "bands":
        _bands(slide, f, x, y, w, h)
    elif f.chart_type == "histogram":
        _histogram(slide, f, x, y, w, h, accent)
    elif f.chart_type == "line":
        _line(slide, f, x, y, w, h, accent)
    else:
        _bars(slide, f, x, y, w, h, accent)


def _add(slide, kind, data, x, y, w, h, size: float = 12):
    chart = slide.shapes.add_chart(kind, Inches(x), Inches(y), Inches(w), Inches(h), data).chart
    chart.has_title = False          # the slide (or the panel title above) says what the chart is
    chart.font.name, chart.font.size = FONT, Pt(size)
    return chart


def _axes(chart, f: Figure, size: float = 11) -> None:
    chart.category_axis.tick_labels.font.size = Pt(size)
    chart.category_axis.format.line.color.rgb = PEER
    chart.category_axis.has_major_gridlines = False
    va = chart.value_axis
    va.has_major_gridlines = True
    va.major_gridlines.format.line.color.rgb = GRIDLINE
    va.format.line.fill.background()
    va.tick_labels.font.size = Pt(size - 1)
    va.tick_labels.font.color.rgb = GREY
    if f.axis_title:
        va.has_title = True
        va.axis_title.text_frame.text = f.axis_title
        run = va.axis_title.text_frame.paragraphs[0].runs[0]
        run.font.size, run.font.bold, run.font.color.rgb = Pt(size - 1), False, GREY
    if f.axis_range:
        va.minimum_scale, va.maximum_scale = f.axis_range
        if f.axis_range == (0, 100):
            va.major_unit = 25
    if len(f.categories) > 8:
        _skip_labels(chart, 2)


def _skip_labels(chart, every: int) -> None:
    """Label every ``every``-th category (c:tickLblSkip, which python-pptx does not expose)."""
    ax = chart.category_axis._element
    if ax.find(qn("c:tickLblSkip")) is not None:
        return
    skip = etree.Element(qn("c:tickLblSkip"))
    skip.set("val", str(every))
    after = ax.find(qn("c:lblOffset"))
    if after is not None:
        after.addnext(skip)
    else:
        ax.find(qn("c:noMultiLvlLbl")).addprevious(skip) if ax.find(qn("c:noMultiLvlLbl")) is not None \
            else ax.append(skip)


def axis_format(fmt: str, values: list[float | None]) -> str:
    """The value axis's format: the data's, without decimals when the axis spans 5 units or more."""
    known = [v for v in values if v is not None]
    if known and max(known) - min(known) >= 5 or (known and max(known) >= 1000):
        return fmt.replace("0.0", "0").replace("0.00", "0")
    return fmt


def _legend(chart, size: float = 11, hide: tuple[int, ...] = ()) -> None:
    chart.has_legend = True
    chart.legend.position = XL_LEGEND_POSITION.BOTTOM
    chart.legend.include_in_layout = False
    chart.legend.font.size = Pt(size)
    pos = chart.legend._element.find(qn("c:legendPos"))
    for idx in sorted(hide, reverse=True):  # c:legendEntry goes right after c:legendPos
        entry = etree.SubElement(chart.legend._element, qn("c:legendEntry"))
        etree.SubElement(entry, qn("c:idx")).set("val", str(idx))
        etree.SubElement(entry, qn("c:delete")).set("val", "1")
        pos.addnext(entry)


def _bar_axis_down(chart) -> None:
    """First category at the top, the value axis at the bottom (c:crosses on the value axis)."""
    chart.category_axis.reverse_order = True
    chart.value_axis._element.xpath("./c:crosses")[0].set("val", "max")


def _bands(slide, f: Figure, x, y, w, h) -> None:
    pts = f.points
    bands = [b for b in BAND_COLOURS if any(p["band"] == b for p in pts)]  # a legend entry for every colour
    bounded = any(p.get("bound") for p in pts)
    data = CategoryChartData(number_format="0")
    data.categories = [p["label"] for p in pts]
    data.add_series("spacer", [90 if p.get("bound") == "above" else 0 for p in pts])
    for b in bands:
        data.add_series(BAND_NAMES[b], [p["value"] if p["band"] == b and not p.get("bound") else None for p in pts])
    if bounded:
        data.add_series(BOUND_NAME, [(100 - p["value"]) if p.get("bound") == "above" else p["value"]
                                     if p.get("bound") else None for p in pts])
    data.add_series("label", [LABEL_ROOM] * len(pts))
    chart = _add(slide, XL_CHART_TYPE.BAR_STACKED, data, x, y, w, h)
    plot = chart.plots[0]
    plot.gap_width, plot.overlap = 45, 100
    series = list(plot.series)
    series[0].format.fill.background()
    for i, p in enumerate(pts):  # above a bound: the band's bar up to the bound, then the hatched span
        if p.get("bound") == "above":
            series[0].points[i].format.fill.solid()
            series[0].points[i].format.fill.fore_color.rgb = BAND_COLOURS.get(p["band"], GREY)
    for s, b in zip(series[1:], bands):
        s.format.fill.solid()
        s.format.fill.fore_color.rgb = BAND_COLOURS[b]
    if bounded:
        s = series[1 + len(bands)]
        _hatch(s.format, GREY)
        for i, p in enumerate(pts):  # each span hatched in its band's colour
            if p.get("bound"):
                _hatch(s.points[i].format, BAND_COLOURS.get(p["band"], GREY))
    label = series[-1]
    label.format.fill.background()
    for i, p in enumerate(pts):
        dl = label.points[i].data_label
        dl.has_text_frame = True
        dl.text_frame.text = p["text"]
        dl.position = XL_LABEL_POSITION.INSIDE_BASE
        dl.font.size, dl.font.bold = Pt(11), True
    _bar_axis_down(chart)
    _axes(chart, f)
    va = chart.value_axis
    va.minimum_scale, va.maximum_scale, va.major_unit = 0, 100 + LABEL_ROOM, 25
    va.tick_labels.number_format, va.tick_labels.number_format_is_linked = '[<=100]0;""', False
    _legend(chart, 10, hide=(0, len(series) - 1))


def _hatch(fmt, colour: RGBColor) -> None:
    fmt.fill.patterned()
    fmt.fill.pattern = MSO_PATTERN_TYPE.WIDE_UPWARD_DIAGONAL
    fmt.fill.fore_color.rgb = colour
    fmt.fill.back_color.rgb = RGBColor(0xFF, 0xFF, 0xFF)
    fmt.line.color.rgb = colour


def _histogram(slide, f: Figure, x, y, w, h, accent: RGBColor) -> None:
    data = CategoryChartData(number_format="0")
    data.categories = f.categories
    data.add_series(f.series[0].name, f.series[0].values)
    chart = _add(slide, XL_CHART_TYPE.COLUMN_CLUSTERED, data, x, y, w, h)
    plot = chart.plots[0]
    plot.gap_width = 12
    s = plot.series[0]
    for i, p in enumerate(f.points):
        point = s.points[i]
        point.format.fill.solid()
        point.format.fill.fore_color.rgb = accent if p.get("you") else PEER
        if p.get("you"):
            dl = point.data_label
            dl.has_text_frame = True
            dl.text_frame.text = "You"
            dl.position = XL_LABEL_POSITION.OUTSIDE_END
            dl.font.size, dl.font.bold, dl.font.color.rgb = Pt(12), True, accent
    _axes(chart, f)
    chart.category_axis.has_title = True
    chart.category_axis.axis_title.text_frame.text = "overall score (mean metric percentile)"
    run = chart.category_axis.axis_title.text_frame.paragraphs[0].runs[0]
    run.font.size, run.font.bold, run.font.color.rgb = Pt(10), False, GREY
    chart.has_legend = False


STYLES = {"you": (None, None, 2.25), "peer": (PEER, MSO_LINE_DASH_STYLE.DASH, 1.75),
          "target": (GREEN, MSO_LINE_DASH_STYLE.DASH, 1.5), "baseline": (GREY, MSO_LINE_DASH_STYLE.ROUND_DOT, 1.25),
          "": (PEER, None, 1.75)}


def _line(slide, f: Figure, x, y, w, h, accent: RGBColor, size: float = 12, title: str = "") -> None:
    data = CategoryChartData(number_format=f.number_format)
    data.categories = [_short(c) for c in f.categories]
    for s in f.series:
        data.add_series(s.name, s.values)
    chart = _add(slide, XL_CHART_TYPE.LINE_MARKERS, data, x, y, w, h, size)
    for s, series in zip(f.series, chart.plots[0].series):
        colour, dash, width = STYLES.get(s.style, STYLES[""])
        series.smooth = False
        series.format.line.color.rgb = colour or accent
        series.format.line.width = Pt(width)
        if dash is not None:
            series.format.line.dash_style = dash
        series.marker.style = XL_MARKER_STYLE.CIRCLE if s.style in ("you", "") else XL_MARKER_STYLE.NONE
        if s.style in ("you", ""):
            series.marker.size = 5
            series.marker.format.fill.solid()
            series.marker.format.fill.fore_color.rgb = colour or accent
            series.marker.format.line.color.rgb = colour or accent
    _axes(chart, f, size - 1)
    chart.value_axis.tick_labels.number_format = axis_format(f.number_format, [v for s in f.series for v in s.values])
    chart.value_axis.tick_labels.number_format_is_linked = False
    if title:
        chart.has_title = True
        chart.chart_title.text_frame.text = title
        run = chart.chart_title.text_frame.paragraphs[0].runs[0]
        run.font.size, run.font.bold = Pt(size + 1), True
    if len(f.series) > 1:
        _legend(chart, size - 1)
    else:
        chart.has_legend = False


def _short(label: str) -> str:
    """'2026-03' -> 'Mar 26'; other labels unchanged."""
    try:
        return f"{dt.date.fromisoformat(label[:7] + '-01'):%b %y}" if len(label) == 7 else label
    except ValueError:
        return label


def _panels(slide, f: Figure, x, y, w, h, accent: RGBColor) -> None:
    n = len(f.panels)
    cols = 1 if n == 1 else 2
    rows = -(-n // cols)
    gap = 0.25
    pw, ph = (w - gap * (cols - 1)) / cols, (h - gap * (rows - 1)) / rows
    for i, p in enumerate(f.panels):
        r, c = divmod(i, cols)
        _line(slide, p, x + c * (pw + gap), y + r * (ph + gap), pw, ph, accent, size=11, title=p.title)


def _bars(slide, f: Figure, x, y, w, h, accent: RGBColor) -> None:
    data = CategoryChartData(number_format=f.number_format)
    data.categories = f.categories
    for s in f.series:
        data.add_series(s.name, s.values)
    kind = XL_CHART_TYPE.BAR_CLUSTERED if f.chart_type == "barh" else XL_CHART_TYPE.COLUMN_CLUSTERED
    chart = _add(slide, kind, data, x, y, w, h)
    plot = chart.plots[0]
    plot.has_data_labels = True
    plot.data_labels.number_format, plot.data_labels.number_format_is_linked = f.number_format, False
    plot.data_labels.font.size = Pt(12)
    plot.gap_width = 50
    plot.data_labels.position = XL_LABEL_POSITION.OUTSIDE_END
    for i, cat in enumerate(f.categories):
        point = plot.series[0].points[i]
        point.format.fill.solid()
        point.format.fill.fore_color.rgb = accent if cat == "You" else PEER
    if f.chart_type == "barh":
        _bar_axis_down(chart)
    _axes(chart, f)
    chart.has_legend = len(f.series) > 1
