"""The charts of the customer-facing reports, as report figures (PNG + native PPTX chart data).

Each figure's key is the name that hides it (``--hide peer_chart``). Peers are drawn only as
aggregates (the middle half and median of a group, bin counts, monthly medians); the account is
"You" everywhere.
"""

from __future__ import annotations

from analytics.catalog import BY_KEY
from analytics.percentiles import status_for
from reports.format import fmt_value, ordinal
from reports.model import Figure, Series, chart
from reports.page import WIDE_IN
from tools.report.gather import PeerView
from tools.report.shared import industry_view

AXIS_KINDS = {"percent": "percent"}
COMPOSITE_AXIS = "overall score (mean of your metric percentiles, 0-100)"


def _axis(metric: str) -> str | None:
    return AXIS_KINDS.get(BY_KEY[metric].unit) if metric in BY_KEY else None


def percentile_figure(cmp, keys: list[str] | None = None, accent: str = "") -> Figure | None:
    """Every rated metric (or ``keys``) at the percentile its table shows, coloured by quartile band."""
    ms = [cmp.metric(k) for k in keys] if keys else [m for m in cmp.metrics if m.value is not None]
    shown = [(m, industry_view(m)) for m in ms if m.value is not None and industry_view(m)[1] is not None]
    if not shown:
        return None
    points = []
    for m, (_, pct, label, status, industry) in shown:
        bound = m.benchmark_bound if industry else None
        points.append({"label": m.label, "value": round(pct, 2), "text": label or ordinal(pct), "bound": bound,
                       "band": status or status_for(pct), "basis": "industry" if industry else "peers"})
    png = chart("percentile_bands", [p["label"] for p in points], [p["value"] for p in points],
                [p["text"] for p in points], [p["bound"] for p in points], [p["band"] for p in points], WIDE_IN)
    peers_only = any(p["basis"] == "peers" for p in points)
    return Figure("percentile_chart", "Your percentile by metric", png, chart_type="bands", points=points,
                  categories=[p["label"] for p in points], series=[Series("Percentile", [p["value"] for p in points])],
                  axis_title="percentile (higher is better)", width_in=WIDE_IN,
                  caption="Percentile against the industry benchmark where it covers the metric"
                          + (", else against your peer group" if peers_only else "")
                          + ". A hatched bar is outside the benchmark's published range: the percentile lies "
                            "somewhere in the hatched span.")


def bullet_figure(view: PeerView, accent: str) -> Figure | None:
    rows = view.bullets
    if not rows:
        return None
    data = [(r["label"], r["value"], fmt_value(r["metric"], r["value"]), r["p25"], r["median"], r["p75"],
             r["lower_is_better"], _axis(r["metric"])) for r in rows]
    bases = {r["basis"] for r in rows}
    basis = "the industry" if bases == {"industry"} else "peers" if bases == {"peers"} else "the comparison group"
    return Figure("bullet_chart", "You against the middle half of the comparison group",
                  chart("metric_bullets", data, accent, basis), width_in=WIDE_IN,
                  caption="Each metric on its own scale: the band is the middle half (P25 to P75) of the industry "
                          "benchmark where it publishes quartiles for the metric, else of your peer group; the "
                          "tick is the median; the diamond is you.")


def distribution_figure(view: PeerView, cmp, accent: str) -> Figure | None:
    """The peer group's overall scores as a histogram (edges at its P10 and P90) with "You" marked."""
    h = view.composite
    if not h:
        return None
    labels = [f"{h['edges'][i]:.0f}-{h['edges'][i + 1]:.0f}" for i in range(len(h["counts"]))]
    mine = next((i for i in range(len(h["counts"])) if h["edges"][i] <= h["you"] <= h["edges"][i + 1]),
                0 if h["you"] < h["edges"][0] else len(h["counts"]) - 1)
    points = [{"label": lab, "value": c, "you": i == mine} for i, (lab, c) in enumerate(zip(labels, h["counts"]))]
    png = chart("composite_histogram", h["edges"], h["counts"], h["you"], f"{h['you']:.0f}", accent, COMPOSITE_AXIS)
    return Figure("peer_chart", f"Where you sit among {h['size']} peer accounts", png, chart_type="histogram",
                  categories=labels, series=[Series("Accounts", [float(c) for c in h["counts"]])], points=points,
                  axis_title="accounts", width_in=5.6,
                  caption=f"How many of the {h['size']} accounts in your peer group ({cmp.cohort.description}) "
                          "have each overall score; your bin is highlighted. The end bins also hold the "
                          "lowest and highest tenth, so no single account's score is shown.")


def trend_figure(view: PeerView, accent: str) -> Figure | None:
    """The overall percentile among the peer group, month by month (and the mean benchmark percentile)."""
    months = view.monthly
    if sum(p["overall"] is not None for p in months) < 2:
        return None
    periods = [p["period"] for p in months]
    series = [Series("Overall percentile among peers", [p["overall"] for p in months], "you")]
    if sum(p["benchmark"] is not None for p in months) >= 2:
        series.append(Series("Average percentile vs industry", [p["benchmark"] for p in months], "peer"))
    png = chart("trend_lines", periods, [(s.name, s.values, s.style) for s in series], "percentile", accent, True)
    return Figure("trend", "Your position over the last 12 months", png, chart_type="line",
                  categories=periods, series=series, axis_title="percentile", axis_range=(0, 100), width_in=WIDE_IN,
                  caption="Recomputed for each month from that month's latest values of your peer group.")


def metric_trends_figure(view: PeerView, accent: str) -> Figure | None:
    """Key metrics month by month: you and the peer-group median."""
    if not view.trends:
        return None
    panels_png, panels = [], []
    for t in view.trends:
        label = t["label"] + (" (lower is better)" if BY_KEY[t["metric"]].direction == "lower_is_better" else "")
        panels_png.append((label, t["periods"], t["you"], t["peers"], _axis(t["metric"])))
        panels.append(Figure(t["metric"], label, b"", chart_type="line", categories=t["periods"],
                             series=[Series("You", t["you"], "you"), Series("Peer median", t["peers"], "peer")],
                             number_format=_native_format(t["metric"])))
    return Figure("metric_trends", "Key metrics over time: you and the peer median",
                  chart("trend_panels", panels_png, accent, "peer-group median"), chart_type="panels", panels=panels,
                  width_in=WIDE_IN, caption="Monthly values; the dashed line is the median of your peer group "
                                            "(months with at least 10 accounts reporting).")


def _native_format(metric: str) -> str:
    if metric in ("csat", "nps"):
        return "0.0" if metric == "csat" else "+0;-0;0"
    unit = BY_KEY[metric].unit if metric in BY_KEY else ""
    return {"percent": '0.0"%"', "ratio": "0.00", "tickets": "0.00"}.get(unit, "0")
