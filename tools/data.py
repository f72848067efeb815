"""Reading the workspace into DataFrames for the analytics (read-only helpers)."""

from __future__ import annotations

import pandas as pd

from analytics.catalog import KEYS, arr_band
from tools.workspace import Workspace

CUSTOMER_COLUMNS = ["id", "name", "industry", "segment", "arr", "region", "contract_start", "csm"]


def customers_frame(ws: Workspace) -> pd.DataFrame:
    """All accounts, indexed by id, with a derived ``arr_band`` column."""
    rows = ws.query(f"SELECT {', '.join(CUSTOMER_COLUMNS)} FROM customers ORDER BY id")
    df = pd.DataFrame(rows, columns=CUSTOMER_COLUMNS).set_index("id")
    df["arr"] = pd.to_numeric(df["arr"], errors="coerce").astype("float64")
    df["arr_band"] = [arr_band(a) for a in df["arr"]]
    return df


def latest_metrics(ws: Workspace) -> pd.DataFrame:
    """Latest value of every catalog metric per account (index: customer id).

    The latest value is the one at the account's most recent period for that
    metric; columns are all catalog keys (NaN where an account has no value).
    """
    rows = ws.query(
        """
        SELECT mv.customer_id, mv.metric, mv.value
        FROM metric_values mv
        JOIN (SELECT customer_id, metric, MAX(period) AS period
              FROM metric_values WHERE value IS NOT NULL GROUP BY customer_id, metric) last
          ON last.customer_id = mv.customer_id AND last.metric = mv.metric AND last.period = mv.period
        """
    )
    long = pd.DataFrame(rows, columns=["customer_id", "metric", "value"])
    wide = long.pivot(index="customer_id", columns="metric", values="value") if len(long) else pd.DataFrame()
    wide = wide.reindex(columns=list(KEYS)).astype("float64")
    wide.columns.name = None
    return wide


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
