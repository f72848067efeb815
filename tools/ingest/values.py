"""Parsing cell text into values, strictly, saying what was normalised.

Cells arrive as strings from :mod:`tools.ingest.reader`. The parsers here either
return a value, return ``None`` for a missing cell, or raise :class:`BadValue`
whose text completes the sentence "expected ...". Nothing is silently coerced.

Numbers (:func:`parse_number`): ``62%``, ``+38``, ``-12``, Unicode minus ``−12``,
thousands separators ``1,234`` (``1.234`` / ``1 234`` in ``;`` files), decimal
commas ``12,5`` / ``1.234,5`` when the file is ``;``-separated (``decimal_comma``),
``1e3``. With ``money=True`` also ``$285K``, ``€1.2M``, ``1.5bn``. Blank, ``NA``,
``n/a``, ``-``, ``null``, ``#N/A`` are missing. ``inf``/``nan``, spreadsheet errors
(``#DIV/0!``) and formulas (text starting ``=``) are problems, not numbers.

Metric columns (:func:`metric_column`): parse a group of cells for one catalog
metric, then apply the unit (a header ``(hours)`` for a metric in days is divided
by 24), the percent rules (``62%`` -> 62 in a percent metric, -> 0.62 in a ratio
metric; a percent column holding only 0-1 fractions is multiplied by 100) and the
catalog's plausible range (NPS 150 or DAU/MAU 3 are problems). Every rule that
changed a value is returned as a note for the import summary.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass, field

from analytics.catalog import Metric, normalise_label


class BadValue(ValueError):
    """A cell that cannot be read; ``str(exc)`` completes "expected ..."."""


class Unreconciled(ValueError):
    """A unit that cannot be converted to the catalog's unit for the metric."""


MISSING = frozenset({"", "na", "n/a", "n.a.", "n.a", "-", "--", "\u2014", "\u2013", "null", "none",
                     "#n/a", "not available", "missing"})
REGION_MISSING = MISSING - {"na"}
_NOT_FINITE = frozenset({"inf", "+inf", "-inf", "infinity", "+infinity", "-infinity", "nan", "+nan",
                         "-nan", "\u221e", "-\u221e", "+\u221e", "#num!"})
_PLAIN = re.compile(r"[+-]?\d+(?:\.\d+)?")
_NUMBER = re.compile(
    r"""^(?P<s1>[+-])?\s*(?P<cur>[$€£]|usd|eur|gbp)?\s*(?P<s2>[+-])?
        (?P<num>\d[\d.,'\u00a0\u202f ]*|[.,]\d+)
        (?P<exp>e[+-]?\d+)?\s*(?P<suf>k|m|mm|mn|b|bn)?\s*(?P<cur2>usd|eur|gbp)?\s*(?P<pct>%)?$""",
    re.IGNORECASE | re.VERBOSE,
)
_GROUP_SPACES = re.compile(r"['\u00a0\u202f ]")
_THOUSANDS_DOT = re.compile(r"[1-9]\d{0,2}(?:\.\d{3})+")
_THOUSANDS_COMMA = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?")
_SUFFIX = {"k": 1e3, "m": 1e6, "mm": 1e6, "mn": 1e6, "b": 1e9, "bn": 1e9}


@dataclass(frozen=True, slots=True)
class Number:
    """A parsed number; ``percent`` if written with %, ``rewrite`` describes a normalisation."""

    value: float
    percent: bool = False
    rewrite: str | None = None


def is_missing(text: str) -> bool:
    return text.strip().lower() in MISSING


def is_formula(text: str) -> bool:
    """Text a spreadsheet would run as a formula. Kept as text; never evaluated."""
    return text.lstrip().startswith("=")


def parse_number(text: str, *, decimal_comma: bool = False, money: bool = False) -> Number | None:
    """A number, None when missing; raises :class:`BadValue`.

    >>> parse_number("62%"), parse_number("−12").value, parse_number("1,234").value
    (Number(value=62.0, percent=True, rewrite=None), -12.0, 1234.0)
    >>> parse_number("1.234,5", decimal_comma=True).value, parse_number("$285K", money=True).value
    (1234.5, 285000.0)
    """
    s = text.strip()
    if _PLAIN.fullmatch(s) and not (decimal_comma and "." in s):
        return Number(float(s))
    low = s.lower()
    if low in MISSING:
        return None
    if s.startswith("="):
        raise BadValue("a number, not a formula (formulas are not evaluated; paste the values)")
    if low.replace(" ", "") in _NOT_FINITE:
        raise BadValue("a finite number (infinity/NaN is not a value; leave the cell blank if unknown)")
    if s.startswith("#"):
        raise BadValue(f"a number, not the spreadsheet error {s}")
    rewrite = None
    if s[0] in "\u2212\u2013":
        s, rewrite = "-" + s[1:], "Unicode minus"
    s = s.replace("\u2212", "-")
    m = _NUMBER.match(s)
    if m is None:
        raise BadValue("a number" + (" or amount" if money else ""))
    if m["s1"] and m["s2"]:
        raise BadValue("a number with one sign")
    if (m["cur"] or m["cur2"] or m["suf"]) and not money:
        raise BadValue("a plain number (no currency sign or K/M suffix in this column)")
    if m["pct"] and money:
        raise BadValue("an amount, not a percentage")
    digits, sep_note = _digits(m["num"], decimal_comma)
    value = float(digits + (m["exp"] or ""))
    if m["suf"]:
        value *= _SUFFIX[m["suf"].lower()]
    if (m["s1"] or m["s2"]) == "-":
        value = -value
    if not math.isfinite(value):
        raise BadValue("a finite number")
    return Number(value, bool(m["pct"]), rewrite or sep_note)


def _digits(num: str, decimal_comma: bool) -> tuple[str, str | None]:
    """The digits of a number with separators resolved; raises BadValue when ambiguous."""
    num = _GROUP_SPACES.sub("", num)
    if decimal_comma:
        if num.count(",") > 1:
            raise BadValue("a number (more than one decimal comma)")
        whole, _, frac = num.partition(",")
        if "." in whole:
            if not _THOUSANDS_DOT.fullmatch(whole):
                if frac or whole.count(".") > 1:
                    raise BadValue("a number like 1.234,5 (dots group thousands, the comma is decimal)")
                return whole, None  # "0.62": a decimal point, unambiguous
            whole = whole.replace(".", "")
        return (whole + "." + frac, "decimal comma") if frac else (whole, None)
    if "," in num:
        if _THOUSANDS_COMMA.fullmatch(num):
            return num.replace(",", ""), None
        raise BadValue("a number with a decimal point (decimal commas are read only in "
                       "';'-separated files)")
    if num.count(".") > 1:
        raise BadValue("a number")
    return num, None


def parse_money(text: str, *, decimal_comma: bool = False) -> float | None:
    """An amount such as ``$285K``, ``1.2M``, ``120,000``; negative amounts are problems."""
    n = parse_number(text, decimal_comma=decimal_comma, money=True)
    if n is None:
        return None
    if n.value < 0:
        raise BadValue("an amount of 0 or more")
    return n.value


def parse_int(text: str, *, lo: int | None = None, hi: int | None = None) -> int | None:
    n = parse_number(text.removeprefix("n=").removeprefix("N="))
    if n is None:
        return None
    if not n.value.is_integer() or n.percent:
        raise BadValue("a whole number")
    value = int(n.value)
    if (lo is not None and value < lo) or (hi is not None and value > hi):
        raise BadValue(f"a whole number from {lo} to {hi}")
    return value


_ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})(?:[T ]00:00(?::00)?)?")
_PERIOD = re.compile(r"(\d{4})-(\d{1,2})")


def parse_date(text: str) -> str | None:
    """An ISO date ``YYYY-MM-DD`` (as text), None when missing."""
    s = text.strip()
    if is_missing(s):
        return None
    m = _ISO_DATE.fullmatch(s)
    try:
        if m is None:
            raise ValueError
        return dt.date(int(m[1]), int(m[2]), int(m[3])).isoformat()
    except ValueError:
        raise BadValue("an ISO date YYYY-MM-DD") from None


def parse_period(text: str) -> str | None:
    """A month ``YYYY-MM``; an ISO date is read as its month. None when missing."""
    s = text.strip()
    if is_missing(s):
        return None
    m = _PERIOD.fullmatch(s)
    if m and 1 <= int(m[2]) <= 12 and 1900 <= int(m[1]) <= 2200:
        return f"{m[1]}-{int(m[2]):02d}"
    try:
        return parse_date(s)[:7]
    except BadValue:
        raise BadValue("a month YYYY-MM") from None


def clean_text(text: str, *, max_len: int = 200, missing: frozenset[str] = MISSING) -> str | None:
    """Trimmed text, None when missing. Formula-like text stays as plain text.

    Pass ``missing=REGION_MISSING`` where "NA" is a real value (North America).
    """
    s = " ".join(text.split())
    if s.lower() in missing:
        return None
    if len(s) > max_len:
        raise BadValue(f"text of at most {max_len} characters")
    return s


# --- units ---------------------------------------------------------------------------------

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
    out = ColumnResult(values=[None] * len(cells))
    raw: list[float | None] = [None] * len(cells)
    pct: set[int] = set()  # cells written with a % sign
    rewrites: dict[str, str] = {}
    plain = _PLAIN.fullmatch
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
    plain_values = [v for i, v in enumerate(raw) if v is not None and i not in pct]
    fractions = (metric.is_percent and factor == 1.0 and plain_values and all(abs(v) <= 1 for v in plain_values)
                 and any(not v.is_integer() for v in plain_values))
    lo = -math.inf if metric.lo is None else metric.lo - 1e-9
    hi = math.inf if metric.hi is None else metric.hi + 1e-9
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
            out.errors.append((i, range_text(metric)))
            continue
        out.values[i] = v
    label = where or metric.label
    if unit_note:
        out.notes.append(f"{label}: {unit_note}")
    if fractions:
        first = plain_values[0]
        out.notes.append(f"{label}: 0-1 fractions read as percent ({first:g} -> {first * 100:g})")
    if pct_seen:
        out.notes.append(f"{label}: percent signs removed ({pct_seen[0]} -> {pct_seen[1]:g})")
    for what, example in rewrites.items():
        out.notes.append(f"{label}: read {what} ({example})")
    return out
