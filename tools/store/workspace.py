"""The workspace: one SQLite file (path from ``--db`` / ``PEERBENCH_DB``).

tools/ is the only package that touches it. Connections are per thread (Chainlit
runs sync work in worker threads), in WAL mode with a busy timeout; writes go
through :meth:`Workspace.write`, one ``BEGIN IMMEDIATE`` transaction: all or nothing.

The handle also carries the caller's :class:`Scope`: who is asking ("cli" for the shared
handle; "conversation:<id>" for a chat, "token:<id>" for an API token, through
``ws.with_scope``, a view sharing the connections). The peer groups a scope was shown
aggregates for are logged in the workspace (table ``shown_groups``, kept
:data:`SHOWN_FOR`), so the differencing guard remembers them across CLI runs and processes,
and one chat's groups never reach another chat.
"""

from __future__ import annotations

import contextlib
import copy
import datetime as dt
import json
import os
import random
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from sqlite_utils import Database

from tools.store.migrations import migrations

DEFAULT_DB = "workspace/peerbench.db"
BUSY_TIMEOUT_MS = 10_000
SHOWN_FOR = dt.timedelta(hours=24)   # how long a shown peer group counts for the differencing guard


def default_db_path() -> Path:
    return Path(os.environ.get("PEERBENCH_DB") or DEFAULT_DB)


def now_iso() -> str:
    return dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat()


@dataclass(frozen=True)
class Scope:
    """Who is asking: the key the workspace files the peer groups this caller was shown under
    (the differencing guard: two aggregates over groups that differ by a few accounts would
    reveal those accounts). "cli", "token:<id>" (API), "conversation:<id>" (chat)."""

    key: str = "cli"
    known_accounts: set[int] = field(default_factory=set)  # shown by name with their own values (in memory)


def _enable_wal(conn: sqlite3.Connection) -> None:
    """Switch the file to WAL (persistent: later opens find it set), retrying while busy.

    Switching a new file to WAL needs an exclusive lock and SQLite reports "database is
    locked" at once, without waiting on the busy timeout, when another process holds a lock:
    8 processes opening a brand-new workspace together lost 9 of 480 opens that way. So the
    switch is retried, a few milliseconds apart, for up to the busy timeout.
    """
    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    while True:
        try:
            conn.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.005 + random.random() * 0.02)


def apply_migrations(db: Database) -> None:
    """Apply the pending migrations, safe when several processes open a new workspace at once.

    The pending list is read first without a lock (the common case: nothing to do). Otherwise
    the migrations run in one ``BEGIN IMMEDIATE`` transaction: the first process to take the
    write lock applies them all, the others wait (busy timeout), then find nothing pending when
    sqlite-utils checks again inside their own transaction. All or nothing: a failing migration
    leaves the file as it was. (A migration registered ``transactional=False``, e.g. VACUUM,
    cannot run this way; none is.)
    """
    if not migrations.pending(db):
        return
    db.conn.execute("BEGIN IMMEDIATE")
    try:
        migrations.apply(db)  # re-reads what is pending, now under the lock
    except BaseException:
        db.conn.execute("ROLLBACK")
        raise
    db.conn.execute("COMMIT")


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
            _enable_wal(conn)
            conn.execute("PRAGMA foreign_keys=ON")
            db = Database(conn, execute_plugins=False)
            self._local.db = db
            self._migrate(db)
        return db

    def _migrate(self, db: Database) -> None:
        with self._migrate_lock:
            if not self._migrated:
                apply_migrations(db)
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

    def column(self, sql: str, params: tuple | dict = ()) -> list:
        """The first column of a query's rows: plain values, without a dict per row (a 100k-row
        column in 40 ms rather than 110 ms)."""
        return [r[0] for r in self.db.conn.execute(sql, params).fetchall()]

    def query(self, sql: str, params: tuple | dict = ()) -> list[dict]:
        return list(self.db.query(sql, params))

    def close(self) -> None:
        db = getattr(self._local, "db", None)
        if db is not None:
            db.close()
            self._local.db = None

    # ---- the differencing guard's log ------------------------------------------------------------

    @contextlib.contextmanager
    def shown_groups(self) -> Iterator[tuple[list[frozenset[int]], Callable[[frozenset[int]], None]]]:
        """(groups this scope was shown in the last :data:`SHOWN_FOR`, a function recording one more),
        inside one write transaction, so a check and its record are one step for every process."""
        now = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
        since = (now - SHOWN_FOR).isoformat()
        with self.write() as db:
            db.execute("DELETE FROM shown_groups WHERE shown_at < ?", [since])
            rows = db.execute("SELECT id, members_json FROM shown_groups WHERE scope = ? ORDER BY id",
                              [self.scope.key]).fetchall()
            shown = {frozenset(json.loads(m)): i for i, m in rows}

            def record(group: frozenset[int]) -> None:
                if group in shown:
                    db.execute("UPDATE shown_groups SET shown_at = ? WHERE id = ?", [now.isoformat(), shown[group]])
                else:
                    db["shown_groups"].insert({"scope": self.scope.key, "members_json": json.dumps(sorted(group)),
                                               "size": len(group), "shown_at": now.isoformat()})
            yield list(shown), record

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
