"""The account comparison's inline charts (drawn by reports.charts, as in the reports).

The account's percentile within its peer group per metric (coloured by status), its
composite score among a few anonymised peers of similar size ("You" marked), and the
peer-group distribution of its largest gaps (binned between the group's P10 and P90, so
no peer value, minimum or maximum reaches the chart). Chat images show no caption, so
each title says what the chart is.
"""

from __future__ import annotations

from reports import charts
from reports.format import fmt_value
from tools.base import Chart


def comparison_charts(output) -> list[Chart]:
    """(title, PNG) pairs for a compare_customer result; [] when it has no metrics."""
    if not output.metrics:
        return []
    out = [(f"{output.customer}: percentile within peer group", percentile_bars(output))]
    if output.peers and not output.focus:
        out.append((f"{output.customer}: composite score vs peers", peer_bars(output)))
    if output.distributions:
        what = ", ".join(output.metric(d.metric).label for d in output.distributions) if output.focus \
            else "the largest gaps"
        out.append((f"{output.customer}: peer-group distribution of {what}", distributions(output)))
    return out


def percentile_bars(output) -> bytes:
    rows = [m for m in output.shown() if m.percentile is not None]
    return charts.percentile_bars([m.label for m in rows], [m.percentile for m in rows], [m.status for m in rows])


def peer_bars(output) -> bytes:
    peers = list(output.peers)
    return charts.peer_bars([p.label for p in peers], [p.composite for p in peers], [p.is_customer for p in peers],
                            "composite score (mean of the metric percentiles, 0-100)")


def distributions(output) -> bytes:
    panels = [(output.metric(d.metric).label, tuple(d.edges), tuple(d.counts), d.value,
               fmt_value(d.metric, d.value)) for d in output.distributions]
    return charts.binned_histograms(panels)
