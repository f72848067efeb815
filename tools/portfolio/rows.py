"""The figures of a portfolio comparison: per metric, the portfolio row, its top performers and the
accounts below benchmark; per peer group, its ranking. All from one :class:`tools.portfolio.positions.Positions`.

The portfolio row of a metric compares the portfolio average with the benchmark
rows of the accounts' segments. When the accounts use more than one benchmark
segment, the benchmark is their mix: each quantile is the average of the
segments' quantiles weighted by the portfolio's accounts per segment (quantile
averaging); ``benchmark_basis`` says "mix: Enterprise 102, SMB 96".
"""

from __future__ import annotations

import numpy as np

from analytics import percentiles as pc
from analytics import practices as pr
from analytics.catalog import BY_KEY, KEYS
from reports.format import bound_label, ordinal
from tools.base import catalog_fields, rounded, rounded_list, shared_floats
from tools.compare.cohorts import MIN_COHORT
from tools.compare.compare_customer import GAP_BELOW, STRENGTH_AT
from tools.portfolio.models import (
    BelowBenchmark,
    GroupAccounts,
    PeerGroup,
    PortfolioMetric,
    TopPerformers,
)
from tools.portfolio.positions import (
    DIRECTIONS,
    KIDX,
    Positions,
    group_ranks,
    seg_order,
)
from tools.store.frames import NO_SEGMENT


def metric_row(pos: Positions, rows: np.ndarray, key: str) -> PortfolioMetric:
    meta, j = BY_KEY[key], KIDX[key]
    vals = pos.values[rows, j]
    has = ~np.isnan(vals)
    row = PortfolioMetric(**catalog_fields(key), accounts=int(has.sum()))
    if has.sum() < MIN_COHORT:  # no aggregate of fewer than 10 accounts (with a value)
        return row
    avg = float(vals[has].mean())
    row.portfolio_average, row.portfolio_median = rounded(avg, 4), rounded(np.median(vals[has]), 4)
    counts = np.bincount(pos.bcode[rows][has], minlength=len(pos.brefs)) if pos.brefs else []
    parts = [(pos.brefs[c], pos.bpoints[c][key], int(n)) for c, n in enumerate(counts)
             if n and key in pos.bpoints[c]]
    if not parts:
        return row
    by_basis: dict[str, list] = {}
    for ref, pts, n in parts:
        by_basis.setdefault(_basis_label(ref, key), [ref, pts, 0])[2] += n
    if len(by_basis) == 1:
        basis, (ref, points, _) = next(iter(by_basis.items()))
        if ref.peers:  # raw peer rows: percentileofscore over the peers
            pct, bound = float(pr.peer_percentiles(np.array([avg]), ref.peers[key], meta.higher_is_better)[0]), ""
        else:
            pct, bound = _interp(avg, points, meta.higher_is_better)
    else:
        points = pr.mix_quantiles([p for _, p, _ in by_basis.values()], [n for *_, n in by_basis.values()])
        basis = "mix: " + ", ".join(f"{s} {n}" for s, (_, _, n) in sorted(by_basis.items(), key=lambda kv: seg_order(kv[0])))
        pct, bound = _interp(avg, points, meta.higher_is_better)
    row.benchmark_median, row.benchmark_basis = rounded(pr.value_at(points, 50.0), 4), basis
    if pct == pct:
        row.percentile, row.bound = rounded(pct, 2), bound or None
        row.percentile_label, row.status = bound_label(pct, bound), pc.status_for(pct)
    return row


def _basis_label(ref, key: str) -> str:
    """The benchmark row a metric uses, named by its scope (and source when the set has several)."""
    basis = ref.bases.get(key)
    if basis is None:
        return ref.info.segment or "All"
    return basis.text() if len({b.source for b in ref.bases.values()}) > 1 else basis.scope


def _interp(value: float, points: dict[float, float], higher: bool) -> tuple[float, str]:
    p, b = pc.benchmark_percentiles(np.array([value]), points, higher)
    return float(p[0]), str(b[0])


_ORDINALS = np.array([ordinal(i) for i in range(101)], dtype=object)
#: Every label _labels can give: row 0 plain ('63rd'), 1 '<63rd', 2 '>63rd'; 'n/a' last.
_LABELS = np.array([p + o for p in ("", "<", ">") for o in _ORDINALS] + ["n/a"], dtype=object)


def _labels(pct: np.ndarray, bound: np.ndarray) -> list[str]:
    """Vectorised :func:`percentiles.bound_label`: '63rd', '<25th', '>90th', 'n/a' (looked up, no string
    built per account)."""
    ok = ~np.isnan(pct)
    side = np.where(bound == "below", 1, np.where(bound == "above", 2, 0))
    code = side * 101 + np.clip(np.rint(np.where(ok, pct, 0)), 0, 100).astype(np.int64)
    return _LABELS[np.where(ok, code, len(_LABELS) - 1)].tolist()


_BASIS = np.array(["peers", "benchmark"], dtype=object)


def name_rank(pos: Positions) -> np.ndarray:
    """Each account's place in name order (equal names share it): sorting by it orders as by the
    names, and lexsort on integers is many times faster than on strings. Computed once per Positions."""
    rank = pos.__dict__.get("_name_rank")
    if rank is None:
        rank = pos.__dict__["_name_rank"] = np.unique(pos.names, return_inverse=True)[1].reshape(-1)
    return rank


def _level(pos: Positions, code: int, key: str, percentile: float) -> float:
    pts = pos.bpoints[code].get(key) if pos.bpoints else None
    x = pr.value_at(pts, percentile, DIRECTIONS[key]) if pts else None
    return np.nan if x is None else x


def _no_accounts(cls, key: str, extra: tuple[str, ...]):
    """The empty list of a metric none of the accounts has (10 of the catalog's 22 in a typical book)."""
    return cls.model_construct(metric=key, label=BY_KEY[key].label, count=0, customer=[], segment=[], value=[],
                               percentile=[], percentile_label=[], **{f: [] for f in extra})


def _has_values(pos: Positions, rows: np.ndarray, key: str) -> bool:
    return not np.isnan(pos.values[rows, KIDX[key]]).all()


def top_performers(pos: Positions, rows: np.ndarray, key: str) -> TopPerformers:
    if not _has_values(pos, rows, key):
        return _no_accounts(TopPerformers, key, ("basis",))
    j = KIDX[key]
    bench, cohort = pos.bench_pct[rows, j], pos.cohort_pct[rows, j]
    use_b = ~np.isnan(bench)
    pct = np.where(use_b, bench, cohort)
    bound = np.where(use_b, pos.bench_bound[rows, j], "")
    sel = np.flatnonzero(pr.top_mask(pct))
    vals = pos.values[rows, j]
    good = vals if DIRECTIONS[key] else -vals
    sel = sel[np.lexsort((name_rank(pos)[rows][sel], -good[sel], -pct[sel]))]
    at = rows[sel]
    return TopPerformers.model_construct(metric=key, label=BY_KEY[key].label, count=len(sel), customer=pos.names[at].tolist(),
                         segment=pos.group[at].tolist(), value=shared_floats(vals[sel], nan_as_none=False),
                         percentile=shared_floats(np.round(pct[sel], 2), nan_as_none=False),
                         percentile_label=_labels(pct[sel], bound[sel]), basis=_BASIS[use_b[sel].astype(np.int64)].tolist())


def below_benchmark(pos: Positions, rows: np.ndarray, key: str) -> BelowBenchmark:
    if not _has_values(pos, rows, key):
        return _no_accounts(BelowBenchmark, key, ("benchmark_p25", "benchmark_median", "gap_to_median", "gap_to_p25"))
    j, higher = KIDX[key], DIRECTIONS[key]
    pct, bound, vals = pos.bench_pct[rows, j], pos.bench_bound[rows, j], pos.values[rows, j]
    sel = np.flatnonzero(pr.below_mask(pct, bound))
    codes = pos.bcode[rows][sel]
    levels = np.array([[_level(pos, c, key, 25.0), _level(pos, c, key, 50.0)] for c in range(max(len(pos.brefs), 1))],
                      dtype="float64").reshape(-1, 2)
    p25, med = levels[codes, 0], levels[codes, 1]
    gap_med, gap_p25 = pr.shortfall(vals[sel], med, higher), pr.shortfall(vals[sel], p25, higher)
    order = np.lexsort((name_rank(pos)[rows][sel], -np.nan_to_num(gap_med), pct[sel]))
    sel, p25, med, gap_med, gap_p25 = sel[order], p25[order], med[order], gap_med[order], gap_p25[order]
    at = rows[sel]
    return BelowBenchmark.model_construct(metric=key, label=BY_KEY[key].label, count=len(sel), customer=pos.names[at].tolist(),
                          segment=pos.group[at].tolist(), value=shared_floats(vals[sel], nan_as_none=False),
                          percentile=shared_floats(np.round(pct[sel], 2), nan_as_none=False),
                          percentile_label=_labels(pct[sel], bound[sel]),
                          benchmark_p25=rounded_list(p25, 4), benchmark_median=rounded_list(med, 4),
                          gap_to_median=rounded_list(gap_med, 4), gap_to_p25=rounded_list(gap_p25, 4))


def benchmark_scopes(pos: Positions, rows: np.ndarray) -> str | None:
    """The benchmark scopes the accounts' rows use ("Enterprise"; "$25K-$100K ARR band, All")."""
    labels = [s for c in pos.bench_groups_in(rows) for s in pos.brefs[c].info.scopes]
    return ", ".join(dict.fromkeys(labels)) or None


def peer_group(pos: Positions, group: str) -> PeerGroup:
    rows = pos.rows_of(group)
    out = PeerGroup(segment=group, size=len(rows), sufficient=pos.sufficient(group),
                    benchmark_segment=benchmark_scopes(pos, rows))
    if not out.sufficient:
        out.note = ("Accounts without a segment have no peer group: no peer ranks or aggregates. "
                    if group == NO_SEGMENT else
                    f"Only {len(rows)} accounts in {group}: no peer ranks or aggregates for fewer than "
                    f"{MIN_COHORT} (anonymity). ") + "Each account is still placed against the benchmark."
        return out
    out.metrics = [metric_row(pos, rows, k) for k in KEYS]
    ranks = group_ranks(pos.composite[rows], pos.gcode[rows])
    order = rows[np.lexsort((name_rank(pos)[rows], np.nan_to_num(ranks, nan=np.inf)))]
    ranks = group_ranks(pos.composite[order], pos.gcode[order])
    pct = pos.cohort_pct[order]
    out.accounts = GroupAccounts.model_construct(
        customer=pos.names[order].tolist(), rank=[None if x != x else int(x) for x in ranks.tolist()],
        overall_percentile=rounded_list(pos.overall[order], 2), composite=rounded_list(pos.composite[order], 2),
        benchmark_composite=rounded_list(pos.bench_composite[order], 2),
        strengths=_pick(pct, lambda p: p >= STRENGTH_AT - pc.TOLERANCE, best_first=True),
        gaps=_pick(pct, lambda p: p < GAP_BELOW - pc.TOLERANCE, best_first=False))
    return out


def _pick(pct: np.ndarray, keep, best_first: bool, n: int = 3) -> list[list[str]]:
    """Per row, up to n metric keys passing ``keep``, best (or worst) first.

    Rows with the same picks share one list (read-only; a 100k-account book has a few thousand
    distinct picks): building 100k small lists was half the time of a peer group.
    """
    filled = np.where(np.isnan(pct), -np.inf if best_first else np.inf, pct)
    order = np.argsort(-filled if best_first else filled, axis=1, kind="stable")[:, :n]
    with np.errstate(invalid="ignore"):
        ok = keep(np.take_along_axis(pct, order, axis=1))
    # Each row's picks as one integer: metric index + 1 per place (0 = nothing), in base len(KEYS) + 1.
    base = len(KEYS) + 1
    code = np.zeros(len(order), dtype=np.int64)
    for place in range(order.shape[1]):
        code = code * base + np.where(ok[:, place], order[:, place] + 1, 0)
    combos, inverse = np.unique(code, return_inverse=True)
    places = base ** np.arange(order.shape[1] - 1, -1, -1)  # the digits back, first place first
    names = (None, *KEYS)
    lists = [[names[d] for d in row if d] for row in (combos[:, None] // places % base).tolist()]
    return [lists[i] for i in inverse.reshape(-1).tolist()]
