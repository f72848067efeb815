"""Which benchmark figures an account is compared with, and where its value sits (read side).

A set's rows form *series*: one per metric, scope (the population a row describes)
and source. For each account and metric (DESIGN §4):

1. the candidate series are those whose scope contains the account (its segment, its
   industry, its ARR inside the band, ...) and that give at least one percentile;
2. the most specific scope wins (:meth:`tools.benchmarks.scopes.Scope.specificity`),
   falling back to broader ones and finally to All;
3. within that scope, the primary source is the user's preferred one (the set's
   ``prefer_source``) when it is there, else the most recent, then the largest sample,
   then the first in the file;
4. the other series of that scope, and the labelled points ("best in class") of every
   scope that contains the account, are reference points shown beside the percentile.

Raw peer sets have segment scopes only: the peers of the account's segment, else all peers.
The answer names the row used (:meth:`Basis.text`: "$25K-$100K ARR band, SaaS Capital 2023").
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from pydantic import BaseModel, Field

from analytics import percentiles as pc
from analytics.privacy import MIN_COHORT
from tools.benchmarks.scopes import ALL, Scope, parse_scope, scope_mask
from tools.benchmarks.sets import active_benchmark_set, benchmark_set
from tools.store.workspace import Workspace

MAX_REFERENCES = 6


class Basis(BaseModel):
    """The benchmark row a metric is compared with: its scope and source."""

    scope: str = Field(description="the population: All, a segment, an ARR band, an industry ...")
    source: str | None = None
    year: int | None = None
    sample_size: int | None = None
    sample_note: str | None = None

    def text(self) -> str:
        src = " ".join(x for x in (self.source or "", str(self.year or "")) if x)
        scope = "all companies" if self.scope == "All" else self.scope
        return scope + (f", {src}" if src else "")


class Reference(BaseModel):
    """A figure shown beside the percentile: another source's median, or a labelled point."""

    label: str = Field(description="'median', 'P75', 'mean' or the label as written ('Best in class')")
    value: float
    basis: Basis


class BenchmarkInfo(BaseModel):
    name: str
    source: str | None = None
    year: int | None = None
    sample_size: int | None = None
    segment: str | None = Field(None, description="the scope most metrics use (All, a segment, a band ...)")
    kind: str = "quantiles"
    scopes: list[str] = Field(default_factory=list, description="every scope used, most used first")

    def label(self) -> str:
        bits = [b for b in (self.source, str(self.year) if self.year else None) if b]
        return f"benchmark '{self.name}'" + (f" ({', '.join(bits)})" if bits else "")


@dataclass
class Series:
    """What one source says about one metric for one scope."""

    metric: str
    scope: Scope
    source: str | None
    year: int | None
    n: int | None = None
    note: str | None = None
    points: dict[float, float] = field(default_factory=dict)   # value quantiles
    others: list[tuple[str, float]] = field(default_factory=list)  # mean and labelled points
    seq: int = 0

    def basis(self) -> Basis:
        return Basis(scope=self.scope.label, source=self.source, year=self.year, sample_size=self.n,
                     sample_note=self.note)


def find_set(ws: Workspace, name: str | None) -> dict | None:
    """The named benchmark set (ToolError listing the sets if unknown), else the active one."""
    return benchmark_set(ws, name) if name else active_benchmark_set(ws)


@dataclass
class BenchmarkRef:
    info: BenchmarkInfo
    quantiles: dict[str, dict[float, float]]   # metric -> {p: value} of the primary series
    peers: dict[str, np.ndarray]                # metric -> sorted raw peer values
    bases: dict[str, Basis] = field(default_factory=dict)
    references: dict[str, list[Reference]] = field(default_factory=dict)

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


# --- reading a set ------------------------------------------------------------------------------

def load_series(ws: Workspace, bset: dict) -> list[Series]:
    """Every series of a set (one plain read), in file order."""
    rows = ws.db.conn.execute(
        "SELECT metric, segment, scope_json, source, year, sample_size, sample_note, stat, quantile, value, "
        "label, seq FROM benchmark_rows WHERE set_id = ? AND value IS NOT NULL ORDER BY seq, id",
        (bset["id"],)).fetchall()
    by: dict[tuple, Series] = {}
    scopes: dict[tuple, Scope] = {}
    for metric, label, scope_json, source, year, n, note, stat, q, value, written, seq in rows:
        scope = scopes.setdefault((label, scope_json), Scope.from_json(scope_json, label))
        key = (metric, scope.key(), (source or "").casefold(), year)
        s = by.get(key)
        if s is None:
            s = by[key] = Series(metric, scope, source, year, n, note, seq=seq or 0)
        s.n = max(filter(None, (s.n, n)), default=None)
        s.note = s.note or note
        if q is not None:
            s.points[float(q)] = float(value)
        else:
            s.others.append(("mean" if stat == "mean" else (written or stat), float(value)))
    return list(by.values())


def choose(series: list[Series], contains: set[str], prefer: str | None) -> tuple[Series | None, list[Reference]]:
    """The primary series for one metric and account, and the reference points beside it.

    ``contains`` holds the keys of the scopes that contain the account.
    """
    mine = [s for s in series if s.scope.key() in contains]
    usable = sorted((s for s in mine if s.points), key=lambda s: _order(s, prefer))
    primary = usable[0] if usable else None
    refs: list[Reference] = []
    for s in sorted(mine, key=lambda s: _order(s, prefer)):
        if s is primary:
            refs += [Reference(label=lbl, value=v, basis=s.basis()) for lbl, v in s.others if lbl != "mean"]
            continue
        if primary is not None and s.scope.key() == primary.scope.key() and 50.0 in s.points:
            refs.append(Reference(label="median", value=s.points[50.0], basis=s.basis()))
        refs += [Reference(label=lbl, value=v, basis=s.basis()) for lbl, v in s.others
                 if lbl != "mean" and (primary is None or s.scope.key() == primary.scope.key() or not s.points)]
    return primary, refs[:MAX_REFERENCES]


def _order(s: Series, prefer: str | None) -> tuple:
    count, ranks, narrow = s.scope.specificity()
    preferred = bool(prefer and s.source and s.source.casefold() == prefer.casefold())
    return (-count, [-r for r in ranks], -narrow, not preferred, -(s.year or 0), -(s.n or 0), s.seq)


# --- an account, or every account at once -------------------------------------------------------

def benchmark_for_account(ws: Workspace, name: str | None, account: pd.Series | dict | None) -> BenchmarkRef | None:
    """The benchmark figures that apply to one account (a customers-frame row); None if no set is loaded."""
    bset = find_set(ws, name)
    if bset is None:
        return None
    frame = pd.DataFrame([dict(account)]) if account is not None else pd.DataFrame([{}])
    codes, refs = benchmark_refs(ws, bset, frame)
    return refs[int(codes[0])]


def benchmark_refs(ws: Workspace, bset: dict, customers: pd.DataFrame) -> tuple[np.ndarray, list[BenchmarkRef]]:
    """(a benchmark-group code per account, the :class:`BenchmarkRef` of each code), from one read.

    Accounts contained in the same scopes share a code, so a portfolio of 10k accounts
    needs one choice per distinct combination (a handful), not per account.
    """
    peers = _peers(ws, bset) if bset["kind"] == "raw" else {}
    series = _raw_series(peers) if bset["kind"] == "raw" else load_series(ws, bset)
    scopes = {s.scope.key(): s.scope for s in series}
    keys = list(scopes)
    if not len(customers):
        return np.zeros(0, dtype=np.int64), []
    cache: dict = {}
    masks = np.column_stack([scope_mask(scopes[k], customers, cache) for k in keys]) if keys else \
        np.zeros((len(customers), 0), dtype=bool)
    combos, codes = _distinct_rows(masks)
    refs = [_ref(bset, series, {k for k, hit in zip(keys, combo) if hit}, peers) for combo in combos]
    return np.asarray(codes, dtype=np.int64).reshape(-1), refs


def _distinct_rows(masks: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(distinct rows of a boolean matrix, each row's index into them); bits packed into ints when they fit."""
    if masks.shape[1] <= 62:
        packed = masks.astype(np.int64) @ (np.int64(1) << np.arange(masks.shape[1], dtype=np.int64))
        uniq, codes = np.unique(packed, return_inverse=True)
        combos = ((uniq[:, None] >> np.arange(masks.shape[1], dtype=np.int64)) & 1).astype(bool)
        return combos, codes
    return np.unique(masks, axis=0, return_inverse=True)


def _ref(bset: dict, series: list[Series], contains: set[str], peers: dict) -> BenchmarkRef:
    by_metric: dict[str, list[Series]] = {}
    for s in series:
        by_metric.setdefault(s.metric, []).append(s)
    quantiles, bases, references, raw = {}, {}, {}, {}
    for metric, ss in by_metric.items():
        primary, refs = choose(ss, contains, bset.get("prefer_source"))
        if refs:
            references[metric] = refs
        if primary is None:
            continue
        bases[metric] = primary.basis()
        if peers:
            seg = None if primary.scope.is_all else primary.scope.label
            vals = [v for (p_seg, m), v in peers.items() if m == metric and (seg is None or p_seg == seg)]
            pooled = np.sort(np.concatenate(vals)) if vals else np.zeros(0)
            # raw peers are individual companies: no median or percentile from fewer than 10 (anonymity)
            raw[metric] = pooled if pooled.size >= MIN_COHORT else np.zeros(0)
        else:
            quantiles[metric] = dict(primary.points)
    return BenchmarkRef(_info(bset, bases, raw), quantiles, raw, bases, references)


def _raw_series(peers: dict[tuple[str, str], np.ndarray]) -> list[Series]:
    """A raw peer set's series: each segment's peers, and all peers together (scope All)."""
    out: dict[tuple[str, str], Series] = {}
    for (seg, metric), vals in peers.items():
        for label in {seg, "All"}:
            scope = ALL if label == "All" else parse_scope(label, "segment")
            s = out.setdefault((scope.key(), metric), Series(metric, scope, None, None))
            s.n = (s.n or 0) + len(vals)
            s.points = {50.0: float(np.median(vals))}  # marks the series usable; the peers give the figures
    return list(out.values())


def _peers(ws: Workspace, bset: dict) -> dict[tuple[str, str], np.ndarray]:
    rows = ws.db.conn.execute("SELECT segment, metric, value FROM benchmark_peers WHERE set_id = ? "
                              "AND value IS NOT NULL", (bset["id"],)).fetchall()
    out: dict[tuple[str, str], list[float]] = {}
    for seg, metric, value in rows:
        out.setdefault((seg, metric), []).append(value)
    return {k: np.array(v, dtype="float64") for k, v in out.items()}


def _info(bset: dict, bases: dict[str, Basis], raw: dict[str, np.ndarray]) -> BenchmarkInfo:
    scopes = Counter(b.scope for b in bases.values())
    sources = Counter(b.source for b in bases.values() if b.source)
    years = [b.year for b in bases.values() if b.year]
    sizes = [b.sample_size for b in bases.values() if b.sample_size]
    if raw:
        sizes = [max(len(v) for v in raw.values())] if raw else sizes
    one_source = len(sources) == 1
    return BenchmarkInfo(
        name=bset["name"], kind=bset["kind"],
        source=(next(iter(sources)) if one_source else ", ".join(s for s, _ in sources.most_common())) or bset["source"],
        year=(max(years) if years else bset["year"]), sample_size=(max(sizes) if sizes else bset["sample_size"]),
        segment=scopes.most_common(1)[0][0] if scopes else None, scopes=[s for s, _ in scopes.most_common()])
