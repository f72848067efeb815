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

A whole metric column (units, percent rules, plausible range) is
:func:`tools.ingest.metric_column.metric_column`.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass

from tools.inputs import EARLIEST, LATEST, amount_problem


class BadValue(ValueError):
    """A cell that cannot be read; ``str(exc)`` completes "expected ..."."""


MISSING = frozenset({"", "na", "n/a", "n.a.", "n.a", "-", "--", "\u2014", "\u2013", "null", "none",
                     "#n/a", "not available", "missing"})
REGION_MISSING = MISSING - {"na"}
_NOT_FINITE = frozenset({"inf", "+inf", "-inf", "infinity", "+infinity", "-infinity", "nan", "+nan",
                         "-nan", "\u221e", "-\u221e", "+\u221e", "#num!"})
PLAIN_NUMBER = re.compile(r"[+-]?\d+(?:\.\d+)?")  # "12", "-0.5": the common cell, read with float()
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
    if PLAIN_NUMBER.fullmatch(s) and not (decimal_comma and "." in s):
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
            if frac:
                return whole.replace(".", "") + "." + frac, "decimal comma"
            return whole.replace(".", ""), "dots grouping thousands"
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
    problem = amount_problem(n.value)
    if problem:
        raise BadValue(problem)
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


DATE_RANGE = f"a date from {EARLIEST} to {LATEST}"


def parse_date(text: str) -> str | None:
    """An ISO date ``YYYY-MM-DD`` (as text) in the plausible range, None when missing.

    >>> parse_date("2026-05-01"), parse_date("")
    ('2026-05-01', None)
    """
    s = text.strip()
    if is_missing(s):
        return None
    m = _ISO_DATE.fullmatch(s)
    try:
        if m is None:
            raise ValueError
        day = dt.date(int(m[1]), int(m[2]), int(m[3]))
    except ValueError:
        raise BadValue("an ISO date YYYY-MM-DD") from None
    if not EARLIEST <= day <= LATEST:
        raise BadValue(DATE_RANGE)
    return day.isoformat()


def parse_period(text: str) -> str | None:
    """A month ``YYYY-MM``; an ISO date is read as its month. None when missing."""
    s = text.strip()
    if is_missing(s):
        return None
    m = _PERIOD.fullmatch(s)
    if m and 1 <= int(m[2]) <= 12:
        if not EARLIEST.year <= int(m[1]) <= LATEST.year:
            raise BadValue(f"a month from {EARLIEST:%Y-%m} to {LATEST:%Y-%m}")
        return f"{m[1]}-{int(m[2]):02d}"
    try:
        return parse_date(s)[:7]
    except BadValue as exc:
        raise BadValue("a month YYYY-MM" if "ISO" in str(exc) else str(exc)) from None


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


# --- the decimal mark of a file ---------------------------------------------------------------

_COMMA_DECIMAL = re.compile(r"\d+,(?:\d{1,2}|\d{4,})|0,\d{3}|\d{1,3}(?:\.\d{3})+,\d+")   # 12,5  0,125  1.234,5
_POINT_DECIMAL = re.compile(r"\d+\.(?:\d{1,2}|\d{4,})|0\.\d{3}|\d{1,3}(?:,\d{3})+\.\d+")  # 12.5  0.125  1,234.5
_NUMBER_CELL = re.compile(r' *"? *[-+\u2212]? *[$\u20ac\u00a3]? *([\d.,]+) *(?:%|[kmb]n?)? *"? *\r?', re.IGNORECASE)
_PROBES = {",": re.compile(r"\d,\d"), ".": re.compile(r"\d\.\d")}


@dataclass(frozen=True)
class DecimalStyle:
    """How a file writes decimals, decided from cells that can only be read one way.

    ``decided`` is False when no cell says (only whole numbers, or only "4.125"-like cells,
    which are 4125 with grouping dots or 4.125 with a decimal point); ``conflict`` holds
    ((line, cell), (line, cell)) of a decimal-comma and a decimal-point cell in one file.
    """

    decided: bool
    decimal_comma: bool = False
    example: str = ""
    conflict: tuple | None = None


def _first_cell(text: str, delimiter: str, mark: str, evidence: re.Pattern) -> tuple[int, str] | None:
    """(line, cell) of the first cell that is a number written with ``mark`` as its decimal mark.

    Scans for a digit-mark-digit (one pass, none when the mark never occurs), then reads only
    the cells around the hits.
    """
    if mark not in text:
        return None
    for m in _PROBES[mark].finditer(text):
        start = max(text.rfind(delimiter, 0, m.start()), text.rfind("\n", 0, m.start())) + 1
        ends = [e for e in (text.find(delimiter, m.end()), text.find("\n", m.end())) if e != -1]
        cell = _NUMBER_CELL.fullmatch(text, start, min(ends, default=len(text)))
        if cell and evidence.fullmatch(cell.group(1)):
            return text.count("\n", 0, start) + 1, cell.group(1)
    return None


def decimal_style(text: str, delimiter: str) -> DecimalStyle:
    """Decide the decimal mark of a ``delimiter``-separated text from its whole-number cells.

    >>> decimal_style("name;nps;arr\\nAcme;4.125;1.234,50\\n", ";").decimal_comma
    True
    >>> s = decimal_style("name;nps\\nAcme;0.62\\nBeta;1,25\\n", ";"); s.conflict
    ((3, '1,25'), (2, '0.62'))
    >>> decimal_style("name;nps\\nAcme;4.125\\n", ";").decided
    False
    """
    comma = _first_cell(text, delimiter, ",", _COMMA_DECIMAL)
    point = _first_cell(text, delimiter, ".", _POINT_DECIMAL)
    if comma and point:
        return DecimalStyle(False, conflict=(comma, point))
    if comma or point:
        return DecimalStyle(True, comma is not None, f'"{(comma or point)[1]}"')
    return DecimalStyle(False)
