"""What a report shows beyond the tool outputs: the peer group's spread, the history, the dates.

draft_report calls these once per report; the builders only format what they return. Every
peer figure here is an aggregate of a peer group of at least 10 accounts (the group was
checked by compare_customer): quantiles, bin counts, monthly medians. No peer's own value,
minimum or maximum leaves this module.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from analytics import percentiles as pc
from analytics.catalog import BY_KEY, KEYS
from analytics.privacy import MIN_COHORT
from tools.benchmarks.lookup import BenchmarkRef
from tools.portfolio.benchmark_history import month_point
from tools.store.frames import history_cube, latest_metrics
from tools.store.workspace import Workspace

HISTORY_MONTHS = 12
TREND_METRICS = 4          # key-metric trend panels
BULLET_METRICS = 8         # rows of the "you vs the middle half" chart
FILL_METRICS = ("health_score", "adoption_score", "engagement_score", "net_revenue_retention", "nps",
                "renewal_rate")


@dataclass
class PeerView:
    """The peer group's spread and the account's history, ready for charts."""

    composite: dict | None = None                       # {"edges", "counts", "you", "size"}
    bullets: list[dict] = field(default_factory=list)   # per metric: value vs P25 / median / P75
    monthly: list[dict] = field(default_factory=list)   # {"period", "overall", "benchmark"} oldest first
    trends: list[dict] = field(default_factory=list)    # {"metric", "label", "periods", "you", "peers"}


def key_metrics(cmp, shown_percentile, gaps: list[str], limit: int) -> list[str]:
    """The metrics a report's story is about: the strongest (by the percentile its table shows), the
    gaps it recommends on, then the usual health signals, up to ``limit``."""
    rated = [(shown_percentile(m), m.metric) for m in cmp.metrics if m.value is not None]
    best = [k for p, k in sorted((x for x in rated if x[0] is not None), key=lambda x: -x[0])[:3]]
    order = best[:2] + list(gaps) + best[2:] + list(FILL_METRICS)
    have = {m.metric for m in cmp.metrics if m.value is not None}
    out: list[str] = []
    for k in order:
        if k in have and k not in out:
            out.append(k)
    return out[:limit]


def peer_view(ws: Workspace, cmp, members: pd.Index, account_id: int, ref: BenchmarkRef | None,
              bullet_keys: list[str], trend_keys: list[str]) -> PeerView:
    latest = latest_metrics(ws).reindex(members)
    view = PeerView(composite=_composite(latest, account_id), bullets=_bullets(cmp, ref, bullet_keys))
    periods, cube = history_cube(ws, members.to_numpy())
    if len(periods) >= 2 and account_id in members:
        me = int(members.get_loc(account_id))
        view.monthly = _monthly(periods, cube, me, ref)
        view.trends = _trends(periods, cube, me, trend_keys)
    return view


def _composite(latest: pd.DataFrame, account_id: int) -> dict | None:
    """Bin counts of the peer group's composite scores (edges at its P10 and P90), and the account's."""
    if len(latest) < MIN_COHORT or account_id not in latest.index:
        return None
    directions = {k: BY_KEY[k].higher_is_better for k in KEYS}
    composites = pc.composite_scores(pc.frame_percentiles(latest, directions)).dropna()
    if len(composites) < MIN_COHORT or account_id not in composites.index:
        return None
    edges, counts = pc.tail_clipped_histogram(composites.to_numpy(), bins=8)
    return {"edges": edges, "counts": counts, "you": float(composites.loc[account_id]), "size": int(len(composites))}


def _quartiles(ref: BenchmarkRef | None, key: str) -> tuple[float, float, float] | None:
    """The benchmark's P25 / median / P75 values for ``key`` (published quantiles or raw peer rows)."""
    if ref is None:
        return None
    if key in ref.peers and ref.peers[key].size >= MIN_COHORT:
        q = np.percentile(ref.peers[key], [25, 50, 75])
        return float(q[0]), float(q[1]), float(q[2])
    points = ref.quantiles.get(key) or {}
    if all(p in points for p in (25.0, 50.0, 75.0)):
        return points[25.0], points[50.0], points[75.0]
    return None


def _bullets(cmp, ref: BenchmarkRef | None, keys: list[str]) -> list[dict]:
    """Per metric: the account's value against the middle half (P25-P75) and median of the basis its
    table shows (the industry benchmark where it covers the metric and publishes quartiles, else peers)."""
    out = []
    for key in keys:
        m = cmp.metric(key)
        industry = _quartiles(ref, key) if m.benchmark_percentile is not None else None
        quart = industry or (m.cohort_p25, m.cohort_median, m.cohort_p75)
        if m.value is None or any(q is None for q in quart):
            continue
        out.append({"metric": key, "label": m.label, "value": m.value, "p25": quart[0], "median": quart[1],
                    "p75": quart[2], "basis": "industry" if industry else "peers",
                    "lower_is_better": m.direction == "lower_is_better"})
    return out


def _monthly(periods: list[str], cube: np.ndarray, me: int, ref: BenchmarkRef | None) -> list[dict]:
    out = []
    for t in range(max(0, len(periods) - HISTORY_MONTHS), len(periods)):
        point = month_point(periods[t], cube[:, :, t], me, ref)
        if point.overall_percentile is not None or point.benchmark_composite is not None:
            out.append({"period": periods[t], "overall": point.overall_percentile,
                        "benchmark": point.benchmark_composite})
    return out


def _trends(periods: list[str], cube: np.ndarray, me: int, keys: list[str]) -> list[dict]:
    """The account's monthly value and the peer group's monthly median (months with >= 10 peers reporting)."""
    window = range(max(0, len(periods) - HISTORY_MONTHS), len(periods))
    out = []
    for key in keys:
        j = KEYS.index(key)
        you, peers = [], []
        for t in window:
            col = cube[:, j, t]
            known = col[~np.isnan(col)]
            you.append(None if np.isnan(col[me]) else round(float(col[me]), 4))
            peers.append(round(float(np.median(known)), 4) if known.size >= MIN_COHORT else None)
        if sum(v is not None for v in you) >= 2:
            out.append({"metric": key, "label": BY_KEY[key].label, "periods": [periods[t] for t in window],
                        "you": you, "peers": peers})
    return out


# ---- dates ------------------------------------------------------------------------------------

def quarter_label(day: dt.date) -> str:
    """'Q4 2026' for any day of that quarter."""
    return f"Q{(day.month - 1) // 3 + 1} {day.year}"


def data_as_of(ws: Workspace, customer_id: int) -> dt.date | None:
    """The last day of the account's latest month of metric data ('2026-10' -> 31 Oct 2026)."""
    row = ws.db.conn.execute("SELECT MAX(period) FROM metric_values WHERE customer_id = ?", (customer_id,)).fetchone()
    if not row or not row[0]:
        return None
    try:
        first = dt.date.fromisoformat(str(row[0])[:7] + "-01")
    except ValueError:
        return None
    return (first.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)


def next_renewal(contract_start: str | None, today: dt.date) -> dt.date | None:
    """The next anniversary of the contract start on or after ``today`` (annual contracts)."""
    try:
        start = dt.date.fromisoformat(str(contract_start)[:10])
    except (TypeError, ValueError):
        return None
    for year in (today.year, today.year + 1):
        try:
            day = start.replace(year=year)
        except ValueError:  # 29 February
            day = dt.date(year, 2, 28)
        if day >= today:
            return day
    return None
