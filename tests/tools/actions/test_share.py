"""Share links: the page serves the report, names no other customer, ends (410) when revoked or
expired, asks for its passcode, counts views; tokens are unguessable and stored hashed."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from fastapi.testclient import TestClient

from agent.api.app import create_api
from tools.actions import shares
from tools.actions.share_report import RevokeShareInput, ShareReportInput, revoke_share, share_report
from tools.base import ToolError
from tools.store.frames import customers_frame


def token_of(link: str) -> str:
    return link.rsplit("/", 1)[-1]


@pytest.fixture
def client(demo_ws):
    return TestClient(create_api(demo_ws.path))


def test_share_link_serves_the_report_without_sign_in(demo_ws, client):
    out = share_report(demo_ws, ShareReportInput(customer="acme", kind="benchmark"))
    assert out.link.startswith("http://127.0.0.1:8000/share/")
    page = client.get(f"/share/{token_of(out.link)}")
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert "default-src 'none'" in page.headers["content-security-policy"]
    assert page.headers["cache-control"] == "no-store"
    html = page.text
    assert "<h1>Acme Corp</h1>" in html or "Acme Corp" in html
    assert "Executive summary" in html
    assert re.search(r'<img src="data:image/png;base64,[A-Za-z0-9+/=]{200,}"', html), "charts inlined as data URIs"
    assert "<script" not in html.lower()


def test_share_page_names_no_other_customer(demo_ws, client):
    out = share_report(demo_ws, ShareReportInput(customer="Acme Corp", kind="benchmark"))
    html = client.get(f"/share/{token_of(out.link)}").text
    others = [n for n in customers_frame(demo_ws)["name"] if n != "Acme Corp" and len(n) > 3]
    assert len(others) > 100
    named = [n for n in others if re.search(rf"\b{re.escape(n)}\b", html)]
    assert named == []


@pytest.mark.parametrize("kind", ["success", "qbr"])
def test_other_customer_facing_kinds_share(demo_ws, client, kind):
    out = share_report(demo_ws, ShareReportInput(customer="TechCorp", kind=kind))
    page = client.get(f"/share/{token_of(out.link)}")
    assert page.status_code == 200 and "TechCorp" in page.text


def test_internal_kinds_cannot_be_shared(demo_ws):
    with pytest.raises(ValueError):
        ShareReportInput(customer="Acme Corp", kind="account")
    with pytest.raises(ToolError, match="customer-facing"):
        shares.create_share(demo_ws, customer_id=1, customer="Acme Corp", kind="account", title="x", html="<p>")


def test_revoked_link_answers_410(demo_ws, client):
    out = share_report(demo_ws, ShareReportInput(customer="Acme Corp"))
    url = f"/share/{token_of(out.link)}"
    assert client.get(url).status_code == 200
    rec = revoke_share(demo_ws, RevokeShareInput(share=str(out.share_id)))
    assert rec.status == "revoked"
    gone = client.get(url)
    assert gone.status_code == 410
    assert "Acme Corp" not in gone.text and "withdrawn" in gone.text


def test_expired_link_answers_410(demo_ws, client):
    out = share_report(demo_ws, ShareReportInput(customer="Acme Corp", days=1))
    with demo_ws.write() as db:
        past = (dt.datetime.now(dt.timezone.utc) - dt.timedelta(minutes=1)).isoformat()
        db["shares"].update(out.share_id, {"expires_at": past})
    page = client.get(f"/share/{token_of(out.link)}")
    assert page.status_code == 410 and "expired" in page.text
    assert shares.get_share(demo_ws, out.share_id).status == "expired"


def test_unknown_and_malformed_tokens_answer_404(demo_ws, client):
    share_report(demo_ws, ShareReportInput(customer="Acme Corp"))
    assert client.get("/share/" + "A" * 43).status_code == 404
    assert client.get("/share/short").status_code == 404
    assert client.get("/share/..%2f..%2fetc").status_code == 404


def test_passcode_is_enforced_and_wrong_tries_lock_the_link(demo_ws, client):
    out = share_report(demo_ws, ShareReportInput(customer="Acme Corp", passcode="open sesame"))
    url = f"/share/{token_of(out.link)}"
    form = client.get(url)
    assert form.status_code == 200 and 'name="passcode"' in form.text and "Executive summary" not in form.text
    wrong = client.post(url, data={"passcode": "guess"})
    assert wrong.status_code == 403 and "Executive summary" not in wrong.text
    right = client.post(url, data={"passcode": "open sesame"})
    assert right.status_code == 200 and "Executive summary" in right.text
    row = demo_ws.query("SELECT passcode_hash FROM shares WHERE id = ?", (out.share_id,))[0]
    assert "open sesame" not in row["passcode_hash"] and row["passcode_hash"].startswith("pbkdf2$")
    for _ in range(shares.MAX_FAILED):
        client.post(url, data={"passcode": "nope"})
    assert client.post(url, data={"passcode": "open sesame"}).status_code == 410


def test_views_are_counted(demo_ws, client):
    out = share_report(demo_ws, ShareReportInput(customer="Acme Corp"))
    for _ in range(3):
        client.get(f"/share/{token_of(out.link)}")
    rec = shares.get_share(demo_ws, out.share_id)
    assert rec.views == 3 and rec.last_viewed_at


def test_tokens_are_random_and_stored_hashed(demo_ws):
    a = share_report(demo_ws, ShareReportInput(customer="Acme Corp"))
    b = share_report(demo_ws, ShareReportInput(customer="Acme Corp"))
    ta, tb = token_of(a.link), token_of(b.link)
    assert ta != tb and len(ta) >= 43
    stored = demo_ws.query("SELECT token_hash, prefix FROM shares")
    assert all(ta not in str(r) and tb not in str(r) for r in stored)
    assert {r["token_hash"] for r in stored} == {shares.digest(ta), shares.digest(tb)}


def test_default_expiry_is_14_days_and_bounded(demo_ws):
    out = share_report(demo_ws, ShareReportInput(customer="Acme Corp"))
    left = dt.datetime.fromisoformat(out.expires_at) - dt.datetime.now(dt.timezone.utc)
    assert dt.timedelta(days=13, hours=23) < left <= dt.timedelta(days=14)
    with pytest.raises(ValueError):
        ShareReportInput(customer="Acme Corp", days=365)


def test_revoke_by_token_link_or_prefix(demo_ws):
    out = share_report(demo_ws, ShareReportInput(customer="Acme Corp"))
    assert revoke_share(demo_ws, RevokeShareInput(share=out.link)).status == "revoked"
    out2 = share_report(demo_ws, ShareReportInput(customer="Acme Corp"))
    assert shares.revoke_share(demo_ws, token_of(out2.link)[:6]).status == "revoked"
    with pytest.raises(ToolError):
        shares.revoke_share(demo_ws, "999")


def test_hostile_names_are_escaped_on_the_page(demo_ws, client):
    with demo_ws.write() as db:
        db.execute("UPDATE customers SET name = ? WHERE name = 'Acme Corp'", ["Acme <script>alert(1)</script> & Co"])
    out = share_report(demo_ws, ShareReportInput(customer="Acme"))
    html = client.get(f"/share/{token_of(out.link)}").text
    assert "<script>" not in html
    assert "Acme &lt;script&gt;alert(1)&lt;/script&gt; &amp; Co" in html


def test_a_signed_in_users_link_is_found(demo_ws, client, tmp_path):
    from agent.ui.auth import workspace_for

    alice = workspace_for("alice", demo_ws.path)
    out = share_report(alice, ShareReportInput(customer="Acme Corp"))
    assert client.get(f"/share/{token_of(out.link)}").status_code == 200


def test_passcode_form_does_not_name_the_customer(demo_ws, client):
    out = share_report(demo_ws, ShareReportInput(customer="TechCorp", kind="success", passcode="abcd1"))
    form = client.get(f"/share/{token_of(out.link)}")
    assert form.status_code == 200 and "TechCorp" not in form.text


def test_prepared_by_and_date_appear_once(demo_ws, client):
    out = share_report(demo_ws, ShareReportInput(customer="Acme Corp"))
    html = client.get(f"/share/{token_of(out.link)}").text
    assert html.count("<dt>Prepared by</dt>") == 1 and html.count("<dt>Date</dt>") <= 1
