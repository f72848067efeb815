"""A metric's cells in the catalog's units: the unit, the percent rules and the plausible range.

:func:`metric_column` parses a group of cells for one catalog metric (a column,
or one metric's rows), then applies the unit (a header ``(hours)`` for a metric
in days is divided by 24), the percent rules (``62%`` -> 62 in a percent metric,
-> 0.62 in a ratio metric; a percent column holding only 0-1 fractions is
multiplied by 100) and the catalog's plausible range (NPS 150 or DAU/MAU 3 are
problems). Every rule that changed a value is returned as a note for the import
summary.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

import numpy as np

from analytics.catalog import Metric, normalise_label
from tools.ingest.values import PLAIN_NUMBER, BadValue, parse_number


class Unreconciled(ValueError):
    """A unit that cannot be converted to the catalog's unit for the metric."""


_PLAIN_LINES = re.compile(r"(?:[+-]?\d+(?:\.\d+)?)?(?:\n(?:[+-]?\d+(?:\.\d+)?)?)*")  # "\n".join of plain-or-blank cells


_UNIT_WORDS = {
    "%": "percent", "percent": "percent", "pct": "percent", "percentage": "percent",
    "ratio": "ratio", "fraction": "ratio", "decimal": "ratio",
    "days": "days", "day": "days", "d": "days",
    "hours": "hours", "hour": "hours", "hrs": "hours", "hr": "hours", "h": "hours",
    "minutes": "minutes", "minute": "minutes", "mins": "minutes", "min": "minutes",
    "seconds": "seconds", "second": "seconds", "secs": "seconds", "sec": "seconds",
    "weeks": "weeks", "week": "weeks", "wks": "weeks",
    "score": "score", "points": "score", "pts": "score", "index": "score", "rating": "score",
    "count": "count", "number": "count",
}
_PERIOD_WORDS = {"month": "month", "monthly": "month", "mo": "month", "year": "year", "yearly": "year",
                 "annual": "year", "annually": "year", "yr": "year", "annualised": "year",
                 "annualized": "year"}
_CATALOG_KIND = {"score": "score", "ratio": "ratio", "percent": "percent", "minutes": "minutes",
                 "count": "count", "days": "days", "tickets": "count", "hours": "hours"}
_CONVERT = {  # (catalog kind, given kind) -> factor
    ("ratio", "percent"): 0.01, ("percent", "ratio"): 100.0,
    ("days", "hours"): 1 / 24, ("days", "weeks"): 7.0, ("days", "minutes"): 1 / 1440,
    ("minutes", "hours"): 60.0, ("minutes", "seconds"): 1 / 60,
    ("hours", "minutes"): 1 / 60,
}


def unit_hint(label: str) -> str | None:
    """The unit written into a header or metric name, or None.

    >>> unit_hint("Time to value (hours)"), unit_hint("Renewal rate %"), unit_hint("Net Revenue Retention")
    ('hours', '%', None)
    """
    for inner in re.findall(r"\(([^)]*)\)", label):
        if _unit_kind(inner)[0] or _unit_kind(inner)[1]:
            return inner.strip()
    tokens = normalise_label(label).split()
    if tokens and (tokens[-1] in _UNIT_WORDS or tokens[-1] in ("hrs", "mins")) and len(tokens) > 1:
        return tokens[-1]
    if label.strip().endswith("%"):
        return "%"
    return None


def _unit_kind(text: str) -> tuple[str | None, str | None]:
    """(unit kind, period) named in a unit text: ("hours", None), ("count", "year") ..."""
    kind = period = None
    for tok in normalise_label(text).replace("%", " % ").split():
        if kind is None and tok in _UNIT_WORDS:
            kind = _UNIT_WORDS[tok]
        elif period is None and tok in _PERIOD_WORDS:
            period = _PERIOD_WORDS[tok]
    if kind is None and text.strip() in ("#", "n", "N"):
        kind = "count"
    return kind, period


def _fmt_factor(factor: float) -> str:
    return f"\u00d7{factor:g}" if factor >= 1 else f"\u00f7{1 / factor:g}"


def unit_factor(metric: Metric, unit: str | None) -> tuple[float, str | None]:
    """The factor turning values in ``unit`` into the catalog's unit, and a note when not 1.

    Raises :class:`Unreconciled` when the unit names something else (CSAT given in %,
    NPS in $, expansion per month).

    >>> from analytics.catalog import BY_KEY
    >>> unit_factor(BY_KEY["time_to_value_days"], "hours")[0] == 1 / 24
    True
    """
    if unit is None or not unit.strip():
        return 1.0, None
    want = _CATALOG_KIND[metric.unit]
    kind, period = _unit_kind(unit)
    label_words = set(normalise_label(metric.unit_label).split()) - {"of", "per", "user", "0", "1"}
    if kind is None:
        words = set(normalise_label(unit).split())
        if not words & (label_words | set(normalise_label(metric.label).split())):
            raise Unreconciled(f"unit '{unit}' does not match {metric.label} ({metric.unit_label})")
        kind = want
    if kind == want:
        factor = 1.0
    elif (want, kind) in _CONVERT:
        factor = _CONVERT[(want, kind)]
    elif want == "score" and kind == "percent" and metric.hi == 100:
        factor = 1.0  # a 0-100 score written as "%" holds the same numbers
    else:
        raise Unreconciled(f"unit '{unit}' cannot be converted to {metric.label} ({metric.unit_label})")
    want_period = _unit_kind(metric.unit_label)[1]
    if period and want_period and period != want_period:
        if want == "percent":
            raise Unreconciled(f"unit '{unit}' is per {period}; {metric.label} is {metric.unit_label}")
        factor *= 12.0 if want_period == "year" else 1 / 12
    if factor == 1.0:
        return 1.0, None
    return factor, f"converted '{unit}' to {metric.unit_label} ({_fmt_factor(factor)})"


# --- metric columns ------------------------------------------------------------------------

@dataclass
class ColumnResult:
    """Values for one metric group; ``errors`` are (index into the cells, expected text)."""

    values: list[float | None]
    errors: list[tuple[int, str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def range_text(metric: Metric) -> str:
    lo = "any" if metric.lo is None else f"{metric.lo:g}"
    hi = "any" if metric.hi is None else f"{metric.hi:g}"
    return f"a number from {lo} to {hi} ({metric.label}, {metric.unit_label})"


def metric_column(metric: Metric, cells: list[str], *, decimal_comma: bool = False,
                  unit: str | None = None, where: str = "") -> ColumnResult:
    """Parse the cells of one metric (a column, or one metric's rows) into catalog units.

    ``unit`` is the unit the file states (header hint or unit column); raises
    :class:`Unreconciled` when it cannot be converted. ``where`` prefixes notes.

    >>> from analytics.catalog import BY_KEY
    >>> r = metric_column(BY_KEY["renewal_rate"], ["0.9", "0.85", ""])
    >>> r.values, r.notes
    ([90.0, 85.0, None], ['Renewal Rate: 0-1 fractions read as percent (0.9 -> 90)'])
    """
    factor, unit_note = unit_factor(metric, unit)
    if not decimal_comma:
        fast = _plain_column(metric, cells, factor, unit_note, where)
        if fast is not None:
            return fast
    out = ColumnResult(values=[None] * len(cells))
    raw: list[float | None] = [None] * len(cells)
    pct: set[int] = set()  # cells written with a % sign
    rewrites: dict[str, str] = {}
    rewritten: dict[int, str] = {}  # cell -> how its separators were read ("dots grouping thousands")
    plain = PLAIN_NUMBER.fullmatch
    for i, text in enumerate(cells):
        if not text:
            continue
        if plain(text) and not (decimal_comma and "." in text):  # the common case, kept cheap
            raw[i] = float(text)
            continue
        try:
            n = parse_number(text, decimal_comma=decimal_comma)
        except BadValue as exc:
            out.errors.append((i, str(exc) if where else f"{exc} ({metric.label})"))  # name it when no column does
            continue
        if n is None:
            continue
        raw[i] = n.value
        if n.percent:
            pct.add(i)
        if n.rewrite:
            rewrites.setdefault(n.rewrite, text.strip())
            rewritten[i] = n.rewrite
    plain_values = [v for i, v in enumerate(raw) if v is not None and i not in pct]
    fractions = (metric.is_percent and factor == 1.0 and plain_values and all(abs(v) <= 1 for v in plain_values)
                 and any(not v.is_integer() for v in plain_values))
    lo, hi = _bounds(metric)
    pct_seen = None
    for i, v in enumerate(raw):
        if v is None:
            continue
        if i in pct:
            if metric.unit == "ratio":
                v = v / 100
            elif not (metric.is_percent or (metric.unit == "score" and metric.hi == 100)):
                out.errors.append((i, f"a number without % ({metric.label} is {metric.unit_label})"))
                continue
            pct_seen = pct_seen or (cells[i].strip(), v)  # a 0-100 score written with % holds the same numbers
        elif fractions:
            v = v * 100
        elif factor != 1.0:
            v = v * factor
        if not lo <= v <= hi:
            read = f"; read as {raw[i]:g} ({rewritten[i]} in this file)" if i in rewritten else ""
            out.errors.append((i, range_text(metric) + read))
            continue
        out.values[i] = v
    out.notes = _notes(where or metric.label, unit_note, plain_values[0] if fractions else None, pct_seen, rewrites)
    return out


def _plain_column(metric: Metric, cells: list[str], factor: float, unit_note: str | None,
                  where: str) -> ColumnResult | None:
    """:func:`metric_column` for the common column, every cell blank or a plain number ('12',
    '-0.5'), with the same rules as arrays; None for any other column (the cell-by-cell path)."""
    joined = "\n".join(cells)
    if joined.count("\n") != len(cells) - 1 or not _plain_lines(joined):
        return None  # a cell with a line break, a % sign, a separator or a word
    try:
        raw = np.array(list(map(float, (c or "nan" for c in cells))), dtype="float64").reshape(-1)
    except ValueError:
        return None  # '1-2', '1.2.3', '+': not a number (the cell-by-cell path says why)
    at = np.flatnonzero(~np.isnan(raw))
    v = raw[at]
    fractions = bool(metric.is_percent and factor == 1.0 and v.size and (np.abs(v) <= 1).all()
                     and (v != np.floor(v)).any())
    v = v * 100 if fractions else v * factor if factor != 1.0 else v
    lo, hi = _bounds(metric)
    ok = (v >= lo) & (v <= hi)
    values = np.full(len(cells), np.nan)
    values[at[ok]] = v[ok]
    out = ColumnResult(values=[None if x != x else x for x in values.tolist()],
                       errors=[(i, range_text(metric)) for i in at[~ok].tolist()])
    out.notes = _notes(where or metric.label, unit_note, float(raw[at[0]]) if fractions else None)
    return out


_PLAIN_BYTES = b"0123456789.+-\n"


def _plain_lines(joined: str) -> bool:
    """Whether the cells joined by line breaks *may* all be blank or plain numbers
    (:data:`_PLAIN_LINES`), checked with string methods (several times faster than the regex).

    Only ASCII digits, ``.``, ``+``, ``-`` and line breaks, and no ``.`` without a digit
    before and after it. What passes and is not ``[+-]?\\d+(\\.\\d+)?`` (``1-2``, ``1.2.3``,
    ``+``) fails ``float()``: the caller falls back to the cell-by-cell path then. So the
    fast path reads exactly the cells :data:`_PLAIN_LINES` accepts, with ASCII digits.
    """
    if not joined.isascii() or joined.encode("ascii").translate(None, _PLAIN_BYTES):
        return False
    return not (joined.startswith(".") or joined.endswith(".") or "\n." in joined or ".\n" in joined
                or "+." in joined or "-." in joined)


def _bounds(metric: Metric) -> tuple[float, float]:
    """The catalog's plausible range, with slack for float noise (unbounded where it has none)."""
    return (-math.inf if metric.lo is None else metric.lo - 1e-9, math.inf if metric.hi is None else metric.hi + 1e-9)


def _notes(label: str, unit_note: str | None, fraction: float | None, pct_seen: tuple | None = None,
           rewrites: dict[str, str] | None = None) -> list[str]:
    """What the rules changed, for the import summary; ``fraction`` is the first value read as a 0-1 fraction."""
    notes = [f"{label}: {unit_note}"] if unit_note else []
    if fraction is not None:
        notes.append(f"{label}: 0-1 fractions read as percent ({fraction:g} -> {fraction * 100:g})")
    if pct_seen:
        notes.append(f"{label}: percent signs removed ({pct_seen[0]} -> {pct_seen[1]:g})")
    return notes + [f"{label}: read {what} ({example})" for what, example in (rewrites or {}).items()]
