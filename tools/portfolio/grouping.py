"""The portfolio's peer groups by another customer attribute than the segment.

``compare_portfolio --group-by industry`` ranks every account within the accounts sharing
its industry (or ARR band, region, CSM, or any text column of the customers table): the
same kernel (:func:`analytics.portfolio.rank_portfolio`) and the same rules as the segment
grouping (no peer figures for a group under 10 accounts or for accounts without a value).
Benchmark figures do not change: each account is still placed against its own benchmark
rows (``Positions.bcode`` is per account). A regrouped run is not stored as a snapshot, so
benchmark_history keeps comparing like with like (segment peer groups).
"""

from __future__ import annotations

import dataclasses
import json

import numpy as np
import pandas as pd

from analytics.catalog import ARR_BANDS, arr_band
from analytics.portfolio import rank_portfolio
from tools.base import FollowUp, ToolError
from tools.compare.cohorts import MIN_COHORT
from tools.portfolio.positions import DIRECTIONS, Positions, seg_order
from tools.store.workspace import Workspace

BUILT_IN = ("segment", "industry", "arr_band", "region")
ALIASES = {"arr": "arr_band", "arr band": "arr_band", "size": "arr_band", "band": "arr_band", "sector": "industry",
           "geo": "region", "geography": "region", "owner": "csm", "csm": "csm", "segments": "segment"}
#: customers columns that are not groupings (identity, numbers, dates, bookkeeping)
NOT_GROUPS = {"id", "name", "arr", "contract_start", "created_at", "updated_at", "employees"}
_BAND_ORDER = {label: i for i, (label, _, _) in enumerate(ARR_BANDS)}


def groupings(ws: Workspace) -> list[str]:
    """Attributes the portfolio can be grouped by: the built-in ones and any other text column
    of the customers table (e.g. ``csm``) that has a value for some account."""
    cols = [r[1] for r in ws.db.conn.execute("PRAGMA table_info(customers)")]
    extra = [c for c in cols if c not in NOT_GROUPS and c not in BUILT_IN
             and ws.db.conn.execute(f'SELECT 1 FROM customers WHERE "{c}" IS NOT NULL AND "{c}" != "" LIMIT 1').fetchone()]
    return [*BUILT_IN, *extra]


def resolve_grouping(ws: Workspace, group_by: str | None) -> str | None:
    """'industry', 'ARR band', 'csm' -> the attribute key; None (or 'segment') = the default grouping."""
    if not group_by:
        return None
    key = group_by.strip().casefold().replace("-", " ")
    key = ALIASES.get(key, key.replace(" ", "_"))
    known = groupings(ws)
    if key not in known:
        raise ToolError(f"The portfolio cannot be grouped by '{group_by}'.", suggestions=known)
    return None if key == "segment" else key


def attribute_values(ws: Workspace, pos: Positions, attribute: str) -> np.ndarray:
    """Each account's value of ``attribute`` (row order of ``pos``), '' when missing."""
    if attribute == "arr_band":
        return np.array([arr_band(a) or "" for a in pos.customers["arr"].to_numpy()], dtype=object)
    if attribute in pos.customers.columns:
        col = pos.customers[attribute]
    else:  # a column customers_table does not read (csm, ...): one read of id and that column
        rows = ws.db.conn.execute(f'SELECT id, "{attribute}" FROM customers').fetchall()
        col = pd.Series(dict(rows)).reindex(pos.ids)
    return col.fillna("").astype(str).str.strip().to_numpy(dtype=object)


def _order(attribute: str):
    if attribute == "arr_band":
        return lambda g: (_BAND_ORDER.get(g, len(_BAND_ORDER)), g)
    return lambda g: (g.startswith("(no "), g.casefold())


def regroup(ws: Workspace, pos: Positions, attribute: str) -> Positions:
    """``pos`` with every account ranked within the accounts sharing its ``attribute`` value."""
    raw = attribute_values(ws, pos, attribute)
    missing = f"(no {attribute.replace('_', ' ')})"
    group = np.where(raw == "", missing, raw).astype(object)
    names = sorted(set(group.tolist()), key=_order(attribute))
    codes = pd.Index(names).get_indexer(group)
    counts = np.bincount(codes, minlength=len(names))
    ranking = rank_portfolio(pd.DataFrame(pos.values, columns=list(DIRECTIONS)), codes, DIRECTIONS)
    small = (counts[codes] < MIN_COHORT) | (group == missing)
    blank = lambda a: np.where(small[:, None] if np.ndim(a) == 2 else small, np.nan, np.asarray(a, dtype="float64"))
    sizes = {g: int(n) for g, n in zip(names, counts)}
    if missing in sizes:
        sizes[missing] = 0  # accounts without the attribute have no peer group (Positions.sufficient)
    return dataclasses.replace(pos, group=group, gcode=codes, gnames=names,
                               cohort_pct=blank(ranking.cohort_pct.to_numpy()),
                               composite=blank(ranking.composite.to_numpy()), overall=blank(ranking.overall.to_numpy()),
                               sizes=sizes)


def segment_rows(pos: Positions, segment: str | None) -> np.ndarray:
    """Rows of the accounts in ``segment`` (already resolved) whatever the grouping; all rows for None."""
    if segment is None:
        return np.arange(len(pos.ids))
    return np.flatnonzero(pos.customers["segment"].fillna("").to_numpy(dtype=object) == segment)


def segment_names(pos: Positions) -> list[str]:
    return sorted({s for s in pos.customers["segment"].dropna().tolist() if s}, key=seg_order)


#: A benchmark scope dimension -> the portfolio grouping that matches it (the proposal's reason).
_DIM_GROUPING = {"segment": "segment", "industry": "industry", "region": "region", "arr": "arr_band",
                 "acv": "arr_band"}
LABELS = {"segment": "segment", "industry": "industry", "arr_band": "ARR band", "region": "region", "csm": "CSM"}


def proposed_grouping(ws: Workspace, set_name: str | None) -> tuple[str, str]:
    """The grouping to propose before comparing with a benchmark set, and why.

    The dimension most of the set's rows are scoped by (segment, industry, ARR/ACV band, region),
    so each peer group meets the benchmark rows made for it; segment when the set has only
    "All" rows or is unknown.
    """
    row = ws.db.conn.execute("SELECT id FROM benchmark_sets WHERE name = ?", [set_name]).fetchone() if set_name else None
    counts: dict[str, int] = {}
    for (scope,) in ws.db.conn.execute("SELECT scope_json FROM benchmark_rows WHERE set_id = ?", [row[0]]) if row else []:
        for part in json.loads(scope or "[]"):
            key = _DIM_GROUPING.get(part.get("dim"))
            if key:
                counts[key] = counts.get(key, 0) + 1
    if not counts:
        return "segment", "the default peer grouping (the benchmark has no segment, industry or band rows)"
    best = max(counts, key=lambda k: (counts[k], k == "segment"))
    return best, f"the benchmark's rows are by {LABELS[best]}"


def label_of(key: str) -> str:
    return LABELS.get(key, key.replace("_", " "))


def grouping_offers(ws: Workspace, benchmark: str, proposed: str | None = None) -> list[FollowUp]:
    """The upload's step-2 buttons: compare with ``benchmark`` by segment / industry / ARR band (always
    offered) or by another customer attribute ("Custom: by region"); the proposed one is marked."""
    proposed = proposed or proposed_grouping(ws, benchmark)[0]
    fixed = ("segment", "industry", "arr_band")
    order = [*fixed, *(g for g in groupings(ws) if g not in fixed)]
    return [FollowUp.call(("By " if g in fixed else "Custom: by ") + label_of(g) + (" (proposed)" if g == proposed else ""),
                          "compare_portfolio", benchmark=benchmark, group_by=g) for g in order]


def compared_portfolio(outputs) -> bool:
    """Whether an answer's results include a portfolio comparison (step 3 done)."""
    from tools.portfolio.models import ComparePortfolioOutput

    return any(isinstance(o, ComparePortfolioOutput) for o in outputs)
