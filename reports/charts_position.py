"""Where an account stands, drawn for a customer: percentile bands, bullet rows, the peer group's
spread, and the position over time (matplotlib Agg to PNG; the style and cache of :mod:`reports.charts`).

Peers appear only as aggregates the caller passes in (quartiles, bin counts, monthly medians):
these functions cannot draw an individual peer. Every colour has a legend entry, and a
percentile outside a benchmark's published range is drawn as the range it lies in ("<10th" from
0 to 10, hatched), never as a point on the bound.
"""

from __future__ import annotations

import math

from matplotlib import rcParams
from matplotlib.lines import Line2D
from matplotlib.markers import TICKDOWN, TICKLEFT
from matplotlib.patches import Patch
from matplotlib.ticker import MaxNLocator
from matplotlib.transforms import Bbox, BboxTransform, offset_copy

from reports.charts import (
    GRID,
    GRID_DPI,
    MUTED,
    PEER,
    TEXT,
    _axis_formatter,
    _figure,
    _grid_cells,
    _margins,
    _month,
    _png,
    cached,
)

BAND_COLOURS = {"top_performer": "#2E7D4F", "above_median": "#7DB38E", "below_median": "#E0A537",
                "lagging": "#C8553D"}
BAND_NAMES = {"top_performer": "Top 10% (90th+)", "above_median": "Above median (50th-89th)",
              "below_median": "Below median (25th-49th)", "lagging": "Lowest quartile (under 25th)"}
BOUND_NAME = "Outside the published range: somewhere in the hatched span"
MIDDLE = "#D5DCE6"


def _legend(fig, handles, ncol: int, y: float = 0.0) -> None:
    fig.legend(handles=handles, loc="lower center", ncol=ncol, fontsize=7.5, frameon=False,
               bbox_to_anchor=(0.5, y), handlelength=1.4, columnspacing=1.2)


@cached
def percentile_bands(labels: list[str], values: list[float], texts: list[str], bounds: list[str | None],
                     bands: list[str], width: float) -> bytes:
    """One bar per metric to its percentile, coloured by quartile band; a bounded percentile as its span."""
    n = len(labels)
    fig = _figure(width, 0.24 * n + 1.25)
    _margins(fig, labels, bottom_in=0.95, top_in=0.3, right_in=0.45)
    ax = fig.add_subplot()
    y = list(range(n))[::-1]
    plain = [(yi, v, BAND_COLOURS.get(band, PEER)) for yi, v, b, band in zip(y, values, bounds, bands) if not b]
    if plain:  # one call for every plain bar: drawing 22 bars one by one costs a tenth of a second
        ys, vs, cs = zip(*plain)
        ax.barh(ys, vs, color=cs, height=0.62)
    for yi, v, t, b, band in zip(y, values, texts, bounds, bands):
        colour = BAND_COLOURS.get(band, PEER)
        if b == "below":
            ax.barh(yi, v, color="white", edgecolor=colour, hatch="////", height=0.62, linewidth=0.8)
        elif b == "above":
            ax.barh(yi, 100 - v, left=v, color="white", edgecolor=colour, hatch="////", height=0.62, linewidth=0.8)
            ax.barh(yi, v, color=colour, height=0.62)
        if b == "above":
            ax.text(v - 1.2, yi, t, va="center", ha="right", fontsize=7.5, color="white", fontweight="bold")
        else:
            ax.text(v + 1.2, yi, t, va="center", fontsize=7.5, color=TEXT)
    for q in (25, 50, 75, 90):
        ax.axvline(q, color=MUTED if q == 50 else GRID, linewidth=1.0 if q == 50 else 0.7,
                   linestyle="-" if q == 50 else "--", zorder=0)
    ax.set_yticks(y, labels)
    ax.tick_params(axis="y", length=0)
    ax.set_xlim(0, 100)
    ax.set_ylim(-0.6, n - 0.4)
    ax.set_xticks([0, 25, 50, 75, 90, 100], ["0", "25th", "median", "75th", "90th", "100"])
    ax.set_xlabel("percentile (higher is better on every metric)")
    handles = [Patch(color=BAND_COLOURS[k], label=BAND_NAMES[k]) for k in BAND_COLOURS]
    if any(bounds):
        handles.append(Patch(facecolor="white", edgecolor=MUTED, hatch="////", label=BOUND_NAME))
    _legend(fig, handles, 2)
    return _png(fig)


@cached
def metric_bullets(rows: list[tuple[str, float, str, float, float, float, bool, str | None]], accent: str,
                   basis_note: str) -> bytes:
    """(label, value, value text, p25, median, p75, lower is better, axis kind) per row: the middle half of the
    comparison group as a band, its median as a tick, the account as a diamond; each row on its own scale.

    One axes for every row (each row mapped onto 0-1 with its own tick labels): eight small axes take
    three times as long to draw.
    """
    n = len(rows)
    fig = _figure(6.0, 0.52 * n + 0.75)
    _margins(fig, [r[0] for r in rows], bottom_in=0.55, top_in=0.1, right_in=0.2)
    ax = fig.add_subplot()
    ax.set_xlim(-0.02, 1.02)
    ax.set_ylim(-0.7, n - 0.35)
    ax.axis("off")
    for i, (label, value, text, p25, med, p75, lower, kind) in enumerate(rows):
        y = n - 1 - i
        lo, hi = min(p25, value), max(p75, value)
        pad = (hi - lo) * 0.18 or abs(hi) * 0.1 or 1.0
        lo, hi = lo - pad, hi + pad

        def x(v, lo=lo, hi=hi):
            return (v - lo) / (hi - lo)
        ax.barh(y, x(p75) - x(p25), left=x(p25), height=0.34, color=MIDDLE, lw=0)
        ax.plot([x(med)] * 2, [y - 0.22, y + 0.22], color=MUTED, linewidth=2)
        ax.plot([x(value)], [y], marker="D", color=accent, markersize=7, zorder=3)
        right = x(value) <= 0.5
        ax.annotate(text, (x(value), y), xytext=(7 if right else -7, 0), textcoords="offset points", va="center",
                    ha="left" if right else "right", fontsize=7.5, color=accent, fontweight="bold")
        ax.text(-0.03, y, label + ("\n(lower is better)" if lower else ""), ha="right", va="center", fontsize=8,
                color=TEXT)
        fmt = _axis_formatter(kind)
        ax.plot([0, 1], [y - 0.3] * 2, color=GRID, linewidth=0.6)
        for t in MaxNLocator(4).tick_values(lo, hi):
            if lo <= t <= hi:
                ax.text(x(t), y - 0.34, fmt(t, None), ha="center", va="top", fontsize=6.5, color=MUTED)
    handles = [Patch(color=MIDDLE, label=f"middle half of {basis_note} (P25-P75)"),
               Patch(color=MUTED, label="median"),
               Patch(color=accent, label="you")]
    _legend(fig, handles, 3)
    return _png(fig)


@cached
def composite_histogram(edges: list[float], counts: list[int], you: float, you_text: str, accent: str,
                        xlabel: str) -> bytes:
    """The peer group's composite scores as bin counts (tails folded into the end bins), the account marked."""
    fig = _figure(5.6, 2.5)
    fig.subplots_adjust(left=0.1, right=0.97, top=0.88, bottom=0.2)
    ax = fig.add_subplot()
    mine = next((i for i in range(len(counts)) if edges[i] <= you <= edges[i + 1]), 0 if you < edges[0] else
                len(counts) - 1)
    widths = [edges[i + 1] - edges[i] for i in range(len(counts))]
    ax.bar(edges[:-1], counts, width=widths, align="edge", color=[accent if i == mine else PEER
                                                                   for i in range(len(counts))],
           edgecolor="white")
    top = max(counts or [1])
    ax.set_ylim(0, top * 1.3)
    ax.annotate(f"You: {you_text}", (min(max(you, edges[0]), edges[-1]), top * 1.16), ha="center", fontsize=8,
                color=accent, fontweight="bold")
    ax.set_ylabel("accounts")
    ax.set_xlabel(xlabel)
    ax.yaxis.get_major_locator().set_params(integer=True)
    return _png(fig)


@cached
def trend_lines(periods: list[str], series: list[tuple[str, list[float | None], str]], ylabel: str,
                accent: str, percent_axis: bool) -> bytes:
    """Monthly lines (name, values, style 'you' | 'peer'); a percentile axis gets its quartile guides."""
    fig = _figure(6.0, 2.5)
    fig.subplots_adjust(left=0.13, right=0.97, top=0.95, bottom=0.3)
    ax = fig.add_subplot()
    x = list(range(len(periods)))
    for name, values, style in series:
        pts = [(i, v) for i, v in zip(x, values) if v is not None]
        if not pts:
            continue
        xs, ys = zip(*pts)
        if style == "you":
            ax.plot(xs, ys, color=accent, marker="o", markersize=3.5, linewidth=2, label=name)
        else:
            ax.plot(xs, ys, color=MUTED, linestyle="--", linewidth=1.4, label=name)
    if percent_axis:
        for q in (25, 50, 75, 90):
            ax.axhline(q, color=GRID, linewidth=0.7, linestyle=":", zorder=0)
        ax.set_ylim(0, 100)
        ax.set_yticks([0, 25, 50, 75, 90, 100], ["0", "25th", "median", "75th", "90th", "100"])
    ax.set_ylabel(ylabel)
    step = max(1, math.ceil(len(periods) / 6))
    ax.set_xticks(x[::step], [_month(p) for p in periods[::step]])
    ax.tick_params(labelsize=7.5)
    _legend(fig, ax.get_legend_handles_labels()[0], 2)
    return _png(fig)


@cached
def trend_panels(panels: list[tuple[str, list[str], list[float | None], list[float | None], str | None]],
                 accent: str, peer_name: str) -> bytes:
    """(title, periods, account values, peer-group medians, axis kind) per panel: small multiples, one legend.

    No matplotlib Axes: each panel is drawn straight on the figure, into the rectangle its axes would fill,
    with its frame, ticks and labels as plain artists placed as an axes places them. Building one Axes per
    panel (clear, Tick objects, autoscale) took most of the time of the chart every report draws.
    """
    n = len(panels)
    fig, boxes = _grid_cells(n, 2 if n > 1 else 1, (3.0, 1.9), top_in=0.3, bottom_in=0.55, left=0.55,
                             hspace=0.55, wspace=0.32)
    handles = None
    for box, (title, periods, you, peers, kind) in zip(boxes, panels):
        lines = _trend_panel(fig, box, title, periods, [(you, "you"), (peers, peer_name)], kind, accent)
        if handles is None and len(lines) == 2:
            handles = lines
    if handles:
        _legend(fig, handles, 2)
    return _png(fig, GRID_DPI)


def _trend_panel(fig, box, title: str, periods: list[str], series: list[tuple[list[float | None], str]],
                 kind: str | None, accent: str) -> list:
    """One panel into ``box`` (figure fractions): the lines it has points for, then its frame, ticks and title."""
    points = [[(i, v) for i, v in enumerate(values) if v is not None] for values, _ in series]
    xs = [i for pts in points for i, _ in pts]
    step = max(1, math.ceil(len(periods) / 4))
    xticks = list(range(0, len(periods), step))
    x0, x1 = _limits(xs) if xs else (0.0, 1.0)  # matplotlib leaves an empty axes at 0-1 ...
    x0, x1 = min([x0, *xticks]), max([x1, *xticks])  # ... and widens it to its fixed ticks
    y0, y1, yticks = _y_axis([v for pts in points for _, v in pts], kind)
    data = BboxTransform(Bbox([[x0, y0], [x1, y1]]), box) + fig.transFigure
    lines = []
    for pts, (_, name) in zip(points, series):
        if pts:
            style = YOU_LINE | {"color": accent} if name == "you" else PEER_LINE
            lines.append(fig.add_artist(Line2D(*zip(*pts), transform=data, label=name, **style)))
    _frame(fig, data, (x0, x1), (y0, y1), yticks, [(i, _month(periods[i])) for i in xticks])
    fig.text(box.x0 + box.width / 2, box.y1, title, fontsize=8.5, fontweight="bold", color=TEXT, ha="center",
             va="baseline", parse_math=False, transform=offset_copy(fig.transFigure, fig=fig, y=4, units="points"))
    return lines


YOU_LINE = {"marker": "o", "markersize": 2.5, "linewidth": 1.8}
PEER_LINE = {"color": MUTED, "linestyle": "--", "linewidth": 1.3}


def _frame(fig, data, xlim: tuple[float, float], ylim: tuple[float, float], yticks: list[tuple[float, str]],
           xticks: list[tuple[float, str]]) -> None:
    """The left and bottom spines, with the ticks and labels an axes in the current style draws on them."""
    (x0, x1), (y0, y1) = xlim, ylim
    for xs, ys in (([x0, x0], [y0, y1]), ([x0, x1], [y0, y0])):
        fig.add_artist(Line2D(xs, ys, transform=data, color=rcParams["axes.edgecolor"], zorder=2.5,
                              linewidth=rcParams["axes.linewidth"], solid_capstyle="projecting"))
    _ticks(fig, data, [(x0, t) for t, _ in yticks], [s for _, s in yticks], "ytick", TICKLEFT, (-1, 0),
           {"ha": "right", "va": "center_baseline"})
    _ticks(fig, data, [(t, y0) for t, _ in xticks], [s for _, s in xticks], "xtick", TICKDOWN, (0, -1),
           {"ha": "center", "va": "top"})


def _ticks(fig, data, at: list[tuple[float, float]], labels: list[str], axis: str, marker: int,
           away: tuple[int, int], align: dict) -> None:
    """Tick marks at ``at`` (data coordinates) and their 7 pt labels, set ``away`` from the spine by the tick
    length and pad; the marks under the lines and spines, as an axes draws them (axes.axisbelow 'line')."""
    if not at:
        return
    size, colour = rcParams[f"{axis}.major.size"], rcParams[f"{axis}.color"]
    fig.add_artist(Line2D(*zip(*at), transform=data, linestyle="none", marker=marker, markersize=size,
                          markeredgewidth=rcParams[f"{axis}.major.width"], color=colour, zorder=1.5))
    pad = size + rcParams[f"{axis}.major.pad"]
    shift = offset_copy(data, fig=fig, x=away[0] * pad, y=away[1] * pad, units="points")
    for (x, y), text in zip(at, labels):
        fig.text(x, y, text, fontsize=7, color=colour, transform=shift, parse_math=False, **align)


def _limits(values: list[float], margin: float = 0.05) -> tuple[float, float]:
    """The view limits matplotlib's autoscale gives these data values (axes.xmargin/ymargin 0.05): their range,
    widened when it is a single value (to +-0.05 when there is none), plus ``margin`` of it on each side."""
    locator = MaxNLocator()
    lo, hi = locator.nonsingular(min(values, default=-math.inf), max(values, default=math.inf))
    pad = (hi - lo) * margin
    return locator.view_limits(lo - pad, hi + pad)


def _y_axis(values: list[float], kind: str | None) -> tuple[float, float, list[tuple[float, str]]]:
    """The y limits and (value, label) ticks an autoscaled axes shows for these values after
    ``ax.locator_params(axis="y", nbins=4)`` (the AutoLocator's steps with 4 bins; ticks outside the view,
    beyond matplotlib's 1e-10 tolerance, left out), labelled by the kind's formatter."""
    lo, hi = _limits(values)
    tol = (hi - lo) * 1e-10
    ticks = MaxNLocator(nbins=4, steps=[1, 2, 2.5, 5, 10]).tick_values(lo, hi)
    fmt = _axis_formatter(kind)
    return lo, hi, [(float(t), fmt(t, None)) for t in ticks if lo - tol <= t <= hi + tol]
