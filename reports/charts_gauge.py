"""The success score as a gauge: a half dial in the score's bands (analytics.goal_trends.SCORE_BANDS)
with a needle at the score and its label under it. Drawn like every report chart (Agg, cached)."""

from __future__ import annotations

import math

from matplotlib.patches import Wedge

from reports.charts import AMBER, GREEN, RED, TEXT, _figure, _png, cached

BAND_COLOURS = {"at_risk": RED, "needs_attention": AMBER, "on_track": "#7FB77E", "strong": GREEN}


@cached
def score_gauge(score: float, label: str, bands: tuple[tuple[float, float, str, str], ...]) -> bytes:
    """Gauge PNG. ``bands``: (low, high, key, label) covering 0..100, lowest first."""
    fig = _figure(3.2, 2.05)
    ax = fig.add_axes((0.02, 0.02, 0.96, 0.96))
    ax.set_xlim(-1.25, 1.25)
    ax.set_ylim(-0.42, 1.18)
    ax.set_aspect("equal")
    ax.axis("off")
    for lo, hi, key, _ in bands:
        # 0 on the left (180 degrees), 100 on the right (0 degrees)
        ax.add_patch(Wedge((0, 0), 1.0, 180 - hi * 1.8, 180 - lo * 1.8, width=0.28,
                           facecolor=BAND_COLOURS.get(key, "#CCCCCC"), edgecolor="white", linewidth=1.5))
    for tick in (0, 40, 60, 80, 100):
        a = math.radians(180 - tick * 1.8)
        ax.text(1.12 * math.cos(a), 1.12 * math.sin(a), f"{tick}", ha="center", va="center", fontsize=6.5,
                color=TEXT)
    s = max(0.0, min(100.0, score))
    a = math.radians(180 - s * 1.8)
    ax.plot([0, 0.8 * math.cos(a)], [0, 0.8 * math.sin(a)], color=TEXT, linewidth=2.4, solid_capstyle="round")
    ax.add_patch(Wedge((0, 0), 0.07, 0, 360, facecolor=TEXT))
    ax.text(0, -0.17, f"{score:.0f} / 100", ha="center", va="center", fontsize=13, fontweight="bold", color=TEXT)
    ax.text(0, -0.36, label, ha="center", va="center", fontsize=9.5, color=TEXT)
    return _png(fig)
