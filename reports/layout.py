"""Column widths shared by the document exporters.

A table's columns carry relative widths; :func:`fit_widths` turns them into absolute widths
that add up to the available width and are at least as wide as the longest word of each
column's header and cells (so "Achievement" never breaks as "Achievem-ent") and, in a
right-aligned (numeric), status or date column, as wide as its longest short entry ("$30K /
month", "▽ Below median", "31 Dec 2026" stay on one line), taking the room from the columns
with the most slack. When the page is too narrow for all of that, whole words still come
first: the figure and date columns get what is left in turn, and only then do the proportions
apply.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable
from importlib.util import find_spec
from pathlib import Path

from reports.model import Table

# matplotlib's DejaVu Sans: wider than Calibri, so a column wide enough for it is wide enough in Word and
# PowerPoint, and LibreOffice (which draws Calibri text in DejaVu when Calibri is missing) breaks no word either
FONT_DIR = Path(find_spec("matplotlib").origin).parent / "mpl-data" / "fonts" / "ttf"

AVG_CHAR_EM = 0.55   # mean advance width of a Calibri/DejaVu character, in ems (estimates only)
WHOLE_CHARS = 16     # a figure up to this long stays on one line ("20 escalations / month" may wrap)


def estimate(text: str, size_pt: float, bold: bool = False) -> float:
    """Approximate width of ``text`` in points (for exporters without font metrics)."""
    return len(text) * size_pt * AVG_CHAR_EM * (1.07 if bold else 1.0)


@functools.lru_cache(maxsize=2)
def _font(bold: bool):
    from PIL import ImageFont

    # the basic layout engine: widths only, no shaping library to trip over unusual text from data
    return ImageFont.truetype(str(FONT_DIR / ("DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf")), size=100,
                              layout_engine=ImageFont.Layout.BASIC)


def measure(text: str, size_pt: float, bold: bool = False) -> float:
    """Width of ``text`` in points set in DejaVu Sans (an upper bound for Calibri)."""
    return _font(bold).getlength(text) * size_pt / 100


def _longest_word(measure: Callable[[str, bool], float], text: str, bold: bool) -> float:
    return max((measure(w, bold) for w in text.split()), default=0.0)


def _needs(t: Table, measure: Callable[[str, bool], float], pad: float) -> tuple[list[float], list[float]]:
    """Per column: (the longest word, the longest entry that should not wrap), padding included."""
    words, whole = [], []
    last = len(t.rows) - 1
    for i, c in enumerate(t.columns):
        cells = [(r[i], t.total and j == last) for j, r in enumerate(t.rows) if i < len(r)]
        keep = c.align == "r" or any(cell.tone for cell, _ in cells) or \
            any(isinstance(cell.value, dt.date) for cell, _ in cells)
        w = max([_longest_word(measure, c.header, True)] + [_longest_word(measure, cell.text, b) for cell, b in cells])
        h = max([w] + [measure(cell.text, b) for cell, b in cells if keep and len(cell.text) <= WHOLE_CHARS])
        words.append(w + 2 * pad + 0.5)
        whole.append(h + 2 * pad + 0.5)
    return words, whole


def _grow(widths: list[float], need: list[float], total: float) -> list[float]:
    """``widths`` (summing to ``total``) with every column raised to its need, taken from the others' slack."""
    widths = list(widths)
    for _ in range(len(widths)):
        short = [i for i, (w, n) in enumerate(zip(widths, need)) if w < n - 1e-6]
        if not short:
            break
        deficit = sum(need[i] - widths[i] for i in short)
        for i in short:
            widths[i] = need[i]
        slack = {i: widths[i] - need[i] for i in range(len(widths)) if i not in short and widths[i] > need[i]}
        room = sum(slack.values())
        if room <= 0:
            break
        for i, s in slack.items():
            widths[i] -= deficit * min(1.0, s / room)
    return widths


def fit_widths(t: Table, total: float, measure: Callable[[str, bool], float], pad: float) -> list[float]:
    """Absolute column widths summing to ``total``; whole words first, then figures on one line."""
    weights = [c.width for c in t.columns]
    widths = [total * w / sum(weights) for w in weights]
    words, whole = _needs(t, measure, pad)
    if sum(whole) <= total:
        return _grow(widths, whole, total)
    if sum(words) > total:          # cannot keep every word whole: keep the proportions
        return widths
    # words whole everywhere; the figure columns get as much of their one-line width as is left
    out = list(words)
    spare = total - sum(words)
    extra = [whole[i] - words[i] for i in range(len(words))]
    if sum(extra) > 0:
        share = min(1.0, spare / sum(extra))
        out = [w + e * share for w, e in zip(out, extra)]
        spare -= sum(e * share for e in extra)
    if spare > 0:
        out = [w + spare * wt / sum(weights) for w, wt in zip(out, weights)]
    return out
