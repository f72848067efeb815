"""Reading the workspace into DataFrames and arrays for the analytics (read-only helpers)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from analytics.catalog import ARR_BANDS, KEYS
from tools.store.columnar import cached_customers, cached_latest, values_generation
from tools.store.workspace import Workspace

NO_SEGMENT = "(no segment)"  # the peer group of accounts without a segment
CUSTOMER_COLUMNS = ["id", "name", "industry", "segment", "arr", "region", "contract_start", "csm", "employees"]
#: SQL for a metric_values row's catalog index (-1 for a metric not in the catalog), so a
#: scan returns numbers only.
METRIC_CODE = "CASE metric " + " ".join(f"WHEN '{k}' THEN {j}" for j, k in enumerate(KEYS)) + " ELSE -1 END"
#: The latest-values scan packs (customer id, catalog index) into one integer,
#: ``customer_id * _SLOTS + index``: two columns a row instead of three (about 12% faster).
#: An index of _SLOTS - 1 (from -1) is a metric not in the catalog.
_SLOTS = 64
assert len(KEYS) < _SLOTS - 1
_PACKED = np.dtype([("cell", "i8"), ("value", "f8")])
_PACKED_LATEST = np.dtype([("cell", "i8"), ("value", "f8"), ("latest", "i8")])


def customers_frame(ws: Workspace) -> pd.DataFrame:
    """All accounts, indexed by id, with a derived ``arr_band`` column."""
    df = _customers(ws, CUSTOMER_COLUMNS)
    df["arr_band"] = arr_bands(df["arr"].to_numpy())
    return df


def _customers(ws: Workspace, columns: list[str]) -> pd.DataFrame:
    """The customers table's ``columns`` (id first) as a frame indexed by id, ``arr`` numeric; read
    from the columnar cache (:func:`tools.store.columnar.cached_customers`) when it is current."""
    data = cached_customers(ws, tuple(CUSTOMER_COLUMNS), lambda: _customer_columns(ws))
    df = pd.DataFrame({c: data[c] for c in columns} if data["id"] else [], columns=columns).set_index("id")
    df["arr"] = pd.to_numeric(df["arr"], errors="coerce").astype("float64")
    return df


def _customer_columns(ws: Workspace) -> dict[str, list]:
    rows = ws.db.conn.execute(f"SELECT {', '.join(CUSTOMER_COLUMNS)} FROM customers ORDER BY id").fetchall()
    return {c: list(v) for c, v in zip(CUSTOMER_COLUMNS, zip(*rows))} if rows else {c: [] for c in CUSTOMER_COLUMNS}


def arr_bands(arr: np.ndarray) -> list[str | None]:
    """:func:`analytics.catalog.arr_band` of each value, one vector test per band (the first band
    containing the value wins, as in arr_band; NaN and uncovered values get None)."""
    out = np.full(len(arr), None, dtype=object)
    free = np.ones(len(arr), dtype=bool)
    with np.errstate(invalid="ignore"):
        for label, lo, hi in ARR_BANDS:
            hit = free & (lo <= arr) & (arr < hi)
            out[hit] = label
            free &= ~hit
    return out.tolist()


def peer_groups(segments: pd.Series) -> np.ndarray:
    """Each account's peer group: its segment, or NO_SEGMENT when it has none."""
    return segments.fillna(NO_SEGMENT).replace("", NO_SEGMENT).to_numpy(dtype=object)


def customers_table(ws: Workspace) -> pd.DataFrame:
    """id (index), name, segment, industry, arr, region, employees: customers_frame without the ARR bands."""
    return _customers(ws, ["id", "name", "segment", "industry", "arr", "region", "employees"])


def latest_metrics(ws: Workspace) -> pd.DataFrame:
    """Latest value of every catalog metric per account (index: customer id).

    The latest value is the one at the account's most recent period for that
    metric; columns are all catalog keys (NaN where an account has no value).
    Rows are the accounts with at least one value, in id order.
    """
    ids, matrix, _ = latest_matrix(ws)
    if not len(ids):
        return pd.DataFrame().reindex(columns=list(KEYS)).astype("float64")
    return pd.DataFrame(matrix.copy(), index=pd.Index(ids, name="customer_id"), columns=list(KEYS))


def latest_values(ws: Workspace, ids: np.ndarray) -> tuple[np.ndarray, str | None]:
    """(accounts x KEYS matrix of latest values, latest period) for the customer ids, in order.

    The same rule as :func:`latest_metrics`, as a matrix aligned with ``ids``.
    """
    out = np.full((len(ids), len(KEYS)), np.nan)
    have, matrix, period = latest_matrix(ws)
    if not len(have):
        return out, None
    r = pd.Index(ids).get_indexer(have)
    keep = r >= 0
    out[r[keep]] = matrix[keep]
    return out, period


def latest_matrix(ws: Workspace) -> tuple[np.ndarray, np.ndarray, str | None]:
    """(ids of the accounts with a value, in id order; their accounts x KEYS latest values; the
    latest period), from the workspace's columnar cache (:mod:`tools.store.columnar`) when it is
    current, else read from ``metric_values`` and cached. The matrix is read-only."""
    return cached_latest(ws, tuple(KEYS), lambda: _latest_from_rows(ws))


def _latest_from_rows(ws: Workspace) -> tuple[np.ndarray, np.ndarray, str | None]:
    cid, col, value, period = _latest_cells(ws)
    if not len(cid):
        return np.array([], dtype=np.int64), np.empty((0, len(KEYS))), None
    ids = np.unique(cid)
    out = np.full((len(ids), len(KEYS)), np.nan)
    out[np.searchsorted(ids, cid), col] = value
    return ids, out, period


def _latest_cells(ws: Workspace) -> tuple[np.ndarray, np.ndarray, np.ndarray, str | None]:
    """(customer id, catalog index, value) of each account's latest value per metric; the latest period.

    One scan returning numbers only. With a single period (a fresh import) every row is
    its (account, metric)'s latest. With several, ``GROUP BY customer_id, metric`` follows
    the table's key order (no sort) and, with exactly one ``MAX(period)`` in the query,
    SQLite takes the bare columns from that row: the latest value (SQLite's documented
    min/max bare-column rule; the max is unique per group since the period is in the key).
    Faster than returning every period's row once there are 2+ periods.
    """
    empty = np.array([], dtype=np.int64)
    first, period = _period_range(ws)
    if period is None:
        return empty, empty, np.array([]), None
    cell = f"customer_id * {_SLOTS} + {METRIC_CODE}"
    if first == period:
        sql, dtype = f"SELECT {cell}, value FROM metric_values WHERE value IS NOT NULL", _PACKED
    else:
        sql = (f"SELECT {cell}, value, MAX(period) IS NOT NULL FROM metric_values "
               "WHERE value IS NOT NULL GROUP BY customer_id, metric")
        dtype = _PACKED_LATEST
    data = np.fromiter(ws.db.conn.execute(sql), dtype=dtype)
    if not len(data):
        return empty, empty, np.array([]), None
    cid, col = np.divmod(data["cell"], _SLOTS)
    known = col < len(KEYS)
    return cid[known], col[known], data["value"][known], period


def _period_range(ws: Workspace) -> tuple[str | None, str | None]:
    """(first, latest) period in metric_values: one scan of the table, 15-20 ms at 220k values
    (no index on period: keeping one up to date would cost every import far more)."""
    return ws.db.conn.execute("SELECT MIN(period), MAX(period) FROM metric_values").fetchone()


_CUBES: dict[tuple, tuple[list[str], np.ndarray]] = {}
_CUBES_KEPT = 4
_CUBE_MAX_BYTES = 32 * 2**20


def history_cube(ws: Workspace, ids: np.ndarray) -> tuple[list[str], np.ndarray]:
    """(periods, accounts x KEYS x periods) of values as of each month: the latest value
    reported up to that month (carried forward), as :func:`latest_values` does for the last.

    Kept in memory (read-only) while ``metric_values`` is unchanged (:func:`values_generation`):
    a batch of reports reads the same peer group's history for each of its accounts, 60 ms a time.
    """
    generation = values_generation(ws.db.conn)
    key = (str(ws.path), generation, np.asarray(ids, dtype=np.int64).tobytes())
    if generation is not None and key in _CUBES:
        return _CUBES[key]
    periods, cube = _history_cube(ws, ids)
    if generation is not None and cube.nbytes <= _CUBE_MAX_BYTES:
        cube.flags.writeable = False
        if len(_CUBES) >= _CUBES_KEPT:
            _CUBES.pop(next(iter(_CUBES)))
        _CUBES[key] = periods, cube
    return periods, cube


def _history_cube(ws: Workspace, ids: np.ndarray) -> tuple[list[str], np.ndarray]:
    marks = ",".join("?" * len(ids))
    rows = ws.db.conn.execute(f"SELECT customer_id, {METRIC_CODE}, period, value FROM metric_values "
                              f"WHERE value IS NOT NULL AND customer_id IN ({marks})",
                              [int(i) for i in ids]).fetchall() if len(ids) else []
    if not rows:
        return [], np.full((len(ids), len(KEYS), 0), np.nan)
    cid, metric, period, value = zip(*rows)
    pcode, periods = pd.factorize(pd.Index(period, dtype=object), sort=True)
    cube = np.full((len(ids), len(KEYS), len(periods)), np.nan)
    r, c = pd.Index(ids).get_indexer(np.asarray(cid)), np.asarray(metric, dtype=np.int64)
    ok = (r >= 0) & (c >= 0)
    cube[r[ok], c[ok], pcode[ok]] = np.asarray(value, dtype="float64")[ok]
    idx = np.where(np.isnan(cube), 0, np.arange(len(periods)))
    np.maximum.accumulate(idx, axis=2, out=idx)
    return [str(p) for p in periods], np.take_along_axis(cube, idx, axis=2)


def metric_history(ws: Workspace, customer_ids: list[int] | None = None) -> pd.DataFrame:
    """Monthly history in long form: customer_id, metric, period (YYYY-MM), value."""
    sql = "SELECT customer_id, metric, period, value FROM metric_values"
    params: tuple = ()
    if customer_ids is not None:
        sql += f" WHERE customer_id IN ({', '.join('?' * len(customer_ids))})"
        params = tuple(customer_ids)
    df = pd.DataFrame(ws.query(sql + " ORDER BY customer_id, metric, period", params),
                      columns=["customer_id", "metric", "period", "value"])
    df["value"] = df["value"].astype("float64")
    return df
