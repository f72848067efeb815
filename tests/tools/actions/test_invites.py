"""The .ics invitations: parse with icalendar, attendees from the stakeholders, organizer the CSM,
the next business day at 10:00 by default; one per account below benchmark in a zip."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path

import icalendar

from tools.actions import invites
from tools.actions.schedule_call import (
    ScheduleCallInput,
    ScheduleReviewCallsInput,
    below_benchmark_accounts,
    schedule_call,
    schedule_review_calls,
)
from tools.store.resolve import resolve_customer


def event_of(data: bytes):
    cal = icalendar.Calendar.from_ical(data)
    assert cal["METHOD"] == "REQUEST" and cal["VERSION"] == "2.0"
    (ev,) = cal.walk("VEVENT")
    return ev


def attendees(ev) -> list:
    found = ev.get("ATTENDEE")
    return found if isinstance(found, list) else [found]


def test_review_call_invites_the_champion_and_sponsor(demo_ws):
    demo_ws.set_setting("csm_name", "Jordan Lee")
    demo_ws.set_setting("csm_email", "jordan@vendor.example")
    out = schedule_call(demo_ws, ScheduleCallInput(customer="acme"))
    ev = event_of(Path(out.path).read_bytes())
    cid = resolve_customer(demo_ws, "Acme Corp")["id"]
    leads = {r["email"] for r in demo_ws.query("SELECT email FROM stakeholders WHERE customer_id = ? AND role IN "
                                              "('Champion', 'Executive Sponsor')", (cid,))}
    got = attendees(ev)
    assert {str(a).removeprefix("mailto:") for a in got} == leads
    assert all(a.params["ROLE"] == "REQ-PARTICIPANT" and a.params["CN"] for a in got)
    assert str(ev["ORGANIZER"]) == "mailto:jordan@vendor.example" and ev["ORGANIZER"].params["CN"] == "Jordan Lee"
    start = ev.decoded("DTSTART")
    assert start == invites.default_start(dt.date.today()) and start.weekday() < 5
    assert ev.decoded("DTEND") - start == dt.timedelta(minutes=45)
    assert "Agenda" in str(ev["DESCRIPTION"]) and "Focus area" in str(ev["DESCRIPTION"])


def test_training_at_a_given_time_invites_every_contact(demo_ws):
    out = schedule_call(demo_ws, ScheduleCallInput(customer="Acme Corp", purpose="training",
                                                   when=dt.datetime(2027, 1, 15, 14, 0)))
    ev = event_of(Path(out.path).read_bytes())
    cid = resolve_customer(demo_ws, "Acme Corp")["id"]
    everyone = demo_ws.query("SELECT count(*) AS n FROM stakeholders WHERE customer_id = ?", (cid,))[0]["n"]
    assert len(attendees(ev)) == everyone
    assert ev.decoded("DTSTART") == dt.datetime(2027, 1, 15, 14, 0)
    assert "training" in str(ev["SUMMARY"])


def test_time_zone_setting_gives_a_tzid_and_vtimezone(demo_ws):
    demo_ws.set_setting("timezone", "Europe/Paris")
    out = schedule_call(demo_ws, ScheduleCallInput(customer="Acme Corp", when=dt.datetime(2027, 1, 15, 14, 0)))
    cal = icalendar.Calendar.from_ical(Path(out.path).read_bytes())
    assert cal.walk("VTIMEZONE")
    assert str(event_of(Path(out.path).read_bytes()).decoded("DTSTART").tzinfo) == "Europe/Paris"


def test_hostile_names_stay_inside_their_property(demo_ws):
    cid = resolve_customer(demo_ws, "Acme Corp")["id"]
    with demo_ws.write() as db:
        db.execute("UPDATE stakeholders SET name = ? WHERE customer_id = ? AND role = 'Champion'",
                   ['Eve";ROLE=CHAIR:mailto:x@y.z\r\nATTENDEE:mailto:spy@evil.example', cid])
    data = Path(schedule_call(demo_ws, ScheduleCallInput(customer="Acme Corp")).path).read_bytes()
    ev = event_of(data)
    assert all("spy@evil" not in str(a) for a in attendees(ev))
    assert b"\r\nATTENDEE:mailto:spy" not in data


def test_review_calls_zip_has_one_invitation_per_account_below_benchmark(demo_ws):
    names = below_benchmark_accounts(demo_ws, None, None)
    assert names
    out = schedule_review_calls(demo_ws, ScheduleReviewCallsInput(limit=5))
    assert [c.customer for c in out.calls] == names[:5] and out.below_benchmark == len(names)
    with zipfile.ZipFile(io.BytesIO(Path(out.path).read_bytes())) as zf:
        events = [event_of(zf.read(n)) for n in zf.namelist()]
    assert len(events) == 5
    starts = [e.decoded("DTSTART") for e in events]
    assert len(set(starts)) == 5 and all(s.weekday() < 5 and 10 <= s.hour <= 16 for s in starts)
