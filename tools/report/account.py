"""2. Account benchmarking (internal: richer detail, not for customers), from compare_customer and friends."""

from __future__ import annotations

from analytics.catalog import BY_KEY, CATEGORIES
from reports.format import fmt_value, fmt_versus, ordinal
from reports.model import Bullets, Callout, Callouts, Cell, Figure, Paragraph, Report, Section, Table, chart
from tools.report.cells import cols, mcell, pcell, status_cell, text, unit_label
from tools.report.shared import ReportData, as_of_text, improvements, new_report, slot, title_meta
from tools.report.visuals import metric_trends_figure, trend_figure

HISTOGRAM_METRICS = ("health_score", "nps", "adoption_score", "net_revenue_retention")
BOX_METRICS = ("health_score", "nps", "adoption_score", "engagement_score", "dau_mau", "time_to_value_days",
               "net_revenue_retention", "support_tickets_per_user")
PROFILE_METRICS = ("stakeholders", "meetings_per_month", "training_hours", "support_tickets_per_user")


def _peer_line(m) -> str:
    """A strength or gap as the peer group sees it (these lists are by peer percentile), industry after."""
    value, peer_med, ind_med = fmt_versus(m.metric, m.value, m.cohort_median, m.benchmark_median)
    peer = (f"{ordinal(m.percentile)} percentile in the peer group (peer median {peer_med})"
            if m.percentile is not None else "no peer percentile")
    industry = (f"; industry {m.benchmark_label or ordinal(m.benchmark_percentile)}, median {ind_med}"
                if m.benchmark_percentile is not None else "")
    return f"{m.label}: {value}, {peer}{industry}"


def _rank(m, size: int) -> Cell:
    return Cell(f"{m.rank} of {size}", m.rank, "0") if m.rank is not None else Cell("n/a")


def _dimension_table(cmp) -> Table:
    rows = []
    for cat in CATEGORIES:
        ms = [m for m in cmp.metrics if m.category == cat and m.percentile is not None]
        if not ms:
            continue
        best = max(ms, key=lambda m: m.percentile)
        worst = min(ms, key=lambda m: m.percentile)
        above = sum(1 for m in ms if m.percentile >= 50)
        rows.append([text(cat.title()), Cell(f"{above} of {len(ms)}", above, "0"),
                     text(f"{best.label} ({ordinal(best.percentile)})"),
                     text(f"{worst.label} ({ordinal(worst.percentile)})")])
    return Table("dimensions", cols("lrll", "Dimension", "At or above median", "Strongest (percentile)",
                                    "Weakest (percentile)", widths=[1.3, 1.3, 2.4, 2.4]), rows)


def _category_tables(cmp) -> list[Table]:
    out = []
    for cat in CATEGORIES:
        ms = [m for m in cmp.metrics if m.category == cat and m.value is not None]
        if not ms:
            continue
        rows = [[text(m.label), mcell(m.metric, m.value), mcell(m.metric, m.cohort_p25),
                 mcell(m.metric, m.cohort_median), mcell(m.metric, m.cohort_p75), mcell(m.metric, m.cohort_p90),
                 pcell(m.percentile), _rank(m, cmp.cohort.size), status_cell(m.status), text(m.trend or "n/a")]
                for m in ms]
        out.append(Table(f"detail_{cat}", cols("lrrrrrrrll", "Metric", "Value", "P25", "Median", "P75", "P90",
                                               "Percentile", "Rank", "Status", "Trend",
                                               widths=[1.9, 0.95, 0.85, 0.85, 0.85, 0.85, 1.15, 1.1, 1.55, 0.95]),
                         rows, title=cat.title()))
    return out


def _distribution(data: ReportData) -> list[Figure]:
    cmp, values = data.compare, data.cohort_values
    hist = [(f"{cmp.metric(k).label} ({unit_label(k)})", values[k], cmp.metric(k).value,
             fmt_value(k, cmp.metric(k).value)) for k in HISTOGRAM_METRICS
            if values.get(k) and cmp.metric(k).value is not None]
    boxes = [(f"{cmp.metric(k).label}\n({unit_label(k)})", values[k], cmp.metric(k).value) for k in BOX_METRICS
             if values.get(k) and cmp.metric(k).value is not None]
    out = []
    if hist:
        out.append(Figure("distribution", "Peer-group distribution", chart("histograms", hist), width_in=5.6,
                          caption=f"Histogram of the latest values of the {cmp.cohort.size} accounts in the peer "
                                  "group; the line marks this account."))
    if boxes:
        out.append(Figure("box_plots", "Where the account sits on key metrics", chart("box_plots", boxes), width_in=5.6,
                          caption="Boxes span the peer group's P25 to P75 with the median; whiskers P10 to P90 "
                                  "(no peer minimum or maximum is shown); the diamond is this account."))
    return out


def _profile(cmp) -> Table:
    rows = []
    for k in PROFILE_METRICS:
        m = cmp.metric(k)
        lower = m.direction == "lower_is_better"
        ref = m.cohort_p25 if lower else m.cohort_p90
        rows.append([text(m.label), mcell(k, m.value), mcell(k, ref), text("P25 (lower is better)" if lower else "P90"),
                     pcell(m.percentile)])
    return Table("top_performer_profile", cols("lrrlr", "Practice", "Account", "Top performers", "Level",
                                               "Account percentile", widths=[2.2, 1.1, 1.3, 1.6, 1.4]), rows,
                 note="Top performers: the peer group's P90 (P25 where lower is better).")


def _industry(cmp) -> Table | Paragraph:
    ms = [m for m in cmp.metrics if m.benchmark_median is not None]
    if not ms or cmp.benchmark is None:
        return Paragraph("No industry benchmark set is loaded for this account's segment.", "note")
    rows = [[text(m.label), mcell(m.metric, m.value), mcell(m.metric, m.benchmark_median),
             pcell(m.benchmark_percentile, m.benchmark_label), status_cell(m.benchmark_status)] for m in ms]
    b = cmp.benchmark
    return Table("industry", cols("lrrrl", "Metric", "Account", "Industry median", "Industry percentile", "Status",
                                  widths=[2.2, 1.1, 1.3, 1.4, 1.6]), rows,
                 note=f"{b.name}: {b.source or 'source n/a'}, {b.year or 'year n/a'}, sample size "
                      f"{b.sample_size if b.sample_size else 'n/a'}"
                      + (f", segment {b.segment}" if b.segment else "") + ".")


def _recommendations(data: ReportData) -> Table | Paragraph:
    items = improvements(data, limit=None)
    if not items:
        return Paragraph("No metric is below the median.")
    rows = []
    for i, it in enumerate(items, 1):
        k = it["metric"]
        rows.append([Cell(str(i), i, "0"), text(it["label"]), mcell(k, it["current"]), mcell(k, it["target"]),
                     mcell(k, it["stretch"]), text(it.get("reference", "peer").capitalize()),
                     text(it.get("timeline") or "n/a"), text(it["action"])])
    source = ("Recommendations: target the median of the reference the account is below (the industry "
              "benchmark first), stretch its P75 (P25 where lower is better); timeline by the size of the gap."
              if data.recommend is not None and getattr(data.recommend, "improvements", None) else
              "Target: the peer median; stretch: the peer top quartile (P75, or P25 where lower is better).")
    return Table("recommendations", cols("rlrrrlll", "#", "Metric", "Current", "Target", "Stretch", "Reference",
                                         "Timeline", "Action", widths=[0.35, 1.55, 0.85, 0.85, 0.85, 0.9, 0.85, 2.6]),
                 rows, note="Worst gap first. " + source)


def _scatter(data: ReportData) -> list:
    """Feature breadth against health score: peers as anonymous points, the account marked (internal only)."""
    s = data.scatter
    if s is None:
        return [Paragraph("Fewer than 10 accounts of the peer group have both values: no scatter plot.", "note")]
    axis = lambda k: f"{BY_KEY[k].label} ({BY_KEY[k].unit_label})"
    fit = (s.slope, s.intercept) if s.slope is not None else None
    draw = chart("peer_scatter", tuple(s.peers_x), tuple(s.peers_y), (s.account_x, s.account_y), axis(s.x), axis(s.y),
                 data.compare.customer, fit)
    r = f" Across the peer group r = {s.r:.2f}: an association, not causation." if s.r is not None else ""
    return [Figure("scatter", f"{BY_KEY[s.x].label} vs {BY_KEY[s.y].label}", draw, width_in=5.6,
                   caption=f"Each grey point is one peer (anonymous, {len(s.peers_x)} peers); the diamond is this "
                           f"account; the dashed line is the peers' least-squares trend.{r}")]


def _trend(data: ReportData) -> list:
    fig = trend_figure(data.peers, data.brand.accent)
    if fig is None:
        return [Paragraph("Fewer than two months of metric history: no trend to chart yet.", "note")]
    fig.caption = ("Overall percentile among this peer group, recomputed for each month from that month's latest "
                   "values; the dashed line is the account's average percentile against the industry benchmark.")
    return [fig, metric_trends_figure(data.peers, data.brand.accent)]


def build_account(data: ReportData) -> Report:
    cmp = data.compare
    rep = new_report(data, f"Account Benchmarking: {cmp.customer}", cmp.customer,
                     ["compare_customer"] + (["recommend_improvements"] if data.recommend else []),
                     kicker="Account Benchmarking (internal)",
                     subtitle=" · ".join(x for x in (f"vs {cmp.cohort.description}", as_of_text(data)) if x))
    rep.meta = title_meta(data, cmp) + [("Segment / industry", f"{cmp.segment or 'n/a'} / {cmp.industry or 'n/a'}")]
    strengths = [_peer_line(cmp.metric(k)) for k in cmp.strengths]
    gaps = [_peer_line(cmp.metric(k)) for k in cmp.gaps]
    rep.sections = [
        Section("summary", "Summary by dimension").add(
            Callouts([Callout("Overall percentile", ordinal(cmp.overall_percentile)
                              if cmp.overall_percentile is not None else "n/a", f"of {cmp.cohort.size} peers",
                              key="overall"),
                      Callout("Composite score", f"{cmp.composite:.1f}" if cmp.composite is not None else "n/a",
                              "mean metric percentile, 0-100", key="composite"),
                      Callout("Industry average", ordinal(cmp.benchmark_composite)
                              if cmp.benchmark_composite is not None else "n/a", "mean industry percentile",
                              key="benchmark_average")]),
            Paragraph(slot(data, "executive_summary", "account_summary", c=cmp,
                           strengths=[cmp.metric(k).label for k in cmp.strengths[:3]],
                           gaps=[cmp.metric(k).label for k in cmp.gaps[:3]]), "lead"),
            _dimension_table(cmp)),
        Section("detail", "Detailed comparison by category").add(*_category_tables(cmp)),
        Section("distribution", "Distribution in the peer group").add(*_distribution(data)),
        Section("scatter", "Feature adoption and health across peers").add(*_scatter(data)),
        Section("strengths_gaps", "Strengths and improvement areas").add(
            Paragraph("Strengths (top quartile of the peer group):"), Bullets(strengths or ["None yet."]),
            Paragraph("Improvement areas (below the peer median):"), Bullets(gaps or ["None."])),
        Section("profile", "Top performer profile").add(_profile(cmp)),
        Section("industry", "Industry benchmark").add(_industry(cmp)),
        Section("recommendations", "Prioritised recommendations").add(_recommendations(data)),
        Section("trend", "Percentile over time").add(*_trend(data)),
    ]
    return rep
