"""File commands: ``peerbench load FILE`` and ``peerbench benchmarks``."""

from __future__ import annotations

import argparse

from pydantic import BaseModel

from agent.cli.output import print_json
from reports.format import Markdown, markdown_table, md_text


class BenchmarkSetInfo(BaseModel):
    name: str
    source: str | None
    year: int | None
    industry: str | None
    kind: str | None
    metrics: list[str]
    segments: list[str]
    sample_size: int | None
    file_name: str | None
    checksum: str | None
    loaded_at: str | None
    active: bool


class BenchmarkSetList(BaseModel):
    sets: list[BenchmarkSetInfo]


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("load", help="import a CSV/XLSX: benchmarks, portfolio, metric history or goals")
    p.add_argument("file")
    p.add_argument("--name", help="benchmark set name (default: the file name without extension)")
    p.add_argument("--sheet", help="XLSX worksheet (default: the first)")
    p.add_argument("--kind", choices=["benchmarks", "portfolio", "history", "goals"],
                   help="what the file holds (default: detected from its columns)")
    p.add_argument("--json", action="store_true", help="print the import's output model as JSON")
    p.set_defaults(func=cmd_load)

    p = sub.add_parser("benchmarks", help="list the stored benchmark sets (* = active)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_benchmarks)


def cmd_load(args, ws) -> int:
    from tools.ingest.load import load_file

    out = load_file(ws, args.file, kind=args.kind, name=args.name, sheet=args.sheet)
    if args.json:
        print_json(out)
        return 0
    print(md_text(out.summary))
    for field, title in (("normalisations", "Normalised"), ("unrecognised", "Not recognised"),
                         ("unknown_columns", "Columns not imported"), ("ignored_columns", "Columns ignored")):
        items = getattr(out, field, None) or []
        if items:
            print(f"{title}:")
            for item in items:
                print(f"  - {md_text(item, True)}")
    for u in getattr(out, "unreconciled", None) or []:
        print(f"Not stored: {md_text(u.name, True)}: {md_text(u.reason, True)}")
    return 0


def cmd_benchmarks(args, ws) -> int:
    from tools.benchmarks.sets import list_benchmark_sets

    sets = BenchmarkSetList(sets=[BenchmarkSetInfo(**{k: s.get(k) for k in BenchmarkSetInfo.model_fields})
                                  for s in list_benchmark_sets(ws)])
    if args.json:
        print_json(sets)
        return 0
    if not sets.sets:
        print("No benchmark sets loaded. Load one with: peerbench load FILE")
        return 0
    rows = [[Markdown("*") if s.active else "", s.name, s.source or "", s.year or "", len(s.metrics),
             ", ".join(x for x in s.segments if x != "All") or "All", s.sample_size or "", s.loaded_at or ""]
            for s in sets.sets]
    print(markdown_table(["", "name", "source", "year", "metrics", "segments", "sample size", "loaded at"], rows))
    return 0
