"""list_benchmarks: which benchmark sets are loaded, and which one is active."""

from __future__ import annotations

from pydantic import BaseModel

from reports.format import markdown_table
from tools.base import Tool, ToolInput, ToolOutput
from tools.benchmarks.sets import list_benchmark_sets
from tools.store.workspace import Workspace


class BenchmarkSetView(BaseModel):
    name: str
    source: str | None
    year: int | None
    sample_size: int | None
    metrics: int
    segments: list[str]
    loaded_at: str | None
    active: bool


class ListBenchmarksInput(ToolInput):
    pass


class ListBenchmarksOutput(ToolOutput):
    sets: list[BenchmarkSetView]

    def to_markdown(self) -> str:
        if not self.sets:
            return "No benchmark sets are loaded yet: attach a benchmark CSV or XLSX file."
        rows = [[("**" + s.name + "** (active)") if s.active else s.name, s.source or "", s.year or "",
                 s.metrics, ", ".join(s.segments), s.sample_size or "", (s.loaded_at or "")[:16]]
                for s in self.sets]
        return markdown_table(["Set", "Source", "Year", "Metrics", "Segments", "Sample size", "Loaded"],
                              rows, "lllrlrl")


def list_benchmarks(ws: Workspace, inp: ListBenchmarksInput) -> ListBenchmarksOutput:
    """List the loaded benchmark sets (name, source, year, metrics, segments, sample size).

    Use when the user asks which benchmarks are available or active. The active
    set (the latest loaded) is the default for comparisons.
    """
    sets = [BenchmarkSetView(name=s["name"], source=s.get("source"), year=s.get("year"),
                             sample_size=s.get("sample_size"), metrics=len(s.get("metrics", [])),
                             segments=list(s.get("segments", [])), loaded_at=s.get("loaded_at"),
                             active=bool(s.get("active"))) for s in list_benchmark_sets(ws)]
    return ListBenchmarksOutput(sets=sets)


TOOL = Tool("list_benchmarks", ListBenchmarksInput, ListBenchmarksOutput, list_benchmarks,
            step_title=lambda inp: "benchmark sets")
