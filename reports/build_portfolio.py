"""5. Portfolio analysis workbook (internal: accounts are named), from compare_portfolio and portfolio_success."""

from __future__ import annotations

from reports.build import ReportData, new_report
from reports.cells import action_for, cols, goal_cell, mcell, metric_label, money, num, pcell, status_cell, text
from reports.model import Callout, Callouts, Cell, Paragraph, Report, Section, Table

MAX_ROWS = 2000  # a sheet stays readable; the CLI/UI can filter by segment for more


def _metrics(p) -> Table:
    rows = [[text(m.label), text(m.category.title()), num(m.accounts, "#,##0"),
             mcell(m.metric, m.portfolio_average), mcell(m.metric, m.portfolio_median),
             mcell(m.metric, m.benchmark_median), pcell(m.percentile, m.percentile_label), status_cell(m.status),
             num(m.top_performers, "#,##0"), num(m.below_p25, "#,##0")] for m in p.metrics]
    return Table("portfolio_vs_benchmarks", cols("llrrrrrlrr", "Metric", "Category", "Accounts", "Portfolio average",
                                                 "Portfolio median", "Benchmark median", "Percentile", "Status",
                                                 "Top performers (>= P90)", "Below P25"), rows,
                 note="Percentile: the portfolio average against the benchmark quantiles.")


def _top(p) -> Table:
    rows = []
    for t in p.top_performers:
        for r in t.rows():
            rows.append([text(t.label), text(r["customer"]), text(r["segment"]), mcell(t.metric, r["value"]),
                         pcell(r["percentile"], r["percentile_label"]), text(r.get("basis", ""))])
    return Table("top_performers", cols("lllrrl", "Metric", "Account", "Segment", "Value", "Percentile", "Basis"),
                 rows[:MAX_ROWS])


def _below(p) -> Table:
    rows = []
    for b in p.below_benchmark:
        for r in b.rows():
            rows.append([text(b.label), text(r["customer"]), text(r["segment"]), mcell(b.metric, r["value"]),
                         mcell(b.metric, r["benchmark_p25"]), mcell(b.metric, r["benchmark_median"]),
                         mcell(b.metric, r["gap_to_median"]), pcell(r["percentile"], r["percentile_label"])])
    return Table("below_benchmark", cols("lllrrrrr", "Metric", "Account", "Segment", "Value", "Benchmark P25",
                                         "Benchmark median", "Gap to median", "Percentile"),
                 rows[:MAX_ROWS], note="Accounts under the benchmark's P25.")


def _groups(p) -> Table:
    rows = []
    for g in p.peer_groups:
        if not g.sufficient:
            rows.append([text(g.segment), Cell("n/a"), text(g.note or f"fewer than 10 accounts ({g.size})"),
                         Cell("n/a"), Cell("n/a"), Cell("n/a"), text(""), text("")])
            continue
        for r in g.accounts.rows():
            rows.append([text(g.segment), num(r["rank"], "0"), text(r["customer"]), pcell(r["overall_percentile"]),
                         num(r["composite"], "0.0"), pcell(r["benchmark_composite"]),
                         text(", ".join(metric_label(k) for k in r["strengths"])),
                         text(", ".join(metric_label(k) for k in r["gaps"]))])
    return Table("peer_groups", cols("lrlrrrll", "Peer group", "Rank", "Account", "Overall percentile", "Composite",
                                     "Benchmark composite", "Strengths", "Gaps"), rows[:MAX_ROWS])


def _recommendations(p) -> Table:
    rows = []
    for b in p.below_benchmark:
        for r in b.rows():
            rows.append([text(r["customer"]), text(b.label), mcell(b.metric, r["value"]),
                         mcell(b.metric, r["benchmark_median"]), text(action_for(b.metric))])
    return Table("recommendations", cols("llrrl", "Account", "Metric", "Current", "Target (benchmark median)",
                                         "Recommended action"), rows[:MAX_ROWS])


def _risk(s) -> Table:
    rows = [[text(r.customer), text(r.segment), text(r.goal), money(r.arr_at_stake),
             goal_cell(r.achievement_pct, "percent"), goal_cell(r.elapsed_pct, "percent"), text(r.target_date),
             text(r.owner)] for r in (s.at_risk_goals if s else [])]
    return Table("goals_at_risk", cols("lllrrrll", "Account", "Segment", "Goal", "ARR at stake", "Achievement",
                                       "Time elapsed", "Target date", "Owner"), rows)


def build_portfolio_report(data: ReportData) -> Report:
    p, s = data.portfolio, data.success
    rep = new_report(data, "Portfolio Analysis", None, (["compare_portfolio"] if p else []) + ["portfolio_success"])
    rep.meta = [("Prepared by", data.prepared_by), ("Date", data.date)]
    summary = Section("summary", "Summary")
    if p is not None:
        if p.benchmark:
            b = p.benchmark
            rep.meta.append(("Benchmark", f"{b.name} ({b.source or 'source n/a'}, {b.year or 'year n/a'})"))
        summary.add(Callouts([Callout("Accounts", f"{p.accounts:,}"),
                              Callout("Top performers", f"{sum(t.count for t in p.top_performers):,}", "account-metric pairs >= P90"),
                              Callout("Below P25", f"{sum(b.count for b in p.below_benchmark):,}", "account-metric pairs")]),
                    Paragraph(p.summary), *[Paragraph(n, "note") for n in p.notes])
    if s is not None:
        summary.add(Paragraph(f"Goals: {s.goals:,} across {s.accounts_with_goals:,} accounts; "
                              f"{s.status_counts.get('at_risk', 0):,} at risk."))
    rep.sections = [summary]
    if p is not None:
        rep.sections += [Section("metrics", "Portfolio vs benchmarks").add(_metrics(p)),
                         Section("top", "Top performers").add(_top(p)),
                         Section("below", "Below-benchmark accounts").add(_below(p)),
                         Section("groups", "Peer groups").add(_groups(p)),
                         Section("recommendations", "Recommendations").add(_recommendations(p))]
    rep.sections.append(Section("risk", "Goals at risk").add(_risk(s)))
    if data.max_rows:
        for t in rep.tables():
            if len(t.rows) > data.max_rows:
                t.note = ((t.note + " ") if t.note else "") + (f"First {data.max_rows} of {len(t.rows):,} rows: "
                                                               "the XLSX workbook lists every row.")
                t.rows = t.rows[:data.max_rows]
    return rep
