"""Goal progress as a chart: each goal's measurements against its target and baseline.

The same figure in the chat (under a compute_roi answer) and in the success report.
"""

from __future__ import annotations

import datetime as dt

from reports.format import fmt_date, fmt_goal, goal_unit_parts
from reports.model import Figure, Series, chart
from tools.base import Chart


def goal_progress_charts(roi) -> list[Chart]:
    """(title, PNG) for a compute_roi result; [] when no goal has two measurements."""
    figure = progress_figure(roi)
    return [(f"{roi.customer}: {figure.title}", figure.png)] if figure is not None else []


def _axis(unit: str | None) -> tuple[str, str | None]:
    """(y-axis label, tick style) for a goal unit: '$ / month' -> ('$ / month', 'dollars')."""
    base, _ = goal_unit_parts(unit)
    return (unit or ""), (base if base in ("dollars", "percent") else None)


def progress_figure(roi, limit: int = 6) -> Figure | None:
    """The goals' measurements (PNG small multiples; in a deck, one native line chart per goal)."""
    panels, native = [], []
    for g in roi.goals:
        if len(g.progress) < 2:
            continue
        label, kind = _axis(g.unit)
        dates, values = [p.date for p in g.progress], [p.value for p in g.progress]
        panels.append((g.name, dates, values, g.baseline, g.target, label, f"baseline {fmt_goal(g.baseline, g.unit)}",
                       f"target {fmt_goal(g.target, g.unit)}", kind))
        native.append(Figure(f"goal_{len(native) + 1}", g.name, b"", chart_type="line", axis_title=label,
                             categories=_labels(dates), number_format=_number_format(kind, values),
                             series=[Series("Measured", values, "you"),
                                     Series("Target", [g.target] * len(dates), "target")]
                             + ([Series("Baseline", [g.baseline] * len(dates), "baseline")]
                                if g.baseline is not None else [])))
    if not panels:
        return None
    panels, native = panels[:limit], native[:limit]
    left_out = sum(1 for g in roi.goals if len(g.progress) < 2)
    more = max(0, len(roi.goals) - left_out - len(panels))
    return Figure("goal_progress", "Goal measurements against target", chart("goal_progress", panels),
                  caption="Each goal's measurements with its target (dashed green) and baseline (dotted grey)."
                          + (f" {left_out} goal{'s have' if left_out > 1 else ' has'} fewer than two measurements "
                             "and is not charted." if left_out else "")
                          + (f" {more} more goal{'s are' if more > 1 else ' is'} in the goals table." if more else ""),
                  chart_type="panels", panels=native)


def _labels(dates: list[str]) -> list[str]:
    """'Mar 26' per measurement when there is one a month, else '31 Mar 2026'."""
    months = [d[:7] for d in dates]
    if len(set(months)) < len(months):
        return [fmt_date(d) for d in dates]
    return [f"{dt.date.fromisoformat(m + '-01'):%b %y}" for m in months]


def _number_format(kind: str | None, values: list[float]) -> str:
    if kind == "dollars":
        return '"$"#,##0'
    if kind == "percent":
        return '0.0"%"'
    return "0" if all(float(v).is_integer() for v in values) else "0.0"


