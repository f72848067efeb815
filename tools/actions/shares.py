"""Share links: made, listed, revoked and opened here (the database side of ``/share/<token>``).

A link's token is 32 random bytes (``secrets.token_urlsafe``); only its SHA-256 is stored
(and a short prefix to tell links apart), as for the API's tokens (tools.store.tokens): the
link is shown once, when it is made. The page is a snapshot: the HTML rendered from the report
model when the link was made, so the customer sees what the CSM saw, and later data changes
(or another account's data) never reach it. A passcode, when set, is kept as a salted PBKDF2
hash; after :data:`MAX_FAILED` wrong passcodes the link stops working.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import os
import re
import secrets
from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict, Field

from tools.base import NotFound, ToolError
from tools.store.workspace import Workspace, now_iso

DEFAULT_DAYS = 14
MAX_DAYS = 90
MAX_FAILED = 10
PBKDF2_ROUNDS = 200_000
TOKEN_SHAPE = re.compile(r"^[A-Za-z0-9_-]{40,64}$")
SHAREABLE = ("benchmark", "success", "qbr")   # customer-facing kinds only (reports.model.CUSTOMER_FACING)


class ShareRecord(BaseModel):
    """A share link as listed (CLI, API): never the token itself, only its first characters."""

    model_config = ConfigDict(frozen=True)

    id: int
    prefix: str = Field(description="the token's first characters (the whole link is shown only when made)")
    customer: str
    kind: str
    title: str
    created_at: str
    expires_at: str
    revoked_at: str | None
    views: int
    last_viewed_at: str | None
    passcode: bool
    status: str = Field(description="live, expired, revoked or locked (too many wrong passcodes)")


def public_url() -> str:
    """Where the app is reached from outside (``PEERBENCH_PUBLIC_URL``), without a trailing slash."""
    return (os.environ.get("PEERBENCH_PUBLIC_URL") or "http://127.0.0.1:8000").strip().rstrip("/")


def link(token: str) -> str:
    return f"{public_url()}/share/{token}"


def digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def hash_passcode(passcode: str, salt: bytes | None = None) -> str:
    """``pbkdf2$rounds$salt$hash`` (hex), for :func:`passcode_ok`.

    >>> passcode_ok("s3cret", hash_passcode("s3cret")), passcode_ok("guess", hash_passcode("s3cret"))
    (True, False)
    """
    salt = salt or secrets.token_bytes(16)
    key = hashlib.pbkdf2_hmac("sha256", passcode.encode("utf-8"), salt, PBKDF2_ROUNDS)
    return f"pbkdf2${PBKDF2_ROUNDS}${salt.hex()}${key.hex()}"


def passcode_ok(passcode: str, stored: str) -> bool:
    try:
        _, rounds, salt, key = stored.split("$")
        got = hashlib.pbkdf2_hmac("sha256", passcode.encode("utf-8"), bytes.fromhex(salt), int(rounds))
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(got.hex(), key)


def expiry(now: dt.datetime, days: int) -> dt.datetime:
    """When a link made ``now`` for ``days`` days stops working (1 to :data:`MAX_DAYS` days).

    >>> expiry(dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.timezone.utc), 14).isoformat()
    '2026-12-15T09:00:00+00:00'
    """
    if not 1 <= days <= MAX_DAYS:
        raise ToolError(f"A link lasts 1 to {MAX_DAYS} days; got {days}.")
    return now + dt.timedelta(days=days)


def status_of(row: dict, now: dt.datetime | None = None) -> str:
    now = now or dt.datetime.now(dt.timezone.utc)
    if row["revoked_at"]:
        return "revoked"
    if (row["failed_attempts"] or 0) >= MAX_FAILED:
        return "locked"
    if dt.datetime.fromisoformat(row["expires_at"]) <= now:
        return "expired"
    return "live"


def _record(row: dict) -> ShareRecord:
    return ShareRecord(id=row["id"], prefix=row["prefix"], customer=row["customer"] or "", kind=row["kind"],
                       title=row["title"] or "", created_at=row["created_at"], expires_at=row["expires_at"],
                       revoked_at=row["revoked_at"], views=row["views"] or 0, last_viewed_at=row["last_viewed_at"],
                       passcode=bool(row["passcode_hash"]), status=status_of(row))


COLUMNS = ("id, prefix, customer, kind, title, created_at, expires_at, revoked_at, views, last_viewed_at, "
           "passcode_hash, failed_attempts")


def create_share(ws: Workspace, *, customer_id: int, customer: str, kind: str, title: str, html: str,
                 days: int = DEFAULT_DAYS, passcode: str | None = None, created_by: str = "",
                 now: dt.datetime | None = None) -> tuple[str, ShareRecord]:
    """A new link (its token, returned once) for a rendered customer-facing report."""
    if kind not in SHAREABLE:
        raise ToolError(f"Only customer-facing reports can be shared ({', '.join(SHAREABLE)}); "
                        f"a {kind} report is internal.", suggestions=list(SHAREABLE))
    now = (now or dt.datetime.now(dt.timezone.utc)).replace(microsecond=0)
    ends = expiry(now, days)
    if passcode is not None and not 4 <= len(passcode.strip()) <= 200:
        raise ToolError("A passcode needs 4 to 200 characters.")
    token = secrets.token_urlsafe(32)
    with ws.write() as db:
        sid = db["shares"].insert({
            "token_hash": digest(token), "prefix": token[:6], "customer_id": customer_id, "customer": customer,
            "kind": kind, "title": title, "html": html, "created_by": created_by,
            "passcode_hash": hash_passcode(passcode.strip()) if passcode else None,
            "created_at": now.isoformat(), "expires_at": ends.isoformat(), "views": 0, "failed_attempts": 0,
        }).last_pk
    return token, get_share(ws, sid)


def get_share(ws: Workspace, share_id: int) -> ShareRecord:
    rows = ws.query(f"SELECT {COLUMNS} FROM shares WHERE id = ?", (share_id,))
    if not rows:
        raise NotFound(f"No share link with id {share_id}.")
    return _record(rows[0])


def list_shares(ws: Workspace, *, customer_id: int | None = None, limit: int = 200) -> list[ShareRecord]:
    """Links, newest first (live, expired and revoked)."""
    where, params = ("WHERE customer_id = ?", (customer_id, limit)) if customer_id else ("", (limit,))
    return [_record(r) for r in ws.query(f"SELECT {COLUMNS} FROM shares {where} ORDER BY id DESC LIMIT ?", params)]


def find_row(ws: Workspace, ident: str) -> dict | None:
    """The share an id, a whole token, a link or a token's prefix names (None: no such share)."""
    text = str(ident).strip().rstrip("/").rsplit("/", 1)[-1]
    if text.isdigit():
        rows = ws.query(f"SELECT {COLUMNS} FROM shares WHERE id = ?", (int(text),))
    elif TOKEN_SHAPE.match(text):
        rows = ws.query(f"SELECT {COLUMNS} FROM shares WHERE token_hash = ?", (digest(text),))
    elif re.fullmatch(r"[A-Za-z0-9_-]{6}", text):
        rows = ws.query(f"SELECT {COLUMNS} FROM shares WHERE prefix = ?", (text,))
        rows = rows if len(rows) == 1 else []
    else:
        rows = []
    return rows[0] if rows else None


def revoke_share(ws: Workspace, ident: str) -> ShareRecord:
    """Revoke a link by id, token, link or prefix; it answers "no longer available" (410) at once."""
    row = find_row(ws, ident)
    if row is None:
        raise NotFound(f"No share link '{str(ident).strip()[:80]}'.",
                       suggestions=[f"{s.id}: {s.title} ({s.status})" for s in list_shares(ws, limit=8)])
    if not row["revoked_at"]:
        with ws.write() as db:
            db["shares"].update(row["id"], {"revoked_at": now_iso()})
    return get_share(ws, row["id"])


@dataclass(frozen=True)
class Opened:
    """What ``/share/<token>`` shows: the status and, for a live link opened (with the right passcode
    when it has one), the page."""

    status: str                 # live | expired | revoked | locked | passcode | wrong_passcode
    html: str | None = None
    title: str = ""


def open_share(ws: Workspace, token: str, passcode: str | None = None, *, count: bool = True) -> Opened | None:
    """Open a link: None when this workspace has no such token; a view is counted when the page is served."""
    if not TOKEN_SHAPE.match(token or ""):
        return None
    rows = ws.query("SELECT * FROM shares WHERE token_hash = ?", (digest(token),))
    if not rows:
        return None
    row = rows[0]
    status = status_of(row)
    if status != "live":
        return Opened(status, title=row["title"] or "")
    if row["passcode_hash"]:
        if passcode is None:
            return Opened("passcode", title=row["title"] or "")
        if not passcode_ok(passcode, row["passcode_hash"]):
            with ws.write() as db:
                db.execute("UPDATE shares SET failed_attempts = failed_attempts + 1 WHERE id = ?", [row["id"]])
            return Opened("wrong_passcode", title=row["title"] or "")
    if count:
        with ws.write() as db:
            db.execute("UPDATE shares SET views = views + 1, last_viewed_at = ? WHERE id = ?", [now_iso(), row["id"]])
    return Opened("live", html=row["html"], title=row["title"] or "")
