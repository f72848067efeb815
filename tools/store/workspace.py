"""The workspace: one SQLite file (path from ``--db`` / ``PEERBENCH_DB``).

tools/ is the only package that touches it. Connections are per thread (Chainlit
runs sync work in worker threads), in WAL mode with a busy timeout; writes go
through :meth:`Workspace.write`, one ``BEGIN IMMEDIATE`` transaction: all or nothing.

The handle also carries the caller's :class:`Scope` (which conversation is asking, and
the peer groups it was already shown). The shared handle has a scope of its own (the
CLI's); a conversation works through ``ws.with_scope(its scope)``, a view sharing the
connections, so one chat's state never reaches another chat.
"""

from __future__ import annotations

import contextlib
import copy
import datetime as dt
import os
import sqlite3
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from sqlite_utils import Database

from tools.store.migrations import migrations

DEFAULT_DB = "workspace/peerbench.db"
BUSY_TIMEOUT_MS = 10_000


def default_db_path() -> Path:
    return Path(os.environ.get("PEERBENCH_DB") or DEFAULT_DB)


def now_iso() -> str:
    return dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat()


@dataclass
class Scope:
    """The caller's side of a tool call: who asks, and which peer groups they were shown.

    ``shown_groups`` feeds the differencing guard (two aggregates over groups that differ
    by a few accounts would reveal those accounts); ``known_accounts`` are the accounts this
    caller was shown by name with their own values (the accounts compared), which reveal
    nothing when two groups differ by them.
    """

    key: str = "workspace"
    shown_groups: list[frozenset[int]] = field(default_factory=list)
    known_accounts: set[int] = field(default_factory=set)


class Workspace:
    """A handle on the workspace file; cheap to share between threads."""

    def __init__(self, path: str | Path | None = None):
        self.path = Path(path) if path is not None else default_db_path()
        self._local = threading.local()
        self._migrate_lock = threading.Lock()
        self._migrated = False
        self.scope = Scope()

    def with_scope(self, scope: Scope) -> Workspace:
        """The same workspace (same connections) seen by another caller."""
        view = copy.copy(self)
        view.scope = scope
        return view

    @property
    def reports_dir(self) -> Path:
        """Exports live beside the database, never at a user-chosen path."""
        folder = self.path.parent / "reports"
        folder.mkdir(parents=True, exist_ok=True)
        return folder

    @property
    def uploads_dir(self) -> Path:
        folder = self.path.parent / "uploads"
        folder.mkdir(parents=True, exist_ok=True)
        return folder

    @property
    def db(self) -> Database:
        """This thread's connection, migrated on first use."""
        db = getattr(self._local, "db", None)
        if db is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(str(self.path), timeout=BUSY_TIMEOUT_MS / 1000)
            conn.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA foreign_keys=ON")
            db = Database(conn, execute_plugins=False)
            self._local.db = db
            self._migrate(db)
        return db

    def _migrate(self, db: Database) -> None:
        with self._migrate_lock:
            if not self._migrated:
                migrations.apply(db)
                self._migrated = True

    @contextlib.contextmanager
    def write(self) -> Iterator[Database]:
        """One ``BEGIN IMMEDIATE`` transaction; rolled back whole on any error."""
        db = self.db
        if db.conn.in_transaction:  # nested: join the outer transaction
            with db.atomic():
                yield db
            return
        db.conn.execute("BEGIN IMMEDIATE")
        try:
            yield db
        except BaseException:
            db.conn.execute("ROLLBACK")
            raise
        else:
            db.conn.execute("COMMIT")

    def query(self, sql: str, params: tuple | dict = ()) -> list[dict]:
        return list(self.db.query(sql, params))

    def close(self) -> None:
        db = getattr(self._local, "db", None)
        if db is not None:
            db.close()
            self._local.db = None

    def get_setting(self, key: str, default: str | None = None) -> str | None:
        rows = self.query("SELECT value FROM settings WHERE key = ?", (key,))
        return rows[0]["value"] if rows else default

    def today(self) -> dt.date:
        """The workspace's "today": the ``as_of`` setting when set, else the real date.

        The demo workspace pins it to the date its goal statuses were built for,
        so "on track" does not drift to "missed" as the calendar moves on.
        """
        pinned = self.get_setting("as_of")
        return dt.date.fromisoformat(pinned) if pinned else dt.date.today()

    def set_setting(self, key: str, value: str) -> None:
        with self.write() as db:
            db["settings"].upsert({"key": key, "value": value}, pk="key")
