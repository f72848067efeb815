"""Small hand-built workspaces for tool tests (no demo generator involved)."""

from __future__ import annotations

import numpy as np

from analytics.catalog import KEYS
from tools.benchmarks.scopes import parse_scope
from tools.store.workspace import Workspace, now_iso

PERIODS = [f"2026-{m:02d}" for m in range(1, 11)]


def add_customers(ws: Workspace, n: int, segment="Enterprise", industry="SaaS", seed=0,
                  names: list[str] | None = None, arr=150_000.0, region="EMEA") -> list[int]:
    """n accounts with every metric for 10 months; values vary by account."""
    rng = np.random.default_rng(seed)
    names = names or [f"{segment} {industry} {i:02d}" for i in range(n)]
    ids = []
    with ws.write() as db:
        for i, name in enumerate(names):
            cid = db["customers"].insert({
                "name": name, "industry": industry, "segment": segment, "arr": arr + 1000 * i,
                "region": region, "contract_start": "2024-03-01", "csm": "Jo", "created_at": now_iso(),
                "updated_at": now_iso()}).last_pk
            ids.append(cid)
            rows = []
            for key in KEYS:
                base = rng.uniform(10, 90)
                for t, period in enumerate(PERIODS):
                    rows.append({"customer_id": cid, "metric": key, "period": period,
                                 "value": round(base + t * rng.uniform(-1, 1), 1)})
            db["metric_values"].insert_all(rows)
    return ids


def set_metric(ws: Workspace, cid: int, metric: str, value: float, period: str = PERIODS[-1]) -> None:
    with ws.write() as db:
        db["metric_values"].upsert({"customer_id": cid, "metric": metric, "period": period, "value": value},
                                   pk=("customer_id", "metric", "period"))


def scope_columns(segment: str) -> dict:
    """The scope columns of a benchmark row for a segment label ("Enterprise", "All")."""
    scope = parse_scope(segment, "segment")
    return {"segment": scope.label, "scope_key": scope.key(), "scope_json": scope.to_json()}


def add_quantile_benchmark(ws: Workspace, name: str, points: dict[str, dict[float, float]],
                           segment="Enterprise", active=1) -> int:
    with ws.write() as db:
        sid = db["benchmark_sets"].insert({"name": name, "source": "Test survey", "year": 2026,
                                           "kind": "quantiles", "sample_size": 500, "active": active,
                                           "loaded_at": now_iso(), "owner": ""}).last_pk
        db["benchmark_rows"].insert_all(
            {"set_id": sid, "metric": m, **scope_columns(segment), "stat": f"p{int(p)}", "quantile": p,
             "value": v, "sample_size": 500} for m, pts in points.items() for p, v in pts.items())
    return sid
