"""peerbench share / shares / unshare / email / invite on the demo workspace."""

from __future__ import annotations

import email
import email.policy
import json
import zipfile
from pathlib import Path

import icalendar

from agent.cli import main as peerbench


def run(ws, capsys, *argv):
    capsys.readouterr()
    code = peerbench(["--db", str(ws.path), *argv])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_share_prints_the_link_then_shares_lists_and_unshare_revokes(demo_ws, capsys, monkeypatch):
    monkeypatch.setenv("PEERBENCH_PUBLIC_URL", "https://cs.vendor.example/")
    code, out, err = run(demo_ws, capsys, "share", "Acme Corp", "--kind", "qbr", "--days", "7", "--passcode", "abcd")
    assert code == 0 and out.startswith("https://cs.vendor.example/share/") and "passcode" in err
    token = out.strip().rsplit("/", 1)[-1]
    code, out, _ = run(demo_ws, capsys, "shares", "--json")
    (row,) = json.loads(out)
    assert row["kind"] == "qbr" and row["status"] == "live" and row["passcode"] and token not in out
    code, out, _ = run(demo_ws, capsys, "shares")
    assert "Acme Corp quarterly business review" in out and "live" in out
    code, out, _ = run(demo_ws, capsys, "unshare", token)
    assert code == 0 and "Revoked share #" in out
    code, _, err = run(demo_ws, capsys, "unshare", token)
    assert json.loads(run(demo_ws, capsys, "shares", "--json")[1])[0]["status"] == "revoked"
    code, _, err = run(demo_ws, capsys, "share", "Acme Corp", "--days", "400")
    assert code == 2 and "error:" in err


def test_email_prints_the_eml_path(demo_ws, capsys):
    code, out, _ = run(demo_ws, capsys, "email", "acme", "--kind", "success")
    path = Path(out.strip())
    assert code == 0 and path.suffix == ".eml" and path.is_file()
    msg = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
    assert "success report" in msg["Subject"] and list(msg.iter_attachments())
    code, out, err = run(demo_ws, capsys, "email", "acme", "--link")
    msg = email.message_from_bytes(Path(out.strip()).read_bytes(), policy=email.policy.default)
    assert "/share/" in msg.get_body(("plain",)).get_content() and not list(msg.iter_attachments())


def test_invite_one_account_and_below_benchmark(demo_ws, capsys):
    code, out, _ = run(demo_ws, capsys, "invite", "Acme Corp", "--when", "2027-01-15T14:00", "--kind", "training")
    (ev,) = icalendar.Calendar.from_ical(Path(out.strip()).read_bytes()).walk("VEVENT")
    assert code == 0 and ev.decoded("DTSTART").isoformat() == "2027-01-15T14:00:00"
    code, out, _ = run(demo_ws, capsys, "invite", "Acme Corp", "--when", "next Tuesday at 2pm")
    (ev,) = icalendar.Calendar.from_ical(Path(out.strip()).read_bytes()).walk("VEVENT")
    assert ev.decoded("DTSTART").weekday() == 1 and ev.decoded("DTSTART").hour == 14
    code, out, _ = run(demo_ws, capsys, "invite", "--below-benchmark", "--limit", "4")
    assert code == 0 and len(zipfile.ZipFile(out.strip()).namelist()) == 4
    code, _, err = run(demo_ws, capsys, "invite", "Acme Corp", "--when", "someday maybe")
    assert code == 2 and "Could not read the time" in err
