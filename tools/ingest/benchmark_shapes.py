"""Turning a benchmark :class:`~tools.ingest.reader.Table` into benchmark rows.

Three shapes (see :func:`parse_benchmarks`):

- ``wide``: one row per metric (and segment); statistic columns ``P10``, ``P25``,
  ``Median``/``P50``/``50th percentile``, ``P75``, ``P90``, ``Mean``; optional ``Segment``,
  ``Unit``, ``Sample size``, ``Source``, ``Year``, ``Industry``. Other numeric columns
  ("Best in class") become labelled reference points.
- ``long``: ``metric, segment, stat, value`` rows; stats that are not quantiles or the
  mean ("best in class", "good") are labelled reference points (quantile NULL).
- ``raw``: one row per peer company, metric columns, optional ``segment`` and ``peer``
  columns; quantiles P10..P90 and the mean are computed per segment (and "All").

Everything is validated here; nothing touches the database.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np

from analytics.catalog import BY_KEY, Metric, normalise_label, segment_for
from analytics.privacy import MIN_COHORT
from tools.ingest.detect import field_for, header_roles, metric_of_header, stat_for
from tools.ingest.metric_column import Unreconciled, metric_column, unit_hint
from tools.ingest.problems import Problems
from tools.ingest.reader import Table
from tools.ingest.values import BadValue, clean_text, parse_int, parse_number

QUANTILES = (10.0, 25.0, 50.0, 75.0, 90.0)  # computed from raw peer rows
MIN_PEERS_FOR_QUANTILES = MIN_COHORT  # quantiles of fewer peers would expose them (anonymity)


@dataclass
class ParsedBenchmarks:
    shape: str
    rows: list[dict] = field(default_factory=list)  # metric, segment, stat, quantile, value, sample_size, source, year
    peers: list[dict] = field(default_factory=list)  # peer, segment, metric, value
    unrecognised: list[str] = field(default_factory=list)
    unreconciled: list[dict] = field(default_factory=list)  # metric, name, unit, reason
    ignored_columns: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    years: list[int] = field(default_factory=list)
    industries: list[str] = field(default_factory=list)
    sample_sizes: dict[str, int] = field(default_factory=dict)  # segment -> largest n seen
    n_peers: int = 0


def parse_benchmarks(table: Table, probs: Problems) -> ParsedBenchmarks:
    """Detect the shape and parse; problems go to ``probs`` (the caller raises them)."""
    roles = header_roles(table.headers)
    if "metric" in roles and "stat" in roles and "value" in roles:
        return _Long(table, probs, roles).parse()
    metric_col = roles.get("metric") or roles.get("name")
    if metric_col and "stat_column" in roles:
        return _Wide(table, probs, roles, metric_col[0]).parse()
    if "metric_column" in roles:
        return _Raw(table, probs, roles).parse()
    raise probs.fail("not a benchmark table: expected a metric column with statistic columns "
                     "(P25, Median, P75 ...), or metric, stat, value columns, or one row per peer "
                     "with metric columns; found columns " + ", ".join(f"'{h}'" for h in table.headers),
                     row=table.header_row)


class _Shape:
    shape = "?"

    def __init__(self, table: Table, probs: Problems, roles: dict[str, list[int]]):
        self.t, self.probs, self.roles = table, probs, roles
        self.out = ParsedBenchmarks(shape=self.shape)

    def col(self, role: str) -> int | None:
        cols = self.roles.get(role)
        if cols and len(cols) > 1:
            self.probs.add(self.t.header_row, self.t.headers[cols[1]], self.t.headers[cols[1]],
                           f"one '{role}' column (also column '{self.t.headers[cols[0]]}')")
        return cols[0] if cols else None

    def cell(self, i: int, j: int | None) -> str:
        return "" if j is None else self.t.rows[i][j]

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

    def note(self, text: str) -> None:
        if text not in self.out.notes:
            self.out.notes.append(text)

    def meta(self, i: int, cols: dict[str, int | None]) -> tuple[int | None, str | None, int | None]:
        """Sample size, source, year of row ``i`` (problems recorded)."""
        rownum = self.t.row_numbers[i]
        n = src = year = None
        try:
            n = parse_int(self.cell(i, cols["sample_size"]), lo=1, hi=100_000_000)
        except BadValue as exc:
            self.probs.add(rownum, self.t.headers[cols["sample_size"]], self.cell(i, cols["sample_size"]), str(exc))
        try:
            year = parse_int(self.cell(i, cols["year"]), lo=1900, hi=2200)
        except BadValue as exc:
            self.probs.add(rownum, self.t.headers[cols["year"]], self.cell(i, cols["year"]), f"a year ({exc})")
        texts = {}
        for role in ("source", "industry"):
            try:
                texts[role] = clean_text(self.cell(i, cols[role]))
            except BadValue as exc:
                self.probs.add(rownum, self.t.headers[cols[role]], self.cell(i, cols[role]), str(exc))
                texts[role] = None
        src, industry = texts["source"], texts["industry"]
        for value, bucket in ((src, self.out.sources), (year, self.out.years), (industry, self.out.industries)):
            if value is not None and value not in bucket:
                bucket.append(value)
        return n, src, year

    def meta_cols(self) -> dict[str, int | None]:
        return {r: self.col(r) for r in ("sample_size", "source", "year", "industry")}

    def unreconciled(self, metric: Metric, name: str, unit: str, reason: str) -> None:
        entry = {"metric": metric.key, "name": name, "unit": unit, "reason": reason}
        if entry not in self.out.unreconciled:
            self.out.unreconciled.append(entry)

    def store_groups(self, groups: dict, cells_of) -> None:
        """Parse each (metric, unit) group of cells and add the rows.

        ``groups[(metric_key, unit, name)]`` lists entries (i, column header, segment, stat,
        quantile, n, source, year) and ``cells_of(entry)`` gives each entry's text.
        """
        seen: dict[tuple, int] = {}
        for (key, unit, name), entries in groups.items():
            metric = BY_KEY[key]
            cells = [cells_of(e) for e in entries]
            try:
                res = metric_column(metric, cells, decimal_comma=self.t.decimal_comma, unit=unit or None)
            except Unreconciled as exc:
                self.unreconciled(metric, name, unit, str(exc))
                continue
            for k, expected in res.errors:
                i, header = entries[k][0], entries[k][1]
                self.probs.add(self.t.row_numbers[i], header, cells[k], expected)
            for note in res.notes:
                self.note(note)
            for k, (i, header, seg, stat, q, n, src, year) in enumerate(entries):
                if res.values[k] is None:
                    continue
                ident = (key, seg, stat)
                if ident in seen:
                    self.probs.add(self.t.row_numbers[i], header, cells[k],
                                   f"one {stat} for {metric.label} / {seg} (already given on row {seen[ident]})")
                    continue
                seen[ident] = self.t.row_numbers[i]
                self.out.rows.append({"metric": key, "segment": seg, "stat": stat, "quantile": q,
                                      "value": res.values[k], "sample_size": n, "source": src,
                                      "year": year, "_row": self.t.row_numbers[i], "_column": header})
                if n:
                    self.out.sample_sizes[seg] = max(self.out.sample_sizes.get(seg, 0), n)

    def check_order(self) -> None:
        """Quantiles must increase with p; a lower-is-better metric listed best-first is reordered."""
        by_group: dict[tuple, list[dict]] = defaultdict(list)
        for r in self.out.rows:
            if r["quantile"] is not None:
                by_group[(r["metric"], r["segment"])].append(r)
        for (key, seg), rows in by_group.items():
            rows.sort(key=lambda r: r["quantile"])
            vals = [r["value"] for r in rows]
            if all(a <= b for a, b in zip(vals, vals[1:])):
                continue
            metric = BY_KEY[key]
            if not metric.higher_is_better and all(a >= b for a, b in zip(vals, vals[1:])):
                for r, v in zip(rows, reversed(vals)):
                    r["value"] = v
                self.note(f"{metric.label} ({seg}): quantiles were listed best-first (decreasing) for a "
                          "lower-is-better metric; reordered so they increase with p")
                continue
            bad = next(k for k in range(1, len(rows)) if vals[k] < vals[k - 1])
            lo, hi = rows[bad - 1], rows[bad]
            self.probs.add(hi["_row"], hi["_column"], f"{hi['value']:g}",
                           f"quantiles of {metric.label} ({seg}) increasing with p "
                           f"(P{lo['quantile']:g} = {lo['value']:g} > P{hi['quantile']:g} = {hi['value']:g})")

    def metric_name(self, i: int, name: str, has_values: bool) -> Metric | None:
        """The catalog metric a row names; unknown names are listed, a blank one is a problem."""
        if not name.strip():
            if has_values:
                self.probs.add(self.t.row_numbers[i], self.t.headers[self.metric_idx], "", "a metric name")
            return None
        metric = metric_of_header(name)
        shown = " ".join(name.split())[:80]  # untrusted cell text: kept short in the output
        if metric is None and shown not in self.out.unrecognised:
            self.out.unrecognised.append(shown)
        return metric

    def finish(self) -> ParsedBenchmarks:
        self.check_order()
        return self.out


class _Wide(_Shape):
    shape = "wide"

    def __init__(self, table, probs, roles, metric_col):
        super().__init__(table, probs, roles)
        self.metric_col = self.metric_idx = metric_col

    def parse(self) -> ParsedBenchmarks:
        t = self.t
        seg_col, unit_col, mc = self.col("segment"), self.col("unit"), self.meta_cols()
        stat_cols, seen = [], {}
        for j in self.roles.get("stat_column", []):
            stat, q = stat_for(t.headers[j])
            if stat in seen:
                self.probs.add(t.header_row, t.headers[j], t.headers[j],
                               f"one {stat.upper()} column (column '{t.headers[seen[stat]]}' is the same statistic)")
                continue
            seen[stat] = j
            stat_cols.append((j, stat, q))
        ref_cols, used = [], {self.metric_col, seg_col, unit_col, *mc.values(), *(j for j, *_ in stat_cols)}
        for j, h in enumerate(t.headers):
            if j in used:
                continue
            if field_for(h) is None and all(_numberish(r[j]) for r in t.rows) and any(r[j].strip() for r in t.rows):
                ref_cols.append(j)
                self.note(f"column '{h}' kept as a labelled reference point (not a percentile)")
            else:
                self.out.ignored_columns.append(h)
        entries = [(j, stat, q, None) for j, stat, q in stat_cols]
        entries += [(j, normalise_label(t.headers[j]), None, " ".join(t.headers[j].split())) for j in ref_cols]
        labels = {stat: label for _, stat, _, label in entries if label}
        col_of = {h: j for j, h in enumerate(t.headers)}
        groups: dict[tuple, list] = defaultdict(list)
        for i, row in enumerate(t.rows):
            name = row[self.metric_col]
            metric = self.metric_name(i, name, any(row[j].strip() for j, *_ in entries))
            if metric is None:
                continue
            unit = (row[unit_col].strip() if unit_col is not None else "") or unit_hint(name) or ""
            seg = self.segment(i, seg_col)
            n, src, year = self.meta(i, mc)
            for j, stat, q, _ in entries:
                if row[j].strip():
                    groups[(metric.key, unit, name.strip())].append((i, t.headers[j], seg, stat, q, n, src, year))
        self.store_groups(groups, lambda e: t.rows[e[0]][col_of[e[1]]])
        for r in self.out.rows:
            r["label"] = labels.get(r["stat"])
        return self.finish()


class _Long(_Shape):
    shape = "long"

    def parse(self) -> ParsedBenchmarks:
        t = self.t
        mcol, scol, vcol = self.col("metric"), self.col("stat"), self.col("value")
        self.metric_idx = mcol
        seg_col, unit_col, mc = self.col("segment"), self.col("unit"), self.meta_cols()
        used = {mcol, scol, vcol, seg_col, unit_col, *mc.values()}
        self.out.ignored_columns = [h for j, h in enumerate(t.headers) if j not in used]
        groups: dict[tuple, list] = defaultdict(list)
        labels: dict[str, str] = {}
        for i, row in enumerate(t.rows):
            name, stat_text = row[mcol], " ".join(row[scol].split())
            metric = self.metric_name(i, name, bool(row[vcol].strip()))
            if metric is None:
                continue
            if not stat_text:
                self.probs.add(t.row_numbers[i], t.headers[scol], "", "a statistic (P25, median, mean, ...)")
                continue
            stat = stat_for(stat_text)
            if stat is None:
                key, q = normalise_label(stat_text), None
                labels[key] = stat_text
            else:
                key, q = stat
            unit = (row[unit_col].strip() if unit_col is not None else "") or unit_hint(name) or ""
            seg = self.segment(i, seg_col)
            n, src, year = self.meta(i, mc)
            groups[(metric.key, unit, name.strip())].append((i, t.headers[vcol], seg, key, q, n, src, year))
        groups = {k: [e for e in v if t.rows[e[0]][vcol].strip()] for k, v in groups.items()}
        self.store_groups(groups, lambda e: t.rows[e[0]][vcol])
        for r in self.out.rows:
            r["label"] = labels.get(r["stat"]) if r["quantile"] is None and r["stat"] != "mean" else None
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
        for j in self.roles.get("metric_column", []):
            metric = metric_of_header(t.headers[j])
            if metric.key in metric_cols:
                self.probs.add(t.header_row, t.headers[j], t.headers[j],
                               f"one column per metric ('{t.headers[metric_cols[metric.key]]}' is also {metric.label})")
                continue
            metric_cols[metric.key] = j
        used = {seg_col, peer_col, *mc.values(), *metric_cols.values()}
        self.out.unrecognised = [h for j, h in enumerate(t.headers) if j not in used and field_for(h) is None]
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
                self.out.sample_sizes[seg] = max(self.out.sample_sizes.get(seg, 0), len(arr))
                qs = np.percentile(arr, QUANTILES)
                for q, v in zip(QUANTILES, qs):
                    self.out.rows.append({"metric": key, "segment": seg, "stat": f"p{q:g}", "quantile": q,
                                          "value": float(v), "sample_size": len(arr), "source": None,
                                          "year": None, "label": None})
                self.out.rows.append({"metric": key, "segment": seg, "stat": "mean", "quantile": None,
                                      "value": float(arr.mean()), "sample_size": len(arr), "source": None,
                                      "year": None, "label": None})


def _numberish(text: str) -> bool:
    try:
        parse_number(text)
        return True
    except BadValue:
        return False
