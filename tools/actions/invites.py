"""Calendar invitations (RFC 5545) with the ``icalendar`` package: one VEVENT per call.

Times are local wall-clock times: with a ``timezone`` setting (an IANA name such as
``Europe/Paris``) the event carries that TZID and its VTIMEZONE; without one it is a
"floating" time, which every calendar shows at that hour in its own zone. Texts (names,
agenda lines) are passed to icalendar as values: it escapes commas, semicolons and line
breaks, and parameters (CN) are quoted by it; names are one line already (tools.actions.people).
"""

from __future__ import annotations

import datetime as dt
import secrets
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from icalendar import Calendar, Event, vCalAddress, vText

from tools.actions.people import Person
from tools.base import ToolError

PRODID = "-//peerbench//outbound actions//EN"
START_HOUR = 10
LAST_START_HOUR = 16
ORGANIZER_FALLBACK = "csm@peerbench.invalid"   # no csm_email setting: a reserved, undeliverable address


def next_business_day(today: dt.date) -> dt.date:
    """The next weekday after ``today`` (Friday -> Monday).

    >>> next_business_day(dt.date(2026, 12, 4)), next_business_day(dt.date(2026, 12, 7))
    (datetime.date(2026, 12, 7), datetime.date(2026, 12, 8))
    """
    day = today + dt.timedelta(days=1)
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    return day


def default_start(today: dt.date, hour: int = START_HOUR) -> dt.datetime:
    """The next business day at 10:00 (local).

    >>> default_start(dt.date(2026, 12, 5))
    datetime.datetime(2026, 12, 7, 10, 0)
    """
    return dt.datetime.combine(next_business_day(today), dt.time(hour, 0))


def slots(first: dt.datetime, count: int, minutes: int) -> list[dt.datetime]:
    """``count`` back-to-back starts from ``first`` in business hours (a call starting after 16:00 moves
    to the next business day at 10:00), for one invitation per account.

    >>> [s.strftime("%a %H:%M") for s in slots(dt.datetime(2026, 12, 4, 15, 0), 3, 60)]
    ['Fri 15:00', 'Fri 16:00', 'Mon 10:00']
    """
    out, at = [], first
    for _ in range(count):
        if at.hour > LAST_START_HOUR or (at.hour == LAST_START_HOUR and at.minute > 0) or at.weekday() >= 5:
            at = default_start(at.date() if at.weekday() < 5 else at.date() - dt.timedelta(days=1))
        out.append(at)
        at = at + dt.timedelta(minutes=minutes)
    return out


def zone(name: str | None) -> ZoneInfo | None:
    if not name:
        return None
    try:
        return ZoneInfo(name.strip())
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ToolError(f"Unknown time zone '{name}'; use an IANA name such as Europe/London.") from exc


def _address(person: Person, role: str) -> vCalAddress:
    addr = vCalAddress(f"mailto:{person.email or ORGANIZER_FALLBACK}")
    addr.params["CN"] = person.name
    if role:
        addr.params["ROLE"] = role
    return addr


def invitation(*, summary: str, description: str, start: dt.datetime, minutes: int, organizer: Person,
               attendees: list[tuple[Person, str]], tz: ZoneInfo | None = None, location: str = "",
               stamp: dt.datetime | None = None) -> Calendar:
    """A REQUEST calendar with one event; ``attendees``: (person with an address, ROLE) pairs."""
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("method", "REQUEST")
    ev = Event()
    ev.add("uid", f"{secrets.token_hex(12)}@peerbench")
    ev.add("dtstamp", stamp or dt.datetime.now(dt.timezone.utc).replace(microsecond=0))
    begin = start.replace(tzinfo=tz) if tz else start
    ev.add("dtstart", begin)
    ev.add("dtend", begin + dt.timedelta(minutes=minutes))
    ev.add("summary", vText(summary))
    ev.add("description", vText(description))
    if location:
        ev.add("location", vText(location))
    ev.add("organizer", _address(organizer, "CHAIR"))
    for person, role in attendees:
        if person.email:
            a = _address(person, role)
            a.params["PARTSTAT"] = "NEEDS-ACTION"
            a.params["RSVP"] = "TRUE"
            ev.add("attendee", a, encode=0)
    ev.add("status", "CONFIRMED")
    cal.add_component(ev)
    if tz:
        cal.add_missing_timezones()
    return cal
