"""What a file is, from its headers: benchmarks, portfolio, history, goals or unknown.

Also the header vocabularies the importers share: :func:`field_for` maps a header
to a non-metric field (``name``, ``segment``, ``arr``, ``metric``, ``stat`` ...) and
:func:`stat_for` maps a statistic label (``P25``, ``Median``, ``50th percentile``,
``Top quartile``) to a stat key and its quantile. Matching is case and punctuation
insensitive (``catalog.normalise_label``); metric headers go through
``catalog.metric_for``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from analytics.catalog import lookup_label, metric_for, normalise_label
from tools.ingest.reader import Table

KINDS = ("benchmarks", "portfolio", "history", "goals", "unknown")

_FIELDS: dict[str, tuple[str, ...]] = {
    # portfolio / history / goals
    "name": ("name", "customer", "customer name", "account", "account name", "company", "company name",
             "client", "client name", "organisation", "organization"),
    "industry": ("industry", "vertical", "sector"),
    "segment": ("segment", "tier", "customer segment", "size segment", "company size", "market segment"),
    "arr": ("arr", "annual recurring revenue", "arr usd", "arr in usd", "annual revenue", "arr amount"),
    "region": ("region", "geo", "geography", "territory"),
    "contract_start": ("contract start", "contract start date", "start date", "customer since",
                       "contract_start"),
    "csm": ("csm", "csm name", "account owner", "owner", "customer success manager"),
    "period": ("period", "month", "reporting month", "period month", "as of month"),
    "goal": ("goal", "goal name", "objective", "success goal"),
    "baseline": ("baseline", "baseline value", "starting value"),
    "target": ("target", "target value", "goal target"),
    # benchmarks
    "metric": ("metric", "metric name", "kpi", "measure", "indicator", "benchmark", "metric key"),
    "stat": ("stat", "statistic", "percentile", "quantile", "stat name", "benchmark type", "level",
             "measure type"),
    "value": ("value", "benchmark value", "figure", "metric value", "amount"),
    "unit": ("unit", "units", "uom", "unit of measure", "measurement unit"),
    "source": ("source", "data source", "publisher", "source name"),
    "year": ("year", "survey year", "benchmark year", "data year"),
    "sample_size": ("sample size", "n", "sample", "respondents", "sample n", "number of companies",
                    "companies surveyed", "peer count", "sample_size"),
    "peer": ("peer", "peer id", "respondent", "respondent id", "company id", "anon id", "id", "peer name"),
    "notes": ("notes", "note", "comment", "comments", "description", "definition", "category"),
    "sample_note": ("sample note", "sample notes", "sample description", "population", "methodology",
                    "survey note", "respondent profile", "sample basis"),
    "scope_dim": ("segment dimension", "dimension", "segment type", "cut", "breakdown", "scope",
                  "segmentation", "segment by", "cohort dimension", "group by"),
    "scope_value": ("segment value", "dimension value", "cut value", "breakdown value", "scope value",
                    "cohort", "group", "segment name"),
    "employees": ("employees", "employee count", "headcount", "number of employees", "employee band",
                  "employee range", "company headcount"),
    "arr_band": ("arr band", "arr range", "arr tier", "arr segment", "revenue band", "arr bucket", "arr cohort"),
    "acv_band": ("acv band", "acv", "acv range", "acv tier", "average contract value", "deal size",
                 "contract size", "acv segment", "average deal size"),
}
_FIELD_OF = {normalise_label(a): f for f, names in _FIELDS.items() for a in names}

_NAMED_STATS = {
    "median": ("p50", 50.0), "med": ("p50", 50.0), "q2": ("p50", 50.0), "50th": ("p50", 50.0),
    "mean": ("mean", None), "average": ("mean", None), "avg": ("mean", None),
    "lower quartile": ("p25", 25.0), "q1": ("p25", 25.0), "first quartile": ("p25", 25.0),
    "upper quartile": ("p75", 75.0), "q3": ("p75", 75.0), "third quartile": ("p75", 75.0),
}
#: Stats named by performance ("top quartile" = the best quarter): for a lower-is-better metric
#: the value quantile is 100 - p (DESIGN §4).
_PERFORMANCE_STATS = {
    "top decile": 90.0, "top 10": 90.0, "top 10 %": 90.0, "top 10%": 90.0, "best decile": 90.0,
    "top quartile": 75.0, "top 25": 75.0, "top 25 %": 75.0, "top 25%": 75.0, "best quartile": 75.0,
    "upper performance quartile": 75.0,
    "bottom quartile": 25.0, "bottom 25": 25.0, "bottom 25 %": 25.0, "bottom 25%": 25.0, "worst quartile": 25.0,
    "bottom decile": 10.0, "bottom 10": 10.0, "bottom 10 %": 10.0, "bottom 10%": 10.0, "worst decile": 10.0,
}
_PCT = re.compile(r"(?:p|pct|percentile)?\s*(\d{1,2})(?:st|nd|rd|th)?\s*(?:percentile|pctl|pct|perc|%ile|%)?")


@dataclass(frozen=True)
class StatReading:
    """How a statistic label reads: ``key`` p10..p90 / mean, ``quantile`` its nominal p (None for the mean).

    ``performance`` is True for labels that name performance ("top decile"); plain
    percentile labels ("75th", "P75") are read as value or performance percentiles
    from the order of the values (:mod:`tools.ingest.benchmark_series`).
    """

    key: str
    quantile: float | None
    performance: bool = False


def stat_reading(label: str) -> StatReading | None:
    """The :class:`StatReading` of a statistic label; None for labels such as "best in class".

    >>> stat_reading("Top Decile"), stat_reading("75th")
    (StatReading(key='p90', quantile=90.0, performance=True), StatReading(key='p75', quantile=75.0, performance=False))
    """
    norm = normalise_label(re.sub(r"\(.*?\)", "", label)) or normalise_label(label)
    if norm in _PERFORMANCE_STATS:
        q = _PERFORMANCE_STATS[norm]
        return StatReading(f"p{q:g}", q, True)
    if norm in _NAMED_STATS:
        return StatReading(*_NAMED_STATS[norm])
    m = _PCT.fullmatch(norm)
    if m and (norm[0] in "p" or not norm.isdigit()) and 1 <= int(m[1]) <= 99:
        return StatReading(f"p{int(m[1])}", float(int(m[1])))
    return None


def field_for(header: str) -> str | None:
    """The non-metric field a header names, or None.

    >>> field_for("Customer Name"), field_for("ARR ($)"), field_for("Sample Size")
    ('name', 'arr', 'sample_size')
    """
    return lookup_label(_FIELD_OF, header)


def stat_for(label: str) -> tuple[str, float | None] | None:
    """(stat key, nominal quantile) for a statistic label; None for anything else.

    Quantile stats are ``p10``..``p90`` (any whole percentile 1-99); ``mean`` has no
    quantile. Labels such as "best in class" are not stats: importers keep them as
    labelled reference points. See :func:`stat_reading` for performance labels.

    >>> stat_for("50th percentile"), stat_for("Median"), stat_for("P90"), stat_for("Best in class")
    (('p50', 50.0), ('p50', 50.0), ('p90', 90.0), None)
    """
    r = stat_reading(label)
    return None if r is None else (r.key, r.quantile)


def metric_of_header(header: str):
    """The catalog metric of a column header, trying again without a parenthesised note."""
    m = metric_for(header)
    if m is None and "(" in header:
        m = metric_for(re.sub(r"\(.*?\)", " ", header))
    return m


def header_roles(headers: list[str]) -> dict[str, list[int]]:
    """Column indices by role: field names, 'stat:<key>' columns, 'metric' columns, 'other'."""
    roles: dict[str, list[int]] = {}
    for j, h in enumerate(headers):
        f = field_for(h)
        if f is not None:
            role = f
        elif stat_for(h) is not None:
            role = "stat_column"
        elif metric_of_header(h) is not None:
            role = "metric_column"
        else:
            role = "other"
        roles.setdefault(role, []).append(j)
    return roles


def detect_kind(table: Table) -> str:
    """benchmarks | portfolio | history | goals | unknown, from the headers alone.

    - goals: a customer/name column with goal, baseline and target columns;
    - benchmarks, long: metric + stat + value columns; wide: a metric column and
      statistic columns (P25, Median, ...); raw peer rows: metric columns with a
      peer/segment column but no customer name column;
    - history: customer + metric + period + value;
    - portfolio: a customer name column with metric or account columns (arr, segment ...).
    """
    roles = header_roles(table.headers)
    has = roles.__contains__
    if has("name") and has("goal") and (has("baseline") or has("target")):
        return "goals"
    if has("metric") and has("stat") and has("value"):
        return "benchmarks"
    if (has("metric") or has("name")) and has("stat_column"):
        return "benchmarks"
    if has("name") and has("metric") and has("value"):
        return "history"
    if has("name") and (has("metric_column") or any(has(f) for f in
                                                     ("industry", "arr", "region", "contract_start", "csm"))):
        return "portfolio"
    if has("metric_column") and not has("name"):
        return "benchmarks"
    return "unknown"
