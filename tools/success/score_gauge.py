"""The success score's band and gauge, for the chat's success dashboard and the success/QBR reports.

The bands are defined once, in :data:`analytics.goal_trends.SCORE_BANDS` (Strong >= 80, On track >= 60,
Needs attention >= 40, At risk below 40).
"""

from __future__ import annotations

from analytics.goal_trends import SCORE_BANDS, score_band
from reports.model import Figure, chart


def band_ranges() -> tuple[tuple[float, float, str, str], ...]:
    """(low, high, key, label) per band over 0..100, lowest first."""
    out, high = [], 100.0
    for lo, key, label in SCORE_BANDS:
        low = max(lo, 0.0)
        out.append((low, high, key, label))
        high = low
    return tuple(reversed(out))


def score_label(score: float | None) -> str | None:
    band = score_band(score)
    return band[1] if band else None


BANDS_TEXT = ("Success score bands: " + ", ".join(f"{label} {lo:g}-{hi:g}" if lo else f"{label} below {hi:g}"
                                                  for lo, hi, _, label in reversed(band_ranges())) + ".")


def gauge_figure(score: float | None, width_in: float = 3.2) -> Figure | None:
    """The gauge as a report figure (None without a score)."""
    label = score_label(score)
    if label is None:
        return None
    return Figure("success_gauge", "Success score", chart("score_gauge", round(float(score), 1), label, band_ranges()),
                  caption=f"Success score {score:.0f} / 100: {label}. " + BANDS_TEXT, width_in=width_in)


def gauge_chart(roi) -> list[tuple[str, bytes]]:
    """(title, PNG) for the chat's success dashboard; [] without a score."""
    fig = gauge_figure(roi.success_score)
    return [(f"{roi.customer}: success score {roi.success_score:.0f} ({score_label(roi.success_score)})", fig.png)] \
        if fig is not None else []
