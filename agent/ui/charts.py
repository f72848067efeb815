"""Charts shown inline in the chat, as PNG bytes (matplotlib, Agg).

Chat images show no caption, so each chart here carries its own title. For an
account comparison: the account's percentile within its peer group per metric
(the table's "Peer percentile" column, coloured by status) and its composite score
among a few anonymised peers of similar size ("You" marked). For a success result:
the report module's goal-progress figure (``tools.report.success``), so chat and
exports show the same picture. The drawing is ``reports.charts``', so chat and documents show the same charts.
Charts only draw figures the tools computed; a failing chart never breaks an answer.
"""

from __future__ import annotations

import logging
from typing import Any

log = logging.getLogger(__name__)

def charts_for(tool: str, output: Any) -> list[tuple[str, bytes]]:
    """(title, PNG) pairs for one tool result; [] when the result has nothing to draw."""
    try:
        if tool == "compare_customer" and getattr(output, "metrics", None):
            charts = [(f"{output.customer}: percentile within peer group", percentile_bars(output))]
            if getattr(output, "peers", None):
                charts.append((f"{output.customer}: composite score vs peers", peer_bars(output)))
            if getattr(output, "distributions", None):
                charts.append((f"{output.customer}: peer-group distribution of the largest gaps", distributions(output)))
            return charts
        if tool == "compute_roi":
            return _goal_progress(output)
    except Exception:
        log.exception("chart for %s failed", tool)
    return []


def _goal_progress(output: Any) -> list[tuple[str, bytes]]:
    try:
        from tools.report.success import progress_figure
    except ImportError:
        return []
    figure = progress_figure(output)
    return [(f"{output.customer}: {figure.title}", figure.png)] if figure is not None else []


def percentile_bars(output: Any) -> bytes:
    """The account's percentile within its peer group per metric, coloured by status (as in the reports)."""
    from reports import charts

    rows = [m for m in output.metrics if m.percentile is not None]
    return charts.percentile_bars([m.label for m in rows], [m.percentile for m in rows], [m.status for m in rows])


def peer_bars(output: Any) -> bytes:
    """Composite score of the account ("You" when anonymised) among a few peers of similar size."""
    from reports import charts

    peers = list(output.peers)
    return charts.peer_bars([p.label for p in peers], [p.composite for p in peers], [p.is_customer for p in peers],
                            "composite score (mean of the metric percentiles, 0-100)")


def distributions(output: Any) -> bytes:
    """Peer-group spread (P10-P90 bins, tails in the end bins) of the largest gaps, the account marked."""
    from reports import charts
    from reports.format import fmt_value

    panels = [(output.metric(d.metric).label, tuple(d.edges), tuple(d.counts), d.value,
               fmt_value(d.metric, d.value)) for d in output.distributions]
    return charts.binned_histograms(panels)
