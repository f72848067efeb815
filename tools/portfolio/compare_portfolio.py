"""compare_portfolio: the whole book against the benchmark and within its peer groups.

Each account is placed against the benchmark set's rows for its segment
(falling back to the set's "All" rows) and ranked within its segment
(:mod:`tools.portfolio.positions`); the figures are built in :mod:`tools.portfolio.rows`.
Each run is stored in ``snapshots`` (:mod:`tools.portfolio.snapshots`) so position over
time can be shown (:mod:`tools.portfolio.benchmark_history`).
"""

from __future__ import annotations

import os
import uuid

import numpy as np

from analytics import practices as pr
from analytics.catalog import BY_KEY, KEYS
from reports.format import category_sentence
from tools.base import FollowUp, Tool, ToolError
from tools.benchmarks.lookup import BenchmarkInfo
from tools.compare.cohorts import MIN_COHORT
from tools.compare.compare_customer import focus_metrics
from tools.portfolio.grouping import regroup, resolve_grouping, segment_rows
from tools.portfolio.models import (
    CategoryPosition,
    ComparePortfolioInput,
    ComparePortfolioOutput,
    GroupAccounts,
    PeerGroup,
)
from tools.portfolio.positions import (
    Positions,
    load_positions,
    resolve_metric,
    resolve_segment,
    seg_order,
)
from tools.portfolio.rows import (
    below_benchmark,
    benchmark_scopes,
    metric_row,
    peer_group,
    top_performers,
)
from tools.portfolio.snapshots import start_snapshot
from tools.store.freshness import data_as_of
from tools.store.owners import accounts_of, resolve_csm
from tools.store.workspace import Workspace, now_iso
from tools.success.tracking import recent_changes

ANONYMITY_NOTE = ("Internal view: account names are shown. For anything customer-facing, name no other "
                  "customer (use Peer A, Peer B, ...) and show no aggregate of fewer than 10 accounts.")


def compare_portfolio(ws: Workspace, inp: ComparePortfolioInput) -> ComparePortfolioOutput:
    """Compare every account in the portfolio with the benchmark set and within its peer group.

    Use for "Compare my customers against these benchmarks", "Who is below
    benchmark?", "Who are my top performers?" or a segment's ranking. Each
    account is placed against the benchmark rows for its segment (falling back
    to the set's "All" rows) and ranked within its segment. Returns the
    "Portfolio vs Benchmarks" table (per metric: portfolio average, benchmark
    median, the average's percentile against the benchmark, status), per metric
    the top performers (>= P90) and the accounts below benchmark (< P25, with
    the gap to the benchmark median in the metric's unit), each segment's
    ranking (overall rank, strengths, gaps; best and weakest shown) and a
    one-line summary by category. Account names are shown (internal view): never
    name other customers in customer-facing text. Peer groups under 10 accounts
    get no peer figures. Each run is stored for benchmark_history.
    """
    pos = load_positions(ws, inp.benchmark)
    seg = resolve_segment(pos, inp.segment)
    group_by = resolve_grouping(ws, inp.group_by)
    pos = regroup(ws, pos, group_by) if group_by else pos
    metric = resolve_metric(inp.metric)
    rows = segment_rows(pos, seg) if group_by else pos.rows_of(seg)
    csm = resolve_csm(ws, inp.csm) if inp.csm else None
    if csm:
        rows = _book_rows(ws, pos, rows, csm, seg)
    run_id, taken_at = uuid.uuid4().hex, now_iso()
    # a snapshot is of the whole book, by segment (benchmark_history); written while the lists are built
    stored = start_snapshot(ws, pos, rows, run_id, taken_at) if csm is None and not group_by else (lambda: 0)
    everything = [metric_row(pos, rows, k) for k in KEYS]
    focus = focus_metrics(inp.metrics) or list(KEYS)
    keys = [metric] if metric else [k for k in KEYS if k in focus]  # catalog order, as ``metrics``
    metrics = [m for m in everything if m.metric in keys]
    tops = [top_performers(pos, rows, k) for k in keys]
    below = [below_benchmark(pos, rows, k) for k in keys]
    for m, t, b in zip(metrics, tops, below):
        m.top_performers, m.below_p25 = t.count, b.count
    present = pos.groups_in(rows)
    cats = pr.category_positions({m.metric: m.percentile for m in everything if m.percentile is not None})
    groups = [peer_group(pos, g) for g in present]
    if csm:
        groups = [_only_book(g, set(pos.names[rows].tolist())) for g in groups]
    out = ComparePortfolioOutput(
        accounts=len(rows), segment=seg, metric=metric, period=pos.period, benchmark=_info(pos, rows),
        benchmark_segments={g: benchmark_scopes(pos, pos.rows_of(g)) for g in present},
        summary=_summary(pos, rows, cats),
        categories=[CategoryPosition(category=c, mean_percentile=round(p, 1), position=w) for c, (p, w) in cats.items()],
        metrics=metrics, top_performers=tops, below_benchmark=below,
        peer_groups=groups, run_id=run_id, taken_at=taken_at,
        notes=_notes(pos, rows, present) + ([BOOK_NOTE.format(csm=csm)] if csm else []), csm=csm,
        goal_changes=[c.line() for c in recent_changes(ws, pos.ids[rows].tolist())],
        group_by=group_by or "segment", data_as_of=data_as_of(ws).text() or None)
    stored()
    return out


BOOK_NOTE = ("{csm}'s book: the figures are over their accounts; ranks stay within each whole peer group "
             "(the segment), so '48th of 102' means the same here as in the full portfolio.")


def _book_rows(ws: Workspace, pos: Positions, rows: np.ndarray, csm: str, seg: str | None) -> np.ndarray:
    """The rows of the accounts ``csm`` owns (issue 17: a CSM's book)."""
    mine = rows[np.isin(pos.ids[rows], accounts_of(ws, csm))]
    if not len(mine):
        raise ToolError(f"{csm} owns no accounts" + (f" in {seg}." if seg else " with metric data."),
                        suggestions=["Show the whole portfolio"])
    return mine


def _only_book(group: PeerGroup, names: set[str]) -> PeerGroup:
    """The peer group with only the book's accounts listed (their ranks kept)."""
    cols = group.accounts.model_dump()
    keep = [i for i, n in enumerate(cols["customer"]) if n in names]
    accounts = GroupAccounts.model_construct(**{k: [v[i] for i in keep] for k, v in cols.items()})
    return group.model_copy(update={"accounts": accounts})


def _info(pos: Positions, rows: np.ndarray) -> BenchmarkInfo | None:
    refs = [pos.brefs[c] for c in pos.bench_groups_in(rows)]
    if not refs:
        return None
    info = refs[0].info.model_copy()
    scopes = list(dict.fromkeys(s for r in refs for s in r.info.scopes))
    info.scopes = sorted(scopes, key=seg_order)
    info.segment = ", ".join(info.scopes) or None
    return info


def _summary(pos: Positions, rows: np.ndarray, cats: dict) -> str:
    if pos.bset is None:
        return (f"{len(rows)} accounts ranked within their segments; no benchmark set is loaded "
                "(attach a benchmark file to compare against the industry).")
    if not cats:
        return f"{len(rows)} accounts; no portfolio figure against benchmark '{pos.bset['name']}' (see notes)."
    return f"{len(rows)} accounts vs benchmark '{pos.bset['name']}'. " + category_sentence(cats)


def _notes(pos: Positions, rows: np.ndarray, present: list[str]) -> list[str]:
    notes = [ANONYMITY_NOTE]
    if len(rows) < MIN_COHORT:
        notes.append(f"Only {len(rows)} accounts selected: no portfolio aggregates for fewer than {MIN_COHORT}.")
    for g in present if pos.bset is not None else []:
        used = benchmark_scopes(pos, pos.rows_of(g))
        if used is None:
            notes.append(f"The benchmark has no rows for {g} and no 'All' rows: {g} accounts are ranked among peers only.")
        elif used == "All" and g != "All":
            notes.append(f"The benchmark has no {g} rows: {g} accounts are compared with its 'All' rows.")
    return notes


#: The most reports one click asks for: the chat takes a button of at most this many calls
#: (agent.ui.actions.MAX_CALLS), and a bigger book's button would fail when clicked.
MAX_BATCH = 10_000


def batch_limit() -> int:
    """Customer reports per click of "Create benchmark reports per customer": every account of the
    comparison (the whole book, or the segment asked for) up to MAX_BATCH, unless
    PEERBENCH_BATCH_LIMIT caps it lower (0 or unset = MAX_BATCH). The chat runs the batch in the
    background with progress and a stop button; a lower cap is for a shared server that must keep
    jobs short."""
    raw = os.environ.get("PEERBENCH_BATCH_LIMIT", "").strip()
    return min(int(raw), MAX_BATCH) if raw.isdigit() and int(raw) else MAX_BATCH


def follow_ups(out: ComparePortfolioOutput) -> list[FollowUp]:
    """A benchmark report per account, the best-practice playbooks, the full workbook."""
    offers = [FollowUp.call("Generate best practice playbooks", "find_best_practices", metric=None),
              FollowUp.call("Export full analysis", "draft_report", customer=None, kind="portfolio", format="xlsx")]
    every = list(dict.fromkeys(n for g in out.peer_groups for n in g.accounts.customer))
    names = every[:batch_limit()]
    if names:
        calls = [{"tool": "draft_report", "input": {"customer": n, "kind": "benchmark", "format": "docx"}}
                 for n in names]
        count = f"first {len(names)} of {len(every)}" if len(names) < len(every) else str(len(names))
        offers.insert(0, FollowUp(f"Create benchmark reports per customer ({count})", {"calls": calls}))
    if any(c is not None and c < 25 for g in out.peer_groups for c in g.accounts.benchmark_composite):
        review = {"segment": out.segment} if out.segment else {}
        offers.append(FollowUp.call("Schedule Benchmark Review Calls", "schedule_review_calls", **review))
    return offers


def remember(inp: dict, out: ComparePortfolioOutput) -> dict:
    found = {"report_kind": "portfolio"}  # group_by stays on the call: "group them by region" re-runs it
    if inp.get("benchmark"):
        found["benchmark"] = inp["benchmark"]
    return found


def step_title(inp: dict) -> str:
    bits = [b for b in (inp.get("csm") and f"{inp['csm']}'s book", inp.get("segment"),
                        BY_KEY[inp["metric"]].label if inp.get("metric") in BY_KEY else None,
                        f"by {inp['group_by']}" if inp.get("group_by") else None) if b]
    return "portfolio vs benchmarks" + (f": {', '.join(bits)}" if bits else "")


TOOL = Tool("compare_portfolio", ComparePortfolioInput, ComparePortfolioOutput, compare_portfolio,
            follow_ups=follow_ups, narrative="narrative/compare_portfolio.md.j2", clickable=True, context=remember,
            step_title=step_title)
