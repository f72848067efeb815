"""Report charts: matplotlib (Agg) to PNG bytes.

The functions take plain lists already taken from tool outputs; they draw, never compute
figures (a histogram bins the cohort's values, a box plot draws their quartiles with
whiskers at P10/P90, so no peer's minimum or maximum is ever drawn).

Speed: figures are drawn on ``matplotlib.figure.Figure`` with the Agg canvas (no pyplot,
no global state), with fixed margins (``bbox_inches="tight"`` would draw every figure
twice), and the same data draws once per process (md then pdf export, the chat and a
document). Style is applied per figure, so importing this module changes no one's rcParams.
"""

from __future__ import annotations

import datetime as dt
import functools
import io
import math
import textwrap
from collections import OrderedDict
from typing import TYPE_CHECKING

from reports.page import NARROW_IN, WIDE_IN

if TYPE_CHECKING:  # matplotlib is imported when a chart is drawn: 0.2-0.3 s of every CLI start otherwise
    from matplotlib.figure import Figure
    from matplotlib.ticker import FuncFormatter

NAVY = "#1F3A5F"
PEER = "#A9B4C2"
GREEN = "#2E7D4F"
AMBER = "#C77C02"
RED = "#B03A2E"
GRID = "#D9DEE5"
TEXT = "#333333"
MUTED = "#8895A7"
STATUS_COLOURS = {"top_performer": GREEN, "above_median": "#5B9A6F", "below_median": AMBER, "lagging": RED}
DPI = 130          # single charts: sharp at their printed width (5-6 in), and quick to draw
GRID_DPI = 110     # small multiples: printed at most 6.3 in wide, so still sharp on paper
STYLE = {
    "font.family": "DejaVu Sans", "font.size": 9, "axes.edgecolor": GRID, "axes.labelcolor": TEXT,
    "xtick.color": TEXT, "ytick.color": TEXT, "axes.spines.top": False, "axes.spines.right": False,
    "axes.titlesize": 10, "axes.titleweight": "bold", "axes.titlecolor": TEXT, "axes.labelsize": 8.5,
    "xtick.labelsize": 8, "ytick.labelsize": 8, "legend.fontsize": 7.5, "legend.frameon": False,
    "text.parse_math": False,  # labels and titles are data ('Save $5K', '$\frac{'): never TeX math
}
CHAR_IN = 0.062    # approximate width of one 8 pt DejaVu Sans character, inches (for margins)

_CACHE: OrderedDict[str, bytes] = OrderedDict()
CACHE_SIZE = 64


def cached(fn):
    """Charts are pure functions of their inputs: the same data draws once per process."""
    @functools.wraps(fn)
    def wrapper(*args):
        key = fn.__name__ + repr(args)
        if key in _CACHE:
            _CACHE.move_to_end(key)
            return _CACHE[key]
        from matplotlib import rc_context

        with rc_context(STYLE):
            png = _CACHE[key] = fn(*args)
        while len(_CACHE) > CACHE_SIZE:
            _CACHE.popitem(last=False)
        return png
    return wrapper


def _figure(w: float, h: float) -> Figure:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(w, h), facecolor="white")
    FigureCanvasAgg(fig)
    return fig


def _png(fig: Figure, dpi: int = DPI) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi, facecolor="white", pil_kwargs={"compress_level": 1})  # fast zlib
    return buf.getvalue()


def _margins(fig: Figure, labels: list[str], *, bottom_in: float = 0.55, top_in: float = 0.12,
             right_in: float = 0.3) -> None:
    """Fixed margins in inches: the left one fits the longest category label."""
    w, h = fig.get_size_inches()
    left_in = min(2.6, 0.25 + CHAR_IN * max((len(x) for x in labels), default=4))
    fig.subplots_adjust(left=left_in / w, right=1 - right_in / w, bottom=bottom_in / h, top=1 - top_in / h)


def _hbars(labels: list[str], values: list[float], colours: list[str], xlabel: str, row_in: float,
           width: float):
    fig = _figure(width, row_in * len(labels) + 0.75)
    _margins(fig, labels)
    ax = fig.add_subplot()
    y = list(range(len(labels)))[::-1]
    ax.barh(y, values, color=colours, height=0.62)
    ax.set_yticks(y, labels)
    ax.tick_params(axis="y", length=0)
    ax.set_xlim(0, 105)
    ax.set_xlabel(xlabel)
    ax.set_ylim(-0.6, len(labels) - 0.4)
    return fig, ax, y


@cached
def peer_bars(labels: list[str], values: list[float], highlight: list[bool], xlabel: str) -> bytes:
    """Horizontal bars, best at the top; highlighted bars (the account) in navy."""
    fig, ax, y = _hbars(labels, values, [NAVY if h else PEER for h in highlight], xlabel, 0.3, NARROW_IN)
    for yi, v, h in zip(y, values, highlight):
        ax.text(v + 1, yi, f"{v:.0f}", va="center", fontsize=8, color=NAVY if h else TEXT,
                fontweight="bold" if h else "normal")
    marked = {lab for lab, h in zip(labels, highlight) if h}
    for lab in ax.get_yticklabels():
        if lab.get_text() in marked:
            lab.set_fontweight("bold")
            lab.set_color(NAVY)
    ax.xaxis.grid(True, color=GRID, linewidth=0.6)
    ax.set_axisbelow(True)
    return _png(fig)


@cached
def percentile_bars(labels: list[str], percentiles: list[float], statuses: list[str | None]) -> bytes:
    """One bar per metric: the account's percentile, coloured by status, guides at P25/P50/P75/P90."""
    fig, ax, y = _hbars(labels, percentiles, [STATUS_COLOURS.get(s or "", PEER) for s in statuses],
                        "percentile (0-100; 50 = median, higher is always better)", 0.24, WIDE_IN)
    for q in (25, 50, 75, 90):
        ax.axvline(q, color=MUTED if q == 50 else GRID, linewidth=1.0 if q == 50 else 0.7,
                   linestyle="-" if q == 50 else "--", zorder=0)
    for yi, p in zip(y, percentiles):
        ax.text(p + 1, yi, f"{max(math.floor(p + 1e-9), 1 if p > 0 else 0)}", va="center", fontsize=7.5, color=TEXT)  # as ordinal()
    ax.set_xticks([0, 25, 50, 75, 90], ["0", "25", "50", "75", "90"])
    return _png(fig)


def _grid_size(n: int, cols: int, cell: tuple[float, float], top_in: float, bottom_in: float):
    """(rows, width, height in inches) of a grid of n cells, ``cols`` a row."""
    rows = max(1, math.ceil(n / cols))
    return rows, cell[0] * cols, cell[1] * rows + top_in + bottom_in


def _grid(n: int, cols: int, cell: tuple[float, float], *, top_in: float, bottom_in: float,
          left: float, hspace: float, wspace: float):
    rows, w, h = _grid_size(n, cols, cell, top_in, bottom_in)
    fig = _figure(w, h)
    axes = fig.subplots(rows, cols, squeeze=False)
    fig.subplots_adjust(left=left / w, right=1 - 0.1 / w, top=1 - top_in / h, bottom=bottom_in / h,
                        hspace=hspace, wspace=wspace)
    flat = [a for row in axes for a in row]
    for ax in flat[n:]:
        ax.set_visible(False)
    return fig, flat[:n]


def _grid_cells(n: int, cols: int, cell: tuple[float, float], *, top_in: float, bottom_in: float,
                left: float, hspace: float, wspace: float):
    """The figure `_grid` makes and the rectangles (figure fractions) its n axes would fill, without the axes."""
    from matplotlib.gridspec import GridSpec

    rows, w, h = _grid_size(n, cols, cell, top_in, bottom_in)
    fig = _figure(w, h)
    gs = GridSpec(rows, cols, figure=fig, left=left / w, right=1 - 0.1 / w, top=1 - top_in / h,
                  bottom=bottom_in / h, hspace=hspace, wspace=wspace)
    return fig, [gs[i].get_position(fig) for i in range(n)]


@cached
def histograms(panels: list[tuple[str, list[float], float, str]]) -> bytes:
    """(title, cohort values, account value, account value text) per panel: a histogram with the account marked."""
    fig, axes = _grid(len(panels), 2, (3.2, 2.0), top_in=0.3, bottom_in=0.3, left=0.5, hspace=0.5, wspace=0.28)
    for ax, (title, values, mine, mine_text) in zip(axes, panels):
        ax.hist(values, bins=min(12, max(5, len(values) // 3)), color=PEER, edgecolor="white")
        ax.axvline(mine, color=NAVY, linewidth=2)
        ax.set_ylim(0, ax.get_ylim()[1] * 1.25)  # head room for the label
        lo, hi = ax.get_xlim()
        right = mine <= (lo + hi) / 2
        ax.annotate(f"this account: {mine_text}", (mine, 1.0), xycoords=("data", "axes fraction"),
                    xytext=(4 if right else -4, -2), textcoords="offset points", va="top",
                    ha="left" if right else "right", fontsize=7.5, color=NAVY, fontweight="bold",
                    bbox={"boxstyle": "square,pad=0.15", "facecolor": "white", "edgecolor": "none"})
        ax.set_title(title, fontsize=9, y=1.0, pad=4)  # fixed y: no per-axes layout pass
        ax.set_ylabel("accounts", fontsize=7.5)
        ax.tick_params(labelsize=7.5)
    return _png(fig, GRID_DPI)


@cached
def binned_histograms(panels: list[tuple[str, list[float], list[int], float, str]]) -> bytes:
    """(title, bin edges, counts, account value, its text) per panel: the peer group's spread with the
    account marked. Drawn from counts, so no peer value (or min/max) reaches the chart."""
    fig, axes = _grid(len(panels), 2, (3.2, 2.0), top_in=0.3, bottom_in=0.3, left=0.5, hspace=0.5, wspace=0.28)
    for ax, (title, edges, counts, mine, mine_text) in zip(axes, panels):
        ax.stairs(counts, edges, fill=True, color=PEER)
        ax.axvline(mine, color=NAVY, linewidth=2)
        ax.set_ylim(0, max(counts or [1]) * 1.3)
        ax.annotate(f"this account: {mine_text}", (0.02, 0.98), xycoords="axes fraction", va="top", ha="left",
                    fontsize=7.5, color=NAVY, fontweight="bold")
        ax.set_title(title, fontsize=9, y=1.0, pad=4)
        ax.set_ylabel("accounts", fontsize=7.5)
        ax.tick_params(labelsize=7.5)
    return _png(fig, GRID_DPI)


@cached
def box_plots(panels: list[tuple[str, list[float], float]]) -> bytes:
    """(title with unit, cohort values, account value): quartile box, whiskers P10-P90, account as a diamond."""
    fig, axes = _grid(len(panels), 4, (1.6, 2.05), top_in=0.45, bottom_in=0.1, left=0.4, hspace=0.55, wspace=0.6)
    for ax, (title, values, mine) in zip(axes, panels):
        ax.boxplot([values], whis=(10, 90), showfliers=False, widths=0.5, patch_artist=True,
                   boxprops={"facecolor": "#E4E9F0", "edgecolor": MUTED},
                   medianprops={"color": MUTED}, whiskerprops={"color": MUTED}, capprops={"color": MUTED})
        ax.plot([1], [mine], marker="D", color=NAVY, markersize=6)
        lines = [w for part in title.split("\n") for w in textwrap.wrap(part, 19)]
        ax.set_title("\n".join(lines), fontsize=7.5, y=1.0, pad=4)
        ax.set_xticks([])
        ax.tick_params(labelsize=7)
    return _png(fig, GRID_DPI)


@cached
def trend_line(periods: list[str], values: list[float], ylabel: str) -> bytes:
    fig = _figure(6.4, 2.6)
    fig.subplots_adjust(left=0.1, right=0.97, top=0.95, bottom=0.22 if len(periods) > 8 else 0.14)
    ax = fig.add_subplot()
    ax.plot(periods, values, color=NAVY, marker="o", markersize=4, linewidth=2)
    for q in (25, 50, 75, 90):
        ax.axhline(q, color=GRID, linewidth=0.7, linestyle="--", zorder=0)
    ax.set_ylim(0, 100)
    ax.set_ylabel(ylabel)
    ax.tick_params(axis="x", labelsize=7.5, rotation=45 if len(periods) > 8 else 0)
    return _png(fig)


def _month(d: str) -> str:
    """'2026-03-31' or '2026-03' -> 'Mar 26' (other text unchanged)."""
    try:
        return f"{dt.date.fromisoformat(d[:7] + '-01'):%b %y}"
    except ValueError:
        return d


def _axis_formatter(kind: str | None) -> FuncFormatter:
    def fmt(v, _pos):
        if kind == "dollars":
            return f"${v / 1e6:g}M" if abs(v) >= 1e6 else f"${v / 1e3:g}K" if abs(v) >= 1e3 else f"${v:g}"
        if kind == "percent":
            return f"{v:g}%"
        return f"{v:,.0f}" if abs(v) >= 1000 else f"{v:g}"
    from matplotlib.ticker import FuncFormatter

    return FuncFormatter(fmt)


@cached
def goal_progress(panels: list[tuple[str, list[str], list[float], float | None, float | None, str, str, str,
                                     str | None]]) -> bytes:
    """Measurements with the target line, one panel per goal.

    Panel: (title, dates, values, baseline, target, y-axis label, baseline text, target text, axis kind
    'dollars' | 'percent' | None). One legend for the figure; the target and baseline values are labelled
    on their lines, with units.
    """
    n = len(panels)
    fig, axes = _grid(n, 2 if n > 1 else 1, (3.25, 2.0), top_in=0.3, bottom_in=0.55, left=0.6,
                      hspace=0.5, wspace=0.38)
    handles = None
    for ax, (title, dates, values, baseline, target, ylabel, base_text, target_text, kind) in zip(axes, panels):
        x = list(range(len(dates)))
        line, = ax.plot(x, values, color=NAVY, marker="o", markersize=3.5, linewidth=1.8, label="measured")
        tline = bline = None
        if target is not None:
            tline = ax.axhline(target, color=GREEN, linestyle="--", linewidth=1.2, label="target")
        if baseline is not None:
            bline = ax.axhline(baseline, color=MUTED, linestyle=":", linewidth=1.1, label="baseline")
        lo, hi = ax.get_ylim()
        pad = (hi - lo) * 0.12
        ax.set_ylim(lo - pad, hi + pad)
        # the target labelled on the left (where the measurements start far from it), the baseline on the right
        for y, text, colour, at in ((target, target_text, GREEN, 0.0), (baseline, base_text, MUTED, 1.0)):
            if y is not None:
                ax.annotate(text, (at, y), xycoords=("axes fraction", "data"), xytext=(2 if at == 0 else -2, 2),
                            textcoords="offset points", fontsize=6.5, color=colour, va="bottom",
                            ha="left" if at == 0 else "right")
        ax.set_title(textwrap.shorten(title, 44, placeholder="..."), fontsize=8.5, y=1.0, pad=4)
        ax.set_ylabel(ylabel, fontsize=7.5)
        ax.yaxis.set_major_formatter(_axis_formatter(kind))
        ax.tick_params(labelsize=7, axis="both")
        step = max(1, math.ceil(len(dates) / 5))
        ax.set_xticks(x[::step], [_month(d) for d in dates[::step]])
        ax.set_xlim(-0.4, len(dates) - 0.6)
        if handles is None:
            handles = [h for h in (line, tline, bline) if h is not None]
    if handles:
        fig.legend(handles=handles, labels=[h.get_label() for h in handles], loc="lower center", ncol=3,
                   fontsize=7.5, frameon=False, bbox_to_anchor=(0.5, 0.0))
    return _png(fig, GRID_DPI)


@cached
def peer_scatter(xs: tuple, ys: tuple, you: tuple, x_label: str, y_label: str, you_label: str,
                 fit: tuple | None = None) -> bytes:
    """Peers as anonymous grey points, the account as a navy diamond with its label; an optional
    least-squares line ``fit = (slope, intercept)`` over the peers' x range (drawn, not computed here)."""
    fig = _figure(WIDE_IN, 3.6)
    fig.subplots_adjust(left=0.11, right=0.97, bottom=0.15, top=0.95)
    ax = fig.add_subplot()
    ax.scatter(xs, ys, s=14, color=PEER, alpha=0.8, linewidths=0, label="peers (anonymous)")
    if fit is not None and len(xs):
        lo, hi = min(xs), max(xs)
        ax.plot([lo, hi], [fit[1] + fit[0] * lo, fit[1] + fit[0] * hi], color=MUTED, linewidth=1.0,
                linestyle="--", label="peer trend (association, not causation)")
    ax.scatter([you[0]], [you[1]], s=70, marker="D", color=NAVY, zorder=3, label=you_label)
    ax.annotate(you_label, (you[0], you[1]), xytext=(6, 6), textcoords="offset points", color=NAVY,
                fontsize=8.5, fontweight="bold")
    ax.set_xlabel(x_label)
    ax.set_ylabel(y_label)
    ax.grid(True, color=GRID, linewidth=0.6)
    ax.set_axisbelow(True)
    ax.legend(loc="lower right")
    return _png(fig)
