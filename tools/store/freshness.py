"""How fresh the data behind an answer is: the latest metric period and the last import.

Every answer header says "data as of 2026-10 (imported 5 Dec 2026)": the latest period
with a metric value, and the latest time customer data or a benchmark set was written.
"""

from __future__ import annotations

from dataclasses import dataclass

from reports.format import fmt_date
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


def data_as_of(ws: Workspace) -> DataAsOf:
    """The latest metric period and import time (one scan of metric_values' key, two small maxima)."""
    conn = ws.db.conn
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    period = conn.execute("SELECT MAX(period) FROM metric_values").fetchone()[0] if "metric_values" in tables else None
    stamps = [conn.execute(f"SELECT MAX({col}) FROM {table}").fetchone()[0]
              for table, col in (("customers", "updated_at"), ("benchmark_sets", "loaded_at")) if table in tables]
    stamps = [s for s in stamps if s]
    return DataAsOf(period=period, imported_at=max(stamps) if stamps else None)
