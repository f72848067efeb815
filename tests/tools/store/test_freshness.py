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
