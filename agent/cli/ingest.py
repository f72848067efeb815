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


#: A file loaded from the command line is the operator's own: a 1M-account book (about 120 MB of
#: CSV) loads; chat and API uploads keep the reader's limits (tools.ingest.reader).
CLI_MAX_ROWS = 2_000_000
CLI_MAX_MB = 512


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("load", help="import a CSV/XLSX: benchmarks, portfolio, metric history or goals")
    p.add_argument("file")
    p.add_argument("--name", help="benchmark set name (default: the file name without extension)")
    p.add_argument("--sheet", help="XLSX worksheet (default: the first)")
    p.add_argument("--kind", choices=["benchmarks", "portfolio", "history", "goals"],
                   help="what the file holds (default: detected from its columns)")
    p.add_argument("--map", action="append", metavar="NAME=METRIC", dest="mapping",
                   help="benchmarks: map a metric name in the file to a catalog key (repeatable), e.g. "
                        "--map \"Gross Revenue Retention=renewal_rate\"; METRIC 'ignore' leaves it out")
    p.add_argument("--prefer-source", metavar="SOURCE",
                   help="benchmarks: where several sources cover one metric and scope, use this one as primary")
    p.add_argument("--activate", action=argparse.BooleanOptionalAction, default=None,
                   help="benchmarks: make (or do not make) the new set the active one; by default it becomes "
                        "active only when no set is active")
    p.add_argument("--max-rows", type=int, default=CLI_MAX_ROWS, metavar="N",
                   help=f"refuse a file with more data rows (default {CLI_MAX_ROWS:,}; chat uploads: 200,000)")
    p.add_argument("--max-mb", type=int, default=CLI_MAX_MB, metavar="MB",
                   help=f"refuse a bigger file (default {CLI_MAX_MB:,} MB; chat uploads: 20 MB)")
    p.add_argument("--json", action="store_true", help="print the import's output model as JSON")
    p.set_defaults(func=cmd_load)

    p = sub.add_parser("benchmarks", help="list the stored benchmark sets (* = active), or change one")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_benchmarks)
    actions = p.add_subparsers(dest="action", metavar="{activate,rename,prefer}")
    a = actions.add_parser("activate", help="make a set the active one (used when a question names no set)")
    a.add_argument("set")
    a.add_argument("--json", action="store_true")
    a.set_defaults(func=cmd_manage)
    a = actions.add_parser("rename", help="give a set a new name")
    a.add_argument("set")
    a.add_argument("new_name")
    a.add_argument("--json", action="store_true")
    a.set_defaults(func=cmd_manage)
    a = actions.add_parser("prefer", help="the source to use as primary where several cover a metric and scope")
    a.add_argument("set")
    a.add_argument("source", nargs="?", default="", help="omit to return to the default (most recent, largest n)")
    a.add_argument("--json", action="store_true")
    a.set_defaults(func=cmd_manage)


def cmd_load(args, ws) -> int:
    from tools.ingest.load import load_file

    out = load_file(ws, args.file, kind=args.kind, name=args.name, sheet=args.sheet, mapping=args.mapping,
                    prefer_source=args.prefer_source, activate=args.activate, max_rows=args.max_rows,
                    max_bytes=args.max_mb * 1_048_576)
    if args.json:
        print_json(out)
        return 0
    if callable(getattr(out, "to_text", None)):  # benchmarks: the full account of how the file was read
        print(out.to_text())
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


def cmd_manage(args, ws) -> int:
    from tools.benchmarks.manage_benchmarks import ManageBenchmarksInput, manage_benchmarks

    change = {"activate": {"activate": True}, "rename": {"rename": getattr(args, "new_name", None)},
              "prefer": {"prefer_source": getattr(args, "source", "")}}[args.action]
    out = manage_benchmarks(ws, ManageBenchmarksInput(name=args.set, **change))
    if args.json:
        print_json(out)
    else:
        print(out.to_markdown().replace("**", ""))
    return 0


def _table(headers: list[str], rows: list[list[object]]) -> str:
    """A plain Markdown table (pipes in cell text escaped)."""
    cell = lambda v: str(v).replace("|", "\\|")  # noqa: E731
    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in rows]
    return "\n".join(lines)
