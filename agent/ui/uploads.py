"""Attached files: copied into the workspace before Chainlit's session files vanish.

Chainlit keeps an upload under ``.files/<session>/`` with an extension taken from
the browser's MIME type (a CSV sent as ``application/vnd.ms-excel`` lands as
``.xls``) and deletes it when the session ends.

Uploads Chainlit itself refuses (an empty file, one over the size limit, a type not
accepted) used to end in a toast "Upload failed" while the message went on without
the file and was answered from older data. :func:`install_upload_guard` puts a route
in front of Chainlit's upload endpoint: such a file is recorded as *refused* (an empty
placeholder, no content kept) with the reason, so the message that carries it is
answered with that reason and nothing else. The name and MIME type come from
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
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tools.ingest.reader import sniff_format

MAX_FILES = 3
MAX_BYTES = 10 * 1024 * 1024  # the limit; the browser sends up to max_size_mb (50) so that we can say so
REFUSED_MIME = "application/x-peerbench-refused"
NOT_ANSWERED = ("Nothing was imported, and your question was not answered: it would have used the data already "
                "loaded, not this file.")
_refused: dict[str, str] = {}  # placeholder file id -> why the upload was refused (until its message arrives)


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
    reason = _refused.pop(str(getattr(element, "id", "") or ""), None)
    if reason is not None or getattr(element, "mime", None) == REFUSED_MIME:
        raise UploadRejected(reason or f"'{display}' could not be uploaded. {NOT_ANSWERED}")
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
        raise UploadRejected(empty_text(display))
    fmt = sniff_format(head)
    if fmt not in ("csv", "xlsx"):
        raise UploadRejected(f"'{display}' is not a CSV or Excel (.xlsx) file: it looks like {fmt}. "
                             "Save it as .csv or .xlsx and attach it again. Nothing was imported.")
    return source, display, fmt


def empty_text(name: str) -> str:
    return (f"'{name}' is empty (0 bytes). {NOT_ANSWERED} Attach a CSV or XLSX file with a header row and "
            "data rows, and ask again.")


def refusal(name: str, size: int | None, accepted: bool) -> str | None:
    """Why an upload cannot be used before its content is read (None when it can)."""
    if size == 0:
        return empty_text(name)
    if size is not None and size > MAX_BYTES:
        return (f"'{name}' is {size / 1_048_576:.1f} MB; the limit is {MAX_BYTES // 1_048_576} MB. {NOT_ANSWERED}")
    if not accepted:
        return (f"'{name}' is not a CSV or Excel (.xlsx) file. Save it as .csv or .xlsx and attach it again. "
                f"{NOT_ANSWERED}")
    return None


def install_upload_guard(app: Any) -> None:
    """Answer uploads that Chainlit would refuse with a placeholder that carries the reason.

    The route is inserted before Chainlit's ``POST /project/file``; every other upload goes
    to Chainlit's own handler unchanged (its session and user checks included).
    """
    from chainlit import server as cs
    from chainlit.session import WebsocketSession
    from fastapi import HTTPException, UploadFile
    from fastapi.routing import APIRoute

    routes = [r for r in (*cs.router.routes, *app.router.routes) if isinstance(r, APIRoute)]
    target = next((r for r in routes if r.path.endswith("/project/file") and "POST" in r.methods), None)
    if target is None or any(getattr(r.endpoint, "_peerbench_guard", False) for r in app.router.routes
                             if isinstance(r, APIRoute)):
        return

    async def upload_or_refuse(current_user, session_id, file, ask_parent_id=None):
        name = Path(file.filename or "file").name
        try:
            cs.validate_file_upload(file, spec=None)
            accepted = True
        except ValueError:
            accepted = False
        size = file.size if file.size is not None else None
        reason = refusal(name, size, accepted) if ask_parent_id is None else None
        if reason is None:
            return await cs.upload_file(current_user, session_id, file, ask_parent_id)
        session = WebsocketSession.get_by_id(session_id)
        if not session:
            raise HTTPException(status_code=404, detail="Session not found")
        if current_user and (not session.user or session.user.identifier != current_user.identifier):
            raise HTTPException(status_code=401, detail="You are not authorized to upload files for this session")
        await file.close()  # the content is not kept
        with tempfile.TemporaryDirectory() as tmp:
            empty = Path(tmp) / "refused"
            empty.touch()
            ref = await session.persist_file(name=name, mime=REFUSED_MIME, path=str(empty))
        _refused[ref["id"]] = reason
        while len(_refused) > 1000:  # never answered (the tab closed): forget the oldest
            _refused.pop(next(iter(_refused)))
        return ref

    # Real objects, not strings: this module uses postponed annotations and FastAPI reads these.
    upload_or_refuse.__annotations__ = {"current_user": cs.UserParam, "session_id": str, "file": UploadFile,
                                        "ask_parent_id": str | None}
    upload_or_refuse._peerbench_guard = True  # type: ignore[attr-defined]
    # First in the app's own list: matched before Chainlit's routes (kept in an included router).
    app.router.routes.insert(0, APIRoute(target.path, upload_or_refuse, methods=["POST"]))
