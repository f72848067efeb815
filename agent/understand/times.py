"""A meeting time as a CSM writes it: "next Tuesday at 2pm", "tomorrow at 9:30", "Jan 15 at 14:00",
"2027-01-15T14:00", "next week". For invitations (schedule_call): a local wall-clock time."""

from __future__ import annotations

import datetime as dt
import re

from agent.understand.dates import find_date

DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
DEFAULT_HOUR = 10
_ISO = re.compile(r"\b(\d{4}-\d{2}-\d{2})[T ](\d{1,2}):(\d{2})\b")
_TIME = re.compile(r"\b(?:at\s+)?(\d{1,2})(?::(\d{2}))?\s*(am|pm|a\.m\.|p\.m\.)|\bat\s+(\d{1,2})(?::(\d{2}))?\b|"
                   r"\b(\d{1,2}):(\d{2})\b", re.I)
_WEEKDAY = re.compile(r"\b(next\s+|this\s+|on\s+)?(mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)[a-z]*\b", re.I)


def _clock(text: str) -> tuple[dt.time | None, str]:
    m = _TIME.search(text)
    if not m:
        return None, text
    if m.group(1):
        hour, minute, half = int(m.group(1)), int(m.group(2) or 0), m.group(3).lower()[0]
        hour = hour % 12 + (12 if half == "p" else 0)
    elif m.group(4):
        hour, minute = int(m.group(4)), int(m.group(5) or 0)
        hour += 12 if 1 <= hour <= 6 else 0   # "at 2" in office hours means 14:00
    else:
        hour, minute = int(m.group(6)), int(m.group(7))
    if hour > 23 or minute > 59:
        return None, text
    return dt.time(hour, minute), text.replace(m.group(0), " ")


def _day(text: str, today: dt.date) -> dt.date | None:
    low = text.lower()
    if re.search(r"\btomorrow\b", low):
        return today + dt.timedelta(days=1)
    if re.search(r"\bnext week\b", low):
        return today + dt.timedelta(days=7 - today.weekday())
    m = _WEEKDAY.search(text)
    if m:  # the coming such day ("next" included: what a scheduling request means by it)
        target = next(i for i, d in enumerate(DAYS) if d.startswith(m.group(2).lower()[:3]))
        return today + dt.timedelta(days=(target - today.weekday()) % 7 or 7)
    iso, _ = find_date(text, today)
    return dt.date.fromisoformat(iso) if iso else None


def find_when(text: str, now: dt.datetime) -> dt.datetime | None:
    """The meeting start named in ``text`` (None when no day is named); a day without a time is at 10:00.

    "next Tuesday" is the coming Tuesday (as most people mean it in a request to schedule).

    >>> now = dt.datetime(2026, 12, 5, 9, 0)   # a Saturday
    >>> [str(find_when(t, now)) for t in ("next Tuesday at 2pm", "tomorrow at 9:30", "2027-01-15T14:00",
    ...                                   "Jan 15 at 14:00", "next week", "friday at 3")]
    ['2026-12-08 14:00:00', '2026-12-06 09:30:00', '2027-01-15 14:00:00', '2027-01-15 14:00:00', \
'2026-12-07 10:00:00', '2026-12-11 15:00:00']
    >>> find_when("schedule a review call", now) is None
    True
    """
    m = _ISO.search(text)
    if m:
        return dt.datetime.combine(dt.date.fromisoformat(m.group(1)), dt.time(int(m.group(2)), int(m.group(3))))
    clock, rest = _clock(text)
    day = _day(rest, now.date())
    if day is None:
        return None
    return dt.datetime.combine(day, clock or dt.time(DEFAULT_HOUR, 0))
