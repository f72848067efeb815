"""load_benchmarks: import a benchmark file (summary figures or raw peer rows) as a named set.

A benchmark set is one uploaded file, stored by name in ``benchmark_sets`` with its
source, year, file name, SHA-256 checksum, kind (``quantiles`` or ``raw``), industry
and sample size; its figures are in ``benchmark_rows``: one row per metric, scope,
source and stat (``quantile`` 1..99 for percentile points, NULL for the mean and for
labelled reference points such as "best in class"); raw peer files keep the peer
values in ``benchmark_peers``. Sets are kept per ``ws.owner`` when the workspace has
one (the app's signed-in user), else under the owner "".

The user controls the sets (issue: benchmark sets must not change under the user):

- a new set becomes the active set (the default for questions that name none) only
  when asked (``activate``) or when no set is active yet; the summary says which;
- a file identical to a loaded set (same SHA-256) is not loaded twice: the summary
  names the set it is already in;
- a set gets a human name: the one given, else the file's title row, else its one
  source and year, else the file name made readable. It can be renamed
  (:mod:`tools.benchmarks.manage_benchmarks`).

Reading stored sets is :mod:`tools.benchmarks.sets`; choosing the row an account is
compared with is :mod:`tools.benchmarks.lookup`.
"""

from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path

from pydantic import Field

from analytics.catalog import BY_KEY, normalise_label
from tools.base import FollowUp, Tool, ToolError, ToolInput
from tools.benchmarks.write import active_name, duplicate_of, store_set
from tools.ingest.benchmark_names import mapping_items, parse_mapping
from tools.ingest.benchmark_report import (
    LoadBenchmarksOutput,
    NearMiss,
    ReferencePoint,
    SourceInfo,
    UnreconciledMetric,
)
from tools.ingest.benchmark_shapes import ParsedBenchmarks, parse_benchmarks
from tools.ingest.problems import Problems
from tools.ingest.reader import Table, read_table

DATA_DIR = Path(__file__).resolve().parents[2] / "data"
_INDUSTRY_WORDS = {"saas": "SaaS", "fintech": "Fintech", "healthcare": "Healthcare", "ecommerce": "E-commerce",
                   "retail": "Retail", "manufacturing": "Manufacturing", "education": "Education",
                   "edtech": "EdTech", "media": "Media", "telecom": "Telecom", "logistics": "Logistics",
                   "insurance": "Insurance", "banking": "Banking", "b2b": "B2B"}

__all__ = ["LoadBenchmarksInput", "LoadBenchmarksOutput", "NearMiss", "ReferencePoint", "SourceInfo",
           "TOOL", "UnreconciledMetric", "load_benchmarks", "load_benchmarks_file", "resolve_upload"]


class LoadBenchmarksInput(ToolInput):
    path: str = Field(description="The attached benchmark file: its file name as uploaded (or a path "
                                  "inside the workspace uploads folder).")
    name: str | None = Field(None, max_length=100,
                             description="Name to store the set under; default the file's title, else its source "
                                         "and year, else the file name. Reusing a name replaces that set.")
    sheet: str | None = Field(None, description="XLSX only: the worksheet to read (default the first).")
    source: str | None = Field(None, max_length=200,
                               description="Who published the benchmarks, if the file does not say.")
    year: int | None = Field(None, ge=1900, le=2200, description="The benchmarks' year, if the file does not say.")
    industry: str | None = Field(None, max_length=100, description="The industry the benchmarks describe, e.g. SaaS.")
    map: dict[str, str] | None = Field(None, description="Metric names in the file -> catalog keys, for names the "
                                                         "catalog does not know or reads differently, e.g. "
                                                         "{\"Gross Revenue Retention\": \"renewal_rate\"}; "
                                                         "value 'ignore' leaves a metric out. Only as the user says.")
    prefer_source: str | None = Field(None, max_length=200,
                                      description="Where several sources cover one metric, the one to use as the "
                                                  "primary reference (default: most recent, then largest sample).")
    activate: bool | None = Field(None, description="Make this the active set. Omit unless the user asked: a new "
                                                    "set becomes active by itself only when no set is active.")


def load_benchmarks(ws, inp: LoadBenchmarksInput) -> LoadBenchmarksOutput:
    """Import an industry benchmark file (CSV or XLSX) the user attached, as a named benchmark set.

    Use this when the user attaches or names a benchmark file, before comparing accounts
    against it. It reads summary files (one row per metric and scope with P10/P25/Median/
    P75/P90/Top decile/Mean columns, or long metric/stat/value rows, possibly with several
    sources and scopes such as ARR bands, industries or regions) and raw peer files (one
    row per peer company; quantiles are computed). Metric and column names are mapped to
    the catalog and every mapping that is not exact is listed; units are converted where
    possible; percentiles listed best-first are read as performance percentiles. Returns
    the set name, whether it became active, sources, scopes, metrics by category, what
    was not recognised (near misses are questions for the user), the readings and
    normalisations, and a `summary` to relay. A file with bad cells is rejected whole:
    the error lists each problem as file, row, column; tell the user, do not guess values.
    """
    path = resolve_upload(ws, inp.path)
    return load_benchmarks_file(ws, path, name=inp.name, sheet=inp.sheet, source=inp.source,
                                year=inp.year, industry=inp.industry, mapping=inp.map,
                                prefer_source=inp.prefer_source, activate=inp.activate)


def follow_ups(out: LoadBenchmarksOutput) -> list[FollowUp]:
    """Make the set active, answer a near miss, pick the primary source."""
    offers = []
    if not out.active and out.upload:
        short = out.name if len(out.name) <= 28 else out.name[:27].rstrip() + "\u2026"
        offers.append(FollowUp.call(f"Make '{short}' the active set", "manage_benchmarks", name=out.name,
                                    activate=True))
    for miss in out.near_misses[:3]:
        offers.append(FollowUp.call(f"Map '{miss.name}' to {miss.label}", "load_benchmarks", path=out.upload,
                                    name=out.name, map={**out.user_map, miss.name: miss.metric}))
    for src in out.contenders[:3]:
        offers.append(FollowUp.call(f"Prefer {src} as primary", "manage_benchmarks", name=out.name,
                                    prefer_source=src))
    return [o for o in offers if o.payload["input"].get("path", "") is not None]


TOOL = Tool("load_benchmarks", LoadBenchmarksInput, LoadBenchmarksOutput, load_benchmarks,
            follow_ups=follow_ups, clickable=True,
            context=lambda inp, out: {"benchmark": out.name, "upload": out.upload},
            step_title=lambda inp: f"benchmark import: {inp.get('name') or inp.get('path', '')}", writes=True)


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
                         display_name: str | None = None, table: Table | None = None,
                         mapping: dict[str, str] | list[str] | None = None, prefer_source: str | None = None,
                         activate: bool | None = None) -> LoadBenchmarksOutput:
    """Read, validate and store a benchmark file (any path: for the CLI, the app and the demo).

    Raises :class:`~tools.ingest.problems.ImportFailed` listing every problem; then nothing changed.
    """
    path = Path(path)
    checksum = hashlib.sha256(path.read_bytes()).hexdigest()
    user_map = parse_mapping(mapping)
    same = duplicate_of(ws, checksum)
    if same is not None and not user_map and (name is None or name.strip().casefold() == same["name"].casefold()):
        return _already_loaded(ws, same, path)
    table = table or read_table(path, sheet=sheet, display_name=display_name)
    probs = Problems(table.file)
    parsed = parse_benchmarks(table, probs, user_map)
    probs.raise_if_any()
    metrics = [k for k in BY_KEY if any(r["metric"] == k for r in parsed.rows)]
    if not metrics:
        found = parsed.unrecognised + [m["name"] for m in parsed.near_misses] + [u["name"] for u in parsed.unreconciled]
        raise probs.fail("no benchmark could be stored: no metric matches the catalog with a usable unit"
                         + (f" (found: {', '.join(found[:15])})" if found else "")
                         + "; expected metrics such as NPS, DAU/MAU, Time to Value, Net Revenue Retention"
                         + ("; map a name with --map \"NAME=metric_key\"" if found else ""))
    name = _set_name(name, table, parsed, source, year, Path(display_name or path.name))
    previous = active_name(ws)
    out = _output(parsed, table, name, metrics, source=source, year=year,
                  industry=industry or _guess_industry(parsed, name, source), checksum=checksum)
    out.user_map = mapping_items(mapping)
    out.prefer_source = _preferred(prefer_source, out)
    out.overlaps, out.contenders = _overlaps(parsed, out.prefer_source)
    out.active = _store(ws, out, parsed, activate)
    out.previous_active = previous if previous and previous.casefold() != name.casefold() else None
    out.upload = str(path) if _is_upload(ws, path) else None
    out.summary = out.summary_text()
    return out


def _is_upload(ws, path: Path) -> bool:
    return path.resolve().is_relative_to(ws.uploads_dir.resolve())


def _already_loaded(ws, same: dict, path: Path) -> LoadBenchmarksOutput:
    """The stored set's own summary, marked as a repeat: nothing is written."""
    out = LoadBenchmarksOutput.model_validate_json(same["summary_json"])
    out.name, out.active, out.duplicate_of = same["name"], bool(same["active"]), same["name"]
    out.previous_active = None if out.active else active_name(ws)
    out.loaded_at = same["loaded_at"]
    out.upload = None
    out.summary = out.summary_text()
    return out


def _set_name(given: str | None, table: Table, parsed: ParsedBenchmarks, source: str | None, year: int | None,
              file: Path) -> str:
    """The given name, else the title row, else "<source> <year>" for one source, else the file name made readable."""
    if given and given.strip():
        return " ".join(given.split())[:100]
    if table.titles:
        return table.titles[0][:100]
    sources = [source] if source else parsed.sources
    years = [year] if year else parsed.years
    if len(sources) == 1:
        return " ".join(x for x in (sources[0], str(max(years)) if years else "") if x)[:100]
    stem = re.sub(r"[_\s]+", " ", file.stem).strip() or "Benchmarks"
    return (stem[0].upper() + stem[1:])[:100]


def _output(parsed: ParsedBenchmarks, table: Table, name: str, metrics: list[str], *, source, year,
            industry, checksum) -> LoadBenchmarksOutput:
    source = source or (", ".join(parsed.sources) if parsed.sources else None)
    year = year or (max(parsed.years) if parsed.years else None)
    by_category: dict[str, list[str]] = {}
    for k in metrics:
        by_category.setdefault(BY_KEY[k].category, []).append(k)
    refs = [ReferencePoint(metric=r["metric"], segment=r["scope"].label, label=r.get("label") or r["stat"],
                           value=r["value"], source=r["source"])
            for r in parsed.rows if r["quantile"] is None and r["stat"] != "mean"]
    normalisations = table.notes + parsed.notes
    if not any(r["quantile"] is not None for r in parsed.rows):
        normalisations.append("the file has no percentiles (P10..P90): accounts can be compared "
                              "with the mean or reference points only")
    if any(c.dim == "acv" for r in parsed.rows for c in r["scope"].conds):
        normalisations.append("ACV bands are matched with each account's ARR (one contract per account)")
    return LoadBenchmarksOutput(
        name=name, source=source, year=year, industry=industry, sample_size=_sample_size(parsed),
        file_name=table.file, checksum=checksum, kind="raw" if parsed.shape == "raw" else "quantiles",
        shape=parsed.shape, metrics_matched=metrics, by_category=by_category,
        unrecognised=parsed.unrecognised, near_misses=[NearMiss(**m) for m in parsed.near_misses],
        mappings=parsed.mappings, readings=parsed.readings,
        unreconciled=[UnreconciledMetric(**u) for u in parsed.unreconciled],
        ignored_columns=parsed.ignored_columns, segments=_scopes(parsed), sources=_sources(parsed),
        normalisations=normalisations, reference_points=refs, rows_stored=len(parsed.rows),
        peers=len(parsed.peers), summary="")


def _scopes(parsed: ParsedBenchmarks) -> list[str]:
    """Scope labels in reading order (Enterprise, Mid-Market, SMB; bands small to large; All last)."""
    scopes = {r["scope"].key(): r["scope"] for r in parsed.rows}
    ordered = sorted(scopes.values(), key=lambda s: s.display_order())
    labels = list(dict.fromkeys(s.label for s in ordered))
    labels += [p["segment"] for p in parsed.peers if p["segment"] not in labels]
    return list(dict.fromkeys(labels))


def _sources(parsed: ParsedBenchmarks) -> list[SourceInfo]:
    by: dict[tuple, SourceInfo] = {}
    for r in parsed.rows:
        if not r["source"]:
            continue
        key = (r["source"], r["year"])
        info = by.setdefault(key, SourceInfo(source=r["source"], year=r["year"], metrics=0, sample_size=None))
        info.sample_size = max(filter(None, (info.sample_size, r["sample_size"])), default=None)
    for (src, yr), info in by.items():
        info.metrics = len({r["metric"] for r in parsed.rows if r["source"] == src and r["year"] == yr})
    return sorted(by.values(), key=lambda s: (-(s.year or 0), s.source.casefold()))


def _overlaps(parsed: ParsedBenchmarks, prefer: str | None) -> tuple[list[str], list[str]]:
    """Where several sources give percentiles for one metric and scope: "Net Revenue Retention (All): SaaS
    Capital 2023 (primary), KeyBanc 2023", and the sources that could be chosen instead of the primary."""
    series: dict[tuple, dict[tuple, dict]] = {}
    for r in parsed.rows:
        if r["quantile"] is not None and r["source"]:
            src = series.setdefault((r["metric"], r["scope"].key()), {}).setdefault(
                (r["source"], r["year"]), {"n": 0, "seq": r.get("seq") or 0, "scope": r["scope"].label})
            src["n"] = max(src["n"], r["sample_size"] or 0)
    lines, others = [], []
    for (metric, _), by in series.items():
        if len(by) < 2:
            continue
        ranked = sorted(by, key=lambda k: (not (prefer and k[0].casefold() == prefer.casefold()), -(k[1] or 0),
                                           -by[k]["n"], by[k]["seq"]))
        names = [" ".join(x for x in (s, str(y or "")) if x) for s, y in ranked]
        lines.append(f"{BY_KEY[metric].label} ({next(iter(by.values()))['scope']}): {names[0]} (primary), "
                     + ", ".join(names[1:]))
        others += [s for s, _ in ranked[1:]]
    return lines, list(dict.fromkeys(others))


def _preferred(prefer: str | None, out: LoadBenchmarksOutput) -> str | None:
    if not prefer:
        return None
    names = list(dict.fromkeys(s.source for s in out.sources))
    match = next((s for s in names if s.casefold() == prefer.strip().casefold()), None) or next(
        (s for s in names if prefer.strip().casefold() in s.casefold()), None)
    if match is None:
        raise ToolError(f"--prefer-source '{prefer}' is not a source in the file"
                        + (f"; its sources: {', '.join(names)}." if names else "; the file names no sources."),
                        suggestions=names[:5])
    return match


def _sample_size(parsed: ParsedBenchmarks) -> int | None:
    """The set's sample size: one n for the file, the "All" rows' n, or segments that add up; else None
    (several sources or overlapping cuts: each row keeps its own n)."""
    if parsed.shape == "raw":
        return parsed.n_peers
    sizes = {r["sample_size"] for r in parsed.rows if r["sample_size"]}
    if len(sizes) <= 1:
        return sizes.pop() if sizes else None
    if len({(r["source"], r["year"]) for r in parsed.rows}) > 1:
        return None
    by_scope: dict[str, int] = {}
    for r in parsed.rows:
        if r["sample_size"]:
            by_scope[r["scope"].key()] = max(by_scope.get(r["scope"].key(), 0), r["sample_size"])
    if "" in by_scope:
        return by_scope[""]
    segments_only = all(k.startswith("segment=") and ";" not in k for k in by_scope)
    return sum(by_scope.values()) if segments_only else None


def _guess_industry(parsed: ParsedBenchmarks, name: str, source: str | None) -> str | None:
    if len(parsed.industries) == 1:
        return parsed.industries[0]
    words = normalise_label(name.replace("_", " ")).split()  # not a source: "SaaS Capital" names a publisher
    return next((_INDUSTRY_WORDS[w] for w in words if w in _INDUSTRY_WORDS), None)


def _store(ws, out: LoadBenchmarksOutput, parsed: ParsedBenchmarks, activate: bool | None) -> bool:
    """Replace-or-insert the set and its rows in one transaction; returns whether it is active."""
    record = {"name": out.name, "source": out.source, "year": out.year, "file_name": out.file_name,
              "checksum": out.checksum, "kind": out.kind, "industry": out.industry,
              "sample_size": out.sample_size, "prefer_source": out.prefer_source}
    one_source = len({(r["source"], r["year"]) for r in parsed.rows}) <= 1
    n_all = out.sample_size if one_source and len({r["sample_size"] for r in parsed.rows if r["sample_size"]}) <= 1 \
        else None
    rows = [(r["metric"], r["scope"].label, r["scope"].key(), r["scope"].to_json(), r["stat"], r["quantile"],
             r["value"], r["sample_size"] or n_all, r["source"] or (out.source if one_source else None),
             r["year"] or (out.year if one_source else None), r.get("label"), r.get("note"), r.get("seq"))
            for r in parsed.rows]
    peers = [(p["peer"], p["segment"], p["metric"], p["value"]) for p in parsed.peers]

    def summary_json(active: bool) -> str:
        out.active = active  # the stored summary says whether it was made active (shown again on a repeat upload)
        return out.model_dump_json()

    return store_set(ws, record, rows, peers, activate, summary_json)
