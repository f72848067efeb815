"""``/share/<token>``: the customer's read-only page, served without sign-in and without the chat.

A link lives in the workspace of whoever made it (the main one, or a signed-in user's own
copy under ``users/``), so a token is looked up in the main workspace first, then in each user
workspace beside it (tools.actions.shares keeps only a hash of each token). Answers: the page
(200), the passcode form (200; a wrong passcode 403), "no longer available" (410: expired,
revoked, or locked after too many wrong passcodes), "not found" (404). Every answer is a
self-contained HTML page: no script, nothing loaded from elsewhere (a strict
Content-Security-Policy), never cached, never indexed, no referrer sent.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse

from reports.html_export import page
from reports.model import DEFAULT_ACCENT
from tools.actions.shares import TOKEN_SHAPE, Opened, open_share
from tools.store.workspace import Workspace

router = APIRouter(include_in_schema=False)
HEADERS = {
    "Content-Security-Policy": "default-src 'none'; img-src data:; style-src 'unsafe-inline'; form-action 'self'; "
                               "frame-ancestors 'none'; base-uri 'none'",
    "Cache-Control": "no-store",
    "Referrer-Policy": "no-referrer",
    "X-Robots-Tag": "noindex, nofollow",
    "X-Content-Type-Options": "nosniff",
}
GONE = {"expired": "This link has expired.", "revoked": "This link was withdrawn by the sender.",
        "locked": "This link is locked after too many wrong passcodes."}

_handles: dict[Path, Workspace] = {}
_lock = threading.Lock()


def _workspace(path: Path) -> Workspace:
    with _lock:
        if path not in _handles:
            _handles[path] = Workspace(path)
        return _handles[path]


def workspaces(main_db: Path) -> list[Path]:
    """The main workspace, then the signed-in users' own (agent.ui.auth.user_db_path)."""
    users = sorted((main_db.parent / "users").glob("*/peerbench.db")) if (main_db.parent / "users").is_dir() else []
    return [main_db, *users]


def find(main_db: Path, token: str, passcode: str | None) -> Opened | None:
    if not TOKEN_SHAPE.match(token):
        return None
    for path in workspaces(main_db):
        if path.exists():
            opened = open_share(_workspace(path), token, passcode)
            if opened is not None:
                return opened
    return None


def _message(status: int, title: str, message: str, **extra) -> HTMLResponse:
    html = page("message.html.j2", title=title, message=message, accent=DEFAULT_ACCENT, on_accent="#FFFFFF",
                passcode_form=extra.get("form", False), wrong=extra.get("wrong", False))
    return HTMLResponse(html, status_code=status, headers=HEADERS)


def answer(opened: Opened | None) -> HTMLResponse:
    if opened is None:
        return _message(404, "Link not found", "There is no report at this address. Check the link you were sent.")
    if opened.status in GONE:
        return _message(410, "Link no longer available", GONE[opened.status] + " Ask your customer success "
                        "manager for a new one.")
    if opened.status in ("passcode", "wrong_passcode"):
        wrong = opened.status == "wrong_passcode"
        # the title stays neutral until the passcode is given: the link alone does not tell whose report it is
        return _message(403 if wrong else 200, "Shared report", "This report is protected by a passcode.",
                        form=True, wrong=wrong)
    return HTMLResponse(opened.html or "", headers=HEADERS)


def _main_db(request: Request) -> Path:
    return request.app.state.peerbench.main_db


@router.get("/share/{token}", response_class=HTMLResponse)
def view_share(request: Request, token: str) -> HTMLResponse:
    return answer(find(_main_db(request), token, None))


@router.post("/share/{token}", response_class=HTMLResponse)
def unlock_share(request: Request, token: str, passcode: Annotated[str, Form(max_length=200)] = "") -> HTMLResponse:
    return answer(find(_main_db(request), token, passcode))
