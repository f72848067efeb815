"""A columnar copy of every account's latest metric values, kept in the workspace (m014).

Reading the latest values of a 100k-account book back from ``metric_values`` steps SQLite
through 1.2M rows (about 0.5 s) on every command. The first read after a change stores them
as three blobs in ``columnar_cache`` (account ids, the accounts x metrics matrix of float64,
and a small JSON header); later reads are one query and a zero-copy ``numpy.frombuffer``
(about 10 ms at 100k accounts).

Invalidation is the database's job, so no writer has to know about the cache: triggers on
``metric_values`` empty ``columnar_cache`` on any insert, update or delete (undo, goals,
the demo, another process). A bulk import (:func:`bulk_values_write`) drops those triggers
for its own transaction, empties the cache itself, and puts the same triggers back before it
commits: a per-row trigger would add about 0.6 s to a 1.2M-value import.
"""

from __future__ import annotations

import contextlib
import json
import secrets
import sqlite3
from collections.abc import Callable, Iterator

import numpy as np
from pydantic_core import from_json, to_json

from tools.store.collector import collector_paused

TABLE = "columnar_cache"
LAYOUT = 2  # bump when the blobs' meaning changes: an old cache is then rebuilt, not misread
_NAMES = ("latest:meta", "latest:ids", "latest:values")

Latest = tuple[np.ndarray, np.ndarray, "str | None"]  # (ids, accounts x keys matrix, period)


def cached_latest(ws, keys: tuple[str, ...], build: Callable[[], Latest]) -> Latest:
    """(ids, matrix, period): from the cache, else ``build()``-t and stored for the next read
    (:func:`_cached`)."""
    return _cached(ws, lambda conn: _read(conn, keys), build,
                   lambda conn, built: store_latest(conn, keys, *built))


def cached_customers(ws, columns: tuple[str, ...], build: Callable[[], dict[str, list]]) -> dict[str, list]:
    """The ``customers`` table as {column: values in id order}: from the cache (one JSON blob,
    about 35 ms at 100k accounts against 150 ms for stepping SQLite through the rows), else
    ``build()``-t and stored. Triggers on ``customers`` (m016) empty the cache on any change.
    A table holding a blob (JSON has no bytes) is not cached."""
    return _cached(ws, lambda conn: _read_customers(conn, columns), build,
                   lambda conn, built: _store_customers(conn, columns, built))


def _cached(ws, read: Callable, build: Callable, store: Callable):
    """``read(conn)`` if the cache holds it, else ``build()`` stored by ``store(conn, built)`` in one
    write transaction (re-checking the cache under the lock, so nothing built from data another
    process changed meanwhile is stored); where the workspace cannot be written (read-only file,
    lock held too long) the built figures are returned without storing them."""
    found = read(ws.db.conn)
    if found is not None:
        return found
    try:
        with collector_paused(), ws.write() as db:  # 10^6 row tuples at 1M accounts: no collection
            found = read(db.conn)
            if found is not None:
                return found
            built = build()
            store(db.conn, built)
            return built
    except sqlite3.OperationalError:  # read-only or busy: figures without the cache
        return build()


_CUSTOMER_NAMES = ("customers:meta", "customers:columns")


def _blobs(conn: sqlite3.Connection, names: tuple[str, ...], field: str,
           expected: tuple[str, ...]) -> tuple[dict, dict[str, bytes]] | None:
    """(meta, {name: blob}) of a cached entry (``names[0]`` its JSON header), or None when an entry is
    missing or was stored by another layout or for other ``expected`` keys/columns."""
    rows = dict(conn.execute(f"SELECT name, data FROM {TABLE} WHERE name IN ({', '.join('?' * len(names))})",
                             names).fetchall())
    if len(rows) != len(names):
        return None
    meta = json.loads(rows[names[0]])
    if meta.get("layout") != LAYOUT or tuple(meta.get(field, ())) != expected:
        return None
    return meta, rows


def _read_customers(conn: sqlite3.Connection, columns: tuple[str, ...]) -> dict[str, list] | None:
    found = _blobs(conn, _CUSTOMER_NAMES, "columns", columns)
    return None if found is None else from_json(found[1]["customers:columns"])


def _store_customers(conn: sqlite3.Connection, columns: tuple[str, ...], data: dict[str, list]) -> None:
    """Stored unless a cell is a blob (JSON has no bytes; one scan by SQLite, not a test per value);
    an infinite number is written as JSON's ``Infinity`` constant and read back as it was."""
    blob = " OR ".join(f"typeof({c}) = 'blob'" for c in columns)
    if conn.execute(f"SELECT 1 FROM customers WHERE {blob} LIMIT 1").fetchone():
        return
    meta = json.dumps({"layout": LAYOUT, "columns": list(columns)})
    conn.executemany(f"INSERT OR REPLACE INTO {TABLE} (name, data) VALUES (?, ?)",
                     list(zip(_CUSTOMER_NAMES, (meta, to_json(data, inf_nan_mode="constants")))))


def _read(conn: sqlite3.Connection, keys: tuple[str, ...]) -> Latest | None:
    found = _blobs(conn, _NAMES, "keys", keys)
    if found is None:
        return None
    meta, rows = found
    ids = np.frombuffer(rows["latest:ids"], dtype=np.int64)
    matrix = np.frombuffer(rows["latest:values"], dtype=np.float64).reshape(len(ids), len(keys))
    return ids, matrix, meta.get("period")


def cached_period(conn: sqlite3.Connection) -> str | None:
    """The latest period of ``metric_values`` as the current cache of latest values recorded it
    (``MAX(period)``, the same query), or None when there is no cache (or it recorded none)."""
    return (_latest_meta(conn) or {}).get("period")


def values_generation(conn: sqlite3.Connection) -> str | None:
    """A token naming the current state of ``metric_values``: it changes whenever a value does
    (the cache it belongs to is emptied by the triggers and rebuilt with a new one), so figures
    read from the values can be kept in memory under it. None when there is no cache yet."""
    return (_latest_meta(conn) or {}).get("generation")


def _latest_meta(conn: sqlite3.Connection) -> dict | None:
    row = conn.execute(f"SELECT data FROM {TABLE} WHERE name = 'latest:meta'").fetchone()
    meta = json.loads(row[0]) if row is not None else None
    return meta if meta and meta.get("layout") == LAYOUT else None


def store_latest(conn: sqlite3.Connection, keys: tuple[str, ...], ids: np.ndarray, matrix: np.ndarray,
                 period: str | None) -> None:
    """Store latest values in the caller's write transaction: what :func:`cached_latest` built, or
    what a writer already holds after its last write to ``metric_values`` (they must be what a read
    of the table would give)."""
    meta = json.dumps({"layout": LAYOUT, "keys": list(keys), "period": period, "accounts": len(ids),
                       "generation": secrets.token_hex(8)})
    blobs = (meta, _blob(ids, np.int64), _blob(matrix, np.float64))
    conn.executemany(f"INSERT OR REPLACE INTO {TABLE} (name, data) VALUES (?, ?)", list(zip(_NAMES, blobs)))


def _blob(array: np.ndarray, dtype) -> memoryview:
    """The array's bytes for SQLite to copy, without a copy of our own when it is laid out already
    (the 1M-account matrix is 180 MB)."""
    return memoryview(np.ascontiguousarray(array, dtype=dtype).reshape(-1)).cast("B")  # flat: (0, 22) cannot cast


@contextlib.contextmanager
def bulk_values_write(conn: sqlite3.Connection) -> Iterator[None]:
    """Inside the caller's write transaction: ``metric_values``' cache triggers off for a bulk
    write, the cache emptied, the same triggers (their stored SQL) back on before the commit.
    On an error the caller's rollback restores the triggers with everything else."""
    triggers = conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = "
                            "'metric_values' AND name LIKE 'columnar_%'").fetchall()
    conn.execute(f"DELETE FROM {TABLE}")
    for name, _ in triggers:
        conn.execute(f'DROP TRIGGER "{name}"')
    yield
    for _, sql in triggers:
        conn.execute(sql)
