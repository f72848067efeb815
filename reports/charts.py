"""Report charts: matplotlib (Agg) to PNG bytes; every figure is closed after saving.

The functions take plain lists already taken from tool outputs; they draw, never compute
figures (a histogram bins the cohort's values, a box plot draws their quartiles with
whiskers at P10/P90, so no peer's minimum or maximum is ever drawn).
"""

from __future__ import annotations

import functools
import io
import math
from collections import OrderedDict

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

NAVY = "#1F3A5F"
PEER = "#A9B4C2"
GREEN = "#2E7D4F"
AMBER = "#C77C02"
RED = "#B03A2E"
GRID = "#D9DEE5"
TEXT = "#333333"
STATUS_COLOURS = {"top_performer": GREEN, "above_median": "#5B9A6F", "below_median": AMBER, "lagging": RED}
DPI = 150

plt.rcParams.update({
    "font.family": "DejaVu Sans", "font.size": 9, "axes.edgecolor": GRID, "axes.labelcolor": TEXT,
    "xtick.color": TEXT, "ytick.color": TEXT, "axes.spines.top": False, "axes.spines.right": False,
    "axes.titlesize": 10, "axes.titleweight": "bold", "axes.titlecolor": TEXT,
})


_CACHE: OrderedDict[str, bytes] = OrderedDict()
CACHE_SIZE = 64


def cached(fn):
    """Charts are pure functions of their inputs: the same data (md then pdf export) draws once."""
    @functools.wraps(fn)
    def wrapper(*args):
        key = fn.__name__ + repr(args)
        if key in _CACHE:
            _CACHE.move_to_end(key)
            return _CACHE[key]
        png = _CACHE[key] = fn(*args)
        while len(_CACHE) > CACHE_SIZE:
            _CACHE.popitem(last=False)
        return png
    return wrapper


def _png(fig, tight: bool = True, dpi: int = DPI) -> bytes:
    buf = io.BytesIO()
    try:
        fig.savefig(buf, format="png", dpi=dpi, bbox_inches="tight" if tight else None, facecolor="white")
    finally:
        plt.close(fig)
    return buf.getvalue()


@cached
def peer_bars(labels: list[str], values: list[float], highlight: list[bool], xlabel: str) -> bytes:
    """Horizontal bars, best at the top; highlighted bars (the account) in navy."""
    fig, ax = plt.subplots(figsize=(6.4, 0.32 * len(labels) + 0.9))
    y = list(range(len(labels)))[::-1]
    colours = [NAVY if h else PEER for h in highlight]
    ax.barh(y, values, color=colours, height=0.62)
    ax.set_yticks(y, labels)
    for yi, v, h in zip(y, values, highlight):
        ax.text(v + 1, yi, f"{v:.0f}", va="center", fontsize=8, color=NAVY if h else TEXT,
                fontweight="bold" if h else "normal")
    for lab in ax.get_yticklabels():
        if lab.get_text() == "You":
            lab.set_fontweight("bold")
            lab.set_color(NAVY)
    ax.set_xlim(0, 105)
    ax.set_xlabel(xlabel)
    ax.xaxis.grid(True, color=GRID, linewidth=0.6)
    ax.set_axisbelow(True)
    return _png(fig)


@cached
def percentile_bars(labels: list[str], percentiles: list[float], statuses: list[str | None]) -> bytes:
    """One bar per metric: the account's percentile, coloured by status, guides at P25/P50/P75/P90."""
    fig, ax = plt.subplots(figsize=(6.4, 0.3 * len(labels) + 0.9))
    y = list(range(len(labels)))[::-1]
    ax.barh(y, percentiles, color=[STATUS_COLOURS.get(s or "", PEER) for s in statuses], height=0.6)
    ax.set_yticks(y, labels)
    for q in (25, 50, 75, 90):
        ax.axvline(q, color="#8895A7" if q == 50 else GRID, linewidth=1.0 if q == 50 else 0.7,
                   linestyle="-" if q == 50 else "--", zorder=0)
    for yi, p in zip(y, percentiles):
        ax.text(p + 1, yi, f"{p:.0f}", va="center", fontsize=8, color=TEXT)
    ax.set_xlim(0, 105)
    ax.set_xticks([0, 25, 50, 75, 90, 100])
    ax.set_xlabel("percentile (0-100; 50 = median, higher is always better)")
    return _png(fig)


def _grid(n: int, cols: int, cell=(3.1, 2.0)):
    rows = max(1, math.ceil(n / cols))
    fig, axes = plt.subplots(rows, cols, figsize=(cell[0] * cols, cell[1] * rows), squeeze=False)
    flat = [a for row in axes for a in row]
    for ax in flat[n:]:
        ax.set_visible(False)
    return fig, flat[:n]


@cached
def histograms(panels: list[tuple[str, list[float], float, str]]) -> bytes:
    """(title, cohort values, account value, account value text) per panel: a histogram with the account marked."""
    fig, axes = _grid(len(panels), 2, (3.2, 2.1))
    for ax, (title, values, mine, mine_text) in zip(axes, panels):
        ax.hist(values, bins=min(12, max(5, len(values) // 3)), color=PEER, edgecolor="white")
        ax.axvline(mine, color=NAVY, linewidth=2)
        ax.text(mine, ax.get_ylim()[1] * 0.95, f" account: {mine_text}", color=NAVY, fontsize=7.5,
                va="top", ha="left" if mine <= sum(ax.get_xlim()) / 2 else "right")
        ax.set_title(title, fontsize=9)
        ax.set_ylabel("accounts", fontsize=8)
        ax.tick_params(labelsize=7.5)
    fig.subplots_adjust(left=0.08, right=0.98, top=0.92, bottom=0.1, wspace=0.25, hspace=0.5)
    return _png(fig, tight=False, dpi=120)


@cached
def box_plots(panels: list[tuple[str, list[float], float]]) -> bytes:
    """(title with unit, cohort values, account value): quartile box, whiskers P10-P90, account as a dot."""
    fig, axes = _grid(len(panels), 4, (1.6, 2.0))
    for ax, (title, values, mine) in zip(axes, panels):
        ax.boxplot([values], whis=(10, 90), showfliers=False, widths=0.5, patch_artist=True,
                   boxprops={"facecolor": "#E4E9F0", "edgecolor": "#8895A7"},
                   medianprops={"color": "#8895A7"}, whiskerprops={"color": "#8895A7"},
                   capprops={"color": "#8895A7"})
        ax.plot([1], [mine], marker="D", color=NAVY, markersize=6)
        ax.set_title(title, fontsize=7.5)
        ax.set_xticks([])
        ax.tick_params(labelsize=7)
    fig.subplots_adjust(left=0.07, right=0.98, top=0.9, bottom=0.05, wspace=0.45, hspace=0.45)
    return _png(fig, tight=False, dpi=120)


@cached
def trend_line(periods: list[str], values: list[float], ylabel: str) -> bytes:
    fig, ax = plt.subplots(figsize=(6.4, 2.6))
    ax.plot(periods, values, color=NAVY, marker="o", markersize=4, linewidth=2)
    for q in (25, 50, 75, 90):
        ax.axhline(q, color=GRID, linewidth=0.7, linestyle="--", zorder=0)
    ax.set_ylim(0, 100)
    ax.set_ylabel(ylabel)
    ax.tick_params(axis="x", labelsize=7.5, rotation=45 if len(periods) > 8 else 0)
    return _png(fig)


@cached
def goal_progress(panels: list[tuple[str, list[str], list[float], float | None, float | None, str]]) -> bytes:
    """(title, dates, values, baseline, target, unit) per goal: measurements with the target line."""
    fig, axes = _grid(len(panels), 2, (3.2, 2.2))
    for ax, (title, dates, values, baseline, target, unit) in zip(axes, panels):
        ax.plot(dates, values, color=NAVY, marker="o", markersize=3.5, linewidth=1.8, label="measured")
        if target is not None:
            ax.axhline(target, color=GREEN, linestyle="--", linewidth=1.2, label=f"target {target:g}")
        if baseline is not None:
            ax.axhline(baseline, color=PEER, linestyle=":", linewidth=1.0, label=f"baseline {baseline:g}")
        ax.set_title(title, fontsize=8.5)
        ax.set_ylabel(unit, fontsize=7.5)
        ax.tick_params(labelsize=7, axis="both")
        ax.tick_params(axis="x", rotation=45)
        step = max(1, len(dates) // 5)
        ax.set_xticks(range(0, len(dates), step), [dates[i] for i in range(0, len(dates), step)])
        ax.legend(fontsize=6.5, frameon=False, loc="best")
    fig.tight_layout()
    return _png(fig)


@cached
def status_bars(labels: list[str], counts: list[int], colours: list[str], xlabel: str) -> bytes:
    fig, ax = plt.subplots(figsize=(6.4, 0.35 * len(labels) + 0.8))
    y = list(range(len(labels)))[::-1]
    ax.barh(y, counts, color=colours, height=0.6)
    ax.set_yticks(y, labels)
    for yi, c in zip(y, counts):
        ax.text(c + max(counts + [1]) * 0.01, yi, str(c), va="center", fontsize=8)
    ax.set_xlabel(xlabel)
    return _png(fig)
