"""Files posted to the API: received with the chat's limits and content checks, then imported.

The multipart body is capped by the route (FastAPI's ``max_body_size``); the file part is then
streamed to disk and counted, so a file over :data:`agent.ui.uploads.MAX_BYTES` is refused with
413 without being held in memory. :func:`agent.ui.uploads.stage_files` then applies exactly the
chat's checks (size, empty, CSV or XLSX by content) and gives the file its own folder in the
workspace; on any failure the copy is removed and nothing is imported.
"""

from __future__ import annotations

import secrets
import shutil
from dataclasses import dataclass
from pathlib import Path

from fastapi import UploadFile

from agent.api.problems import ProblemError
from agent.ui.uploads import MAX_BYTES, StagedFile, stage_files
from tools.store.workspace import Workspace

MULTIPART_OVERHEAD = 64 * 1024  # boundaries, part headers and the small form fields
BODY_LIMIT = MAX_BYTES + MULTIPART_OVERHEAD  # an upload route's request body
JSON_BODY_LIMIT = 1024 * 1024                # every other route's (set on each router)
CHUNK = 1 << 20


@dataclass(frozen=True)
class Received:
    """What stage_files reads: the client's file name (untrusted) and where the bytes are."""

    name: str
    path: Path


def receive(upload: UploadFile, ws: Workspace) -> StagedFile:
    name = Path(upload.filename or "upload").name or "upload"
    incoming = ws.uploads_dir / f"incoming-{secrets.token_hex(6)}"
    incoming.mkdir(parents=True)
    try:
        raw = incoming / "upload.bin"
        size = 0
        with raw.open("wb") as out:
            while chunk := upload.file.read(CHUNK):
                size += len(chunk)
                if size > MAX_BYTES:
                    raise ProblemError(413, "File too large", f"'{name}' is over {MAX_BYTES // 1_048_576} MB, the "
                                       "limit for uploads. Nothing was imported.", slug="too-large")
                out.write(chunk)
        return stage_files([Received(name, raw)], ws.uploads_dir)[0]
    finally:
        shutil.rmtree(incoming, ignore_errors=True)


def discard(staged: StagedFile) -> None:
    """Remove a staged copy whose import failed (as the chat does)."""
    shutil.rmtree(staged.path.parent, ignore_errors=True)
