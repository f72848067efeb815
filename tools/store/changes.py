"""What a write changes, row by row: a preview before it is saved, and an undo after.

:func:`track` runs a write (any function writing through the workspace) inside one
``BEGIN IMMEDIATE`` transaction with temporary triggers on the workspace's tables that
record every row it inserts, updates or deletes (old and new values, typed as stored;
``REPLACE`` and cascades included). The caller's ``decide(change)`` then commits or rolls
back: a dry run (preview) rolls back, a confirmed write commits. Nothing about a tool is
assumed: the same tracking serves goals, milestones, benchmark sets and file imports.

:func:`undo` reverts a committed :class:`Change` in one transaction, newest row change
first, and refuses (changing nothing) when a row was changed again since, by anyone.
A change is kept in the ``undo_log`` table (:func:`keep` / :func:`kept`), one per
conversation: only the last change can be undone.
"""

from __future__ import annotations

import json
import secrets
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from tools.base import ToolError
from tools.store.workspace import Workspace, now_iso

#: Tables never tracked: bookkeeping written beside a change (audit rows, the chat's own
#: tables, comparison snapshots, the report registry) and the undo log itself.
UNTRACKED = {"tool_calls", "undo_log", "snapshots", "reports", "users", "threads", "steps", "elements",
             "feedbacks", "goal_changes_seen", "columnar_cache", "snapshot_runs"}
#: Columns that only record when something happened: a row differing only in them is unchanged.
STAMPS = {"created_at", "updated_at", "loaded_at"}
#: Columns that pick one row among several (the active benchmark set): switching them adds no data and
#: removes none, so an import doing it is not "replacing" (it is still shown, and undone by undo).
SELECTORS = {"active"}
MAX_UNDO_ROWS = 200_000  # a bigger change is applied but cannot be undone (said so)

NOUNS = {"goals": "goal", "goal_measurements": "goal measurement", "milestones": "milestone",
         "benchmark_sets": "benchmark set", "benchmark_rows": "benchmark figure", "benchmark_peers": "benchmark peer row",
         "customers": "account", "metric_values": "metric value", "settings": "setting", "cohorts": "saved peer group",
         "practices": "practice note", "stakeholders": "stakeholder", "shares": "customer share link",
         "goal_changes": "goal status change", "goal_quotes": "goal quote", "key_results": "key result",
         "key_result_measurements": "key result measurement"}
NAME_COLUMNS = ("name", "title", "key", "peer", "metric")


@dataclass
class RowChange:
    table: str
    op: str                        # "insert" | "update" | "delete"
    old: dict[str, Any] | None     # the row before (update, delete)
    new: dict[str, Any] | None     # the row after (insert, update)


@dataclass
class Change:
    rows: list[RowChange] = field(default_factory=list)
    keys: dict[str, list[str]] = field(default_factory=dict)   # table -> primary key columns ([] = rowid)

    def net(self) -> list[RowChange]:
        """Row changes that change something (an update touching only time stamps does not)."""
        return [r for r in self.rows if r.op != "update" or _differs(r.old, r.new)]

    def replaces(self) -> bool:
        """Whether existing data would be changed or removed (not only added); a delete-and-reinsert
        of the same row with the same values (re-importing an identical file) is no change."""
        gone = {(r.table, _key(r.old, self.keys.get(r.table))): r.old for r in self.rows if r.op == "delete"}
        back = {(r.table, _key(r.new, self.keys.get(r.table))): r.new for r in self.rows if r.op == "insert"}
        if any(k not in back or _differs(v, back[k]) for k, v in gone.items()):
            return True
        return any(r.op == "update" and r.old is not None and _differs(r.old, r.new, skip=STAMPS | SELECTORS)
                   for r in self.rows)

    def describe(self, limit: int = 8) -> list[str]:
        """What the change does, in lines a person reads: each row for a few, counts for many."""
        net = self.net()
        if not net:
            return []
        if len(net) <= limit:
            return [_row_line(r) for r in net]
        counts = Counter((r.table, r.op) for r in net)
        return [f"{_count(n, NOUNS.get(t, t.replace('_', ' ')))} {_past(op)}" for (t, op), n in counts.items()]

    def to_json(self) -> str:
        return json.dumps({"keys": self.keys, "rows": [[r.table, r.op, r.old, r.new] for r in self.rows]})

    @classmethod
    def from_json(cls, text: str) -> Change:
        data = json.loads(text)
        return cls(rows=[RowChange(*r) for r in data["rows"]], keys=data["keys"])


def track(ws: Workspace, fn: Callable[[], Any], decide: Callable[[Change], bool]) -> tuple[Any, Change, bool]:
    """Run ``fn()`` in one transaction, recording its row changes; commit when ``decide(change)``.

    Returns (fn's result, the change, committed). Must run on one thread (the workspace's
    connection is per thread). An error in ``fn`` rolls back and propagates.
    """
    db = ws.db
    conn = db.conn
    if conn.in_transaction:
        raise RuntimeError("track() must start its own transaction")
    tables = _tables(conn)
    conn.execute("BEGIN IMMEDIATE")
    committed = False
    try:
        conn.execute("PRAGMA recursive_triggers = ON")  # REPLACE's implicit deletes fire the triggers
        _install(conn, tables)
        result = fn()
        change = _read(conn, tables)
        _uninstall(conn, tables)
        if decide(change):
            conn.execute("COMMIT")
            committed = True
    finally:
        if not committed and conn.in_transaction:
            conn.execute("ROLLBACK")
        conn.execute("PRAGMA recursive_triggers = OFF")
        if not committed:
            _uninstall(conn, tables)  # temporary objects made inside the rolled-back transaction are gone; be sure
    return result, change, committed


def undo(ws: Workspace, change: Change) -> list[str]:
    """Revert ``change`` (newest first) in one transaction; what was undone, as :meth:`Change.describe` says.

    Raises ToolError, changing nothing, when a row is no longer as the change left it.
    """
    with ws.write() as db:
        conn = db.conn
        for r in reversed(change.rows):
            keys = change.keys.get(r.table) or []
            if r.op in ("insert", "update"):
                current = _fetch(conn, r.table, keys, r.new)
                if current is None or _differs(current, r.new, stamps=False):
                    raise ToolError(f"Cannot undo: {_describe_row(r.table, r.new)} was changed again since. "
                                    "Nothing was undone.")
            if r.op == "insert":
                _delete(conn, r.table, keys, r.new)
            elif r.op == "update":
                where, params = _where(keys, r.new)
                cols = list(r.old)
                conn.execute(f"UPDATE {_q(r.table)} SET {', '.join(f'{_q(c)} = ?' for c in cols)} WHERE {where}",
                             [r.old[c] for c in cols] + params)
            else:
                if _fetch(conn, r.table, keys, r.old) is not None:
                    raise ToolError(f"Cannot undo: {_describe_row(r.table, r.old)} was added again since. "
                                    "Nothing was undone.")
                cols = list(r.old)
                conn.execute(f"INSERT INTO {_q(r.table)} ({', '.join(map(_q, cols))}) "
                             f"VALUES ({', '.join('?' * len(cols))})", [r.old[c] for c in cols])
    return change.describe()


def keep(ws: Workspace, conversation: str, change: Change, summary: str) -> str | None:
    """Store ``change`` as ``conversation``'s last change (replacing its earlier one); its id, or None
    when it is too big to keep."""
    if len(change.rows) > MAX_UNDO_ROWS:
        return None
    change_id = secrets.token_hex(8)
    with ws.write() as db:
        db.execute("DELETE FROM undo_log WHERE conversation = ?", (conversation,))
        db["undo_log"].insert({"id": change_id, "conversation": conversation, "created_at": now_iso(),
                               "summary": summary, "change_json": change.to_json()})
    return change_id


def kept(ws: Workspace, conversation: str, change_id: str) -> Change | None:
    rows = ws.query("SELECT change_json FROM undo_log WHERE id = ? AND conversation = ?", (change_id, conversation))
    return Change.from_json(rows[0]["change_json"]) if rows else None


def forget(ws: Workspace, conversation: str) -> None:
    with ws.write() as db:
        db.execute("DELETE FROM undo_log WHERE conversation = ?", (conversation,))


# ---------------------------------------------------------------------------
# triggers


def _tables(conn) -> dict[str, list[str]]:
    """{table: columns} of the workspace tables tracked."""
    names = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE "
                                        "'sqlite_%' AND name NOT LIKE '\\_%' ESCAPE '\\'")]
    return {t: [c[1] for c in conn.execute(f"PRAGMA table_info({_q(t)})")] for t in names if t not in UNTRACKED}


def _pk(conn, table: str) -> list[str]:
    cols = sorted((c[5], c[1]) for c in conn.execute(f"PRAGMA table_info({_q(table)})") if c[5])
    return [name for _, name in cols]


def _install(conn, tables: dict[str, list[str]]) -> None:
    conn.execute("CREATE TEMP TABLE IF NOT EXISTS _chg_log (seq INTEGER PRIMARY KEY, tbl TEXT, op TEXT)")
    for t, cols in tables.items():
        shadow = _q(f"_chg_{t}")
        conn.execute(f"CREATE TEMP TABLE IF NOT EXISTS {shadow} (_seq INTEGER, _side TEXT, "
                     + ", ".join(_q(c) for c in cols) + ")")
        for op, sides in (("INSERT", ("NEW",)), ("UPDATE", ("OLD", "NEW")), ("DELETE", ("OLD",))):
            body = f"INSERT INTO _chg_log (tbl, op) VALUES ('{t}', '{op.lower()}'); "
            for side in sides:
                values = ", ".join(f"{side}.{_q(c)}" for c in cols)
                body += f"INSERT INTO {shadow} VALUES ((SELECT max(seq) FROM _chg_log), '{side.lower()}', {values}); "
            conn.execute(f"CREATE TEMP TRIGGER {_q(f'_chg_{t}_{op.lower()}')} AFTER {op} ON main.{_q(t)} "
                         f"BEGIN {body} END")


def _uninstall(conn, tables: dict[str, list[str]]) -> None:
    for t in tables:
        for op in ("insert", "update", "delete"):
            conn.execute(f"DROP TRIGGER IF EXISTS temp.{_q(f'_chg_{t}_{op}')}")
        conn.execute(f"DROP TABLE IF EXISTS temp.{_q(f'_chg_{t}')}")
    conn.execute("DROP TABLE IF EXISTS temp._chg_log")


def _read(conn, tables: dict[str, list[str]]) -> Change:
    log = conn.execute("SELECT seq, tbl, op FROM temp._chg_log ORDER BY seq").fetchall()
    sides: dict[tuple[int, str], dict[str, Any]] = {}
    for t, cols in tables.items():
        for row in conn.execute(f"SELECT * FROM temp.{_q(f'_chg_{t}')}"):
            sides[(row[0], row[1])] = dict(zip(cols, row[2:]))
    change = Change(keys={t: _pk(conn, t) for t in {tbl for _, tbl, _ in log}})
    for seq, tbl, op in log:
        change.rows.append(RowChange(tbl, op, sides.get((seq, "old")), sides.get((seq, "new"))))
    return change


# ---------------------------------------------------------------------------
# rows


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _key(row: dict | None, keys: list[str] | None) -> tuple:
    row = row or {}
    return tuple(row.get(k) for k in keys) if keys else tuple(sorted(row.items(), key=lambda kv: kv[0]))


def _differs(a: dict | None, b: dict | None, stamps: bool = True, skip: set[str] | None = None) -> bool:
    a, b = a or {}, b or {}
    skip = skip if skip is not None else (STAMPS if stamps else set())
    return any(a.get(k) != b.get(k) for k in set(a) | set(b) if k not in skip)


def _where(keys: list[str], row: dict) -> tuple[str, list]:
    cols = keys or list(row)
    return " AND ".join(f"{_q(c)} IS ?" for c in cols), [row[c] for c in cols]


def _fetch(conn, table: str, keys: list[str], row: dict) -> dict | None:
    where, params = _where(keys, row)
    cur = conn.execute(f"SELECT * FROM {_q(table)} WHERE {where} LIMIT 1", params)
    found = cur.fetchone()
    return dict(zip([d[0] for d in cur.description], found)) if found else None


def _delete(conn, table: str, keys: list[str], row: dict) -> None:
    where, params = _where(keys, row)
    conn.execute(f"DELETE FROM {_q(table)} WHERE {where}", params)


def _describe_row(table: str, row: dict | None) -> str:
    row = row or {}
    name = next((row[c] for c in NAME_COLUMNS if row.get(c) not in (None, "")), None)
    noun = NOUNS.get(table, table.replace("_", " "))
    return f"{noun} '{name}'" if name is not None else f"a {noun}"


def _shown(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:g}"
    text = str(value)
    return text if len(text) <= 40 else text[:39] + "…"


def _row_line(r: RowChange) -> str:
    what = _describe_row(r.table, r.new or r.old)
    if r.op == "insert":
        fields = [f"{k.replace('_', ' ')} {_shown(v)}" for k, v in (r.new or {}).items()
                  if v not in (None, "") and not _plumbing(k) and k not in NAME_COLUMNS[:2]]
        return f"Add {what}" + (f": {', '.join(fields[:8])}" if fields else "")
    if r.op == "delete":
        return f"Remove {what}"
    diffs = [f"{k.replace('_', ' ')} {_shown(r.old.get(k))} → {_shown(v)}" for k, v in (r.new or {}).items()
             if (r.old or {}).get(k) != v and k not in STAMPS and not k.endswith("_json")]
    return f"Change {what}: {', '.join(diffs)}"


def _plumbing(column: str) -> bool:
    return column == "id" or column.endswith("_id") or column.endswith("_json") or column in STAMPS


def _count(n: int, noun: str) -> str:
    return f"{n:,} {noun}{'' if n == 1 else 's'}"


def _past(op: str) -> str:
    return {"insert": "added", "update": "changed", "delete": "removed"}[op]
