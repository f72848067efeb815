"""The columnar cache of the latest values (m014) and of the customers table (m016): the same
figures as a read of the tables, emptied by any change (triggers), emptied once by a bulk import
that keeps the triggers, and the vectorised ARR bands. Correctness only, no timings."""

from __future__ import annotations

import numpy as np
import pytest

from analytics.catalog import KEYS, arr_band
from tests.ingest_helpers import write
from tools.ingest.portfolio import import_history, import_portfolio
from tools.ingest.problems import ImportFailed
from tools.store import columnar, frames
from tools.store.frames import arr_bands, latest_matrix, latest_metrics, latest_values

TRIGGERS = {"columnar_metric_values_insert", "columnar_metric_values_update", "columnar_metric_values_delete"}


def _cached(ws) -> int:
    return ws.db.conn.execute("SELECT COUNT(*) FROM columnar_cache").fetchone()[0]


def _triggers(ws) -> set[str]:
    return {r[0] for r in ws.db.conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' "
                                             "AND name LIKE 'columnar_metric_values_%'")}


@pytest.fixture
def book(ws, tmp_path):
    path = write(tmp_path, "book.csv", "name,segment,nps,csat,dau_mau\nAcme Corp,Enterprise,35,4.2,0.4\n"
                                        "TechCorp,SMB,-5,,0.2\nDataPro,SMB,12,3.9,\n")
    import_portfolio(ws, path)
    return ws


def _same_as_a_full_read(ws) -> bool:
    ids, matrix, period = frames._latest_from_rows(ws)
    got_ids, got, got_period = columnar._read(ws.db.conn, tuple(KEYS))
    return np.array_equal(got_ids, ids) and np.array_equal(got, matrix, equal_nan=True) and got_period == period


def test_a_first_import_leaves_the_cache_filled_with_the_figures_of_a_full_read(book):
    assert _cached(book) == 3 and _same_as_a_full_read(book)


@pytest.mark.parametrize("text", [
    # accounts on different periods, one without any value, a value of zero and a negative one
    "name,period,segment,nps,csat\nA,2026-01,SMB,0,\nB,2026-03,SMB,-5,4.5\nC,2026-02,SMB,,\nD,2025-12,SMB,7,\n",
    # the latest period written is of an account with a value: C's blank row does not count
    "name,period,segment,nps\nA,2026-01,SMB,3\nC,2026-09,SMB,\n",
])
def test_the_figures_a_first_import_caches_are_those_a_read_gives(ws, tmp_path, text):
    import_portfolio(ws, write(tmp_path, "first.csv", text))
    assert _cached(ws) == 3 and _same_as_a_full_read(ws)


def test_a_later_import_or_one_with_several_periods_an_account_leaves_the_cache_to_the_first_read(book, ws,
                                                                                                    tmp_path):
    import_portfolio(book, write(tmp_path, "next.csv", "name,period,nps\nAcme Corp,2099-01,50\n"))
    assert _cached(book) == 0
    import_portfolio(ws, write(tmp_path, "two.csv", "name,period,nps\nA,2026-01,1\nA,2026-02,2\n"))
    assert _cached(ws) == 0


def test_first_read_fills_the_cache_with_the_figures_of_a_full_read(book, tmp_path):
    import_portfolio(book, write(tmp_path, "next.csv", "name,nps\nAcme Corp,36\n"))
    assert _cached(book) == 0  # a later import empties it
    ids, matrix, period = frames._latest_from_rows(book)
    got_ids, got, got_period = latest_matrix(book)
    assert _cached(book) == 3
    assert np.array_equal(got_ids, ids) and np.array_equal(got, matrix, equal_nan=True) and got_period == period
    assert latest_metrics(book).at[got_ids[0], "nps"] == 36.0


def test_a_filled_cache_is_read_without_scanning_metric_values(book, monkeypatch):
    before = latest_metrics(book)
    monkeypatch.setattr(frames, "_latest_from_rows", lambda ws: pytest.fail("metric_values scanned again"))
    assert latest_metrics(book).equals(before)
    values, period = latest_values(book, before.index.to_numpy()[::-1])
    assert np.array_equal(values, before.to_numpy()[::-1], equal_nan=True) and period is not None


@pytest.mark.parametrize("sql", [
    "UPDATE metric_values SET value = 99 WHERE metric = 'nps' AND customer_id = (SELECT MIN(id) FROM customers)",
    "DELETE FROM metric_values WHERE metric = 'nps' AND customer_id = (SELECT MIN(id) FROM customers)",
    "INSERT INTO metric_values VALUES ((SELECT MIN(id) FROM customers), 'roi', '2099-01', 150)",
])
def test_any_write_to_metric_values_empties_the_cache(book, sql):
    latest_metrics(book)
    assert _cached(book) == 3
    with book.write() as db:
        db.execute(sql)
    assert _cached(book) == 0
    ids, matrix, _ = frames._latest_from_rows(book)
    got_ids, got, _ = latest_matrix(book)
    assert np.array_equal(got_ids, ids) and np.array_equal(got, matrix, equal_nan=True)


def test_bulk_imports_empty_the_cache_once_and_keep_the_triggers(book, tmp_path):
    latest_metrics(book)
    history = write(tmp_path, "h.csv", "customer,metric,period,value\nAcme Corp,nps,2099-01,70\n")
    import_history(book, history)
    assert _cached(book) == 0 and _triggers(book) == TRIGGERS
    assert latest_metrics(book)["nps"].max() == 70.0
    bad = write(tmp_path, "bad.csv", "name,nps\nAcme Corp,lots\n")
    with pytest.raises(ImportFailed):
        import_portfolio(book, bad)
    assert _triggers(book) == TRIGGERS and _cached(book) == 3  # nothing changed, cache still current


def test_an_import_that_fails_while_writing_rolls_the_triggers_back(book, tmp_path, monkeypatch):
    import tools.ingest.portfolio as portfolio

    latest_metrics(book)

    def broken(db, params, rows=None):
        with portfolio.bulk_values_write(db.conn):
            raise RuntimeError("disk full")

    monkeypatch.setattr(portfolio, "_upsert_values", broken)
    with pytest.raises(RuntimeError):
        import_portfolio(book, write(tmp_path, "b2.csv", "name,nps\nAcme Corp,1\n"))
    assert _triggers(book) == TRIGGERS and _cached(book) == 3


def test_arr_bands_match_arr_band():
    rng = np.random.default_rng(3)
    arr = np.concatenate([[np.nan, -1.0, 0.0, 24_999.99, 25_000, 100_000, 250_000, 1e6, 1e12],
                          rng.uniform(-1e4, 3e6, 2000)])
    assert arr_bands(arr) == [arr_band(a) for a in arr]
    assert arr_bands(np.array([])) == []


def test_value_parameters_built_as_an_array_match_the_loop():
    import random
    from itertools import groupby
    from operator import itemgetter

    from tools.ingest.portfolio import _value_params

    def loop(keyed, columns):
        params = []
        for cid, account_rows in groupby(keyed, itemgetter(0)):
            account_rows = list(account_rows)
            for key, col in columns:
                params += [x for _, period, i in account_rows if col[i] is not None for x in (cid, key, period, col[i])]
        return params

    rng = random.Random(4)
    ids = rng.sample(range(1, 10**6), 300)
    keyed = sorted((cid, "2026-12", i) for i, cid in enumerate(ids))
    columns = sorted((k, [None if rng.random() < 0.2 else rng.random() * 100 for _ in ids]) for k in ("nps", "csat", "roi"))
    def built(keyed, columns):
        rows, params = _value_params(keyed, columns)
        params = list(params)
        assert rows == len(params) // 4
        return params

    assert built(keyed, columns) == loop(keyed, columns)
    several = sorted(keyed + [(ids[0], "2026-11", 5)])  # two periods for one account: the loop
    assert built(several, columns) == loop(several, columns)


def _plain_customers(ws):
    import pandas as pd

    rows = ws.db.conn.execute(f"SELECT {', '.join(frames.CUSTOMER_COLUMNS)} FROM customers ORDER BY id").fetchall()
    df = pd.DataFrame(rows, columns=frames.CUSTOMER_COLUMNS).set_index("id")
    df["arr"] = pd.to_numeric(df["arr"], errors="coerce").astype("float64")
    return df


def _customer_cache(ws) -> int:
    return ws.db.conn.execute("SELECT COUNT(*) FROM columnar_cache WHERE name LIKE 'customers:%'").fetchone()[0]


def test_customers_from_the_cache_are_the_table_as_read(book, monkeypatch):
    import pandas as pd

    with book.write() as db:  # awkward cells: none, unicode, a number stored as text
        db.execute("UPDATE customers SET region = NULL, arr = '120000', csm = 'Zoë' WHERE name = 'Acme Corp'")
    first = frames.customers_frame(book)
    assert _customer_cache(book) == 2
    monkeypatch.setattr(frames, "_customer_columns", lambda ws: pytest.fail("customers read again"))
    again = frames.customers_frame(book)
    pd.testing.assert_frame_equal(again, first)
    pd.testing.assert_frame_equal(again.drop(columns="arr_band"), _plain_customers(book))
    assert again.at[again.index[0], "csm"] == "Zoë" and again["arr"].iloc[0] == 120000.0
    table = frames.customers_table(book)
    assert list(table.columns) == ["name", "segment", "industry", "arr", "region", "employees"]


@pytest.mark.parametrize("sql", [
    "UPDATE customers SET segment = 'SMB' WHERE name = 'Acme Corp'",
    "DELETE FROM customers WHERE name = 'DataPro'",
    "INSERT INTO customers (name, segment) VALUES ('NewCo', 'SMB')",
])
def test_any_write_to_customers_empties_the_cache(book, sql):
    frames.customers_frame(book)
    assert _customer_cache(book) == 2
    with book.write() as db:
        if sql.startswith("DELETE"):
            db.execute("DELETE FROM metric_values WHERE customer_id = (SELECT id FROM customers WHERE name = 'DataPro')")
        db.execute(sql)
    assert _customer_cache(book) == 0
    import pandas as pd

    pd.testing.assert_frame_equal(frames.customers_frame(book).drop(columns="arr_band"), _plain_customers(book))


def test_an_infinite_number_is_cached_as_it_is_and_a_blob_is_not_cached(book, monkeypatch):
    with book.write() as db:
        db.execute("UPDATE customers SET arr = 1e999 WHERE name = 'Acme Corp'")  # SQLite keeps infinity
    frames.customers_frame(book)
    assert _customer_cache(book) == 2
    monkeypatch.setattr(frames, "_customer_columns", lambda ws: pytest.fail("customers read again"))
    assert frames.customers_frame(book)["arr"].max() == float("inf")
    monkeypatch.undo()
    with book.write() as db:
        db.execute("UPDATE customers SET region = x'00ff' WHERE name = 'TechCorp'")
    frame = frames.customers_frame(book)
    assert _customer_cache(book) == 0 and frame.loc[frame["name"] == "TechCorp", "region"].iloc[0] == b"\x00\xff"


def test_a_history_cube_is_kept_while_the_values_are_unchanged_and_read_again_after_a_write(book, monkeypatch):
    from tests.factories import set_metric

    ids = np.array(book.column("SELECT id FROM customers ORDER BY id"))
    latest_matrix(book)  # the cache, and with it the generation the cube is kept under
    periods, cube = frames.history_cube(book, ids)
    assert not cube.flags.writeable  # shared: nobody may change it in place
    reads = []
    monkeypatch.setattr(frames, "_history_cube", lambda ws, i: reads.append(1) or ([], np.zeros((0, 0, 0))))
    assert frames.history_cube(book, ids)[1] is cube and reads == []
    monkeypatch.undo()
    set_metric(book, int(ids[0]), "nps", 77.0, period=periods[-1])
    assert frames.values_generation(book.db.conn) is None  # the write emptied the cache: no generation
    fresh = frames.history_cube(book, ids)[1]
    assert fresh is not cube and fresh[0, KEYS.index("nps"), -1] == 77.0
    latest_matrix(book)
    again = frames.history_cube(book, ids)[1]
    assert again is not cube and again[0, KEYS.index("nps"), -1] == 77.0


def test_a_workspace_without_values_caches_an_empty_matrix(ws):
    from tests.factories import add_customers

    add_customers(ws, 2)
    with ws.write() as db:
        db.execute("DELETE FROM metric_values")
    ids, matrix, period = latest_matrix(ws)
    assert len(ids) == 0 and matrix.shape == (0, len(KEYS)) and period is None
    assert _cached(ws) == 3 and latest_matrix(ws)[1].shape == (0, len(KEYS))
