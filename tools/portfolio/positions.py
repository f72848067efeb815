"""Every account's position at once: within its peer group (segment) and against the benchmark.

Shared by compare_portfolio, find_best_practices and recommend_improvements.
Every account is ranked in one pass (:func:`analytics.portfolio.rank_portfolio`):
within its peer group and against the benchmark rows that apply to it: per metric
the most specific scope of the set that contains the account (its segment, its ARR
band, its industry ...), falling back to the set's "All" rows (:mod:`tools.benchmarks.lookup`).
Accounts contained in the same scopes form one *benchmark group*. Peer groups under 10 accounts get no peer
figures (no percentile, rank or aggregate); their accounts are still placed
against the benchmark, which is external data, not a peer aggregate.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np
import pandas as pd

from analytics import percentiles as pc
from analytics import practices as pr
from analytics.catalog import BY_KEY, KEYS, metric_for, segment_for
from analytics.portfolio import rank_portfolio
from tools.base import NO_CUSTOMERS, ToolError
from tools.benchmarks.lookup import BenchmarkRef, benchmark_refs, find_set
from tools.compare.cohorts import MIN_COHORT
from tools.store.frames import NO_SEGMENT, customers_table, latest_values, peer_groups
from tools.store.workspace import Workspace

DIRECTIONS = {k: BY_KEY[k].higher_is_better for k in KEYS}
KIDX = {k: j for j, k in enumerate(KEYS)}
SEGMENT_ORDER = {"Enterprise": 0, "Mid-Market": 1, "SMB": 2}
_BOUND_NAMES = np.array(["below", "", "above"], dtype=object)


def seg_order(g: str) -> tuple:
    return (SEGMENT_ORDER.get(g, 3), g)


def bound_names(codes: np.ndarray) -> np.ndarray:
    """int8 bound codes (percentiles.BELOW / INSIDE / ABOVE) -> "below" / "" / "above"."""
    return _BOUND_NAMES[np.asarray(codes, dtype=np.int64) - pc.BELOW]


@dataclass
class Positions:
    """Every account's cohort and benchmark position, row i = ``ids[i]``, column j = ``KEYS[j]``."""

    customers: pd.DataFrame       # customers_table() + "group" (segment or NO_SEGMENT)
    ids: np.ndarray
    names: np.ndarray
    group: np.ndarray             # peer group (segment) name per account
    gcode: np.ndarray             # its index in ``gnames``
    gnames: list[str]
    values: np.ndarray
    cohort_pct: np.ndarray        # NaN in peer groups under MIN_COHORT
    bench_pct: np.ndarray
    bench_bound: np.ndarray       # "below" / "" / "above"
    composite: np.ndarray
    overall: np.ndarray
    bench_composite: np.ndarray
    sizes: dict[str, int]
    bcode: np.ndarray                                 # benchmark group per account (index into brefs)
    brefs: list[BenchmarkRef]                         # the benchmark rows each benchmark group uses
    bpoints: list[dict[str, dict[float, float]]]      # benchmark group -> metric -> {p: value}
    bset: dict | None
    period: str | None

    def ref_of(self, row: int) -> BenchmarkRef | None:
        return self.brefs[int(self.bcode[row])] if self.brefs else None

    def points_of(self, row: int) -> dict[str, dict[float, float]]:
        return self.bpoints[int(self.bcode[row])] if self.bpoints else {}

    def bench_groups_in(self, rows: np.ndarray) -> list[int]:
        return np.unique(self.bcode[rows]).tolist() if self.brefs else []

    def sufficient(self, group: str) -> bool:
        """A peer group of 10+ accounts; accounts without a segment have no peer group (as in compare_customer)."""
        return group != NO_SEGMENT and self.sizes.get(group, 0) >= MIN_COHORT

    def rows_of(self, group: str | None = None) -> np.ndarray:
        return np.arange(len(self.ids)) if group is None else np.flatnonzero(self.gcode == self.gnames.index(group))

    def groups_in(self, rows: np.ndarray) -> list[str]:
        return [self.gnames[i] for i in np.unique(self.gcode[rows])]

    def frame(self, matrix: np.ndarray) -> pd.DataFrame:
        return pd.DataFrame(matrix, index=pd.Index(self.ids, name="customer_id"), columns=list(KEYS))


def with_peer_group(pos: Positions, name: str, members: np.ndarray, me: int) -> Positions:
    """``pos`` with ``members`` (row indices, ``me`` included) ranked as one peer group called ``name``.

    A comparison against a chosen peer group (same industry, custom criteria) must plan against
    those peers, not the segment: the members' peer percentiles are recomputed within the group
    (the other accounts get no peer figures here); benchmark figures stay as they were (each
    account against its own benchmark rows: ``bcode`` is per account, not per peer group).
    """
    codes = np.full(len(pos.ids), -1, dtype=np.int64)
    codes[members] = 0
    frame = pd.DataFrame(pos.values, columns=list(KEYS))
    cohort = pc.frame_percentiles(frame, DIRECTIONS, codes).to_numpy(dtype="float64")
    composite = row_means(cohort)
    overall = pc.overall_percentiles(pd.Series(composite), codes).to_numpy(dtype="float64")
    gnames = [*pos.gnames, name]
    group = np.where(codes == 0, name, NO_SEGMENT).astype(object)
    gcode = np.where(codes == 0, len(gnames) - 1, -1)
    return dataclasses.replace(
        pos, group=group, gcode=gcode, gnames=gnames, cohort_pct=cohort, composite=composite, overall=overall,
        sizes={**pos.sizes, name: int(len(members))})


def benchmark_points(ref: BenchmarkRef | None) -> dict[str, dict[float, float]]:
    if ref is None:
        return {}
    if ref.peers:
        return {m: pr.peer_quantiles(v) for m, v in ref.peers.items() if v.size}
    return {m: dict(p) for m, p in ref.quantiles.items() if len(p)}


def load_positions(ws: Workspace, benchmark: str | None = None) -> Positions:
    """Rank the whole workspace within segments and against the (active or named) benchmark."""
    customers = customers_table(ws)
    if customers.empty:
        raise ToolError(NO_CUSTOMERS)
    group = peer_groups(customers["segment"])
    customers["group"] = group
    ids = customers.index.to_numpy()
    values, period = latest_values(ws, ids)
    names = sorted(set(group), key=seg_order)
    codes = pd.Index(names).get_indexer(group)
    bset = find_set(ws, benchmark)
    bcode, brefs = benchmark_refs(ws, bset, customers) if bset else (np.zeros(len(ids), dtype=np.int64), [])
    quantiles = {m: {c: r.quantiles[m] for c, r in enumerate(brefs) if m in r.quantiles} for m in KEYS}
    ranking = rank_portfolio(pd.DataFrame(values, columns=list(KEYS)), codes, DIRECTIONS, quantiles, bcode)
    bench_pct = _with_peer_percentiles(ranking.bench_pct.to_numpy(dtype="float64").copy(), values, bcode, brefs)
    counts = np.bincount(codes, minlength=len(names))
    small = (counts[codes] < MIN_COHORT) | (group == NO_SEGMENT)  # no peer figures for these accounts
    cohort, composite, overall = (_blanked(s, small) for s in (ranking.cohort_pct, ranking.composite, ranking.overall))
    return Positions(customers, ids, customers["name"].to_numpy(dtype=object), group, codes, names, values,
                     cohort, bench_pct, bound_names(ranking.bench_bound.to_numpy()), composite, overall,
                     row_means(bench_pct), {g: int(n) for g, n in zip(names, counts)},
                     bcode, brefs, [benchmark_points(r) for r in brefs], bset, period)


def _with_peer_percentiles(bench_pct: np.ndarray, values: np.ndarray, bcode: np.ndarray,
                           brefs: list[BenchmarkRef]) -> np.ndarray:
    """Raw peer rows: the benchmark percentile is percentileofscore over the peers (DESIGN §4)."""
    for c, ref in enumerate(brefs):
        for m, peers in ref.peers.items():
            if m in KIDX and peers.size:
                rows = bcode == c
                bench_pct[rows, KIDX[m]] = pr.peer_percentiles(values[rows, KIDX[m]], peers, DIRECTIONS[m])
    return bench_pct


def _blanked(figures, rows: np.ndarray) -> np.ndarray:
    out = np.asarray(figures, dtype="float64").copy()
    out[rows] = np.nan
    return out


def row_means(matrix: np.ndarray) -> np.ndarray:
    """Mean of each row's non-missing cells; NaN for an empty row (no warning)."""
    has = ~np.isnan(matrix)
    n = has.sum(axis=1)
    total = np.where(has, matrix, 0.0).sum(axis=1)
    return np.divide(total, n, out=np.full(n.shape, np.nan), where=n > 0)


def group_ranks(composite: np.ndarray, gcode: np.ndarray) -> np.ndarray:
    """Rank within the group by composite, 1 = best; ties share the better rank; NaN unranked."""
    out = np.full(composite.shape, np.nan)
    comp = np.round(np.asarray(composite, dtype="float64"), 9)
    for g in np.unique(gcode):
        rows = np.flatnonzero((gcode == g) & ~np.isnan(comp))
        desc = np.sort(-comp[rows])
        out[rows] = np.searchsorted(desc, -comp[rows], "left") + 1
    return out


def resolve_segment(pos: Positions, segment: str | None) -> str | None:
    """A segment as the user wrote it ('ent', 'Mid Market') -> the peer group name; None for all."""
    if not segment:
        return None
    seg = segment_for(segment) or segment.strip()
    if seg == "All":
        return None
    known = {g.casefold(): g for g in pos.sizes}
    if seg.casefold() not in known:
        raise ToolError(f"No accounts in segment '{segment}'.", suggestions=sorted(pos.sizes, key=seg_order))
    return known[seg.casefold()]


def resolve_metric(metric: str | None) -> str | None:
    """A metric key or name ('NPS Score', 'DAU/MAU') -> its catalog key; ToolError if unknown."""
    if not metric:
        return None
    m = BY_KEY.get(metric) or metric_for(metric)
    if m is None:
        raise ToolError(f"'{metric}' is not a metric in the catalog.", suggestions=list(KEYS))
    return m.key
