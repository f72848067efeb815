"""The outbound actions from the chat: buttons under a customer-facing report ("Share with
customer", "Email to customer", "Schedule review call", "Schedule training"), under the portfolio
("Schedule Benchmark Review Calls"), and the planner's phrasings; files offered as downloads,
the share link created only after the CSM confirms (and undoable)."""

from __future__ import annotations

import email
import email.policy
import io
import zipfile

import icalendar

from tests.agent.ui.test_handlers import app_module, ask, demo_db, element_bytes, use_chainlit, ws  # noqa: F401


async def click(label: str, rec):
    import chainlit as cl

    button = next(a for a in reversed(rec.actions()) if a["label"] == label)
    rec.sent.clear()
    await app_module().on_action(cl.Action(name=button["name"], payload=button["payload"], label=button["label"]))


def files(rec, suffix: str) -> list[dict]:
    return [e for e in rec.of("element") if e["type"] == "file" and e["name"].endswith(suffix)]


async def test_report_buttons_share_after_confirmation_and_undo(ws):  # noqa: F811
    rec, _ = use_chainlit()
    await app_module().on_chat_start()
    await ask("Export Acme Corp's benchmark report as PDF")
    labels = {a["label"] for a in rec.actions()}
    assert {"Share with customer", "Email to customer", "Schedule review call", "Schedule training"} <= labels
    await click("Share with customer", rec)
    assert "Not saved yet" in rec.messages()[-1]["output"]
    assert ws.query("SELECT count(*) AS n FROM shares")[0]["n"] == 0
    await click("Save this change", rec)
    out = rec.messages()[-1]["output"]
    assert "Share link ready" in out and "/share/" in out
    assert ws.query("SELECT count(*) AS n FROM shares")[0]["n"] == 1
    labels = {a["label"] for a in rec.actions()}
    assert {"Revoke this link", "Email this link to the customer", "Undo this change"} <= labels
    await click("Email this link to the customer", rec)
    (eml,) = files(rec, ".eml")
    msg = email.message_from_bytes(element_bytes(_session(), eml), policy=email.policy.default)
    assert "/share/" in msg.get_body(("plain",)).get_content()


async def test_revoke_button_is_confirmed_then_the_link_is_gone(ws):  # noqa: F811
    rec, _ = use_chainlit()
    await app_module().on_chat_start()
    await ask("share the Acme report with the customer")
    assert "Not saved yet" in rec.messages()[-1]["output"]
    await click("Save this change", rec)
    await click("Revoke this link", rec)
    assert ws.query("SELECT revoked_at FROM shares")[0]["revoked_at"] is None
    await click("Save this change", rec)
    assert "revoked" in rec.messages()[-1]["output"]
    assert ws.query("SELECT revoked_at FROM shares")[0]["revoked_at"]


def _session():
    from chainlit.context import context

    return context.session


async def test_email_button_offers_an_eml_with_the_report_attached(ws):  # noqa: F811
    rec, session = use_chainlit()
    await app_module().on_chat_start()
    await ask("Export Acme Corp's benchmark report as PDF")
    await click("Email to customer", rec)
    (eml,) = files(rec, ".eml")
    assert eml["mime"] == "message/rfc822"
    msg = email.message_from_bytes(element_bytes(session, eml), policy=email.policy.default)
    assert msg["To"] and "@" in str(msg["To"])
    assert [p.get_filename() for p in msg.iter_attachments()][0].endswith(".pdf")


async def test_invite_buttons_offer_ics_files(ws):  # noqa: F811
    rec, session = use_chainlit()
    await app_module().on_chat_start()
    await ask("Export Acme Corp's benchmark report as PDF")
    await click("Schedule review call", rec)
    (ics,) = files(rec, ".ics")
    cal = icalendar.Calendar.from_ical(element_bytes(session, ics))
    (event,) = cal.walk("VEVENT")
    assert "review call" in str(event["SUMMARY"]) and event.get("ATTENDEE")
    await click("Schedule training", rec)
    (ics,) = files(rec, ".ics")
    (event,) = icalendar.Calendar.from_ical(element_bytes(session, ics)).walk("VEVENT")
    assert "training" in str(event["SUMMARY"])


async def test_planner_phrasings_make_the_files(ws):  # noqa: F811
    rec, session = use_chainlit()
    await app_module().on_chat_start()
    await ask("Email the Acme Corp report to the customer")
    assert files(rec, ".eml") and not files(rec, ".docx")
    rec.sent.clear()
    await ask("Schedule a review call with Acme next Tuesday at 2pm")
    (ics,) = files(rec, ".ics")
    (event,) = icalendar.Calendar.from_ical(element_bytes(session, ics)).walk("VEVENT")
    start = event.decoded("DTSTART")
    assert start.weekday() == 1 and start.hour == 14


async def test_portfolio_button_schedules_review_calls_in_a_zip(ws):  # noqa: F811
    rec, session = use_chainlit()
    await app_module().on_chat_start()
    await ask("Compare my customers against the benchmarks")
    await click("Schedule Benchmark Review Calls", rec)
    (z,) = files(rec, ".zip")
    with zipfile.ZipFile(io.BytesIO(element_bytes(session, z))) as zf:
        names = zf.namelist()
        assert names and all(n.endswith(".ics") for n in names)
        for n in names:
            assert icalendar.Calendar.from_ical(zf.read(n)).walk("VEVENT")
