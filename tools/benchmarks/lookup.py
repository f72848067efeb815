"""Where an account's value sits in a stored benchmark set (read side).

A set is either quantiles (P10..P90 per metric and segment) or raw peer rows.
The segment row matching the account is used, falling back to "All".
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from pydantic import BaseModel

from analytics import percentiles as pc
from analytics.privacy import MIN_COHORT
from tools.benchmarks.sets import active_benchmark_set, benchmark_set
from tools.store.frames import NO_SEGMENT
from tools.store.workspace import Workspace


class BenchmarkInfo(BaseModel):
    name: str
    source: str | None = None
    year: int | None = None
    sample_size: int | None = None
    segment: str | None = None
    kind: str = "quantiles"

    def label(self) -> str:
        bits = [b for b in (self.source, str(self.year) if self.year else None) if b]
        return f"benchmark '{self.name}'" + (f" ({', '.join(bits)})" if bits else "")


def find_set(ws: Workspace, name: str | None) -> dict | None:
    """The named benchmark set (ToolError listing the sets if unknown), else the active one."""
    return benchmark_set(ws, name) if name else active_benchmark_set(ws)


@dataclass
class BenchmarkRef:
    info: BenchmarkInfo
    quantiles: dict[str, dict[float, float]]   # metric -> {p: value}
    peers: dict[str, np.ndarray]                # metric -> sorted raw peer values

    def position(self, metric: str, value: float | None, higher: bool) -> tuple[float | None, float | None, str | None]:
        """(benchmark median, percentile, bound) of ``value`` for ``metric``."""
        if metric in self.peers:
            vals = self.peers[metric]
            median = float(np.median(vals)) if vals.size else None
            if value is None or not vals.size:
                return median, None, None
            below = np.searchsorted(vals, value, "left")
            at_or_below = np.searchsorted(vals, value, "right")
            pct = (below + at_or_below) * 50.0 / vals.size
            return median, (pct if higher else 100.0 - pct), None
        points = self.quantiles.get(metric)
        if not points:
            return None, None, None
        median = points.get(50.0)
        if value is None:
            return median, None, None
        pct, bound = pc.benchmark_percentiles(np.array([value]), points, higher)
        p = float(pct[0])
        return median, (None if p != p else p), (bound[0] or None)


def benchmark_for_account(ws: Workspace, name: str | None, segment: str | None) -> BenchmarkRef | None:
    """The benchmark figures that apply to an account of ``segment`` (None if no set is loaded)."""
    bset = find_set(ws, name)
    if bset is None:
        return None
    group = segment or NO_SEGMENT
    return benchmark_refs(ws, bset, [group])[group]


def benchmark_refs(ws: Workspace, bset: dict, groups: list[str]) -> dict[str, BenchmarkRef]:
    """Each peer group's benchmark rows (its segment, else "All"), from one read of the set.

    A group is a segment name, or ``NO_SEGMENT`` for accounts without one (they
    get the "All" rows). One plain read serves every group: a raw peer set is
    11k rows at 500 peers.
    """
    by_segment = _rows_by_segment(ws, bset)
    refs: dict[str, BenchmarkRef] = {}
    for g in groups:
        seg = next((s for s in ((None if g == NO_SEGMENT else g), "All") if s in by_segment), None)
        make = _raw_ref if bset["kind"] == "raw" else _quantile_ref
        refs[g] = make(bset, seg, by_segment.get(seg, []))
    return refs


def _rows_by_segment(ws: Workspace, bset: dict) -> dict[str, list[tuple]]:
    """The set's non-missing rows by segment: (segment, metric, value, peer) for a raw set,
    (segment, metric, value, quantile, sample_size) in quantile order for a quantile set."""
    sql = ("SELECT segment, metric, value, peer FROM benchmark_peers WHERE set_id = ? AND value IS NOT NULL"
           if bset["kind"] == "raw" else
           "SELECT segment, metric, value, quantile, sample_size FROM benchmark_rows "
           "WHERE set_id = ? AND quantile IS NOT NULL AND value IS NOT NULL ORDER BY metric, segment, quantile")
    by_segment: dict[str, list[tuple]] = {}
    for row in ws.db.conn.execute(sql, (bset["id"],)):
        by_segment.setdefault(row[0], []).append(row)
    return by_segment


def _raw_ref(bset: dict, segment: str | None, rows: list[tuple]) -> BenchmarkRef:
    peers: dict[str, list[float]] = {}
    for _, metric, value, _ in rows:
        peers.setdefault(metric, []).append(value)
    info = BenchmarkInfo(name=bset["name"], source=bset["source"], year=bset["year"],
                         sample_size=len({r[3] for r in rows}) or bset["sample_size"], segment=segment, kind="raw")
    # raw peers are individual companies: no median or percentile from fewer than 10 of them (anonymity)
    return BenchmarkRef(info, {}, {k: np.sort(np.array(v, dtype="float64")) for k, v in peers.items()
                                   if len(v) >= MIN_COHORT})


def _quantile_ref(bset: dict, segment: str | None, rows: list[tuple]) -> BenchmarkRef:
    quantiles: dict[str, dict[float, float]] = {}
    for _, metric, value, q, _ in rows:
        quantiles.setdefault(metric, {})[float(q)] = float(value)
    sizes = [r[4] for r in rows if r[4] is not None]
    info = BenchmarkInfo(name=bset["name"], source=bset["source"], year=bset["year"],
                         sample_size=max(sizes) if sizes else bset["sample_size"], segment=segment)
    return BenchmarkRef(info, quantiles, {})
