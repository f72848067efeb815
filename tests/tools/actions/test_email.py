"""The .eml draft: parses with the stdlib parser, addressed to the champion and sponsor, carries the
report (or the share link), names no other customer, and no stored text can add a header."""

from __future__ import annotations

import email
import email.policy
import re
from pathlib import Path

import pytest

from tools.actions.email_report import EmailReportInput, email_report
from tools.actions.share_report import ShareReportInput, share_report
from tools.base import ToolError
from tools.store.resolve import resolve_customer


def parse(path: str):
    return email.message_from_bytes(Path(path).read_bytes(), policy=email.policy.default)


def test_draft_is_addressed_to_the_champion_and_sponsor_with_the_pdf(demo_ws):
    out = email_report(demo_ws, EmailReportInput(customer="Acme Corp"))
    msg = parse(out.path)
    cid = resolve_customer(demo_ws, "Acme Corp")["id"]
    leads = demo_ws.query("SELECT email, role FROM stakeholders WHERE customer_id = ? AND role IN "
                          "('Champion', 'Executive Sponsor')", (cid,))
    champions = {r["email"] for r in leads if r["role"] == "Champion"}
    sponsors = {r["email"] for r in leads if r["role"] == "Executive Sponsor"}
    assert {a.addr_spec for a in msg["To"].addresses} == champions
    assert {a.addr_spec for a in msg["Cc"].addresses} == sponsors
    assert msg["Subject"] == "Acme Corp: your benchmark report"
    assert msg["X-Unsent"] == "1"
    (att,) = list(msg.iter_attachments())
    assert att.get_content_type() == "application/pdf" and att.get_content().startswith(b"%PDF")
    body = msg.get_body(("plain",)).get_content()
    assert "percentile" in body and "attached" in body
    assert out.path.endswith(".eml") and Path(out.path).parent == demo_ws.reports_dir


def test_docx_attachment_and_success_kind(demo_ws):
    out = email_report(demo_ws, EmailReportInput(customer="TechCorp", kind="success", attach="docx"))
    msg = parse(out.path)
    (att,) = list(msg.iter_attachments())
    assert att.get_filename().endswith(".docx") and "success report" in msg["Subject"]


def test_link_instead_of_attachment(demo_ws):
    link = share_report(demo_ws, ShareReportInput(customer="Acme Corp")).link
    msg = parse(email_report(demo_ws, EmailReportInput(customer="Acme Corp", attach="none", share_url=link)).path)
    assert list(msg.iter_attachments()) == []
    assert link in msg.get_body(("plain",)).get_content()
    with pytest.raises(ValueError):
        EmailReportInput(customer="Acme Corp", attach="none", share_url="https://evil.example/phish")
    with pytest.raises(ToolError):
        email_report(demo_ws, EmailReportInput(customer="Acme Corp", attach="none"))


def test_email_names_no_other_customer(demo_ws):
    msg = parse(email_report(demo_ws, EmailReportInput(customer="Acme Corp")).path)
    text = msg.get_body(("plain",)).get_content() + str(msg["Subject"])
    others = [r["name"] for r in demo_ws.query("SELECT name FROM customers WHERE name != 'Acme Corp'")]
    assert [n for n in others if re.search(rf"\b{re.escape(n)}\b", text)] == []


def test_stored_names_and_addresses_cannot_inject_headers(demo_ws):
    cid = resolve_customer(demo_ws, "Acme Corp")["id"]
    with demo_ws.write() as db:
        db.execute("UPDATE stakeholders SET name = ?, email = ? WHERE customer_id = ? AND role = 'Champion'",
                   ["Eve\r\nBcc: spy@evil.example", "eve@acme.example\r\nBcc: spy@evil.example", cid])
        db.execute("UPDATE customers SET name = ? WHERE id = ?", ["Acme Corp\r\nBcc: spy2@evil.example", cid])
    out = email_report(demo_ws, EmailReportInput(customer="Acme Corp"))
    raw = Path(out.path).read_bytes()
    msg = parse(out.path)
    assert msg["Bcc"] is None and b"\nBcc:" not in raw and b"spy@evil" not in raw.split(b"\n\n", 1)[0]
    assert any(n.startswith("Eve") for n in out.without_address)  # no valid address: left out of To
    assert "\n" not in str(msg["Subject"])
