"""Column widths shared by the document exporters.

A table's columns carry relative widths; :func:`fit_widths` turns them into absolute widths
that add up to the available width and are at least as wide as the longest word of each
column's header and cells (so "Achievement" never breaks as "Achievem-ent") and, in a
right-aligned (numeric) or status column, as wide as its longest entry ("$30K / month",
"▽ Below median" stay on one line), taking the room from the columns with the most slack.
"""

from __future__ import annotations

from collections.abc import Callable

from reports.model import Table

AVG_CHAR_EM = 0.55   # mean advance width of a Calibri/DejaVu character, in ems (estimates only)


def estimate(text: str, size_pt: float, bold: bool = False) -> float:
    """Approximate width of ``text`` in points (for exporters without font metrics)."""
    return len(text) * size_pt * AVG_CHAR_EM * (1.07 if bold else 1.0)


def _longest_word(measure: Callable[[str, bool], float], text: str, bold: bool) -> float:
    return max((measure(w, bold) for w in text.split()), default=0.0)


def fit_widths(t: Table, total: float, measure: Callable[[str, bool], float], pad: float) -> list[float]:
    """Absolute column widths summing to ``total``; each at least its longest word plus padding."""
    weights = [c.width for c in t.columns]
    widths = [total * w / sum(weights) for w in weights]
    need = []
    for i, c in enumerate(t.columns):
        whole = c.align == "r" or any(i < len(r) and r[i].tone for r in t.rows)  # figures, statuses: one line
        words = [_longest_word(measure, c.header, True)]
        words += [measure(r[i].text, bold) if whole else _longest_word(measure, r[i].text, bold)
                  for j, r in enumerate(t.rows) if i < len(r)
                  for bold in [t.total and j == len(t.rows) - 1]]
        need.append(max(words) + 2 * pad + 0.5)
    if sum(need) > total:          # cannot satisfy every column: keep the proportions
        return widths
    for _ in range(len(widths)):
        short = [i for i, (w, n) in enumerate(zip(widths, need)) if w < n - 1e-6]
        if not short:
            break
        deficit = sum(need[i] - widths[i] for i in short)
        for i in short:
            widths[i] = need[i]
        slack = {i: widths[i] - need[i] for i in range(len(widths)) if i not in short and widths[i] > need[i]}
        room = sum(slack.values())
        for i, s in slack.items():
            widths[i] -= deficit * s / room
    return widths
