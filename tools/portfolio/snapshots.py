"""Snapshots: each compare_portfolio run stored per account, so position over time can be shown."""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Callable

import numpy as np
import pandas as pd

from analytics.catalog import KEYS
from tools.base import rounded_list
from tools.portfolio.positions import Positions
from tools.store.workspace import Workspace

SNAPSHOT_FIELDS = ("value", "peer_percentile", "benchmark_percentile")
#: Positional layouts of ``metrics_json``: layout 1 is the catalog order when it was
#: written. A catalog that grows gets a new layout; stored rows keep decoding.
SNAPSHOT_LAYOUTS: dict[int, tuple[str, ...]] = {1: (
    "health_score", "nps", "csat", "adoption_score", "engagement_score", "dau_mau", "feature_adoption",
    "user_activation", "session_minutes", "integrations", "time_to_value_days", "roi", "outcomes_achieved",
    "expansion_rate", "seat_growth", "renewal_rate", "net_revenue_retention", "support_tickets_per_user",
    "self_service_rate", "stakeholders", "meetings_per_month", "training_hours")}
SNAPSHOT_LAYOUT = max(k for k, v in SNAPSHOT_LAYOUTS.items() if v == KEYS) if KEYS in SNAPSHOT_LAYOUTS.values() else None


def write_snapshot(ws: Workspace, pos: Positions, rows: np.ndarray, run_id: str, taken_at: str) -> int:
    """Store one snapshot row per account: its overall position and a small per-metric record;
    nothing when the last stored run holds the same (:func:`fingerprint`). Returns the rows written.

    ``metrics_json`` is ``{"layout": 1, "value": [...], "peer_percentile": [...],
    "benchmark_percentile": [...]}``, one entry per catalog metric in the layout's
    order (null where missing), about 400 bytes; :func:`snapshot_metrics` decodes
    it. Built with pandas' C JSON writer: ``json.dumps`` per row is several times
    slower at 10k accounts.
    """
    if SNAPSHOT_LAYOUT is None:  # pragma: no cover - a catalog change without a new layout
        raise RuntimeError("the metric catalog changed: add its order to SNAPSHOT_LAYOUTS")
    if not len(rows):
        return 0
    digest = fingerprint(pos, rows)
    if _stored_already(ws, digest, int(pos.ids[rows[0]])):
        return 0
    bench = pos.bset["name"] if pos.bset else None
    with ws.write() as db:
        for part in np.array_split(rows, -(-len(rows) // SNAPSHOT_CHUNK)):  # rows built a part at a time
            db.conn.executemany(
                "INSERT INTO snapshots (run_id, taken_at, period, customer_id, benchmark_set, cohort, "
                "overall_percentile, composite, benchmark_composite, metrics_json) VALUES (?,?,?,?,?,?,?,?,?,?)",
                _records(pos, part, run_id, taken_at, bench))
        db.conn.execute("INSERT INTO snapshot_runs (run_id, taken_at, fingerprint, accounts) VALUES (?, ?, ?, ?)",
                        (run_id, taken_at, digest, len(rows)))
    return len(rows)


#: Snapshot rows built and inserted at a time: a 100k-account run's 45 MB of rows never held at once
#: (about 140 MB of peak memory less).
SNAPSHOT_CHUNK = 10_000


def _records(pos: Positions, rows: np.ndarray, run_id: str, taken_at: str, bench: str | None) -> list[tuple]:
    columns = [_json_rows(pos.values[rows], 4), _json_rows(pos.cohort_pct[rows], 1), _json_rows(pos.bench_pct[rows], 1)]
    template = '{"layout":%d' % SNAPSHOT_LAYOUT + "".join(f',"{f}":[%s]' for f in SNAPSHOT_FIELDS) + "}"
    blobs = [template % parts for parts in zip(*columns)]
    overall, comp, bcomp = (rounded_list(a[rows], 4) for a in (pos.overall, pos.composite, pos.bench_composite))
    return [(run_id, taken_at, pos.period, cid, bench, f"segment:{g}", o, c, b, blob) for cid, g, o, c, b, blob
            in zip(pos.ids[rows].tolist(), pos.group[rows].tolist(), overall, comp, bcomp, blobs)]


def fingerprint(pos: Positions, rows: np.ndarray) -> str:
    """A digest of everything a snapshot stores for ``rows`` (accounts, peer groups, values, percentiles,
    composites, benchmark set, month, layout): equal digests, equal snapshots."""
    h = hashlib.blake2b(digest_size=20)
    h.update(json.dumps([SNAPSHOT_LAYOUT, pos.period, pos.bset["name"] if pos.bset else None]).encode())
    h.update("\x1f".join(pos.group[rows].tolist()).encode())
    for a in (pos.ids, pos.values, pos.cohort_pct, pos.bench_pct, pos.overall, pos.composite, pos.bench_composite):
        h.update(np.ascontiguousarray(a[rows]).tobytes())
    return h.hexdigest()


def _stored_already(ws: Workspace, digest: str, first_id: int) -> bool:
    """Whether the last stored run has this digest and its rows are still there (the demo rebuild
    empties snapshots): a repeated run on unchanged data adds nothing to the history."""
    last = ws.db.conn.execute("SELECT run_id, fingerprint FROM snapshot_runs ORDER BY rowid DESC LIMIT 1").fetchone()
    if last is None or last[1] != digest:
        return False
    return ws.db.conn.execute("SELECT 1 FROM snapshots WHERE customer_id = ? AND run_id = ? LIMIT 1",
                              (first_id, last[0])).fetchone() is not None


def start_snapshot(ws: Workspace, pos: Positions, rows: np.ndarray, run_id: str, taken_at: str) -> Callable[[], int]:
    """:func:`write_snapshot` on a worker thread with its own connection; returns ``wait()``
    (the rows written; re-raises the write's error). SQLite writes and commits without the GIL,
    so a 100k-account snapshot (about 45 MB of rows) is stored while the comparison's lists are
    built. Inside a transaction of this thread (a tracked write) it is written here and now,
    in that transaction, as before.
    """
    if ws.db.conn.in_transaction:
        n = write_snapshot(ws, pos, rows, run_id, taken_at)
        return lambda: n
    done: dict = {}

    def work() -> None:
        try:
            done["rows"] = write_snapshot(ws, pos, rows, run_id, taken_at)
        except BaseException as exc:  # handed to wait()
            done["error"] = exc
        finally:
            ws.close()  # this thread's connection only

    worker = threading.Thread(target=work, name="peerbench-snapshot", daemon=False)
    worker.start()

    def wait() -> int:
        worker.join()
        if "error" in done:
            raise done["error"]
        return done["rows"]
    return wait


#: "0.0" ... "100.0" and "null": a percentile to one decimal as pandas' JSON writer spells it.
_TENTHS = np.array([f"{k / 10:.1f}" for k in range(1001)] + ["null"], dtype=object)


def _json_rows(matrix: np.ndarray, decimals: int) -> list[str]:
    """Each row of a float matrix as the inside of a JSON array ('1.5,null,3.0').

    Percentiles (one decimal, 0-100) are looked up in :data:`_TENTHS`, about 2.5x faster
    than the JSON writer and the same text; anything else goes through the writer.
    """
    if len(matrix) == 0:
        return []
    matrix = np.round(matrix, decimals)
    if decimals == 1:
        tenths = np.rint(matrix * 10)
        if not ((tenths < 0) | (tenths > 1000)).any():  # NaN compares False: it becomes null
            codes = np.where(np.isnan(tenths), len(_TENTHS) - 1, tenths).astype(np.int64)
            return [",".join(row) for row in _TENTHS[codes].tolist()]
    text = pd.DataFrame(matrix).to_json(orient="values", double_precision=decimals)
    return text[2:-2].split("],[")


def snapshot_metrics(metrics_json: str | None) -> dict[str, dict[str, float | None]]:
    """A stored ``metrics_json`` as metric -> {value, peer_percentile, benchmark_percentile}."""
    if not metrics_json:
        return {}
    data = json.loads(metrics_json)
    keys = SNAPSHOT_LAYOUTS.get(data.get("layout"), ())
    return {k: {f: data[f][j] for f in SNAPSHOT_FIELDS} for j, k in enumerate(keys) if data["value"][j] is not None}
