"""The ``/api`` application: routers, problem details, limits and the OpenAPI document.

:func:`create_api` is the whole API without the chat (what the tests drive through
``httpx.ASGITransport``); :mod:`agent.api.server` mounts the Chainlit chat beside it. Routes of
later features (``/share/...``, more ``/api/...``) are added in :func:`create_api` before the
``/api`` catch-all, which answers unknown API paths with a 404 problem (or 405 with ``Allow``)
instead of letting the chat's catch-all answer them with its HTML page.
"""

from __future__ import annotations

import json
import logging
from http import HTTPStatus
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.openapi.utils import get_openapi
from starlette.datastructures import Headers
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match

from agent.api import actions, benchmarks, book, intelligence, portfolio, problems, reports, share, success
from agent.api.auth import ApiState, ScopeRegistry
from agent.api.models import Health
from agent.api.uploads import JSON_BODY_LIMIT
from tools.store.workspace import default_db_path

log = logging.getLogger(__name__)

METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")
PLAIN_DETAILS = {413: "The request body is larger than this endpoint accepts: 10 MB for a file upload, 1 MB otherwise."}
DESCRIPTION = """\
Every figure comes from the same tools as the chat and `peerbench ... --json`. Send
`Authorization: Bearer <token>` (`peerbench token create NAME [--user USER]`); a token opens its
user's workspace. Errors are RFC 9457 problem details (`application/problem+json`). Peers are
anonymised by default and no aggregate is shown for a peer group under 10 accounts.
"""


def _version() -> str:
    try:
        return version("peerbench")
    except PackageNotFoundError:
        return "0"


def create_api(main_db: str | Path | None = None) -> FastAPI:
    """The API app; tokens are checked against ``main_db`` (default: ``PEERBENCH_DB``)."""
    app = FastAPI(title="peerbench API", version=_version(), description=DESCRIPTION,
                  openapi_url="/api/openapi.json", docs_url="/api/docs", redoc_url=None,
                  swagger_ui_oauth2_redirect_url=None)
    app.state.peerbench = ApiState(main_db=Path(main_db or default_db_path()).resolve(), scopes=ScopeRegistry())
    problems.install(app)
    app.add_middleware(PlainErrorsAsProblems)
    app.add_middleware(QuietWhenClientLeft)
    app.get("/api/health", response_model=Health, tags=["system"], summary="Liveness (no token needed)")(health)
    # success before reports: /api/reports/success-metrics/{customerId} is not a report id
    for module in (benchmarks, intelligence, success, reports, portfolio, actions, book):
        app.include_router(module.router)
    app.include_router(share.router)  # the customer's read-only pages: declared before the chat's mount
    app.api_route("/api/{rest:path}", methods=[*METHODS, "OPTIONS"], include_in_schema=False,
                  max_body_size=JSON_BODY_LIMIT)(no_such_route)
    app.openapi = lambda: _openapi(app)
    return app


class PlainErrorsAsProblems:
    """Starlette's own plain-text errors under /api (the body limit's 413) become problem details."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or not scope["path"].startswith("/api/"):
            return await self.app(scope, receive, send)
        replaced = False

        async def send_problem_instead(message):
            nonlocal replaced
            if message["type"] == "http.response.start" and message["status"] >= 400 and \
                    Headers(raw=message["headers"]).get("content-type", "").startswith("text/plain"):
                replaced = True
                status = message["status"]
                body = json.dumps({"type": "about:blank", "title": HTTPStatus(status).phrase, "status": status,
                                   "detail": PLAIN_DETAILS.get(status), "instance": scope["path"]}).encode()
                await send({"type": "http.response.start", "status": status,
                            "headers": [(b"content-type", problems.MEDIA_TYPE.encode()),
                                        (b"content-length", str(len(body)).encode())]})
                await send({"type": "http.response.body", "body": body})
            elif not (replaced and message["type"] == "http.response.body"):
                await send(message)

        await self.app(scope, receive, send_problem_instead)


class QuietWhenClientLeft:
    """A browser that leaves mid-request (a page closed while /favicon loads) is not a server error.

    Starlette's BaseHTTPMiddleware (Chainlit's mount uses one) raises "No response returned." when
    the client disconnects before the app answers; uncaught, it is logged as an unhandled error
    with a traceback. Only that case, with the disconnect seen, is dropped: nobody is left to answer.
    """

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        left = False

        async def watch_receive():
            nonlocal left
            message = await receive()
            left = left or message["type"] == "http.disconnect"
            return message

        try:
            await self.app(scope, watch_receive, send)
        except RuntimeError as exc:
            if not (left and str(exc) == "No response returned."):
                raise
            log.debug("client left before %s was answered", scope["path"])


def health() -> Health:
    return Health(status="ok", version=_version())


def no_such_route(request: Request, rest: str):
    """404 for an unknown API path; 405 (with Allow) for a known path and another method."""
    allowed = [m for m in METHODS if _first_full_match(request.app, {**request.scope, "method": m}) is not None]
    if allowed:
        raise StarletteHTTPException(405, headers={"Allow": ", ".join(allowed)})
    raise problems.ProblemError(404, "Not Found", f"No API endpoint {request.url.path}; see /api/docs.",
                                slug="no-such-endpoint")


def _first_full_match(app: FastAPI, scope: dict):
    """The route that would answer ``scope``, unless it is the catch-all (or none)."""
    for route in app.router.routes:
        match, child = route.matches(scope)
        if match == Match.FULL:
            chosen = child.get("route", route)
            return None if getattr(chosen, "endpoint", None) is no_such_route else chosen
    return None


def _openapi(app: FastAPI) -> dict:
    """FastAPI's document, with every error response typed as ``application/problem+json``.

    An operation that takes a body may also answer 400 (a body that cannot be parsed) and 413
    (a body over its size limit): the framework answers those, so they are added here.
    """
    if app.openapi_schema is None:
        schema = get_openapi(title=app.title, version=app.version, description=app.description, routes=app.routes)
        problem = {"$ref": "#/components/schemas/Problem"}
        for operations in schema.get("paths", {}).values():
            for op in operations.values():
                if "requestBody" in op:
                    for status in ("400", "413"):
                        op["responses"].setdefault(status, {"description": HTTPStatus(int(status)).phrase,
                                                            "content": {"application/json": {"schema": problem}}})
                for status, response in op.get("responses", {}).items():
                    content = response.get("content", {})
                    if status[0] in "45" and "application/json" in content:
                        content[problems.MEDIA_TYPE] = content.pop("application/json")
        app.openapi_schema = schema
    return app.openapi_schema
