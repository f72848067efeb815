"""Bearer tokens for the HTTP API: created, listed, revoked and checked here (the database side).

A token is 32 random bytes (``secrets.token_urlsafe``) behind a ``pbk_`` tag, shown once
when it is made. Only its SHA-256 is stored. A fast unsalted hash is enough here, unlike
for passwords: the token has 256 bits of entropy, so a stolen table cannot be reversed by
guessing, and a plain digest lets each request find its token with one indexed lookup
instead of trying a slow salted hash against every row.

Each token is bound to a user (``""`` = the main workspace, as when sign-in is off): the API
opens that user's workspace, exactly as the chat's sign-in does (agent.ui.auth).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

from tools.base import NotFound, ToolError
from tools.store.workspace import Workspace, now_iso

TAG = "pbk_"
TOUCH_EVERY_S = 60  # last_used_at is refreshed at most this often (a write per request would be wasteful)
MAX_NAME = 100


@dataclass(frozen=True)
class TokenRecord:
    id: int
    name: str
    user: str
    prefix: str
    created_at: str
    last_used_at: str | None
    revoked_at: str | None


def digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _record(row: dict) -> TokenRecord:
    return TokenRecord(id=row["id"], name=row["name"], user=row["user"] or "", prefix=row["prefix"],
                       created_at=row["created_at"], last_used_at=row["last_used_at"], revoked_at=row["revoked_at"])


def create_token(ws: Workspace, name: str, user: str = "") -> tuple[str, TokenRecord]:
    """A new token (returned once, in clear) and its record. Names are unique among live tokens."""
    name, user = name.strip(), (user or "").strip()
    if not name or len(name) > MAX_NAME:
        raise ToolError(f"A token needs a name of 1 to {MAX_NAME} characters.")
    token = TAG + secrets.token_urlsafe(32)
    with ws.write() as db:
        if ws.query("SELECT 1 FROM api_tokens WHERE name = ? AND revoked_at IS NULL", (name,)):
            raise ToolError(f"A live token named '{name}' exists already; revoke it or choose another name.")
        tid = db["api_tokens"].insert({"name": name, "user": user, "token_hash": digest(token),
                                       "prefix": token[: len(TAG) + 6], "created_at": now_iso()}).last_pk
    return token, get_token(ws, tid)


def get_token(ws: Workspace, token_id: int) -> TokenRecord:
    rows = ws.query("SELECT * FROM api_tokens WHERE id = ?", (token_id,))
    if not rows:
        raise NotFound(f"No token with id {token_id}.")
    return _record(rows[0])


def list_tokens(ws: Workspace, *, include_revoked: bool = False) -> list[TokenRecord]:
    where = "" if include_revoked else "WHERE revoked_at IS NULL"
    return [_record(r) for r in ws.query(f"SELECT * FROM api_tokens {where} ORDER BY id")]


def revoke_token(ws: Workspace, ident: str) -> TokenRecord:
    """Revoke the live token with this id or name; it stops working at once."""
    text = str(ident).strip()
    rows = ws.query("SELECT * FROM api_tokens WHERE revoked_at IS NULL AND (name = ? OR CAST(id AS TEXT) = ?)",
                    (text, text))
    if not rows:
        raise NotFound(f"No live token with id or name '{text}'.",
                       suggestions=[f"{t.id}: {t.name}" for t in list_tokens(ws)][:8])
    with ws.write() as db:
        db["api_tokens"].update(rows[0]["id"], {"revoked_at": now_iso()})
    return get_token(ws, rows[0]["id"])


def check_token(ws: Workspace, token: str) -> TokenRecord | None:
    """The live token ``token`` is, or None (unknown or revoked). Refreshes last_used_at now and then."""
    if not token.startswith(TAG):
        return None
    rows = ws.query("SELECT * FROM api_tokens WHERE token_hash = ?", (digest(token),))
    if not rows or rows[0]["revoked_at"]:
        return None
    record = _record(rows[0])
    if _stale(record.last_used_at):
        with ws.write() as db:
            db["api_tokens"].update(record.id, {"last_used_at": now_iso()})
    return record


def _stale(stamp: str | None) -> bool:
    if not stamp:
        return True
    age = dt.datetime.now(dt.timezone.utc) - dt.datetime.fromisoformat(stamp)
    return age.total_seconds() >= TOUCH_EVERY_S
