"""load_benchmarks: import a benchmark file (summary quantiles or raw peer rows) as a named set.

A benchmark set is one uploaded file, stored by name in ``benchmark_sets`` with its
source, year, file name, SHA-256 checksum, kind (``quantiles`` or ``raw``), industry
and sample size; its figures are in ``benchmark_rows`` (one row per metric, segment
and stat; ``quantile`` is 10..90 for percentile points and NULL for the mean and for
labelled reference points such as "best in class") and, for raw peer files, the peer
values in ``benchmark_peers``. The latest load is the active set. Loading a name
again replaces that set. Sets are kept per ``ws.owner`` when the workspace has one
(the app's signed-in user), else under the owner "".

Reading stored sets is :mod:`tools.benchmarks.sets`.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field

from analytics.catalog import BY_KEY, CATEGORIES, SEGMENTS, normalise_label
from tools.base import Tool, ToolError, ToolInput, ToolOutput
from tools.benchmarks.sets import owner_of
from tools.ingest.benchmark_shapes import ParsedBenchmarks, parse_benchmarks
from tools.ingest.problems import Problems, summary_tail
from tools.ingest.reader import Table, read_table
from tools.store.workspace import now_iso

DATA_DIR = Path(__file__).resolve().parents[2] / "data"
_INDUSTRY_WORDS = {"saas": "SaaS", "fintech": "Fintech", "healthcare": "Healthcare", "ecommerce": "E-commerce",
                   "retail": "Retail", "manufacturing": "Manufacturing", "education": "Education",
                   "edtech": "EdTech", "media": "Media", "telecom": "Telecom", "logistics": "Logistics",
                   "insurance": "Insurance", "banking": "Banking", "b2b": "B2B"}


class LoadBenchmarksInput(ToolInput):
    path: str = Field(description="The attached benchmark file: its file name as uploaded (or a path "
                                  "inside the workspace uploads folder).")
    name: str | None = Field(None, max_length=100,
                             description="Name to store the set under; default the file name without "
                                         "extension. Reusing a name replaces that set.")
    sheet: str | None = Field(None, description="XLSX only: the worksheet to read (default the first).")
    source: str | None = Field(None, max_length=200,
                               description="Who published the benchmarks, if the file does not say.")
    year: int | None = Field(None, ge=1900, le=2200, description="The benchmarks' year, if the file does not say.")
    industry: str | None = Field(None, max_length=100, description="The industry the benchmarks describe, e.g. SaaS.")


class ReferencePoint(BaseModel):
    metric: str
    segment: str
    label: str
    value: float


class UnreconciledMetric(BaseModel):
    metric: str
    name: str = Field(description="the metric name as written in the file")
    unit: str
    reason: str


class LoadBenchmarksOutput(ToolOutput):
    name: str
    source: str | None
    year: int | None
    industry: str | None
    sample_size: int | None
    file_name: str
    checksum: str
    kind: Literal["quantiles", "raw"]
    shape: Literal["wide", "long", "raw"]
    metrics_matched: list[str] = Field(description="catalog keys of the metrics stored")
    by_category: dict[str, list[str]]
    unrecognised: list[str] = Field(description="metric names or headers not in the catalog (not stored)")
    unreconciled: list[UnreconciledMetric] = Field(description="metrics whose unit could not be converted (not stored)")
    ignored_columns: list[str]
    segments: list[str]
    normalisations: list[str]
    reference_points: list[ReferencePoint] = Field(description="labelled non-quantile figures, e.g. best in class")
    rows_stored: int
    peers: int = Field(0, description="raw peer rows stored (raw shape only)")
    active: bool = True
    summary: str

    def summary_for_model(self) -> dict:
        data = self.model_dump(mode="json")
        for key, cap in (("reference_points", 20), ("normalisations", 20), ("unrecognised", 30),
                         ("ignored_columns", 30)):
            data[key] = data[key][:cap]
        return data


def load_benchmarks(ws, inp: LoadBenchmarksInput) -> LoadBenchmarksOutput:
    """Import an industry benchmark file (CSV or XLSX) the user attached, as the active benchmark set.

    Use this when the user attaches or names a benchmark file, before comparing accounts
    against it. It reads summary files (one row per metric and segment with P10/P25/
    Median/P75/P90/Mean columns, or long metric/segment/stat/value rows) and raw peer
    files (one row per peer company; quantiles are computed). Metric and segment names
    are mapped to the catalog; units are converted where possible (hours to days,
    62% to 62); unknown metrics and units that cannot be reconciled are listed, not stored.
    Returns the set name, source, year, sample size, metrics matched by category,
    segments, what was not recognised, the normalisations applied, and a one-line
    `summary` to relay to the user. A file with bad cells is rejected whole: the error
    lists each problem as file, row, column; tell the user, do not guess values.
    """
    path = resolve_upload(ws, inp.path)
    return load_benchmarks_file(ws, path, name=inp.name, sheet=inp.sheet, source=inp.source,
                                year=inp.year, industry=inp.industry)


TOOL = Tool("load_benchmarks", LoadBenchmarksInput, LoadBenchmarksOutput, load_benchmarks,
            context=lambda inp, out: {"benchmark": out.name}, writes=True)


def upload_roots(ws) -> list[Path]:
    """Where the tool may read files the model names: uploads, Chainlit's files, the sample data."""
    app_root = Path(os.environ.get("CHAINLIT_APP_ROOT") or os.getcwd())
    return [ws.uploads_dir, app_root / ".files", DATA_DIR]


def resolve_upload(ws, path: str) -> Path:
    """The file a tool input names, only inside :func:`upload_roots` (the model cannot widen that)."""
    roots = [r.resolve() for r in upload_roots(ws)]
    given = Path(path)
    candidates = [given] if given.is_absolute() else [root / given for root in roots]
    if not given.is_absolute() and len(given.parts) == 1 and roots[0].is_dir():
        # The app stages each upload in its own sub-folder; the model knows only the file name.
        staged = sorted(roots[0].glob(f"*/{given.name}"), key=lambda p: p.stat().st_mtime, reverse=True)
        candidates += staged
    for cand in candidates:
        real = cand.resolve()
        if real.is_file() and any(real.is_relative_to(root) for root in roots):
            return real
    raise ToolError(f"No uploaded file '{given.name}' found. Attach the file in the chat (CSV or XLSX) "
                    "or pass the name it was uploaded under.")


def load_benchmarks_file(ws, path: str | Path, *, name: str | None = None, sheet: str | None = None,
                         source: str | None = None, year: int | None = None, industry: str | None = None,
                         display_name: str | None = None, table: Table | None = None) -> LoadBenchmarksOutput:
    """Read, validate and store a benchmark file (any path: for the CLI, the app and the demo).

    Raises :class:`~tools.ingest.problems.ImportFailed` listing every problem; then nothing changed.
    """
    path = Path(path)
    table = table or read_table(path, sheet=sheet, display_name=display_name)
    probs = Problems(table.file)
    parsed = parse_benchmarks(table, probs)
    probs.raise_if_any()
    metrics = [k for k in BY_KEY if any(r["metric"] == k for r in parsed.rows)]
    if not metrics:
        found = parsed.unrecognised + [u["name"] for u in parsed.unreconciled]
        raise probs.fail("no benchmark could be stored: no metric matches the catalog with a usable unit"
                         + (f" (found: {', '.join(found[:15])})" if found else "")
                         + "; expected metrics such as NPS, DAU/MAU, Time to Value, Net Revenue Retention")
    name = (name or Path(display_name or path.name).stem).strip()
    if not name:
        raise ToolError("A benchmark set needs a name.")
    out = _output(parsed, table, name, metrics, source=source, year=year,
                  industry=industry or _guess_industry(parsed, name, source),
                  checksum=hashlib.sha256(path.read_bytes()).hexdigest())
    _store(ws, out, parsed)
    return out


def _output(parsed: ParsedBenchmarks, table: Table, name: str, metrics: list[str], *, source, year,
            industry, checksum) -> LoadBenchmarksOutput:
    source = source or (", ".join(parsed.sources) if parsed.sources else None)
    year = year or (max(parsed.years) if parsed.years else None)
    segments = _order_segments({r["segment"] for r in parsed.rows} | {p["segment"] for p in parsed.peers})
    by_category = {c: [k for k in metrics if BY_KEY[k].category == c] for c in CATEGORIES}
    by_category = {c: ks for c, ks in by_category.items() if ks}
    refs = [ReferencePoint(metric=r["metric"], segment=r["segment"], label=r.get("label") or r["stat"],
                           value=r["value"]) for r in parsed.rows if r["quantile"] is None and r["stat"] != "mean"]
    out = LoadBenchmarksOutput(
        name=name, source=source, year=year, industry=industry, sample_size=_sample_size(parsed),
        file_name=table.file, checksum=checksum, kind="raw" if parsed.shape == "raw" else "quantiles",
        shape=parsed.shape, metrics_matched=metrics, by_category=by_category,
        unrecognised=parsed.unrecognised, unreconciled=[UnreconciledMetric(**u) for u in parsed.unreconciled],
        ignored_columns=parsed.ignored_columns, segments=segments, normalisations=table.notes + parsed.notes,
        reference_points=refs, rows_stored=len(parsed.rows), peers=len(parsed.peers), summary="")
    if not any(r["quantile"] is not None for r in parsed.rows):
        out.normalisations.append("the file has no percentiles (P10..P90): accounts can be compared "
                                  "with the mean or reference points only")
    out.summary = _summary(out)
    return out


def _order_segments(segments: set[str]) -> list[str]:
    known = [s for s in SEGMENTS if s in segments]
    return known + sorted(segments - set(known) - {"All"}) + (["All"] if "All" in segments else [])


def _sample_size(parsed: ParsedBenchmarks) -> int | None:
    if parsed.shape == "raw":
        return parsed.n_peers
    sizes = {r["sample_size"] for r in parsed.rows if r["sample_size"]}
    if not sizes:
        return None
    if len(sizes) == 1:
        return sizes.pop()
    if "All" in parsed.sample_sizes:
        return parsed.sample_sizes["All"]
    return sum(parsed.sample_sizes.values())  # different n per segment: the segments add up


def _guess_industry(parsed: ParsedBenchmarks, name: str, source: str | None) -> str | None:
    if len(parsed.industries) == 1:
        return parsed.industries[0]
    words = normalise_label(" ".join([name, source or "", *parsed.sources]).replace("_", " ")).split()
    return next((_INDUSTRY_WORDS[w] for w in words if w in _INDUSTRY_WORDS), None)


def _summary(out: LoadBenchmarksOutput) -> str:
    n, c = len(out.metrics_matched), len(out.by_category)
    text = "Loaded benchmarks" + (f" for {out.industry} industry" if out.industry else "")
    text += f" across {n} metric{'s' * (n != 1)} in {c} categor{'ies' if c != 1 else 'y'}"
    segs = [s for s in out.segments if s != "All"]
    text += f"; segments {', '.join(segs)}" if segs else "; all segments together"
    text += f"; sample size {out.sample_size}." if out.sample_size else "; sample size not stated."
    if out.source or out.year:
        text += " Source: " + ", ".join(str(x) for x in (out.source, out.year) if x) + "."
    if out.unrecognised:
        text += f" Not recognised ({len(out.unrecognised)}): {', '.join(out.unrecognised[:10])}."
    return text + summary_tail(out.unreconciled, out.normalisations, "not stored")


def _store(ws, out: LoadBenchmarksOutput, parsed: ParsedBenchmarks) -> int:
    """Replace-or-insert the set and its rows, make it the only active set: one transaction."""
    owner = owner_of(ws)
    record = {"name": out.name, "source": out.source, "year": out.year, "file_name": out.file_name,
              "checksum": out.checksum, "kind": out.kind, "industry": out.industry,
              "sample_size": out.sample_size, "loaded_at": now_iso(), "active": 1, "owner": owner,
              "summary_json": out.model_dump_json()}
    n_all = out.sample_size if len({r["sample_size"] for r in parsed.rows if r["sample_size"]}) <= 1 else None
    rows = [(r["metric"], r["segment"], r["stat"], r["quantile"], r["value"],
             r["sample_size"] or n_all, r["source"] or out.source, r["year"] or out.year) for r in parsed.rows]
    peers = [(p["peer"], p["segment"], p["metric"], p["value"]) for p in parsed.peers]
    with ws.write() as db:
        old = db.execute("SELECT id FROM benchmark_sets WHERE owner = ? AND name = ? COLLATE NOCASE",
                         (owner, out.name)).fetchall()
        for (old_id,) in old:
            db.execute("DELETE FROM benchmark_rows WHERE set_id = ?", (old_id,))
            db.execute("DELETE FROM benchmark_peers WHERE set_id = ?", (old_id,))
            db.execute("DELETE FROM benchmark_sets WHERE id = ?", (old_id,))
        if old:
            record["id"] = old[0][0]  # keep the id: snapshots and reports may point at it
        set_id = db["benchmark_sets"].insert(record).last_pk
        db.execute("UPDATE benchmark_sets SET active = 0 WHERE owner = ? AND id != ?", (owner, set_id))
        db.conn.executemany(
            "INSERT INTO benchmark_rows (set_id, metric, segment, stat, quantile, value, sample_size, source, year)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", [(set_id, *r) for r in rows])
        db.conn.executemany("INSERT INTO benchmark_peers (set_id, peer, segment, metric, value) VALUES (?, ?, ?, ?, ?)",
                            [(set_id, *p) for p in peers])
    return set_id
