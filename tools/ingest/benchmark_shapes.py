"""Turning a benchmark :class:`~tools.ingest.reader.Table` into benchmark rows.

Three shapes (see :func:`parse_benchmarks`):

- ``wide``: one row per metric (and scope); statistic columns ``P10``, ``25th``,
  ``Median``/``P50``/``50th percentile``, ``P75``, ``Top decile``, ``Mean``; optional
  ``Segment``, ``Unit``, ``Sample size``, ``Source``, ``Year``, ``Industry``. Other
  numeric columns ("Best in class") become labelled reference points.
- ``long``: ``metric, stat, value`` rows, optionally with a scope (``segment``, or
  ``segment dimension`` + ``segment value``) and ``source``, ``year``, ``sample note``;
  stats that are not percentiles or the mean ("best in class", "good/great", "typical
  range low", "guidepost") are labelled reference points.
- ``raw``: one row per peer company, metric columns, optional ``segment`` and ``peer``
  columns; quantiles P10..P90 and the mean are computed per segment (and "All").

A row's scope (:mod:`tools.benchmarks.scopes`) comes from its scope columns: segment,
ARR/ACV band, employees, or a dimension + value pair; an industry or region column
scopes rows when it holds more than one value (one value describes the whole set).
Figures become rows through :func:`tools.ingest.benchmark_series.build_rows` (one
series per metric, scope and source; performance percentiles read as such).
Everything is validated here; nothing touches the database.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np

from analytics.catalog import BY_KEY, Metric, normalise_label, segment_for
from analytics.privacy import MIN_COHORT
from tools.benchmarks.scopes import (
    ALL,
    Scope,
    ScopeError,
    combine,
    dimension_for,
    parse_scope,
)
from tools.ingest.benchmark_names import NameMapper
from tools.ingest.benchmark_series import Point, build_rows
from tools.ingest.detect import StatReading, field_for, header_roles, stat_reading
from tools.ingest.metric_column import Unreconciled, metric_column, unit_hint
from tools.ingest.problems import Problems
from tools.ingest.reader import Table
from tools.ingest.values import BadValue, clean_text, parse_int, parse_number

QUANTILES = (10.0, 25.0, 50.0, 75.0, 90.0)  # computed from raw peer rows
MIN_PEERS_FOR_QUANTILES = MIN_COHORT  # quantiles of fewer peers would expose them (anonymity)
SCOPE_ROLES = (("segment", "segment"), ("arr", "arr"), ("arr_band", "arr"), ("acv_band", "acv"),
               ("employees", "employees"))
_EXACT_HEADERS = {"metric", "segment", "stat", "statistic", "value", "unit", "source", "year", "sample size",
                  "industry", "region", "n", "mean", "median", "sample note", "p10", "p25", "p50", "p75", "p90"}


@dataclass
class ParsedBenchmarks:
    shape: str
    rows: list[dict] = field(default_factory=list)  # see benchmark_series.build_rows (raw: computed quantiles)
    peers: list[dict] = field(default_factory=list)  # peer, segment, metric, value
    unrecognised: list[str] = field(default_factory=list)
    near_misses: list[dict] = field(default_factory=list)  # name, metric, label, score
    mappings: list[str] = field(default_factory=list)  # every header and metric mapping that is not exact
    readings: list[str] = field(default_factory=list)  # how percentiles were read (performance percentiles)
    unreconciled: list[dict] = field(default_factory=list)  # metric, name, unit, reason
    ignored_columns: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    years: list[int] = field(default_factory=list)
    industries: list[str] = field(default_factory=list)
    n_peers: int = 0


def parse_benchmarks(table: Table, probs: Problems, mapping: dict[str, str] | None = None) -> ParsedBenchmarks:
    """Detect the shape and parse; problems go to ``probs`` (the caller raises them).

    ``mapping`` is the user's metric mapping (:func:`tools.ingest.benchmark_names.parse_mapping`).
    """
    roles = header_roles(table.headers)
    names = NameMapper(mapping=dict(mapping or {}))
    if "metric" in roles and "stat" in roles and "value" in roles:
        shape: _Shape = _Long(table, probs, roles, names)
    elif (roles.get("metric") or roles.get("name")) and "stat_column" in roles:
        shape = _Wide(table, probs, roles, names)
    elif "metric_column" in roles or (mapping and "other" in roles):
        shape = _Raw(table, probs, roles, names)
    else:
        raise probs.fail("not a benchmark table: expected a metric column with statistic columns "
                         "(P25, Median, P75 ...), or metric, stat, value columns, or one row per peer "
                         "with metric columns; found columns " + ", ".join(f"'{h}'" for h in table.headers),
                         row=table.header_row)
    out = shape.parse()
    out.unrecognised, out.near_misses = names.unrecognised, names.near_misses
    out.mappings = shape.header_mappings + names.mappings
    for name in names.unused():
        probs.add_message(f"your mapping for '{name}' matches no metric name in the file")
    return out


@dataclass
class _Cell:
    i: int
    j: int
    scope: Scope
    reading: StatReading | None
    label: str | None
    meta: tuple


class _Shape:
    shape = "?"
    metric_idx: int | None = None

    def __init__(self, table: Table, probs: Problems, roles: dict[str, list[int]], names: NameMapper):
        self.t, self.probs, self.roles, self.names = table, probs, roles, names
        self.out = ParsedBenchmarks(shape=self.shape)
        self.header_mappings: list[str] = []
        self.points: list[Point] = []

    def col(self, role: str) -> int | None:
        cols = self.roles.get(role)
        if cols and len(cols) > 1:
            self.probs.add(self.t.header_row, self.t.headers[cols[1]], self.t.headers[cols[1]],
                           f"one '{role}' column (also column '{self.t.headers[cols[0]]}')")
        return cols[0] if cols else None

    def cell(self, i: int, j: int | None) -> str:
        return "" if j is None else self.t.rows[i][j]

    def note(self, text: str) -> None:
        if text not in self.out.notes:
            self.out.notes.append(text)

    def mapped(self, j: int | None, meaning: str) -> None:
        """Say how a header was read, unless it is the plain name."""
        if j is None:
            return
        header = self.t.headers[j]
        if normalise_label(header) not in _EXACT_HEADERS:
            self.header_mappings.append(f"column '{header}' -> {meaning}")

    # -- scopes -------------------------------------------------------------------------------

    def scope_columns(self) -> tuple[list[tuple[int, str]], tuple[int, int | None] | None]:
        """(columns scoping rows with their dimension, (dimension column, value column) or None)."""
        dim_col, val_col = self.col("scope_dim"), self.col("scope_value")
        seg_col = self.col("segment")
        if dim_col is not None and val_col is None:
            val_col, seg_col = seg_col, None
        cols: list[tuple[int, str]] = []
        for role, dim in SCOPE_ROLES:
            j = seg_col if role == "segment" else self.col(role)
            if j is not None:
                cols.append((j, dim))
                if dim != "segment":
                    self.mapped(j, f"{dim.upper() if dim != 'employees' else 'employee'} band (rows scoped by it)")
        for role in ("industry", "region"):
            j = self.col(role)
            values = {normalise_label(r[j]) for r in self.t.rows if r[j].strip()} if j is not None else set()
            if len(values) > 1:
                cols.append((j, role))
                self.note(f"rows are scoped by {role} (column '{self.t.headers[j]}': {len(values)} values)")
        if dim_col is not None:
            self.mapped(dim_col, "scope dimension")
            self.mapped(val_col, "scope value")
        return cols, ((dim_col, val_col) if dim_col is not None else None)

    def scope(self, i: int, cols: list[tuple[int, str]], pair: tuple[int, int | None] | None) -> Scope | None:
        """Row ``i``'s scope, or None after recording a problem."""
        parts = []
        rownum = self.t.row_numbers[i]
        for j, dim in cols:
            text = self.cell(i, j)
            if dim in ("industry", "region") or not text.strip():
                parts.append(parse_scope(text, dim) if text.strip() else ALL)
                continue
            try:
                scope = parse_scope(text, dim)
            except ScopeError as exc:
                self.probs.add(rownum, self.t.headers[j], text, str(exc))
                return None
            if dim == "segment" and scope.conds and scope.conds[0].dim == "segment" and \
                    segment_for(text) is None:
                self.note(f"segment '{scope.label}' is not a standard segment; kept as written "
                          "(it applies to accounts whose segment is written the same way)")
            elif normalise_label(scope.label) != normalise_label(text) and dim == "segment":
                self.note(f"segment '{' '.join(text.split())}' read as {scope.label}")
            parts.append(scope)
        if pair is not None:
            scope = self._pair_scope(i, *pair)
            if scope is None:
                return None
            parts.append(scope)
        return combine(parts)

    def _pair_scope(self, i: int, dim_col: int, val_col: int | None) -> Scope | None:
        dim_text, value = self.cell(i, dim_col), self.cell(i, val_col)
        rownum = self.t.row_numbers[i]
        if not dim_text.strip() or normalise_label(dim_text) in ("all", "overall", "total", "none"):
            return ALL
        dim = dimension_for(dim_text)
        if dim is None:
            self.probs.add(rownum, self.t.headers[dim_col], dim_text,
                           "a dimension: ARR band, ACV band, employees, industry, region, segment or All")
            return None
        try:
            return parse_scope(value, dim)
        except ScopeError as exc:
            self.probs.add(rownum, self.t.headers[val_col] if val_col is not None else self.t.headers[dim_col],
                           value, str(exc))
            return None

    # -- metadata -------------------------------------------------------------------------------

    def meta_cols(self) -> dict[str, int | None]:
        cols = {r: self.col(r) for r in ("sample_size", "source", "year", "industry", "sample_note")}
        for role, meaning in (("sample_size", "sample size"), ("source", "source"), ("year", "year"),
                              ("sample_note", "sample note")):
            self.mapped(cols[role], meaning)
        return cols

    def meta(self, i: int, cols: dict[str, int | None]) -> tuple[int | None, str | None, int | None, str | None]:
        """Sample size, source, year and sample note of row ``i`` (problems recorded)."""
        rownum = self.t.row_numbers[i]
        n = year = None
        try:
            n = parse_int(self.cell(i, cols["sample_size"]), lo=1, hi=100_000_000)
        except BadValue as exc:
            self.probs.add(rownum, self.t.headers[cols["sample_size"]], self.cell(i, cols["sample_size"]), str(exc))
        try:
            year = parse_int(self.cell(i, cols["year"]), lo=1900, hi=2200)
        except BadValue as exc:
            self.probs.add(rownum, self.t.headers[cols["year"]], self.cell(i, cols["year"]), f"a year ({exc})")
        texts = {}
        for role in ("source", "industry", "sample_note"):
            try:
                texts[role] = clean_text(self.cell(i, cols[role]))
            except BadValue as exc:
                self.probs.add(rownum, self.t.headers[cols[role]], self.cell(i, cols[role]), str(exc))
                texts[role] = None
        src, industry = texts["source"], texts["industry"]
        for value, bucket in ((src, self.out.sources), (year, self.out.years), (industry, self.out.industries)):
            if value is not None and value not in bucket:
                bucket.append(value)
        return n, src, year, texts["sample_note"]

    def unreconciled(self, metric: Metric, name: str, unit: str, reason: str) -> None:
        entry = {"metric": metric.key, "name": name, "unit": unit, "reason": reason}
        if entry not in self.out.unreconciled:
            self.out.unreconciled.append(entry)

    # -- figures ----------------------------------------------------------------------------------

    def metric_name(self, i: int, name: str, has_values: bool) -> Metric | None:
        """The catalog metric a row names; unknown names are listed, a blank one is a problem."""
        if not name.strip():
            if has_values:
                self.probs.add(self.t.row_numbers[i], self.t.headers[self.metric_idx], "", "a metric name")
            return None
        return self.names.metric(name)

    def add_groups(self, groups: dict[tuple, list[_Cell]]) -> None:
        """Parse each (metric, unit, name) group of cells in the catalog's units; keep them as points."""
        for (key, unit, name), cells in groups.items():
            metric = BY_KEY[key]
            texts = [self.t.rows[c.i][c.j] for c in cells]
            try:
                res = metric_column(metric, texts, decimal_comma=self.t.decimal_comma, unit=unit or None)
            except Unreconciled as exc:
                self.unreconciled(metric, name, unit, str(exc))
                continue
            for k, expected in res.errors:
                self.probs.add(self.t.row_numbers[cells[k].i], self.t.headers[cells[k].j], texts[k], expected)
            for note in res.notes:
                self.note(note)
            for c, text, value in zip(cells, texts, res.values):
                if value is None:
                    continue
                n, src, year, sample_note = c.meta
                r = c.reading
                self.points.append(Point(
                    metric=key, scope=c.scope, source=src, year=year, n=n, note=sample_note,
                    stat=r.key if r else normalise_label(c.label or ""), q=r.quantile if r else None,
                    performance=bool(r and r.performance), label=c.label, value=value,
                    row=self.t.row_numbers[c.i], column=self.t.headers[c.j], text=text.strip(),
                    seq=len(self.points)))

    def finish(self) -> ParsedBenchmarks:
        self.out.rows, self.out.readings = build_rows(self.points, self.probs)
        return self.out


def _unit(row: list[str], unit_col: int | None, name: str) -> str:
    return (row[unit_col].strip() if unit_col is not None else "") or unit_hint(name) or ""


class _Wide(_Shape):
    shape = "wide"

    def parse(self) -> ParsedBenchmarks:
        t = self.t
        self.metric_idx = (self.roles.get("metric") or self.roles.get("name"))[0]
        self.mapped(self.metric_idx, "metric")
        unit_col, mc = self.col("unit"), self.meta_cols()
        scope_cols, pair = self.scope_columns()
        entries = self._stat_columns()
        used = {self.metric_idx, unit_col, *mc.values(), *(j for j, _ in scope_cols), *(pair or ()),
                *(j for j, *_ in entries)}
        for j, h in enumerate(t.headers):
            if j in used:
                continue
            if field_for(h) is None and all(_numberish(r[j]) for r in t.rows) and any(r[j].strip() for r in t.rows):
                entries.append((j, None, " ".join(h.split())))
                self.note(f"column '{h}' kept as a labelled reference point (not a percentile)")
            else:
                self.out.ignored_columns.append(h)
        groups: dict[tuple, list[_Cell]] = defaultdict(list)
        for i, row in enumerate(t.rows):
            name = row[self.metric_idx]
            metric = self.metric_name(i, name, any(row[j].strip() for j, *_ in entries))
            if metric is None:
                continue
            scope = self.scope(i, scope_cols, pair)
            meta = self.meta(i, mc)
            if scope is None:
                continue
            for j, reading, label in entries:
                if row[j].strip():
                    groups[(metric.key, _unit(row, unit_col, name), name.strip())].append(
                        _Cell(i, j, scope, reading, label, meta))
        self.add_groups(groups)
        return self.finish()

    def _stat_columns(self) -> list[tuple[int, StatReading | None, str | None]]:
        out, seen = [], {}
        for j in self.roles.get("stat_column", []):
            header = self.t.headers[j]
            r = stat_reading(header)
            ident = (r.key, r.performance)
            if ident in seen:
                self.probs.add(self.t.header_row, header, header,
                               f"one {_stat_words(r)} column (column '{self.t.headers[seen[ident]]}' is the same statistic)")
                continue
            seen[ident] = j
            out.append((j, r, " ".join(header.split())))
            if r.performance:
                self.header_mappings.append(f"column '{header}' -> {_stat_words(r)} (a performance percentile)")
            else:
                self.mapped(j, _stat_words(r))
        return out


def _stat_words(r: StatReading) -> str:
    if r.key == "mean":
        return "mean"
    if r.performance:
        return {90.0: "top 10%", 75.0: "top 25%", 25.0: "bottom 25%", 10.0: "bottom 10%"}.get(r.quantile, r.key.upper())
    return "median" if r.quantile == 50 else r.key.upper()


class _Long(_Shape):
    shape = "long"

    def parse(self) -> ParsedBenchmarks:
        t = self.t
        mcol, scol, vcol = self.col("metric"), self.col("stat"), self.col("value")
        self.metric_idx = mcol
        for j, meaning in ((mcol, "metric"), (scol, "statistic"), (vcol, "value")):
            self.mapped(j, meaning)
        unit_col, mc = self.col("unit"), self.meta_cols()
        scope_cols, pair = self.scope_columns()
        used = {mcol, scol, vcol, unit_col, *mc.values(), *(j for j, _ in scope_cols), *(pair or ())}
        self.out.ignored_columns = [h for j, h in enumerate(t.headers) if j not in used]
        groups: dict[tuple, list[_Cell]] = defaultdict(list)
        labels: dict[str, str] = {}
        named: set[str] = set()
        for i, row in enumerate(t.rows):
            name, stat_text = row[mcol], " ".join(row[scol].split())
            if not row[vcol].strip():
                continue
            metric = self.metric_name(i, name, True)
            if metric is None:
                continue
            if not stat_text:
                self.probs.add(t.row_numbers[i], t.headers[scol], "", "a statistic (P25, median, mean, ...)")
                continue
            reading = stat_reading(stat_text)
            if reading is None:
                labels.setdefault(normalise_label(stat_text), stat_text)
            elif reading.performance or normalise_label(stat_text) not in _EXACT_HEADERS:
                named.add(f"'{stat_text}' -> {_stat_words(reading)}"
                          + (" (a performance percentile)" if reading.performance else ""))
            scope = self.scope(i, scope_cols, pair)
            meta = self.meta(i, mc)
            if scope is None:
                continue
            label = stat_text
            groups[(metric.key, _unit(row, unit_col, name), name.strip())].append(
                _Cell(i, vcol, scope, reading, label, meta))
        self.add_groups(groups)
        self.header_mappings += [f"statistic {n}" for n in sorted(named)]
        if labels:
            self.note("kept as labelled reference points (not percentiles): " + ", ".join(sorted(set(labels.values()))))
        return self.finish()


class _Raw(_Shape):
    shape = "raw"

    def parse(self) -> ParsedBenchmarks:
        t = self.t
        seg_col, peer_col = self.col("segment"), self.col("peer")
        mc = self.meta_cols()
        metric_cols: dict[str, int] = {}
        for j, h in enumerate(t.headers):
            if field_for(h) is not None:
                continue
            metric = self.names.metric(h)
            if metric is None:
                continue
            if metric.key in metric_cols:
                self.probs.add(t.header_row, h, h,
                               f"one column per metric ('{t.headers[metric_cols[metric.key]]}' is also {metric.label})")
                continue
            metric_cols[metric.key] = j
        used = {seg_col, peer_col, *mc.values(), *metric_cols.values()}
        self.out.ignored_columns = [h for j, h in enumerate(t.headers) if j not in used and field_for(h) is not None]
        segs = [self.segment(i, seg_col) for i in range(len(t.rows))]
        peers = self._peer_ids(peer_col)
        for i in range(len(t.rows)):
            self.meta(i, mc)
        values: dict[str, list[float | None]] = {}
        for key, j in metric_cols.items():
            header = t.headers[j]
            try:
                res = metric_column(BY_KEY[key], t.column(j), decimal_comma=t.decimal_comma,
                                    unit=unit_hint(header), where=f"column '{header}'")
            except Unreconciled as exc:
                self.unreconciled(BY_KEY[key], header, unit_hint(header) or "", str(exc))
                continue
            for i, expected in res.errors:
                self.probs.add(t.row_numbers[i], header, t.rows[i][j], expected)
            for note in res.notes:
                self.note(note)
            values[key] = res.values
        self.out.n_peers = len(t.rows)
        for key, vals in values.items():
            self.out.peers.extend({"peer": peers[i], "segment": segs[i], "metric": key, "value": v}
                                  for i, v in enumerate(vals) if v is not None)
        self._quantiles(values, segs)
        return self.out

    def segment(self, i: int, j: int | None) -> str:
        text = self.cell(i, j)
        if not text.strip():
            return "All"
        mapped = segment_for(text)
        if mapped is None:
            mapped = " ".join(text.split())
            self.note(f"segment '{mapped}' is not a standard segment; kept as written")
        elif mapped != text.strip():
            self.note(f"segment '{text.strip()}' read as {mapped}")
        return mapped

    def _peer_ids(self, peer_col: int | None) -> list[str]:
        if peer_col is None:
            return [f"row {n}" for n in self.t.row_numbers]
        ids, seen = [], {}
        for i, row in enumerate(self.t.rows):
            pid = " ".join(row[peer_col].split()) or f"row {self.t.row_numbers[i]}"
            if pid.casefold() in seen:
                self.probs.add(self.t.row_numbers[i], self.t.headers[peer_col], pid,
                               f"a unique peer id (also on row {seen[pid.casefold()]})")
            seen.setdefault(pid.casefold(), self.t.row_numbers[i])
            ids.append(pid)
        return ids

    def _quantiles(self, values: dict[str, list[float | None]], segs: list[str]) -> None:
        groups = sorted(set(segs))
        if groups != ["All"]:
            groups.append("All")
            self.note(f"segment All computed over all {len(segs)} peers")
        for key, vals in values.items():
            for seg in groups:
                arr = np.array([v for v, s in zip(vals, segs) if v is not None and (seg == "All" or s == seg)])
                if len(arr) < MIN_PEERS_FOR_QUANTILES:
                    if len(arr):
                        self.note(f"{BY_KEY[key].label} ({seg}): only {len(arr)} peers, no quantiles computed")
                    continue
                scope = ALL if seg == "All" else Scope(parse_scope(seg, "segment").conds, seg)
                common = {"metric": key, "scope": scope, "sample_size": len(arr), "source": None, "year": None,
                          "label": None, "note": None, "seq": len(self.out.rows)}
                for q, v in zip(QUANTILES, np.percentile(arr, QUANTILES)):
                    self.out.rows.append({**common, "stat": f"p{q:g}", "quantile": q, "value": float(v)})
                self.out.rows.append({**common, "stat": "mean", "quantile": None, "value": float(arr.mean())})


def _numberish(text: str) -> bool:
    try:
        parse_number(text)
        return True
    except BadValue:
        return False
