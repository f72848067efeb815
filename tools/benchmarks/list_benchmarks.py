"""list_benchmarks: which benchmark sets are loaded, and which one is active."""

from __future__ import annotations

from pydantic import BaseModel

from reports.format import Markdown, markdown_table, md_bold
from tools.base import Tool, ToolInput, ToolOutput
from tools.benchmarks.sets import benchmark_set, describe_set, list_benchmark_sets
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
    prefer_source: str | None = None
    sources: list[str] = []


class ListBenchmarksInput(ToolInput):
    pass


class ListBenchmarksOutput(ToolOutput):
    sets: list[BenchmarkSetView]

    def to_markdown(self) -> str:
        if not self.sets:
            return "No benchmark sets are loaded yet: attach a benchmark CSV or XLSX file."
        active = next((s.name for s in self.sets if s.active), None)
        head = (f"Active set: {md_bold(active)} (used when a question names no set)." if active else
                "No set is active: name a set in a question, or make one active.")
        rows = [[Markdown(md_bold(s.name) + " (active)") if s.active else s.name,
                 ", ".join(s.sources) if len(s.sources) > 1 else s.source or "", s.year or "",
                 s.metrics, ", ".join(s.segments), s.sample_size or "", (s.loaded_at or "")[:16]]
                for s in self.sets]
        return head + "\n\n" + markdown_table(["Set", "Source", "Year", "Metrics", "Scopes", "Sample size",
                                               "Loaded"], rows, "lllrlrl")


def _view(s: dict) -> BenchmarkSetView:
    return BenchmarkSetView(name=s["name"], source=s.get("source"), year=s.get("year"),
                            sample_size=s.get("sample_size"), metrics=len(s.get("metrics", [])),
                            segments=list(s.get("segments", [])), loaded_at=s.get("loaded_at"),
                            active=bool(s.get("active")), prefer_source=s.get("prefer_source"),
                            sources=list(s.get("sources", [])))


def set_view(ws: Workspace, name: str) -> BenchmarkSetView:
    return _view(describe_set(benchmark_set(ws, name)))


def list_benchmarks(ws: Workspace, inp: ListBenchmarksInput) -> ListBenchmarksOutput:
    """List the loaded benchmark sets (name, source, year, metrics, scopes, sample size) and which is active.

    Use when the user asks which benchmarks are available or active. The active set is
    the default for questions that name no set; it changes only when the user makes
    another set active (manage_benchmarks) or loads the first one.
    """
    return ListBenchmarksOutput(sets=[_view(s) for s in list_benchmark_sets(ws)])


TOOL = Tool("list_benchmarks", ListBenchmarksInput, ListBenchmarksOutput, list_benchmarks,
            step_title=lambda inp: "benchmark sets")
