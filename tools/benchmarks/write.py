"""Writing benchmark sets: store one atomically, and the user's controls over stored sets.

The user decides which set is active (the default for questions that name none), what
a set is called, and which source is primary where several cover one metric and scope.
Nothing here changes a set without being asked: a new set becomes active only when the
caller says so or when no set is active yet (:func:`store_set`).
"""

from __future__ import annotations

from collections.abc import Callable

from tools.base import ToolError
from tools.benchmarks.sets import benchmark_set, owner_of
from tools.store.workspace import now_iso


def duplicate_of(ws, checksum: str) -> dict | None:
    """The stored set loaded from a file with this SHA-256, if any."""
    rows = ws.query("SELECT * FROM benchmark_sets WHERE owner = ? AND checksum = ? ORDER BY id DESC LIMIT 1",
                    (owner_of(ws), checksum))
    return rows[0] if rows else None


def active_name(ws) -> str | None:
    rows = ws.query("SELECT name FROM benchmark_sets WHERE owner = ? AND active = 1 ORDER BY id DESC LIMIT 1",
                    (owner_of(ws),))
    return rows[0]["name"] if rows else None


def store_set(ws, record: dict, rows: list[tuple], peers: list[tuple], activate: bool | None,
              summary_json: Callable[[bool], str]) -> bool:
    """Replace-or-insert the set called ``record["name"]`` with its rows, in one transaction.

    ``rows`` are (metric, segment label, scope_key, scope_json, stat, quantile, value, sample_size,
    source, year, label, sample_note, seq); ``peers`` (peer, segment, metric, value).
    ``activate``: True makes it the only active set, False leaves the active set alone,
    None activates it when no other set is active (or it replaces the active set).
    ``summary_json(active)`` gives the stored summary once that is known. Returns whether it is active.
    """
    owner = owner_of(ws)
    with ws.write() as db:
        old = db.execute("SELECT id, active FROM benchmark_sets WHERE owner = ? AND name = ? COLLATE NOCASE",
                         (owner, record["name"])).fetchall()
        others_active = db.execute("SELECT count(*) FROM benchmark_sets WHERE owner = ? AND active = 1 "
                                   "AND name != ? COLLATE NOCASE", (owner, record["name"])).fetchone()[0]
        was_active = any(a for _, a in old)
        active = activate if activate is not None else (was_active or not others_active)
        for (old_id, _) in old:
            db.execute("DELETE FROM benchmark_rows WHERE set_id = ?", (old_id,))
            db.execute("DELETE FROM benchmark_peers WHERE set_id = ?", (old_id,))
            db.execute("DELETE FROM benchmark_sets WHERE id = ?", (old_id,))
        record = {**record, "owner": owner, "loaded_at": now_iso(), "active": int(bool(active)),
                  "summary_json": summary_json(bool(active))}
        if old:
            record["id"] = old[0][0]  # keep the id: snapshots and reports may point at it
        set_id = db["benchmark_sets"].insert(record).last_pk
        if active:
            db.execute("UPDATE benchmark_sets SET active = 0 WHERE owner = ? AND id != ?", (owner, set_id))
        db.conn.executemany(
            "INSERT INTO benchmark_rows (set_id, metric, segment, scope_key, scope_json, stat, quantile, value, "
            "sample_size, source, year, label, sample_note, seq) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [(set_id, *r) for r in rows])
        db.conn.executemany("INSERT INTO benchmark_peers (set_id, peer, segment, metric, value) VALUES (?, ?, ?, ?, ?)",
                            [(set_id, *p) for p in peers])
    return bool(active)


def activate_set(ws, name: str) -> dict:
    """Make the set called ``name`` the only active one; returns it (ToolError if unknown)."""
    bset = benchmark_set(ws, name)
    with ws.write() as db:
        db.execute("UPDATE benchmark_sets SET active = (id = ?) WHERE owner = ?", (bset["id"], owner_of(ws)))
    return benchmark_set(ws, bset["name"])


def rename_set(ws, name: str, new_name: str) -> dict:
    """Give a set a human name (shown in answers and reports); the new name must be free."""
    bset = benchmark_set(ws, name)
    new_name = " ".join(new_name.split())
    if not new_name:
        raise ToolError("A benchmark set needs a name.")
    clash = ws.query("SELECT id FROM benchmark_sets WHERE owner = ? AND name = ? COLLATE NOCASE AND id != ?",
                     (owner_of(ws), new_name, bset["id"]))
    if clash:
        raise ToolError(f"A benchmark set is already called '{new_name}'. Choose another name.")
    with ws.write() as db:
        db.execute("UPDATE benchmark_sets SET name = ? WHERE id = ?", (new_name, bset["id"]))
        for table in ("snapshots", "reports"):
            db.execute(f"UPDATE {table} SET benchmark_set = ? WHERE benchmark_set = ?", (new_name, bset["name"]))
    return benchmark_set(ws, new_name)


def prefer_source(ws, name: str, source: str | None) -> dict:
    """Make ``source`` the primary reference of the set where it covers a metric and scope (None: the default rule)."""
    bset = benchmark_set(ws, name)
    if source:
        known = [r["source"] for r in ws.query("SELECT DISTINCT source FROM benchmark_rows WHERE set_id = ? "
                                               "AND source IS NOT NULL ORDER BY source", (bset["id"],))]
        match = next((s for s in known if s.casefold() == source.strip().casefold()), None) or next(
            (s for s in known if source.strip().casefold() in s.casefold()), None)
        if match is None:
            raise ToolError(f"The set '{bset['name']}' has no source '{source}'."
                            + (f" Its sources: {', '.join(known)}." if known else " It names no sources."),
                            suggestions=known[:5])
        source = match
    with ws.write() as db:
        db.execute("UPDATE benchmark_sets SET prefer_source = ? WHERE id = ?", (source, bset["id"]))
    return benchmark_set(ws, bset["name"])
