"""Chat history: Chainlit's SQLAlchemy data layer, a local identity, stored chat files.

- **Where:** ``PEERBENCH_HISTORY_URL`` (an SQLAlchemy async URL, e.g.
  ``postgresql+asyncpg://user:pw@host/db`` for a team) or, by default, the main workspace
  file through aiosqlite: one file holds the data and its conversations. Threads, steps,
  elements and feedback are Chainlit's tables (``tools.chat.schema``), created by a
  workspace migration for SQLite and at start for any other database.
- **Who:** history needs an authenticated user. With sign-in on, it is the signed-in user
  (``agent.ui.auth``); with sign-in off, every visitor is the one local user
  (:data:`LOCAL_USER`, through Chainlit's header callback), who works in the main
  workspace as before. Chainlit shows each user only their own threads, and refuses to
  resume, rename or delete another's.
- **Files:** charts and downloads shown in a chat are kept by :class:`LocalFileStorage`
  under ``<workspace folder>/chat_files/<user id>/`` (``PEERBENCH_CHAT_FILES`` to move it)
  and served back, to their owner only, at ``/peerbench/files/...``.
- **Token secret:** Chainlit signs its session cookie with ``CHAINLIT_AUTH_SECRET``; when it
  is not set, one is made once and kept beside the workspace (mode 600), so ``make run``
  needs no setup and a restart keeps everyone signed in.
"""

from __future__ import annotations

import asyncio
import logging
import os
import secrets
import threading
from pathlib import Path
from typing import Any
from urllib.parse import quote

from tools.chat.schema import history_url as chat_history_url
from tools.store.workspace import Workspace, default_db_path

log = logging.getLogger(__name__)

LOCAL_USER = "local"           # the identity of everyone when sign-in is off
LOCAL_PROVIDER = "local"
FILES_ROUTE = "/peerbench/files"


def main_db() -> Path:
    return default_db_path().resolve()


def history_url() -> str:
    """The database of the chat history (an SQLAlchemy async URL)."""
    return chat_history_url(main_db())


def files_root() -> Path:
    return Path(os.environ.get("PEERBENCH_CHAT_FILES") or main_db().parent / "chat_files").resolve()


def ensure_auth_secret() -> None:
    """Set CHAINLIT_AUTH_SECRET from a secret kept beside the workspace when it is not set."""
    if os.environ.get("CHAINLIT_AUTH_SECRET"):
        return
    path = main_db().parent / ".chainlit_auth_secret"
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        secret = path.read_text(encoding="utf-8").strip()
    else:
        secret = secrets.token_urlsafe(48)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(secret)
    os.environ["CHAINLIT_AUTH_SECRET"] = secret


def is_local(user: Any) -> bool:
    """The shared local identity (sign-in off), which works in the main workspace."""
    meta = getattr(user, "metadata", None) or {}
    return getattr(user, "identifier", None) == LOCAL_USER and meta.get("provider") == LOCAL_PROVIDER


def local_user():
    import chainlit as cl

    return cl.User(identifier=LOCAL_USER, display_name="You", metadata={"provider": LOCAL_PROVIDER})


def prepare_schema() -> None:
    """Create the chat tables where the history lives (SQLite: the workspace's own migrations)."""
    url = history_url()
    if url.startswith("sqlite"):
        ws = Workspace(main_db())
        try:
            ws.db  # opening applies the migrations, the chat tables among them
        finally:
            ws.close()
        return
    from tools.chat.schema import ensure_schema

    # Called from Chainlit's data-layer factory, possibly inside its event loop: a thread of its own.
    worker = threading.Thread(target=asyncio.run, args=(ensure_schema(url),), name="peerbench-chat-schema")
    worker.start()
    worker.join()


def data_layer():
    """Chainlit's SQLAlchemy data layer over :func:`history_url`, keeping files locally."""
    from chainlit.data.sql_alchemy import SQLAlchemyDataLayer

    prepare_schema()
    return SQLAlchemyDataLayer(conninfo=history_url(), storage_provider=LocalFileStorage(files_root()))


def _storage_base():
    from chainlit.data.storage_clients.base import BaseStorageClient

    return BaseStorageClient


class LocalFileStorage(_storage_base()):
    """Chainlit element files on the local disk, under ``root/<user id>/<element id>/<name>``."""

    def __init__(self, root: Path):
        self.root = Path(root)

    def path_of(self, object_key: str) -> Path:
        path = (self.root / object_key).resolve()
        if not path.is_relative_to(self.root.resolve()) or path == self.root.resolve():
            raise ValueError(f"object key outside the store: {object_key!r}")
        return path

    async def upload_file(self, object_key: str, data: bytes | str, mime: str = "application/octet-stream",
                          overwrite: bool = True, content_disposition: str | None = None) -> dict[str, Any]:
        path = self.path_of(object_key)
        if path.exists() and not overwrite:
            return {"object_key": object_key, "url": await self.get_read_url(object_key)}
        payload = data.encode() if isinstance(data, str) else data
        await asyncio.to_thread(_write, path, payload)
        return {"object_key": object_key, "url": await self.get_read_url(object_key)}

    async def delete_file(self, object_key: str) -> bool:
        try:
            path = self.path_of(object_key)
            await asyncio.to_thread(path.unlink, True)
            return True
        except (OSError, ValueError):
            return False

    async def get_read_url(self, object_key: str) -> str:
        return route_prefix() + FILES_ROUTE + "/" + quote(object_key)

    async def close(self) -> None:
        return None


def _write(path: Path, payload: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".part")
    tmp.write_bytes(payload)
    os.replace(tmp, path)


def route_prefix() -> str:
    """Where Chainlit is served (``chainlit run`` at /, or mounted under a path in a bigger app)."""
    parent = os.environ.get("CHAINLIT_PARENT_ROOT_PATH", "")
    own = os.environ.get("CHAINLIT_ROOT_PATH", "")
    return (parent.rstrip("/") + "/" + own.strip("/")).rstrip("/")


def register_file_route(storage_root: Path | None = None) -> None:
    """Serve stored chat files to their owner at FILES_ROUTE (ahead of Chainlit's catch-all page route)."""
    from chainlit.auth import get_current_user
    from chainlit.server import app
    from fastapi import Depends, HTTPException
    from fastapi.responses import FileResponse
    from fastapi.routing import APIRoute

    if any(getattr(r, "path", "") == FILES_ROUTE + "/{key:path}" for r in app.router.routes):
        return
    store = LocalFileStorage(storage_root or files_root())

    async def chat_file(key: str, user=Depends(get_current_user)):
        if user is None or not await owns_file(getattr(user, "id", None), key):
            raise HTTPException(status_code=404, detail="Not found")
        try:
            path = store.path_of(key)
        except ValueError:
            raise HTTPException(status_code=404, detail="Not found") from None
        if not path.is_file():
            raise HTTPException(status_code=404, detail="Not found")
        return FileResponse(path, filename=path.name, headers={"Cache-Control": "private, max-age=3600"})

    app.router.routes.insert(0, APIRoute(FILES_ROUTE + "/{key:path}", chat_file, methods=["GET"]))


async def owns_file(user_id: str | None, object_key: str) -> bool:
    """Whether ``object_key`` is an element of one of ``user_id``'s threads.

    Asked of the database, not read from the key: Chainlit names the key after the thread's
    user, but an element sent before the thread's first save is filed under "unknown".
    """
    from chainlit.data import get_data_layer

    layer = get_data_layer()
    if not user_id or layer is None:
        return False
    rows = await layer.execute_sql(
        'SELECT t."userId" AS owner FROM elements e JOIN threads t ON t."id" = e."threadId" '
        'WHERE e."objectKey" = :key', {"key": object_key})
    return isinstance(rows, list) and any(str(r.get("owner")) == str(user_id) for r in rows)
