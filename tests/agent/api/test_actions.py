"""The outbound actions over HTTP: share links (make, list, revoke) with the API's token, and the
.eml and .ics files; errors as problem details; the share page itself needs no token."""

from __future__ import annotations

import email
import email.policy
import io
import zipfile

import icalendar


async def test_share_made_listed_served_and_revoked(api):
    made = await api.post("/api/customers/Acme Corp/shares", json={"kind": "success", "days": 3})
    assert made.status_code == 201, made.text
    body = made.json()
    token = body["link"].rsplit("/", 1)[-1]
    page = await api.client.get(f"/share/{token}")          # no Authorization header
    assert page.status_code == 200 and "Acme Corp" in page.text
    listed = (await api.get("/api/shares")).json()["shares"]
    assert [s["id"] for s in listed] == [body["shareId"] if "shareId" in body else body["share_id"]]
    assert listed[0]["views"] == 1 and listed[0]["status"] == "live" and token not in str(listed)
    gone = await api.delete(f"/api/shares/{listed[0]['id']}")
    assert gone.status_code == 200 and gone.json()["status"] == "revoked"
    assert (await api.client.get(f"/share/{token}")).status_code == 410


async def test_share_errors_are_problems(api):
    assert (await api.client.post("/api/customers/Acme Corp/shares", json={})).status_code == 401
    bad = await api.post("/api/customers/Acme Corp/shares", json={"kind": "account"})
    assert bad.status_code == 422 and bad.headers["content-type"].startswith("application/problem+json")
    missing = await api.post("/api/customers/Nobody Inc/shares", json={})
    assert missing.status_code == 404 and missing.headers["content-type"].startswith("application/problem+json")
    assert (await api.delete("/api/shares/999")).status_code == 404


async def test_email_endpoint_answers_the_eml(api):
    r = await api.post("/api/customers/Acme Corp/email", json={"attach": "pdf"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("message/rfc822")
    msg = email.message_from_bytes(r.content, policy=email.policy.default)
    assert msg["To"] and [p.get_filename() for p in msg.iter_attachments()][0].endswith(".pdf")


async def test_invite_endpoints_answer_ics_and_zip(api):
    r = await api.post("/api/customers/Acme Corp/invite", json={"purpose": "training", "when": "2027-01-15T14:00:00"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/calendar")
    (ev,) = icalendar.Calendar.from_ical(r.content).walk("VEVENT")
    assert ev.get("ATTENDEE") and "training" in str(ev["SUMMARY"])
    z = await api.post("/api/portfolio/review-calls", json={"limit": 3})
    assert z.status_code == 200
    with zipfile.ZipFile(io.BytesIO(z.content)) as zf:
        assert len(zf.namelist()) == 3
