"""What a benchmark load tells the user: the output model of load_benchmarks and its words.

The summary says in plain words what was stored and how the file was read: every
mapping that was not exact ("Gross Revenue Retention -> Renewal Rate (alias)"), every
reading of percentiles ("Time to Value: percentiles read as performance percentiles,
75th = fewer days; median 38 days"), every normalisation, what was not stored and why,
the questions it has (near misses), the sources, and whether the set became active.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from reports.format import md_inline as md
from tools.base import ToolOutput


class ReferencePoint(BaseModel):
    metric: str
    segment: str = Field(description="the scope the point describes (All, a segment, a band ...)")
    label: str
    value: float
    source: str | None = None


class UnreconciledMetric(BaseModel):
    metric: str
    name: str = Field(description="the metric name as written in the file")
    unit: str
    reason: str


class NearMiss(BaseModel):
    """A metric name close to a catalog name: not stored until the user confirms the mapping."""

    name: str
    metric: str
    label: str
    score: float


class SourceInfo(BaseModel):
    source: str
    year: int | None
    metrics: int
    sample_size: int | None


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
    near_misses: list[NearMiss] = Field(default_factory=list,
                                        description="names close to a catalog metric: ask the user, not stored")
    mappings: list[str] = Field(default_factory=list, description="every header and metric mapping that is not exact")
    readings: list[str] = Field(default_factory=list, description="how percentiles were read (performance percentiles)")
    unreconciled: list[UnreconciledMetric] = Field(description="metrics whose unit could not be converted (not stored)")
    ignored_columns: list[str]
    segments: list[str] = Field(description="the scopes rows apply to (All, segments, ARR bands, industries ...)")
    sources: list[SourceInfo] = Field(default_factory=list)
    overlaps: list[str] = Field(default_factory=list, description="metrics and scopes several sources cover, "
                                                                  "primary first")
    contenders: list[str] = Field(default_factory=list, description="sources the user could prefer as primary")
    normalisations: list[str]
    reference_points: list[ReferencePoint] = Field(description="labelled non-percentile figures, e.g. best in class")
    rows_stored: int
    peers: int = Field(0, description="raw peer rows stored (raw shape only)")
    active: bool = Field(True, description="whether this is now the active set")
    previous_active: str | None = Field(None, description="the active set when this one was not made active")
    duplicate_of: str | None = Field(None, description="set the same file was already loaded as (nothing written)")
    loaded_at: str | None = None
    prefer_source: str | None = None
    user_map: dict[str, str] = Field(default_factory=dict, description="the user's metric mapping, as given")
    upload: str | None = Field(None, description="the uploaded file, for a reload with a mapping")
    summary: str

    def summary_for_model(self) -> dict:
        data = self.model_dump(mode="json", exclude={"upload", "checksum", "user_map"})
        for key, cap in (("reference_points", 20), ("normalisations", 20), ("unrecognised", 30),
                         ("ignored_columns", 30), ("mappings", 30), ("readings", 20)):
            data[key] = data[key][:cap]
        return data

    def summary_text(self, md=md) -> str:
        """One paragraph: what was stored, from where, and whether it is the active set."""
        if self.duplicate_of:
            return (f"This file is already loaded as benchmark set **{md(self.duplicate_of)}**"
                    + (f" (loaded {self.loaded_at[:16].replace('T', ' ')})" if self.loaded_at else "")
                    + ": nothing was loaded again. " + self.active_text(md))
        n, c = len(self.metrics_matched), len(self.by_category)
        text = f"Loaded benchmark set **{md(self.name)}**" + (f" ({md(self.industry)})" if self.industry else "")
        text += f": {n} metric{'s' * (n != 1)} in {c} categor{'ies' if c != 1 else 'y'}"
        scopes = [s for s in self.segments if s != "All"]
        text += (f"; scopes {', '.join(md(s) for s in scopes[:8])}" + (" and All" if "All" in self.segments else "")
                 if scopes else "; all companies together")
        text += f"; sample size {self.sample_size:,}." if self.sample_size else "."
        if len(self.sources) > 1:
            text += f" {len(self.sources)} sources, kept side by side."
        elif self.source or self.year:
            text += " Source: " + ", ".join(md(x) for x in (self.source, self.year) if x) + "."
        return text + " " + self.active_text(md)

    def active_text(self, md=md) -> str:
        if self.active:
            return "It is now the active set: questions that name no set use it."
        return (f"It is not the active set; **{md(self.previous_active)}** stays active. Name this set in a question "
                "to use it, or make it active." if self.previous_active else
                "It is not the active set. Name it in a question to use it, or make it active.")

    def to_markdown(self) -> str:
        return self.describe(md, "with the button below or ")

    def to_text(self) -> str:
        """The same account in plain text (the terminal shows no Markdown)."""
        return self.describe(lambda x: " ".join(str(x).split()), "").replace("**", "").replace("`", "")

    def describe(self, md, button: str) -> str:
        """Summary, sources, how the file was read, questions, what was not stored; ``md`` escapes file text."""
        parts = [self.summary_text(md)]
        if self.duplicate_of:
            return parts[0]
        if len(self.sources) > 1:
            rule = (f"primary where it covers a metric: **{md(self.prefer_source)}** (your choice), then "
                    if self.prefer_source else "primary where several cover a metric and scope: ")
            parts.append("Sources (" + rule + "the most recent, then the largest sample):\n"
                         + _bullets(f"{md(s.source)}{f' {s.year}' if s.year else ''}: {s.metrics} metric"
                                    f"{'s' * (s.metrics != 1)}" + (f", n = {s.sample_size:,}" if s.sample_size else "")
                                    for s in self.sources))
        if self.overlaps:
            parts.append("Where sources overlap (the others are shown as reference points):\n"
                         + _bullets(md(x) for x in self.overlaps))
        read = [md(x) for x in self.mappings + self.readings + self.normalisations]
        if read:
            parts.append(f"How the file was read ({len(read)}):\n" + _bullets(read))
        if self.near_misses:
            parts.append("Please confirm (not stored yet):\n" + _bullets(
                f"'{md(m.name)}' looks like {m.label}. Confirm it {button}by loading again with "
                f"`--map \"{md(m.name)}={m.metric}\"`" for m in self.near_misses))
        missing = [f"{md(u)}: not a catalog metric (map it with `--map \"NAME=metric_key\"` if it is one)"
                   for u in self.unrecognised] + [f"{md(u.name)}: {md(u.reason)}" for u in self.unreconciled]
        if missing:
            parts.append("Not stored:\n" + _bullets(missing))
        if self.ignored_columns:
            parts.append("Columns not used: " + ", ".join(f"'{md(c)}'" for c in self.ignored_columns) + ".")
        return "\n\n".join(parts)


def _bullets(items) -> str:
    return "\n".join(f"- {x}" for x in items)

