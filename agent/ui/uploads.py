"""Attached files: copied into the workspace before Chainlit's session files vanish.

Chainlit keeps an upload under ``.files/<session>/`` with an extension taken from
the browser's MIME type (a CSV sent as ``application/vnd.ms-excel`` lands as
``.xls``) and deletes it when the session ends. The name and MIME type come from
the browser and are not trusted: the format is decided by content (XLSX is a zip
holding ``xl/workbook.xml``; CSV is decodable text), the stored name is a cleaned
version of the client name with the extension of the real format, and each upload
gets its own folder under ``Workspace.uploads_dir`` so two files with one name
never collide. Parsing and validation of the rows is the import's job.
"""

from __future__ import annotations

import re
import secrets
import shutil
from dataclasses import dataclass
from pathlib import Path

from tools.ingest.reader import sniff_format

MAX_FILES = 3
MAX_BYTES = 10 * 1024 * 1024  # matches max_size_mb in .chainlit/config.toml


class UploadRejected(Exception):
    """The attachments cannot be used; ``message`` says why in plain words. Nothing was copied."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class StagedFile:
    path: Path        # the copy inside the workspace
    name: str         # the name the user gave it (cleaned), for messages
    format: str       # "csv" | "xlsx"


def clean_name(name: str, fmt: str) -> str:
    """A safe file name: the client's stem reduced to ``[A-Za-z0-9._-]``, the real extension."""
    stem = Path(name or "upload").name
    stem = re.sub(r"\.(csv|xlsx|xls|txt|tsv)$", "", stem, flags=re.I)
    stem = re.sub(r"[^A-Za-z0-9._-]+", "_", stem).strip("._-")[:80] or "upload"
    return f"{stem}.{fmt}"


def stage_files(elements: list, uploads_dir: Path) -> list[StagedFile]:
    """Copy the message's file elements into ``uploads_dir``; all or none.

    ``elements`` are Chainlit elements with ``.name`` and ``.path``. Raises
    :class:`UploadRejected` (with nothing left behind) for too many files, a file
    too big, or a file that is neither CSV nor XLSX.
    """
    files = [e for e in elements if getattr(e, "path", None)]
    if len(files) > MAX_FILES:
        raise UploadRejected(f"Please attach at most {MAX_FILES} files at a time (you attached "
                             f"{len(files)}). Nothing was imported.")
    checked = [_check(e) for e in files]
    staged: list[StagedFile] = []
    try:
        for (source, display, fmt) in checked:
            folder = uploads_dir / secrets.token_hex(6)
            folder.mkdir(parents=True)
            target = folder / clean_name(display, fmt)
            shutil.copyfile(source, target)
            staged.append(StagedFile(target, display, fmt))
    except OSError as exc:
        for s in staged:
            shutil.rmtree(s.path.parent, ignore_errors=True)
        raise UploadRejected(f"The attached file could not be saved ({exc.strerror or exc}). "
                             "Nothing was imported.") from exc
    return staged


def _check(element) -> tuple[Path, str, str]:
    display = Path(getattr(element, "name", "") or "file").name
    source = Path(element.path)
    try:
        size = source.stat().st_size
        with source.open("rb") as fh:
            head = fh.read(MAX_BYTES + 1)
    except OSError as exc:
        raise UploadRejected(f"'{display}' could not be read (it may have expired; attach it again). "
                             "Nothing was imported.") from exc
    if size > MAX_BYTES:
        raise UploadRejected(f"'{display}' is {size / 1_048_576:.1f} MB; the limit is "
                             f"{MAX_BYTES // 1_048_576} MB. Nothing was imported.")
    if size == 0:
        raise UploadRejected(f"'{display}' is empty. Nothing was imported.")
    fmt = sniff_format(head)
    if fmt not in ("csv", "xlsx"):
        raise UploadRejected(f"'{display}' is not a CSV or Excel (.xlsx) file: it looks like {fmt}. "
                             "Save it as .csv or .xlsx and attach it again. Nothing was imported.")
    return source, display, fmt


def register_empty_upload_route() -> None:
    """Let an empty attachment reach the chat, where it is refused in words (see :func:`stage_files`).

    Chainlit 2.12 answers an empty upload with a server error (it cannot store zero bytes), which the
    browser shows only as a toast "Upload failed". This route, ahead of Chainlit's own, stores an
    empty file the same way (same session and user checks, same type check) and hands every other
    upload to Chainlit unchanged.
    """
    import tempfile
    from typing import Optional

    from chainlit.server import UserParam, app, upload_file, validate_file_upload
    from chainlit.session import WebsocketSession
    from fastapi import HTTPException, UploadFile
    from fastapi.responses import JSONResponse
    from fastapi.routing import APIRoute

    if any(getattr(r, "endpoint", None) is not None and getattr(r.endpoint, "__name__", "") == "upload_or_empty"
           for r in app.router.routes):
        return

    async def upload_or_empty(current_user: UserParam, session_id: str, file: UploadFile,
                              ask_parent_id: str | None = None):
        head = await file.read(1)
        await file.seek(0)
        if head or ask_parent_id:
            return await upload_file(current_user, session_id, file, ask_parent_id)
        session = WebsocketSession.get_by_id(session_id)
        if not session:
            raise HTTPException(status_code=404, detail="Session not found")
        if current_user and (not session.user or session.user.identifier != current_user.identifier):
            raise HTTPException(status_code=401, detail="You are not authorized to upload files for this session")
        try:
            validate_file_upload(file, spec=None)
        except ValueError as exc:
            raise HTTPException(status_code=400, detail=str(exc)) from exc
        with tempfile.NamedTemporaryFile() as empty:
            session.files_dir.mkdir(exist_ok=True)
            ref = await session.persist_file(name=file.filename or "file", mime=file.content_type or "text/csv",
                                             path=empty.name)
        return JSONResponse(content=ref)

    # This module uses postponed annotations; FastAPI needs the real types of a function made in here.
    upload_or_empty.__annotations__ = {"current_user": UserParam, "session_id": str, "file": UploadFile,
                                       "ask_parent_id": Optional[str]}
    app.router.routes.insert(0, APIRoute("/project/file", upload_or_empty, methods=["POST"]))
