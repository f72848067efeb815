"""Stored benchmark sets, read back: which exist, which is active, and their rows as frames.

Sets are kept per ``ws.owner`` when the workspace has one (the app's signed-in user),
else under the owner "".
"""

from __future__ import annotations

import json

import pandas as pd
from rapidfuzz import process

from reports.format import clean_text
from tools.base import NotFound


def owner_of(ws) -> str:
    return getattr(ws, "owner", "") or ""


def describe_set(row: dict) -> dict:
    """A benchmark_sets row plus ``metrics``, ``segments`` (scopes) and ``sources`` from its load summary."""
    if "metrics" in row:
        return row
    info = dict(row)
    summary = json.loads(row.get("summary_json") or "{}")
    info["metrics"] = summary.get("metrics_matched", [])
    info["segments"] = summary.get("segments", [])
    info["sources"] = [" ".join(x for x in (s["source"], str(s["year"] or "")) if x)
                       for s in summary.get("sources", [])]
    info["active"] = bool(row.get("active"))
    return info



def list_benchmark_sets(ws) -> list[dict]:
    """Every stored set (active first, then newest): benchmark_sets columns plus ``metrics``, ``segments``."""
    rows = ws.query("SELECT * FROM benchmark_sets WHERE owner = ? ORDER BY active DESC, loaded_at DESC, id DESC",
                    (owner_of(ws),))
    return [describe_set(r) for r in rows]


def active_benchmark_set(ws) -> dict | None:
    """The active set (as :func:`list_benchmark_sets` describes it), or None when none is loaded."""
    rows = ws.query("SELECT * FROM benchmark_sets WHERE owner = ? AND active = 1 ORDER BY id DESC LIMIT 1",
                    (owner_of(ws),))
    return describe_set(rows[0]) if rows else None


def benchmark_set(ws, name: str) -> dict:
    """The set called ``name`` (case-insensitive); a NotFound error lists the available names otherwise."""
    rows = ws.query("SELECT * FROM benchmark_sets WHERE owner = ? AND name = ? COLLATE NOCASE",
                    (owner_of(ws), name.strip()))
    if rows:
        return describe_set(rows[0])
    sets = list_benchmark_sets(ws)
    asked = clean_text(name).strip().casefold()
    typed = [s for s in sets if clean_text(s["name"]).strip().casefold() == asked]
    if len(typed) == 1:  # a name stored with invisible characters (older data), asked for as typed
        return typed[0]
    names = [r["name"] for r in sets]
    if not names:
        raise NotFound(f"No benchmark set '{name}': none is loaded yet. Attach a benchmark file first.")
    close = [m for m, score, _ in process.extract(name, names, limit=3) if score >= 60]
    raise NotFound(f"No benchmark set '{name}'. Available: {', '.join(names)}.", suggestions=close)


def benchmark_quantiles(ws, set_id: int) -> pd.DataFrame:
    """Quantile rows of a set: metric, segment, quantile (10..90), value, sample_size, source, year."""
    cols = ["metric", "segment", "quantile", "value", "sample_size", "source", "year"]
    rows = ws.query(f"SELECT {', '.join(cols)} FROM benchmark_rows WHERE set_id = ? AND quantile IS NOT NULL"
                    " ORDER BY metric, segment, quantile", (set_id,))
    return _typed(pd.DataFrame(rows, columns=cols))


def benchmark_stats(ws, set_id: int) -> pd.DataFrame:
    """Every row of a set, the mean and labelled reference points included (quantile NaN for those)."""
    cols = ["metric", "segment", "stat", "quantile", "value", "sample_size", "source", "year"]
    rows = ws.query(f"SELECT {', '.join(cols)} FROM benchmark_rows WHERE set_id = ? ORDER BY metric, segment, stat",
                    (set_id,))
    return _typed(pd.DataFrame(rows, columns=cols))


def benchmark_peers(ws, set_id: int) -> pd.DataFrame:
    """Raw peer values of a set in long form: peer, segment, metric, value (empty for quantile sets)."""
    cols = ["peer", "segment", "metric", "value"]
    rows = ws.query(f"SELECT {', '.join(cols)} FROM benchmark_peers WHERE set_id = ? ORDER BY segment, peer, metric",
                    (set_id,))
    return _typed(pd.DataFrame(rows, columns=cols))


def _typed(df: pd.DataFrame) -> pd.DataFrame:
    for col in ("quantile", "value"):
        if col in df:
            df[col] = df[col].astype("float64")
    for col in ("sample_size", "year"):
        if col in df:
            df[col] = df[col].astype("Int64")
    return df
