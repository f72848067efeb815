"""Guards in front of Chainlit's HTTP routes: clean answers instead of a 500, and slow sign-in guessing.

- Chainlit 2.12's session-bound JSON routes (``POST /project/action``, ``PUT``/``DELETE
  /project/element``, ``POST``/``DELETE /mcp``) look the ``sessionId`` up and use it without a
  check: an unknown or expired session raises inside the route and the client gets a 500.
  :class:`SessionCheck` answers those requests with a 404 problem document first.
- ``POST /login`` calls the password callback as often as anyone asks. :class:`LoginGuard` keeps
  a :class:`agent.ui.auth.LoginThrottle` per user name and per client address: after a few
  failures in a row each attempt waits (exponential backoff), answered 429 with ``Retry-After``
  and without checking the password.

Both are plain ASGI middleware, added to Chainlit's app by :func:`install` (from app.py, before
the server starts). Errors are problem details (RFC 9457), never a traceback.
"""

from __future__ import annotations

import json
import logging
import math
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import parse_qs

from agent.ui.auth import THROTTLE, LoginThrottle

log = logging.getLogger(__name__)

Scope = dict[str, Any]
Receive = Callable[[], Awaitable[dict]]
Send = Callable[[dict], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

SESSION_ROUTES = {("POST", "/project/action"), ("PUT", "/project/element"), ("DELETE", "/project/element"),
                  ("POST", "/mcp"), ("DELETE", "/mcp")}
MAX_BODY = 1_048_576   # the JSON bodies of these routes are small; a bigger one is not read into memory


async def problem(send: Send, status: int, title: str, detail: str, headers: dict[str, str] | None = None) -> None:
    body = json.dumps({"type": "about:blank", "title": title, "status": status, "detail": detail}).encode()
    raw = [(b"content-type", b"application/problem+json"), (b"content-length", str(len(body)).encode())]
    raw += [(k.encode(), v.encode()) for k, v in (headers or {}).items()]
    await send({"type": "http.response.start", "status": status, "headers": raw})
    await send({"type": "http.response.body", "body": body})


async def read_body(receive: Receive, limit: int = MAX_BODY) -> tuple[bytes, bool]:
    """The request body (at most ``limit`` bytes) and whether it was complete."""
    chunks, size = [], 0
    while True:
        message = await receive()
        if message["type"] != "http.request":
            return b"".join(chunks), False
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            return b"", False
        chunks.append(chunk)
        if not message.get("more_body"):
            return b"".join(chunks), True


def replay(body: bytes, receive: Receive) -> Receive:
    """A ``receive`` giving the app the body already read, then the client's later messages."""
    sent = False

    async def again() -> dict:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()
    return again


def _route(scope: Scope) -> tuple[str, str]:
    path = scope.get("path", "")
    root = scope.get("root_path", "")
    if root and path.startswith(root):
        path = path[len(root):]
    return scope.get("method", ""), "/" + path.strip("/")


class SessionCheck:
    """404 for a session-bound Chainlit route called with an unknown or expired ``sessionId``."""

    def __init__(self, app: ASGIApp, known: Callable[[str], bool] | None = None):
        self.app, self.known = app, known or _chainlit_session_exists

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or _route(scope) not in SESSION_ROUTES:
            return await self.app(scope, receive, send)
        body, complete = await read_body(receive)
        if not complete:
            return await problem(send, 400, "Bad request", "The request body is missing, cut short or too large.")
        try:
            session_id = json.loads(body or b"{}").get("sessionId")
        except (ValueError, AttributeError):
            session_id = None
        if not isinstance(session_id, str) or not self.known(session_id):
            return await problem(send, 404, "Session not found", "This chat session has ended or never existed: "
                                 "reload the page to start a new one.")
        await self.app(scope, replay(body, receive), send)


def _chainlit_session_exists(session_id: str) -> bool:
    from chainlit.session import WebsocketSession

    return WebsocketSession.get_by_id(session_id) is not None


class LoginGuard:
    """Exponential backoff for ``POST /login`` per user name and per client address."""

    def __init__(self, app: ASGIApp, throttle: LoginThrottle | None = None):
        self.app, self.throttle = app, throttle or THROTTLE

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or _route(scope) != ("POST", "/login"):
            return await self.app(scope, receive, send)
        body, complete = await read_body(receive, limit=64_000)
        if not complete:
            return await problem(send, 400, "Bad request", "The sign-in form is missing, cut short or too large.")
        form = parse_qs(body.decode("utf-8", "replace"))
        keys = [f"user:{(form.get('username') or [''])[0].strip().casefold()}",
                f"client:{(scope.get('client') or ('unknown',))[0]}"]
        wait = max(self.throttle.wait(k) for k in keys)
        if wait > 0:
            seconds = math.ceil(wait)
            log.warning("sign-in refused for %s: %d s of backoff left", keys, seconds)
            return await problem(send, 429, "Too many failed sign-ins",
                                 f"Too many failed sign-ins: try again in {seconds} s.", {"Retry-After": str(seconds)})
        status = {}

        async def watch(message: dict) -> None:
            if message["type"] == "http.response.start":
                status["code"] = message["status"]
            await send(message)

        await self.app(scope, replay(body, receive), watch)
        for k in keys:
            if status.get("code") == 401:
                self.throttle.failed(k)
            elif 200 <= status.get("code", 0) < 300:
                self.throttle.succeeded(k)


def guarded(app: ASGIApp, throttle: LoginThrottle | None = None,
            known: Callable[[str], bool] | None = None) -> ASGIApp:
    """``app`` behind both guards (for a test, or another ASGI host)."""
    return LoginGuard(SessionCheck(app, known), throttle)


_installed = False


def install() -> None:
    """Put the guards in front of Chainlit's app (once; app.py calls this before the server starts)."""
    global _installed
    if _installed:
        return
    from chainlit.server import app

    try:
        app.add_middleware(SessionCheck)
        app.add_middleware(LoginGuard)
    except RuntimeError:  # the app already runs (a module reload in watch mode): keep the first guards
        log.info("Chainlit app already started; HTTP guards left as they were")
    _installed = True
