"""'data as of': the latest metric period and the latest import."""

from __future__ import annotations

from tests.factories import add_customers
from tools.store.freshness import DataAsOf, data_as_of


def test_empty_workspace_says_nothing(ws):
    assert data_as_of(ws).text() == ""


def test_latest_period_and_import(ws):
    add_customers(ws, 3)
    fresh = data_as_of(ws)
    period = ws.query("SELECT max(period) AS p FROM metric_values")[0]["p"]
    stamp = ws.query("SELECT max(updated_at) AS t FROM customers")[0]["t"]
    assert fresh == DataAsOf(period=period, imported_at=stamp)
    assert fresh.text().startswith(f"data as of {period} (imported ")


def test_a_write_is_seen_at_once(ws):
    from tests.factories import set_metric

    ids = add_customers(ws, 2)
    before = data_as_of(ws)
    set_metric(ws, ids[0], "nps", 40.0, period="2030-01")
    assert before.period != "2030-01" and data_as_of(ws).period == "2030-01"


def test_the_latest_period_comes_from_the_columnar_cache_when_it_is_current(ws):
    import json

    from tests.factories import set_metric
    from tools.store import freshness
    from tools.store.frames import latest_matrix

    ids = add_customers(ws, 3)
    set_metric(ws, ids[0], "roi", 12.0, period="2031-02")
    scanned = data_as_of(ws).period
    latest_matrix(ws)  # fills the cache, which records MAX(period) as well
    meta = json.loads(ws.db.conn.execute("SELECT data FROM columnar_cache WHERE name = 'latest:meta'").fetchone()[0])
    assert meta["period"] == scanned == "2031-02"
    with ws.write() as db:  # mark the cached figure: the next reading must be that one, not a scan
        db.execute("UPDATE columnar_cache SET data = ? WHERE name = 'latest:meta'",
                   (json.dumps({**meta, "period": "cached"}),))
    freshness._CACHE.clear()
    assert data_as_of(ws).period == "cached"
    set_metric(ws, ids[1], "roi", 13.0, period="2031-03")  # a write empties the cache: scanned again
    assert data_as_of(ws).period == "2031-03"
