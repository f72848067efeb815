"""Where an account's value sits in a stored benchmark set (read side).

A set is either quantiles (P10..P90 per metric and segment) or raw peer rows.
The segment row matching the account is used, falling back to "All".
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from pydantic import BaseModel

from analytics import percentiles as pc
from tools.base import ToolError
from tools.workspace import Workspace


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
    """The named benchmark set, or the active one when ``name`` is None."""
    if name:
        rows = ws.query("SELECT * FROM benchmark_sets WHERE name = ? COLLATE NOCASE", (name,))
        if not rows:
            names = [r["name"] for r in ws.query("SELECT name FROM benchmark_sets ORDER BY name")]
            raise ToolError(f"No benchmark set named '{name}'.", suggestions=names)
        return rows[0]
    rows = ws.query("SELECT * FROM benchmark_sets ORDER BY active DESC, loaded_at DESC, id DESC LIMIT 1")
    return rows[0] if rows else None


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


def _segment_rows(rows: list[dict], segment: str | None) -> tuple[list[dict], str | None]:
    segments = {r["segment"] for r in rows}
    for seg in (segment, "All"):
        if seg in segments:
            return [r for r in rows if r["segment"] == seg], seg
    return [], None


def benchmark_for_account(ws: Workspace, name: str | None, segment: str | None) -> BenchmarkRef | None:
    bset = find_set(ws, name)
    if bset is None:
        return None
    if bset["kind"] == "raw":
        rows, seg = _segment_rows(ws.query(
            "SELECT segment, metric, value FROM benchmark_peers WHERE set_id = ? AND value IS NOT NULL",
            (bset["id"],)), segment)
        peers: dict[str, list[float]] = {}
        for r in rows:
            peers.setdefault(r["metric"], []).append(r["value"])
        arrays = {k: np.sort(np.array(v, dtype="float64")) for k, v in peers.items()}
        size = max((a.size for a in arrays.values()), default=0)
        info = BenchmarkInfo(name=bset["name"], source=bset["source"], year=bset["year"],
                             sample_size=size or bset["sample_size"], segment=seg, kind="raw")
        return BenchmarkRef(info, {}, arrays)
    rows, seg = _segment_rows(ws.query(
        "SELECT segment, metric, quantile, value, sample_size FROM benchmark_rows "
        "WHERE set_id = ? AND quantile IS NOT NULL AND value IS NOT NULL", (bset["id"],)), segment)
    quantiles: dict[str, dict[float, float]] = {}
    for r in rows:
        quantiles.setdefault(r["metric"], {})[float(r["quantile"])] = float(r["value"])
    sizes = [r["sample_size"] for r in rows if r["sample_size"]]
    info = BenchmarkInfo(name=bset["name"], source=bset["source"], year=bset["year"],
                         sample_size=max(sizes) if sizes else bset["sample_size"], segment=seg)
    return BenchmarkRef(info, quantiles, {})
