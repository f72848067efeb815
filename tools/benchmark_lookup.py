"""Where an account's value sits in a stored benchmark set (read side).

A set is either quantiles (P10..P90 per metric and segment) or raw peer rows.
The segment row matching the account is used, falling back to "All".
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from pydantic import BaseModel

import pandas as pd

from analytics import percentiles as pc
from tools.ingest.benchmarks import active_benchmark_set, benchmark_peers, benchmark_quantiles, benchmark_set
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


def _segment_frame(df: pd.DataFrame, segment: str | None) -> tuple[pd.DataFrame, str | None]:
    """The rows of the account's segment, else of "All", else none."""
    present = set(df["segment"])
    for seg in (segment, "All"):
        if seg in present:
            return df[df["segment"] == seg], seg
    return df.iloc[0:0], None


def benchmark_for_account(ws: Workspace, name: str | None, segment: str | None) -> BenchmarkRef | None:
    """The benchmark figures that apply to an account of ``segment`` (None if no set is loaded)."""
    bset = find_set(ws, name)
    if bset is None:
        return None
    if bset["kind"] == "raw":
        rows, seg = _segment_frame(benchmark_peers(ws, bset["id"]).dropna(subset=["value"]), segment)
        arrays = {m: np.sort(g["value"].to_numpy()) for m, g in rows.groupby("metric")}
        size = int(rows["peer"].nunique()) if len(rows) else None
        info = BenchmarkInfo(name=bset["name"], source=bset["source"], year=bset["year"],
                             sample_size=size or bset["sample_size"], segment=seg, kind="raw")
        return BenchmarkRef(info, {}, arrays)
    rows, seg = _segment_frame(benchmark_quantiles(ws, bset["id"]).dropna(subset=["value"]), segment)
    quantiles = {m: dict(zip(g["quantile"].astype(float), g["value"].astype(float)))
                 for m, g in rows.groupby("metric")}
    sizes = rows["sample_size"].dropna()
    info = BenchmarkInfo(name=bset["name"], source=bset["source"], year=bset["year"],
                         sample_size=int(sizes.max()) if len(sizes) else bset["sample_size"], segment=seg)
    return BenchmarkRef(info, quantiles, {})
