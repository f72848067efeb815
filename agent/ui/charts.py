"""Charts shown inline in the chat, as PNG bytes (matplotlib, Agg).

Chat images show no caption, so each chart here carries its own title. For an
account comparison: the account's percentile within its peer group per metric
(the table's "Peer percentile" column, coloured by status) and its composite score
among a few anonymised peers of similar size ("You" marked). For a success result:
the report module's goal-progress figure (``reports.build_success``), so chat and
exports show the same picture. Colours follow ``reports.charts`` when it is there.
Charts only draw figures the tools computed; a failing chart never breaks an answer.
"""

from __future__ import annotations

import io
import logging
from typing import Any

log = logging.getLogger(__name__)

NAVY, PEER, TEXT, GRID = "#1F3A5F", "#A9B4C2", "#333333", "#D9DEE5"
STATUS_COLOURS = {"top_performer": "#2E7D4F", "above_median": "#5B9A6F", "below_median": "#C77C02",
                  "lagging": "#B03A2E"}
try:  # the exports' palette, so chat and documents look alike
    from reports.charts import NAVY, PEER, STATUS_COLOURS  # noqa: F811
except ImportError:  # pragma: no cover - reports not installed
    pass


def charts_for(tool: str, output: Any) -> list[tuple[str, bytes]]:
    """(title, PNG) pairs for one tool result; [] when the result has nothing to draw."""
    try:
        if tool == "compare_customer" and getattr(output, "metrics", None):
            charts = [(f"{output.customer}: percentile within peer group", percentile_bars(output))]
            if getattr(output, "peers", None):
                charts.append((f"{output.customer}: composite score vs peers", peer_bars(output)))
            return charts
        if tool == "compute_roi":
            return _goal_progress(output)
    except Exception:
        log.exception("chart for %s failed", tool)
    return []


def _goal_progress(output: Any) -> list[tuple[str, bytes]]:
    try:
        from reports.build_success import progress_figure
    except ImportError:
        return []
    figure = progress_figure(output)
    return [(f"{output.customer}: {figure.title}", figure.png)] if figure is not None else []


def _pyplot():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def _png(fig, plt) -> bytes:
    try:
        fig.tight_layout()
        buf = io.BytesIO()
        fig.savefig(buf, format="png", dpi=110, facecolor="white")
        return buf.getvalue()
    finally:
        plt.close(fig)


def percentile_bars(output: Any) -> bytes:
    """Horizontal bars: the account's percentile within its peer group per metric, by status."""
    plt = _pyplot()
    rows = [m for m in output.metrics if m.percentile is not None][::-1]
    fig, ax = plt.subplots(figsize=(7.2, 0.27 * len(rows) + 1.2))
    ax.barh([m.label for m in rows], [m.percentile for m in rows], height=0.62,
            color=[STATUS_COLOURS.get(m.status or "", PEER) for m in rows])
    for p in (25, 50, 75, 90):
        ax.axvline(p, color="#8895A7" if p == 50 else GRID, linestyle="-" if p == 50 else "--",
                   linewidth=1.0 if p == 50 else 0.7, zorder=0)
    for i, m in enumerate(rows):
        ax.text(m.percentile + 1, i, f"{m.percentile:.0f}", va="center", fontsize=7.5, color=TEXT)
    ax.set_xlim(0, 105)
    ax.set_xticks([0, 25, 50, 75, 90, 100])
    ax.set_xlabel("percentile within the peer group (50 = median; higher is better for every metric)",
                  fontsize=8)
    ax.tick_params(labelsize=8)
    ax.spines[["top", "right"]].set_visible(False)
    ax.set_title(f"{output.customer}: percentile within {output.cohort.description} "
                 f"({output.cohort.size} accounts)", fontsize=10, loc="left", color=TEXT)
    return _png(fig, plt)


def peer_bars(output: Any) -> bytes:
    """Composite score of the account ("You" when anonymised) among a few peers of similar size."""
    plt = _pyplot()
    peers = list(output.peers)[::-1]
    fig, ax = plt.subplots(figsize=(7.2, 0.3 * len(peers) + 1.2))
    ax.barh([p.label for p in peers], [p.composite for p in peers], height=0.62,
            color=[NAVY if p.is_customer else PEER for p in peers])
    for i, p in enumerate(peers):
        ax.text(p.composite + 1, i, f"{p.composite:.0f}", va="center", fontsize=7.5,
                color=NAVY if p.is_customer else TEXT, fontweight="bold" if p.is_customer else "normal")
    for label in ax.get_yticklabels():
        if any(p.is_customer and p.label == label.get_text() for p in peers):
            label.set_fontweight("bold")
    ax.set_xlim(0, 105)
    ax.set_xlabel("composite score (mean of the metric percentiles, 0-100)", fontsize=8)
    ax.tick_params(labelsize=8)
    ax.spines[["top", "right"]].set_visible(False)
    ax.set_title(f"{output.customer} vs {len(peers) - 1} peers of similar size", fontsize=10, loc="left",
                 color=TEXT)
    return _png(fig, plt)
