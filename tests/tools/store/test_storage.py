"""The storage changes made for import/compare speed keep the data and the rules:
metric_values rebuilt WITHOUT ROWID (m004), batched value upserts, the latest-values
read, the gc pause around imports and the snapshot JSON. Correctness only, no timings.
"""

from __future__ import annotations

import gc
import sqlite3

import numpy as np
import pandas as pd
import pytest
from sqlite_utils import Database

from analytics.catalog import KEYS
from tests.ingest_helpers import write
from tools.ingest.portfolio import VALUES_PER_STATEMENT, _upsert_values, import_history, import_portfolio
from tools.ingest.problems import ImportFailed
from tools.portfolio import snapshots
from tools.store.frames import latest_metrics, latest_values
from tools.store.migrations import migrations
from tools.store.workspace import Workspace

M004 = "m004_metric_values_clustered"


def _values(conn) -> list[tuple]:
    return conn.execute("SELECT customer_id, metric, period, value FROM metric_values "
                        "ORDER BY customer_id, metric, period").fetchall()


@pytest.fixture
def legacy_path(tmp_path):
    """A workspace file at m003 (rowid metric_values + its (metric, period) index) holding data."""
    path = tmp_path / "legacy" / "peerbench.db"
    path.parent.mkdir()
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA foreign_keys=ON")
    db = Database(conn)
    migrations.apply(db, stop_before=M004)
    assert "idx_metric_values_metric_period" in {i.name for i in db["metric_values"].indexes}
    with conn:
        conn.executemany("INSERT INTO customers (id, name, segment) VALUES (?, ?, ?)",
                         [(1, "Acme Corp", "Enterprise"), (2, "TechCorp", "SMB"), (7, "DataPro", None)])
        conn.executemany("INSERT INTO metric_values VALUES (?, ?, ?, ?)", [
            (1, "nps", "2026-09", 30.0), (1, "nps", "2026-10", 35.5), (1, "csat", "2026-10", 4.2),
            (2, "nps", "2026-10", None), (2, "nps", "2026-08", -12.0), (2, "legacy_metric", "2026-10", 1.0),
            (7, "dau_mau", "2026-01", 0.25)])
        conn.execute("INSERT INTO metric_values VALUES (1, 'health_score', NULL, 80.0)")  # NULL in the key
    conn.close()
    return path


def test_m004_keeps_every_row_and_the_foreign_key(legacy_path):
    conn = sqlite3.connect(legacy_path)
    before = [r for r in _values(conn) if r[2] is not None]
    conn.close()
    ws = Workspace(legacy_path)
    try:
        db = ws.db  # migrates
        assert M004 in {m.name for m in migrations.applied(db)} and not migrations.pending(db)
        assert _values(db.conn) == before  # the NULL-period row is the only one left out
        sql = db.execute("SELECT sql FROM sqlite_master WHERE name = 'metric_values'").fetchone()[0]
        assert "WITHOUT ROWID" in sql
        assert [i.name for i in db["metric_values"].indexes if not i.name.startswith("sqlite_autoindex")] == []
        assert db["metric_values"].pks == ["customer_id", "metric", "period"]
        assert [(fk.column, fk.other_table, fk.other_column) for fk in db["metric_values"].foreign_keys] == [
            ("customer_id", "customers", "id")]
        assert db.execute("PRAGMA foreign_key_check").fetchall() == []
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        with pytest.raises(sqlite3.IntegrityError):  # the foreign key is enforced
            with ws.write() as w:
                w.execute("INSERT INTO metric_values VALUES (99, 'nps', '2026-10', 1.0)")
        with pytest.raises(sqlite3.IntegrityError):  # so is the key, and NOT NULL on it
            with ws.write() as w:
                w.execute("INSERT INTO metric_values VALUES (1, 'nps', '2026-10', 1.0)")
        with pytest.raises(sqlite3.IntegrityError):
            with ws.write() as w:
                w.execute("INSERT INTO metric_values VALUES (1, 'nps', NULL, 1.0)")
        with pytest.raises(sqlite3.IntegrityError):  # a customer with values cannot be deleted
            with ws.write() as w:
                w.execute("DELETE FROM customers WHERE id = 1")
        assert _values(db.conn) == before  # every failed write rolled back whole
        values, period = latest_values(ws, np.array([1, 2, 7]))
        assert period == "2026-10"
        j = {k: i for i, k in enumerate(KEYS)}
        assert values[0, j["nps"]] == 35.5 and values[0, j["csat"]] == 4.2
        assert values[1, j["nps"]] == -12.0  # latest non-empty value (2026-10 is empty)
        assert values[2, j["dau_mau"]] == 0.25 and np.isnan(values[2, j["nps"]])
    finally:
        ws.close()


def test_sqlite_utils_writes_still_work_on_the_rebuilt_table(ws):
    with ws.write() as db:
        cid = db["customers"].insert({"name": "Acme Corp"}).last_pk
        db["metric_values"].insert({"customer_id": cid, "metric": "nps", "period": "2026-10", "value": 1.0})
        db["metric_values"].insert_all([{"customer_id": cid, "metric": "csat", "period": "2026-10", "value": 4.0}])
        db["metric_values"].upsert({"customer_id": cid, "metric": "nps", "period": "2026-10", "value": 2.0},
                                   pk=("customer_id", "metric", "period"))
    assert _values(ws.db.conn) == [(cid, "csat", "2026-10", 4.0), (cid, "nps", "2026-10", 2.0)]


@pytest.mark.parametrize("n", [0, 1, VALUES_PER_STATEMENT - 1, VALUES_PER_STATEMENT, VALUES_PER_STATEMENT + 1,
                               2 * VALUES_PER_STATEMENT + 7])
def test_batched_upsert_writes_every_row_and_replaces(ws, n):
    with ws.write() as db:
        db.conn.executemany("INSERT INTO customers (id, name) VALUES (?, ?)", [(i, f"A{i}") for i in range(1, 31)])
    rows = [(1 + i % 30, KEYS[i // 30 % len(KEYS)], f"2026-{1 + i // (30 * len(KEYS)):02d}", float(i)) for i in range(n)]
    with ws.write() as db:
        _upsert_values(db, [x for r in rows[: n // 2] for x in r])
    with ws.write() as db:  # overlaps the first half: replaced, not duplicated
        _upsert_values(db, [x for r in rows for x in (*r[:3], r[3] + 0.5)])
    assert _values(ws.db.conn) == sorted((*r[:3], r[3] + 0.5) for r in rows)


def test_a_failure_in_a_later_batch_rolls_back_the_earlier_ones(ws):
    with ws.write() as db:
        db.conn.executemany("INSERT INTO customers (id, name) VALUES (?, ?)", [(i, f"A{i}") for i in range(1, 101)])
    n = 3 * VALUES_PER_STATEMENT
    rows = [(1 + i % 100, KEYS[i // 100], "2026-10", float(i)) for i in range(n)]
    rows[-1] = (12345, "nps", "2026-10", 1.0)  # no such customer: the last statement fails
    with pytest.raises(sqlite3.IntegrityError):
        with ws.write() as db:
            _upsert_values(db, [x for r in rows for x in r])
    assert _values(ws.db.conn) == []


def _portfolio_csv(folder, names, nps):
    return write(folder, "p.csv", "name,segment,nps,csat\n" + "".join(
        f"{n},SMB,{v},{'' if i % 3 else 4.5}\n" for i, (n, v) in enumerate(zip(names, nps))))


def test_failed_import_writes_nothing_and_leaves_gc_as_it_was(ws, tmp_path):
    names = [f"Account {i:03d}" for i in range(600)]
    import_portfolio(ws, _portfolio_csv(tmp_path, names, [i % 100 for i in range(600)]))
    before = _values(ws.db.conn)
    assert len(before) == 800 and gc.isenabled()
    with pytest.raises(ImportFailed):  # 101 is out of range for NPS
        import_portfolio(ws, _portfolio_csv(tmp_path, names + ["New"], [*(i % 100 for i in range(600)), 101]))
    assert gc.isenabled() and _values(ws.db.conn) == before
    gc.disable()
    try:  # a caller's own pause is left alone
        import_portfolio(ws, _portfolio_csv(tmp_path, names, [v % 100 for v in range(1, 601)]))
        assert not gc.isenabled()
    finally:
        gc.enable()
    assert dict(((r[0], r[1]), r[3]) for r in _values(ws.db.conn))[(1, "nps")] == 1.0


def _latest_reference(conn) -> pd.DataFrame:
    df = pd.read_sql("SELECT customer_id, metric, period, value FROM metric_values WHERE value IS NOT NULL", conn)
    df = df[df.metric.isin(KEYS)].sort_values("period").groupby(["customer_id", "metric"]).last()
    return df["value"].unstack().reindex(columns=list(KEYS)).astype("float64")


@pytest.mark.parametrize("periods", [1, 2, 5])
def test_latest_values_match_a_plain_reference(ws, periods):
    rng = np.random.default_rng(periods)
    with ws.write() as db:
        db.conn.executemany("INSERT INTO customers (id, name) VALUES (?, ?)", [(i, f"A{i}") for i in range(1, 41)])
        rows = [(c, k, f"2026-{p:02d}", None if rng.random() < .15 else float(rng.integers(0, 100)))
                for c in range(1, 41) for k in (*KEYS, "not_a_metric") for p in range(1, periods + 1)
                if rng.random() < .8]
        db.conn.executemany("INSERT INTO metric_values VALUES (?, ?, ?, ?)", rows)
    ref = _latest_reference(ws.db.conn)
    got = latest_metrics(ws)
    pd.testing.assert_frame_equal(got, ref.reindex(got.index), check_names=False)
    assert set(got.index) == set(ref.index)
    ids = np.arange(0, 43)  # 0, 41 and 42 are not customers
    matrix, period = latest_values(ws, ids)
    assert period == max(r[2] for r in rows)
    expected = ref.reindex(ids).to_numpy()
    assert np.array_equal(matrix, expected, equal_nan=True)


def test_history_import_still_upserts(ws, tmp_path):
    import_portfolio(ws, write(tmp_path, "p.csv", "name,nps\nAcme Corp,10\nTechCorp,20\n"))
    text = "customer,metric,period,value\n" + "".join(
        f"{n},nps,2025-{m:02d},{m}\n" for n in ("Acme Corp", "TechCorp") for m in range(1, 13))
    out = import_history(ws, write(tmp_path, "h.csv", text))
    assert out.metric_values_written == 24 and gc.isenabled()
    assert len(_values(ws.db.conn)) == 26
    assert latest_metrics(ws)["nps"].tolist() == [10.0, 20.0]


def _writer_json_rows(matrix: np.ndarray, decimals: int) -> list[str]:
    """The JSON writer path of tools.portfolio.snapshots._json_rows alone (every matrix used it before)."""
    if len(matrix) == 0:
        return []
    text = pd.DataFrame(np.round(matrix, decimals)).to_json(orient="values", double_precision=decimals)
    return text[2:-2].split("],[")


def test_snapshot_percentile_text_is_unchanged():
    rng = np.random.default_rng(3)
    x = rng.uniform(0, 100, (3000, len(KEYS)))
    x[rng.random(x.shape) < .1] = np.nan
    x[0, :8] = [0, 100, 99.95, 0.05, 50.25, 0.04, 99.96, 1e-9]
    x[1, :] = np.nan
    for m, d in ((x, 1), (x * 3.3 - 20, 1), (x / 7, 4), (x[:0], 1)):  # outside 0-100: the writer's path
        assert snapshots._json_rows(m, d) == _writer_json_rows(m, d)
    value, pct = _writer_json_rows(x[:1], 4)[0], snapshots._json_rows(x[:1], 1)[0]
    decoded = snapshots.snapshot_metrics(
        '{"layout":1,"value":[%s],"peer_percentile":[%s],"benchmark_percentile":[%s]}' % (value, pct, pct))
    assert decoded["health_score"]["peer_percentile"] == 0.0 and decoded["nps"]["benchmark_percentile"] == 100.0
