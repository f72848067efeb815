"""Figures as a CSM reads them: units on every value, aligned Markdown tables."""

from __future__ import annotations

from analytics.catalog import BY_KEY
from analytics.percentiles import ordinal

STATUS_LABELS = {
    "top_performer": "▲ Top performer",
    "above_median": "● Above median",
    "below_median": "▽ Below median",
    "lagging": "▼ Lagging",
}


_UNIT_FORMATS = {"percent": "{:.1f}%", "ratio": "{:.2f}", "days": "{:.0f} days", "minutes": "{:.0f} min",
                 "hours": "{:.0f} h", "tickets": "{:.2f}", "score": "{:.0f}"}
_METRIC_FORMATS = {"nps": "{:+.0f}", "csat": "{:.1f} / 5"}


def fmt_value(metric: str, value: float | None) -> str:
    """A metric value with its unit: '62%', '0.42', '+38', '14 days', '3.1 / 5'."""
    if value is None or value != value:
        return "n/a"
    unit = BY_KEY[metric].unit if metric in BY_KEY else ""
    pattern = _METRIC_FORMATS.get(metric) or _UNIT_FORMATS.get(unit)
    if pattern:
        return pattern.format(value)
    return f"{value:.1f}" if value != int(value) else f"{value:.0f}"


def fmt_pct(p: float | None) -> str:
    return "n/a" if p is None or p != p else ordinal(p)


def fmt_date(d: object) -> str:
    """An ISO date as a reader writes it: '2026-12-31' -> '31 Dec 2026' (other text unchanged)."""
    import datetime as dt

    if d is None or d == "":
        return "n/a"
    text = str(d)
    try:
        day = dt.date.fromisoformat(text[:10])
    except ValueError:
        return text
    return f"{day.day} {day:%b %Y}"


def fmt_money(x: float | None) -> str:
    if x is None or x != x:
        return "n/a"
    if abs(x) >= 1e6:
        return f"${x / 1e6:.1f}M"
    if abs(x) >= 1e3:
        return f"${x / 1e3:.0f}K"
    return f"${x:,.0f}"


def status_label(status: str | None) -> str:
    return STATUS_LABELS.get(status or "", "n/a")


def markdown_table(headers: list[str], rows: list[list[object]], align: str | None = None) -> str:
    """A GitHub-style table; ``align`` has one char per column: 'l' or 'r'."""
    align = align or "l" * len(headers)
    sep = ["---:" if a == "r" else "---" for a in align]
    out = ["| " + " | ".join(headers) + " |", "| " + " | ".join(sep) + " |"]
    out += ["| " + " | ".join("" if c is None else str(c).replace("|", "\\|") for c in r) + " |" for r in rows]
    return "\n".join(out)


def metric_table_markdown(metrics) -> str:
    """The per-metric comparison table of compare_customer (metrics without a value skipped)."""
    rows = []
    for m in metrics:
        if m.value is None:
            continue
        rows.append([m.label, fmt_value(m.metric, m.value), fmt_value(m.metric, m.cohort_median),
                     fmt_pct(m.percentile), fmt_value(m.metric, m.benchmark_median),
                     m.benchmark_label or "n/a", status_label(m.status), m.trend or "n/a"])
    return markdown_table(["Metric", "Value", "Peer median", "Peer percentile", "Industry median",
                           "Industry percentile", "Status", "Trend"], rows, "lrrrrrll")
