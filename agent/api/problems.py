"""Errors as RFC 9457 problem details (``application/problem+json``), never a traceback.

Every failure the API answers goes through :func:`install`: a tool's :class:`NotFound` is 404,
any other :class:`ToolError` 422 with the tool's own message (the chat's words), an import's
row/column problems listed in ``problems``, close matches in ``suggestions``; pydantic
validation 422 with ``errors``; HTTP errors keep their status and headers (``Allow``,
``WWW-Authenticate``); anything else is 500 with a ``reference`` id that is in the log.
"""

from __future__ import annotations

import logging
import uuid
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field, ValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException

from agent.ui.uploads import UploadRejected
from tools.base import NotFound, ToolError
from tools.ingest.problems import ImportFailed

log = logging.getLogger("peerbench.api")

MEDIA_TYPE = "application/problem+json"
TYPE = "urn:peerbench:problem:"  # + a slug below; a URN names the kind of problem without promising a page
MAX_LISTED = 100                 # import problems listed in one response (the total is always given)


class ImportProblemDetail(BaseModel):
    file: str
    row: int | None = Field(None, description="spreadsheet row: the header is row 1")
    column: str | None = None
    value: str | None = None
    expected: str | None = None
    message: str | None = None


class ValidationIssue(BaseModel):
    loc: list[str | int] = Field(description="where: body / query / path, then the field")
    msg: str
    type: str


class Problem(BaseModel):
    """An RFC 9457 problem; the extension members are present only when they apply."""

    type: str = Field("about:blank", description="the kind of problem (a URN for peerbench's own kinds)")
    title: str
    status: int
    detail: str | None = None
    instance: str | None = Field(None, description="the request path")
    suggestions: list[str] | None = Field(None, description="close matches, e.g. account names")
    problems: list[ImportProblemDetail] | None = Field(None, description="an upload's bad rows and cells")
    total_problems: int | None = None
    errors: list[ValidationIssue] | None = Field(None, description="invalid request fields")
    reference: str | None = Field(None, description="quote it when reporting a server error (it is in the log)")


class ProblemError(Exception):
    """Raise to answer with a problem: ``ProblemError(401, "Authentication required", detail=...)``."""

    def __init__(self, status: int, title: str, detail: str | None = None, *, slug: str | None = None,
                 headers: dict[str, str] | None = None, **extra: Any):
        super().__init__(detail or title)
        self.status, self.title, self.detail, self.slug = status, title, detail, slug
        self.headers, self.extra = headers or {}, extra


def problem(request: Request, status: int, title: str, detail: str | None = None, *, slug: str | None = None,
            headers: dict[str, str] | None = None, **extra: Any) -> JSONResponse:
    body = Problem(type=TYPE + slug if slug else "about:blank", title=title, status=status, detail=detail,
                   instance=request.url.path, **extra)
    return JSONResponse(jsonable_encoder(body, exclude_none=True), status_code=status, media_type=MEDIA_TYPE,
                        headers=headers)


def _phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


async def _problem_error(request: Request, exc: ProblemError) -> JSONResponse:
    return problem(request, exc.status, exc.title, exc.detail, slug=exc.slug, headers=exc.headers, **exc.extra)


async def _not_found(request: Request, exc: NotFound) -> JSONResponse:
    return problem(request, 404, "Not found", exc.message, slug="not-found", suggestions=exc.suggestions or None)


async def _import_failed(request: Request, exc: ImportFailed) -> JSONResponse:
    items = [ImportProblemDetail(file=p.file, row=p.row, column=p.column, value=p.value, expected=p.expected,
                                 message=p.message) for p in exc.problems[:MAX_LISTED]]
    return problem(request, 422, "The file was not imported", exc.message, slug="import-failed", problems=items,
                   total_problems=exc.total, suggestions=exc.suggestions or None)


async def _tool_error(request: Request, exc: ToolError) -> JSONResponse:
    return problem(request, 422, "The request cannot be answered", exc.message, slug="tool-error",
                   suggestions=exc.suggestions or None)


async def _upload_rejected(request: Request, exc: UploadRejected) -> JSONResponse:
    return problem(request, 422, "The file was not accepted", exc.message, slug="upload-rejected")


async def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
    errors = [ValidationIssue(loc=list(e.get("loc", ())), msg=str(e.get("msg", "")), type=str(e.get("type", "")))
              for e in exc.errors()]
    where = "; ".join(f"{'.'.join(map(str, e.loc))}: {e.msg}" for e in errors[:10])
    return problem(request, 422, "Invalid request", where or "The request is not valid.", slug="validation",
                   errors=errors)


async def _tool_input(request: Request, exc: ValidationError) -> JSONResponse:
    """A request that passed the route's schema but not the tool's own input rules (plausible
    ranges, the text rule): the same 422 as a request validation error."""
    return await _validation(request, RequestValidationError(exc.errors()))


async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
    detail = exc.detail if isinstance(exc.detail, str) and exc.detail != _phrase(exc.status_code) else None
    return problem(request, exc.status_code, _phrase(exc.status_code), detail, headers=dict(exc.headers or {}))


async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
    reference = uuid.uuid4().hex[:12]
    log.error("unhandled error %s on %s %s", reference, request.method, request.url.path, exc_info=exc)
    return problem(request, 500, "Internal Server Error",
                   "Something went wrong on our side; nothing you sent was at fault. Quote the reference "
                   "when you report it.", reference=reference)


def install(app: FastAPI) -> None:
    """Register the handlers (most specific first: ImportFailed and NotFound are ToolErrors)."""
    app.add_exception_handler(ProblemError, _problem_error)
    app.add_exception_handler(ImportFailed, _import_failed)
    app.add_exception_handler(NotFound, _not_found)
    app.add_exception_handler(ToolError, _tool_error)
    app.add_exception_handler(UploadRejected, _upload_rejected)
    app.add_exception_handler(RequestValidationError, _validation)
    app.add_exception_handler(ValidationError, _tool_input)
    app.add_exception_handler(StarletteHTTPException, _http)
    app.add_exception_handler(Exception, _unexpected)


def responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI entries for the problems a route can answer (their media type is set by ``app.openapi``)."""
    return {s: {"model": Problem, "description": _phrase(s)} for s in statuses}
