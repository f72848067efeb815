"""Goal progress as a chart: each goal's measurements against its target and baseline.

The same figure in the chat (under a compute_roi answer) and in the success report.
"""

from __future__ import annotations

from reports.format import fmt_goal, goal_unit_parts
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


def progress_figure(roi) -> Figure | None:
    panels = []
    for g in roi.goals:
        if len(g.progress) < 2:
            continue
        label, kind = _axis(g.unit)
        panels.append((g.name, [p.date for p in g.progress], [p.value for p in g.progress], g.baseline, g.target,
                       label, f"baseline {fmt_goal(g.baseline, g.unit)}", f"target {fmt_goal(g.target, g.unit)}",
                       kind))
    panels = panels[:6]
    if not panels:
        return None
    shown = len(panels)
    missing = sum(1 for g in roi.goals if len(g.progress) < 2)
    return Figure("goal_progress", "Goal measurements against target", chart("goal_progress", panels),
                  caption="Each goal's measurements with its target (dashed green) and baseline (dotted grey)."
                          + (f" {missing} goal{'s have' if missing > 1 else ' has'} fewer than two measurements "
                             "and is not charted." if missing and shown < len(roi.goals) else ""),
                  chart_type="line", categories=panels[0][1], series=[Series(panels[0][0], panels[0][2])])


