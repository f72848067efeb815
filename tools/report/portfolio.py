"""5. Portfolio analysis workbook (internal: accounts are named), from compare_portfolio and portfolio_success.

The workbook (``data.max_rows`` None) lists every account-metric row, one sheet per table, so
it can be filtered. A document (PDF, DOCX, Markdown: ``max_rows`` set) cannot show 1,500 rows
usefully, so it summarises per metric (count, the first few accounts, the action) and caps
the per-account tables, saying where the full lists are.
"""

from __future__ import annotations

import numpy as np

from analytics.catalog import BY_KEY
from reports.model import Callout, Callouts, Cell, Paragraph, Report, Section, Table
from tools.report.cells import (
    action_for,
    cols,
    date_cell,
    goal_cell,
    mcell,
    metric_label,
    money,
    num,
    pcell,
    status_cell,
    text,
)
from tools.report.shared import ReportData, new_report

MAX_ROWS = 2000  # a sheet stays readable; the CLI/UI can filter by segment for more
NAMES_PER_METRIC = 3   # accounts named per metric in the document summaries
GROUP_TOP = 5          # accounts per peer group in documents


def _metrics(p) -> Table:
    rows = [[text(m.label), text(m.category.title()), num(m.accounts, "#,##0"),
             mcell(m.metric, m.portfolio_average), mcell(m.metric, m.portfolio_median),
             mcell(m.metric, m.benchmark_median), pcell(m.percentile, m.percentile_label), status_cell(m.status),
             num(m.top_performers, "#,##0"), num(m.below_p25, "#,##0")] for m in p.metrics]
    return Table("portfolio_vs_benchmarks", cols("llrrrrrlrr", "Metric", "Category", "Accounts", "Portfolio average",
                                                 "Portfolio median", "Benchmark median", "Percentile", "Status",
                                                 "Top performers (>= P90)", "Below P25",
                                                 widths=[1.9, 1.2, 0.9, 1.0, 1.0, 1.0, 1.0, 1.5, 1.1, 0.9]), rows,
                 note="Percentile: the portfolio average against the benchmark quantiles.")


def _ordered(lst, metric: str, best_first: bool, limit: int | None = None) -> list[dict]:
    """A list's rows in the order of the value they show: best first for top performers, worst first below.

    Only the first ``limit`` rows are built (a sheet keeps MAX_ROWS): the order is a stable
    argsort of the value column, the order ``sorted`` gives, without a dict per account.
    """
    higher = BY_KEY[metric].higher_is_better if metric in BY_KEY else True
    values = np.array([np.nan if v is None else v for v in lst.value], dtype="float64")
    known = np.flatnonzero(~np.isnan(values))
    descending = higher == best_first
    order = known[np.argsort(-values[known] if descending else values[known], kind="stable")]
    picked = np.concatenate([order, np.flatnonzero(np.isnan(values))])[:limit].tolist()
    columns = {k: v for k, v in lst if isinstance(v, list)}
    return [{k: col[i] for k, col in columns.items()} for i in picked]


def _first_rows(lists, best_first: bool, metric_rows, limit: int = MAX_ROWS) -> list:
    """``metric_rows(lst, row)`` for each list's ordered rows, stopping at ``limit`` rows in all."""
    rows: list = []
    for lst in lists:
        if len(rows) >= limit:
            break
        rows.extend(metric_rows(lst, r) for r in _ordered(lst, lst.metric, best_first, limit - len(rows)))
    return rows


def _names(lst, metric: str, best_first: bool, n: int = NAMES_PER_METRIC) -> str:
    rows = _ordered(lst, metric, best_first, n)
    more = lst.count - len(rows)
    return "; ".join(f"{r['customer']} ({mcell(metric, r['value']).text})" for r in rows) + (
        f"; +{more:,} more" if more > 0 else "")


def _top(p, summary: bool) -> Table:
    if summary:
        rows = [[text(t.label), num(t.count, "#,##0"), text(_names(t, t.metric, True))]
                for t in p.top_performers if t.count]
        return Table("top_performers", cols("lrl", "Metric", "Accounts >= P90", "Top accounts (value)",
                                            widths=[1.6, 1.1, 5.5]), rows,
                     note="Per metric, the best accounts first; the workbook lists every account.")
    rows = _first_rows(p.top_performers, True, lambda t, r: [
        text(t.label), text(r["customer"]), text(r["segment"]), mcell(t.metric, r["value"]),
        pcell(r["percentile"], r["percentile_label"]), text(r.get("basis", ""))])
    return Table("top_performers", cols("lllrrl", "Metric", "Account", "Segment", "Value", "Percentile", "Basis",
                                        widths=[1.6, 2.0, 1.1, 0.9, 0.9, 0.9]), rows[:MAX_ROWS])


def _below(p, summary: bool) -> Table:
    if summary:
        rows = []
        for b in p.below_benchmark:
            if not b.count:
                continue
            rows.append([text(b.label), num(b.count, "#,##0"), mcell(b.metric, b.benchmark_p25[0]),
                         text(_names(b, b.metric, False))])
        return Table("below_benchmark", cols("lrrl", "Metric", "Accounts < P25", "Benchmark P25",
                                             "Lowest accounts (value)", widths=[1.6, 1.1, 1.1, 4.4]), rows,
                     note="Per metric, the lowest accounts first; benchmark P25 of the first account's segment. "
                          "The workbook lists every account with its gap to the median.")
    rows = _first_rows(p.below_benchmark, False, lambda b, r: [
        text(b.label), text(r["customer"]), text(r["segment"]), mcell(b.metric, r["value"]),
        mcell(b.metric, r["benchmark_p25"]), mcell(b.metric, r["benchmark_median"]),
        mcell(b.metric, r["gap_to_median"]), pcell(r["percentile"], r["percentile_label"])])
    return Table("below_benchmark", cols("lllrrrrr", "Metric", "Account", "Segment", "Value", "Benchmark P25",
                                         "Benchmark median", "Gap to median", "Percentile",
                                         widths=[1.6, 2.0, 1.1, 0.9, 1.0, 1.0, 1.0, 0.9]),
                 rows[:MAX_ROWS], note="Accounts under the benchmark's P25.")


def _groups(p, summary: bool) -> Table:
    rows = []
    for g in p.peer_groups:
        if not g.sufficient:
            rows.append([text(g.segment), Cell("n/a"), text(g.note or f"fewer than 10 accounts ({g.size})"),
                         Cell("n/a"), Cell("n/a"), Cell("n/a"), text(""), text("")])
            continue
        if len(rows) >= MAX_ROWS:
            break
        group_rows = _group_rows(g, GROUP_TOP if summary else MAX_ROWS - len(rows))
        for r in group_rows:
            rows.append([text(g.segment), num(r["rank"], "0"), text(r["customer"]), pcell(r["overall_percentile"]),
                         num(r["composite"], "0.0"), pcell(r["benchmark_composite"]),
                         text(", ".join(metric_label(k) for k in r["strengths"])),
                         text(", ".join(metric_label(k) for k in r["gaps"]))])
    return Table("peer_groups", cols("lrlrrrll", "Peer group", "Rank", "Account", "Overall percentile", "Composite",
                                     "Benchmark composite", "Strengths", "Gaps",
                                     widths=[1.1, 0.6, 1.8, 1.0, 0.9, 1.0, 2.4, 2.4]), rows[:MAX_ROWS],
                 note=(f"The top {GROUP_TOP} accounts of each peer group; the workbook ranks every account."
                       if summary else None))


def _group_rows(g, n: int) -> list[dict]:
    """The first n rows of a peer group's ranking (a dict per shown account only)."""
    columns = dict(g.accounts)
    return [dict(zip(columns, vals)) for vals in zip(*(col[:n] for col in columns.values()))]


def _recommendations(p, summary: bool) -> Table:
    if summary:
        rows = [[text(b.label), num(b.count, "#,##0"), text(action_for(b.metric))] for b in p.below_benchmark
                if b.count]
        return Table("recommendations", cols("lrl", "Metric", "Accounts < P25", "Recommended action",
                                             widths=[1.6, 1.1, 5.5]), rows,
                     note="One action per metric for the accounts under the benchmark's P25; target: the benchmark "
                          "median. The workbook lists them account by account.")
    rows = _first_rows(p.below_benchmark, False, lambda b, r: [
        text(r["customer"]), text(b.label), mcell(b.metric, r["value"]),
        mcell(b.metric, r["benchmark_median"]), text(action_for(b.metric))])
    return Table("recommendations", cols("llrrl", "Account", "Metric", "Current", "Target (benchmark median)",
                                         "Recommended action", widths=[2.0, 1.6, 0.9, 1.2, 4.0]), rows[:MAX_ROWS])


def _risk(s) -> Table:
    rows = [[text(r.customer), text(r.segment), text(r.goal), money(r.arr_at_stake),
             goal_cell(r.achievement_pct, "percent"), goal_cell(r.elapsed_pct, "percent"),
             date_cell(r.target_date), text(r.owner)] for r in (s.at_risk_goals if s else [])]
    return Table("goals_at_risk", cols("lllrrrrl", "Account", "Segment", "Goal", "ARR at stake", "Achievement",
                                       "Time elapsed", "Target date", "Owner",
                                       widths=[1.8, 1.1, 2.4, 1.0, 1.0, 1.0, 1.1, 1.4]), rows)


def build_portfolio(data: ReportData) -> Report:
    p, s = data.portfolio, data.success
    summary_tables = data.max_rows is not None  # a document, not the workbook
    rep = new_report(data, "Portfolio Analysis", None, (["compare_portfolio"] if p else []) + ["portfolio_success"],
                     kicker="Portfolio Analysis (internal)", subtitle=f"Book of business · {data.date}")
    rep.meta = [("Prepared by", data.prepared_by), ("Date", data.date)]
    summary = Section("summary", "Summary")
    if p is not None:
        if p.benchmark:
            b = p.benchmark
            rep.meta.append(("Benchmark", f"{b.name} ({b.source or 'source n/a'}, {b.year or 'year n/a'})"))
        top, below = sum(t.count for t in p.top_performers), sum(b.count for b in p.below_benchmark)
        summary.add(Callouts([Callout("Accounts", f"{p.accounts:,}", "in the portfolio", key="accounts",
                                      raw=p.accounts, num_format="#,##0"),
                              Callout("Top performers", f"{top:,}", "account-metric pairs >= P90", key="top",
                                      raw=top, num_format="#,##0"),
                              Callout("Below P25", f"{below:,}", "account-metric pairs", key="below", raw=below,
                                      num_format="#,##0")]),
                    Paragraph(p.summary), *[Paragraph(n, "note") for n in p.notes])
    if s is not None:
        summary.add(Paragraph(f"Goals: {s.goals:,} across {s.accounts_with_goals:,} accounts; "
                              f"{s.status_counts.get('at_risk', 0):,} at risk."))
    rep.sections = [summary]
    if p is not None:
        rep.sections += [Section("metrics", "Portfolio vs benchmarks").add(_metrics(p)),
                         Section("top", "Top performers").add(_top(p, summary_tables)),
                         Section("below", "Below-benchmark accounts").add(_below(p, summary_tables)),
                         Section("groups", "Peer groups").add(_groups(p, summary_tables)),
                         Section("recommendations", "Recommendations").add(_recommendations(p, summary_tables))]
    rep.sections.append(Section("risk", "Goals at risk").add(_risk(s)))
    if data.max_rows:
        for t in rep.tables():
            if len(t.rows) > data.max_rows:
                t.note = ((t.note + " ") if t.note else "") + (f"First {data.max_rows} of {len(t.rows):,} rows: "
                                                               "the XLSX workbook lists every row.")
                t.rows = t.rows[:data.max_rows]
    return rep
