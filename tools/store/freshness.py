"""How fresh the data behind an answer is: the latest metric period and the last import.

Every answer header says "data as of 2026-10 (imported 5 Dec 2026)": the latest period
with a metric value, and the latest time customer data or a benchmark set was written.
"""

from __future__ import annotations

from dataclasses import dataclass

from reports.format import fmt_date
from tools.store.columnar import cached_period
from tools.store.workspace import Workspace


@dataclass(frozen=True)
class DataAsOf:
    period: str | None        # latest metric period (YYYY-MM)
    imported_at: str | None   # latest customer or benchmark write (ISO timestamp)

    def text(self) -> str:
        """'data as of 2026-10 (imported 5 Dec 2026)'; '' when the workspace has no data."""
        if not self.period and not self.imported_at:
            return ""
        head = f"data as of {self.period}" if self.period else "data"
        return head + (f" (imported {fmt_date(self.imported_at)})" if self.imported_at else "")


_CACHE: dict[tuple, DataAsOf] = {}


def data_as_of(ws: Workspace) -> DataAsOf:
    """The latest metric period and import time, read again only after the database changed.

    MAX(period) scans metric_values (its key starts with the customer), about 20 ms per 100k
    values: every answer shows this line, so it is kept until a write (SQLite's ``data_version``
    for other connections' commits, ``total_changes`` for this connection's).
    """
    conn = ws.db.conn
    key = (str(ws.path), conn.execute("PRAGMA data_version").fetchone()[0], conn.total_changes)
    if key not in _CACHE:
        if len(_CACHE) > 64:
            _CACHE.clear()
        _CACHE[key] = _read(conn)
    return _CACHE[key]


def _read(conn) -> DataAsOf:
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    period = cached_period(conn) if "columnar_cache" in tables else None  # known without a scan of every value
    if period is None and "metric_values" in tables:
        period = conn.execute("SELECT MAX(period) FROM metric_values").fetchone()[0]
    stamps = [conn.execute(f"SELECT MAX({col}) FROM {table}").fetchone()[0]
              for table, col in (("customers", "updated_at"), ("benchmark_sets", "loaded_at")) if table in tables]
    stamps = [s for s in stamps if s]
    return DataAsOf(period=period, imported_at=max(stamps) if stamps else None)
