"""Dates and periods as a CSM writes them: "by June 30", "end of March", "end of Q2", "this quarter",
"over the last 6 months". Each finder returns what it found and the text without it."""

from __future__ import annotations

import calendar
import datetime as dt
import re

_MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
           "november", "december")
MONTH_RE = r"(jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
_NATURAL = (re.compile(rf"\b{MONTH_RE}\s+(\d{{1,2}})(?:st|nd|rd|th)?(?:,?\s+(\d{{4}}))?\b", re.I),
            re.compile(rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?{MONTH_RE}(?:,?\s+(\d{{4}}))?\b", re.I))
_END_OF = re.compile(r"\b(?:the\s+)?end\s+of\s+(?:the\s+)?(next\s+|this\s+|current\s+)?"
                     r"(q[1-4]|quarter|year|month|(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*)"
                     r"(?:\s+(\d{4}))?\b", re.I)
_YEAR_END = re.compile(r"\b(?:year[\s-]end|eoy)\b", re.I)
_NUMBERS = {"two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
            "eleven": 11, "twelve": 12, "eighteen": 18, "twenty-four": 24}


def _month(word: str) -> int:
    return next(i for i, name in enumerate(_MONTHS, 1) if name.startswith(word.lower().rstrip(".")[:3]))


def _month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def _next_on_or_after(make, today: dt.date, year: int | None) -> dt.date:
    """``make(year)`` for the given year, else the first year whose date is not before ``today``."""
    if year is not None:
        return make(year)
    date = make(today.year)
    return date if date >= today else make(today.year + 1)


def _end_of(m: re.Match, today: dt.date) -> dt.date:
    which, unit, year = (m.group(1) or "").strip().lower(), m.group(2).lower(), m.group(3)
    year = int(year) if year else None
    q_now = (today.month - 1) // 3 + 1
    if unit == "quarter":
        q = q_now + (1 if which == "next" else 0)
        y = today.year + (q - 1) // 4
        return _month_end(y, 3 * ((q - 1) % 4 + 1))
    if unit.startswith("q") and unit[1:].isdigit():
        q = int(unit[1])
        return _next_on_or_after(lambda y: _month_end(y, 3 * q), today, year)
    if unit == "year":
        return dt.date((year or today.year) + (1 if which == "next" else 0), 12, 31)
    if unit == "month":
        month = today.month + (1 if which == "next" else 0)
        return _month_end(today.year + (month - 1) // 12, (month - 1) % 12 + 1)
    return _next_on_or_after(lambda y: _month_end(y, _month(unit)), today, year)


def find_date(text: str, today: dt.date) -> tuple[str | None, str]:
    """An ISO date in ``text`` and the text without it.

    "2026-12-31", "June 30", "30 June 2027", "end of March", "end of Q2", "end of next quarter",
    "end of the year". A day or month without a year means the next such date on or after ``today``.

    >>> find_date("by end of March", dt.date(2026, 11, 1))[0], find_date("by June 30", dt.date(2026, 11, 1))[0]
    ('2027-03-31', '2027-06-30')
    """
    m = re.search(r"\b(\d{4}-\d{2}-\d{2})\b", text)
    if m:
        return m.group(1), text.replace(m.group(1), " ")
    m = _END_OF.search(text)
    if m:
        return _end_of(m, today).isoformat(), text.replace(m.group(0), " ")
    m = _YEAR_END.search(text)
    if m:
        return dt.date(today.year, 12, 31).isoformat(), text.replace(m.group(0), " ")
    for i, pattern in enumerate(_NATURAL):
        m = pattern.search(text)
        if not m:
            continue
        month, day = (_month(m.group(1)), int(m.group(2))) if i == 0 else (_month(m.group(2)), int(m.group(1)))
        try:
            date = _next_on_or_after(lambda y: dt.date(y, month, day), today, int(m.group(3)) if m.group(3) else None)
        except ValueError:
            return None, text
        return date.isoformat(), text.replace(m.group(0), " ")
    return None, text


def find_period(text: str, today: dt.date) -> tuple[str | None, str]:
    """The success period named (compute_roi / portfolio_success codes) and the text without it.

    >>> find_period("value for acme in q3 2026", dt.date(2026, 11, 1))[0], find_period("this quarter", dt.date(2026, 11, 1))[0]
    ('2026-Q3', 'this_quarter')
    """
    rules = ((r"\b(?:this|current|the current)\s+quarter\b|\bqtd\b", lambda m: "this_quarter"),
             (r"\b(?:last|previous|prior)\s+quarter\b", lambda m: "last_quarter"),
             (r"\bq([1-4])\s*(?:of\s+)?(20\d\d)\b", lambda m: f"{m.group(2)}-Q{m.group(1)}"),
             (r"\b(20\d\d)[\s-]*q([1-4])\b", lambda m: f"{m.group(1)}-Q{m.group(2)}"),
             (r"\b(?:this|current)\s+year\b|\bytd\b|\byear to date\b", lambda m: str(today.year)),
             (r"\b(?:in|for|during|of)\s+(20\d\d)\b", lambda m: m.group(1)))
    for pattern, code in rules:
        m = re.search(pattern, text, re.I)
        if m:
            return code(m), text[:m.start()] + " {period} " + text[m.end():]
    return None, text


def find_months(text: str) -> tuple[int | None, str]:
    """How many months back a history question looks ("over the last 6 months", "past year").

    >>> find_months("trend over the last 6 months")[0], find_months("better or worse over the last year")[0]
    (6, 12)
    """
    m = re.search(r"\b(?:over\s+|in\s+|during\s+|for\s+)?(?:the\s+)?(?:last|past|previous)\s+"
                  r"(\d{1,2}|" + "|".join(_NUMBERS) + r")\s+(months?|years?)\b", text, re.I)
    if m:
        n = int(m.group(1)) if m.group(1).isdigit() else _NUMBERS[m.group(1).lower()]
        n = n * 12 if m.group(2).lower().startswith("y") else n
        return max(2, min(36, n)), text[:m.start()] + " {months} " + text[m.end():]
    m = re.search(r"\b(?:over\s+|in\s+|during\s+)?(?:the\s+)?(?:last|past)\s+(year|twelve months)\b", text, re.I)
    if m:
        return 12, text[:m.start()] + " {months} " + text[m.end():]
    return None, text
