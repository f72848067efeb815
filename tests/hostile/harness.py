"""Trying a hostile file against a workspace, and the concurrency scenarios, as plain functions.

The pytest modules assert on them; ``python -m tests.hostile`` runs them all and prints the
figures (files tried, refused cleanly, database unchanged, concurrent operations, failures).
"""

from __future__ import annotations

import hashlib
import multiprocessing
import shutil
import sqlite3
import traceback
from dataclasses import dataclass
from pathlib import Path

from tests.hostile.files import Case, base_files
from tools.base import ToolError
from tools.ingest.load import load_file
from tools.store.workspace import Workspace


def checksum(path: Path) -> str:
    """SHA-256 of the database's full SQL dump (schema and every row), read on a fresh connection.

    A dump, not the file's bytes: WAL checkpoints rewrite pages without changing any data.
    """
    conn = sqlite3.connect(path)
    try:
        return hashlib.sha256("\n".join(conn.iterdump()).encode()).hexdigest()
    finally:
        conn.close()


def data_checksum(ws: Workspace) -> str:
    """SHA-256 of the workspace's dump without the audit of tool calls (written for refused calls too)."""
    lines = [ln for ln in ws.db.conn.iterdump() if "tool_calls" not in ln]
    return hashlib.sha256("\n".join(lines).encode()).hexdigest()


def build_base(folder: Path) -> Path:
    """A workspace holding two accounts, a goal and a benchmark set, imported from valid files."""
    db = folder / "base" / "peerbench.db"
    ws = Workspace(db)
    try:
        for path in base_files(folder / "base_files"):
            load_file(ws, path)
    finally:
        ws.close()
    return db


@dataclass
class Outcome:
    case: Case
    refused: bool          # a ToolError (never another exception), naming the file
    located: bool          # the message names the expected row and column and says what it must
    unchanged: bool        # the database dump is identical afterwards
    message: str

    @property
    def clean(self) -> bool:
        return self.refused and self.located and self.unchanged


def try_file(db: Path, case: Case, folder: Path) -> Outcome:
    """Import ``case``'s file into the workspace at ``db`` through the upload entry point."""
    path = case.build(folder)
    before = checksum(db)
    ws = Workspace(db)
    refused, message = False, ""
    try:
        load_file(ws, path, kind=case.kind, display_name=case.name)
        message = "accepted"
    except ToolError as exc:
        refused, message = case.name in exc.message, exc.message
    except Exception:  # a crash is the defect this suite looks for: record it, do not raise
        message = "crash: " + traceback.format_exc()
    finally:
        ws.close()
        path.unlink(missing_ok=True)
    return Outcome(case, refused, _located(case, message), checksum(db) == before, message)


def _located(case: Case, message: str) -> bool:
    lines = message.splitlines()
    where = [w for w in (f"row {case.row}" if case.row else None,
                         f"column '{case.column}'" if case.column else None) if w]
    hit = any(all(w in line for w in where) and all(s in line for s in case.says) for line in lines)
    printable = all(ch in "\t\n" or ch >= " " for ch in message) and "\x7f" not in message
    return hit and printable  # the message itself never carries a control character


# --- real concurrent processes ---------------------------------------------------------------

PROCESSES = 8


def _portfolio_rows(n: int) -> str:
    return "name,segment,arr,nps\n" + "".join(f"New Account {i:03d},SMB,{10_000 + i},{i % 90}\n" for i in range(n))


def _import_worker(db: str, path: str, barrier, results) -> None:
    ws = Workspace(db)
    try:
        barrier.wait(timeout=30)
        out = load_file(ws, path)
        results.put(("ok", out.accounts_created, out.accounts_updated))
    except BaseException as exc:  # report, never hang the parent
        results.put(("error", f"{type(exc).__name__}: {exc}", 0))
    finally:
        ws.close()


def _open_worker(db: str, barrier, results) -> None:
    try:
        barrier.wait(timeout=30)
        ws = Workspace(db)
        n = ws.query("SELECT COUNT(*) AS n FROM customers")[0]["n"]
        ws.set_setting("opened", "yes")
        ws.close()
        results.put(("ok", n, 0))
    except BaseException as exc:
        results.put(("error", f"{type(exc).__name__}: {exc}", 0))


def _run(target, args_for, n: int) -> list[tuple]:
    """Start ``n`` processes released together by a barrier; their results (bounded waits)."""
    ctx = multiprocessing.get_context("fork")  # children inherit the imported modules: fast start
    barrier, results = ctx.Barrier(n), ctx.Queue()
    procs = [ctx.Process(target=target, args=(*args_for(k), barrier, results)) for k in range(n)]
    for p in procs:
        p.start()
    out = [results.get(timeout=60) for _ in procs]
    for p in procs:
        p.join(timeout=30)
    return out


def concurrent_imports(folder: Path, accounts: int = 40) -> tuple[list[tuple], int]:
    """8 processes importing the same new accounts into one workspace at once.
    Returns their results and the number of accounts stored afterwards."""
    db = folder / "race" / "peerbench.db"
    shutil.rmtree(db.parent, ignore_errors=True)
    _fresh(db)
    path = folder / "race_accounts.csv"
    path.write_text(_portfolio_rows(accounts))
    results = _run(_import_worker, lambda k: (str(db), str(path)), PROCESSES)
    ws = Workspace(db)
    stored = ws.query("SELECT COUNT(*) AS n FROM customers WHERE name LIKE 'New Account %'")[0]["n"]
    ws.close()
    shutil.rmtree(db.parent)
    return results, stored


def _fresh(db: Path) -> None:
    ws = Workspace(db)
    ws.query("SELECT 1")  # migrated by the parent: this scenario races the imports only
    ws.close()


def concurrent_first_opens(folder: Path) -> tuple[list[tuple], list[str]]:
    """8 processes opening the same brand-new (not yet existing) workspace at once.
    Returns their results and the migrations recorded (each must appear once)."""
    db = folder / "fresh" / "peerbench.db"
    shutil.rmtree(db.parent, ignore_errors=True)
    results = _run(_open_worker, lambda k: (str(db),), PROCESSES)
    conn = sqlite3.connect(db)
    names = [r[0] for r in conn.execute("SELECT name FROM _sqlite_migrations ORDER BY id")]
    conn.close()
    shutil.rmtree(db.parent)
    return results, names
