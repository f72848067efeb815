"""From a benchmark file's figures to stored rows: one series per metric, scope and source.

A *series* is what one source says about one metric for one population (scope):
its percentiles, mean and labelled reference points ("best in class"). Several
sources for one metric and scope are kept side by side (one series each); only a
true conflict (same metric, scope, source, year and statistic, two values) is an error.

Percentile direction (DESIGN §4). Published reports often list percentiles as
*performance* percentiles: for a lower-is-better metric "25th, Median, 75th, Top decile"
= 62, 38, 21, 12 days means 75% of companies are slower than 21 days. The stored
quantiles are always of the value distribution, so such a series is read as value
quantile 100 - p (62 days is P75 of days, 12 days is P10). Which reading applies:

- labels that name performance ("top decile", "top quartile", "bottom quartile") are
  performance percentiles, always;
- plain percentile labels ("25th", "P75", "Median") follow the values: for a
  lower-is-better metric, values that fall as p rises are performance percentiles,
  values that rise are value quantiles; for a higher-is-better metric the two agree
  and values that fall as p rises are an error naming the row.

After the reading, a series' quantiles must rise with p, or the file is refused.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from analytics.catalog import BY_KEY, Metric
from reports.format import fmt_value
from tools.benchmarks.scopes import Scope
from tools.ingest.problems import Problems


@dataclass
class Point:
    """One figure of the file, parsed: a cell of a wide row or a long row."""

    metric: str
    scope: Scope
    source: str | None
    year: int | None
    n: int | None
    note: str | None
    stat: str                 # nominal stat key: p25, mean, or a normalised label ("best in class")
    q: float | None           # nominal percentile (None for the mean and labels)
    performance: bool         # named by performance ("top decile")
    label: str | None         # the statistic as written ("Top decile", "25th", "Best in class")
    value: float
    row: int
    column: str
    text: str                 # the cell as written (for problems)
    seq: int = 0


def better_words(metric: Metric) -> str:
    """'fewer days', 'fewer tickets': what a higher performance percentile means for a lower-is-better metric."""
    unit = metric.unit_label.split("/")[0].strip()
    return f"fewer {unit}" if unit and unit[0].isalpha() else "lower values"


def build_rows(points: list[Point], probs: Problems) -> tuple[list[dict], list[str]]:
    """(rows to store, readings for the summary); problems go to ``probs``."""
    series: dict[tuple, list[Point]] = defaultdict(list)
    for p in points:
        series[(p.metric, p.scope.key(), (p.source or "").casefold(), p.year)].append(p)
    rows, readings = [], []
    for pts in series.values():
        kept = _without_duplicates(pts, probs)
        if kept is None:
            continue
        reading = _read_quantiles(kept, probs)
        if reading is None:
            continue
        converted, text = reading
        if text:
            readings.append(text)
        rows += [_row(p, q) for p, q in converted]
    return rows, list(dict.fromkeys(readings))


def _where(p: Point) -> str:
    src = " ".join(x for x in (p.source or "", str(p.year or "")) if x)
    bits = [b for b in ((p.scope.label if not p.scope.is_all else ""), src) if b]
    return f"{BY_KEY[p.metric].label} ({', '.join(bits)})" if bits else BY_KEY[p.metric].label


def _without_duplicates(pts: list[Point], probs: Problems) -> list[Point] | None:
    """The series without repeated figures; two values for one statistic is a problem (None)."""
    seen: dict[tuple, Point] = {}
    kept, bad = [], False
    for p in pts:
        ident = (p.stat, p.performance)
        first = seen.get(ident)
        if first is None:
            seen[ident] = p
            kept.append(p)
        elif abs(first.value - p.value) > 1e-9:
            probs.add(p.row, p.column, p.text, f"one {p.label or p.stat} for {_where(p)} "
                      f"(row {first.row} gives {first.text}; a second source needs its own source name or year)")
            bad = True
    return None if bad else kept


def _read_quantiles(pts: list[Point], probs: Problems) -> tuple[list[tuple[Point, float | None]], str] | None:
    """Each point with its value quantile (None for the mean and labels), and the reading in words."""
    metric = BY_KEY[pts[0].metric]
    plain = sorted((p for p in pts if p.q is not None and not p.performance), key=lambda p: p.q)
    falling = _direction(plain)
    if falling is None:  # rises and falls
        _order_problem(plain, metric, probs, "rise steadily with the percentile")
        return None
    if falling and metric.higher_is_better:
        _order_problem(plain, metric, probs, f"rise with the percentile ({metric.label} is higher-is-better)")
        return None
    lower = not metric.higher_is_better
    flip = lambda p: lower and (p.performance or falling)  # noqa: E731
    converted = [(p, None if p.q is None else (100.0 - p.q if flip(p) else p.q)) for p in pts]
    if not _rising([(q, p) for p, q in converted if q is not None], metric, probs):
        return None
    return converted, _reading_text(metric, pts, converted, falling)


def _direction(plain: list[Point]) -> bool | None:
    """False when values rise with p (or too few to tell), True when they fall, None when both."""
    vals = [p.value for p in plain]
    rises = any(b > a for a, b in zip(vals, vals[1:]))
    falls = any(b < a for a, b in zip(vals, vals[1:]))
    return None if rises and falls else falls


def _order_problem(plain: list[Point], metric: Metric, probs: Problems, expected: str) -> None:
    k = next(k for k in range(1, len(plain)) if plain[k].value < plain[k - 1].value)
    lo, hi = plain[k - 1], plain[k]
    probs.add(hi.row, hi.column, hi.text, f"values of {_where(hi)} that {expected}: "
              f"{_p(lo.q)} = {lo.text} but {_p(hi.q)} = {hi.text}")


def _p(q: float | None) -> str:
    return "median" if q == 50 else f"P{q:g}"


def _rising(points: list[tuple[float, Point]], metric: Metric, probs: Problems) -> bool:
    """Value quantiles must rise with p; one quantile from two labels must agree."""
    by_q: dict[float, Point] = {}
    for q, p in points:
        other = by_q.get(q)
        if other is not None and abs(other.value - p.value) > 1e-9:
            probs.add(p.row, p.column, p.text, f"one value for {_p(q)} of {_where(p)}: "
                      f"'{p.label or _p(p.q)}' and '{other.label or _p(other.q)}' (row {other.row}) both mean {_p(q)}")
            return False
        by_q[q] = p
    ordered = sorted(by_q.items())
    for (qa, a), (qb, b) in zip(ordered, ordered[1:]):
        if b.value < a.value:
            probs.add(b.row, b.column, b.text, f"quantiles of {_where(b)} rising with the percentile once read as "
                      f"value quantiles: {_p(qa)} = {fmt_value(metric.key, a.value)} > {_p(qb)} = "
                      f"{fmt_value(metric.key, b.value)}")
            return False
    return True


def _reading_text(metric: Metric, pts: list[Point], converted: list, falling: bool) -> str:
    """'Time to Value: columns read as performance percentiles, 75th = fewer days; median 38 days'."""
    if metric.higher_is_better or not (falling or any(p.performance for p in pts)):
        return ""
    where = _where(pts[0]).removeprefix(metric.label)
    median = next((p.value for p, q in converted if q == 50), None)
    tail = f"; median {fmt_value(metric.key, median)}" if median is not None else ""
    named = sorted({p.label for p in pts if p.performance and p.label})
    if falling:
        head = f"{metric.label}{where}: percentiles read as performance percentiles, 75th = {better_words(metric)}"
    else:
        head = (f"{metric.label}{where}: " + ", ".join(f"'{n}'" for n in named)
                + f" read by performance (top = {better_words(metric)})")
    stored = ", ".join(f"{p.label or _p(p.q)} -> {_p(q)}" for p, q in converted if q is not None and q != p.q)
    return head + (f" (stored as value quantiles: {stored})" if stored else "") + tail


def _row(p: Point, q: float | None) -> dict:
    stat = p.stat if q is None else f"p{q:g}"
    label = p.label if (q is None and p.stat != "mean") or p.performance else None
    return {"metric": p.metric, "scope": p.scope, "stat": stat, "quantile": q, "value": p.value,
            "sample_size": p.n, "source": p.source, "year": p.year, "label": label, "note": p.note,
            "_row": p.row, "_column": p.column, "seq": p.seq}
