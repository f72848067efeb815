"""The ``peerbench`` command line.

Each command group lives in its own module with a ``register(subparsers)``
function that adds its sub-commands; every sub-command sets ``func(args, ws)``.
The registration list below is explicit on purpose (no import-time magic).
"""

from __future__ import annotations

import argparse
import os
import sys

from tools.base import ToolError


def _modules():
    from agent.cli import bench_batch, chat, core, feedback, goals, ingest, portfolio, reports

    return [core, ingest, portfolio, goals, reports, chat, feedback, bench_batch]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="peerbench",
        description="Benchmark customer accounts against peers and industry data.",
    )
    parser.add_argument("--db", help="workspace file (default: $PEERBENCH_DB or workspace/peerbench.db)")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for mod in _modules():
        mod.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    from tools.store.workspace import Workspace

    args = build_parser().parse_args(argv)
    ws = Workspace(args.db or os.environ.get("PEERBENCH_DB") or None)
    try:
        return args.func(args, ws) or 0
    except ToolError as exc:
        print(f"error: {exc.message}", file=sys.stderr)
        for s in exc.suggestions:
            print(f"  - {s}", file=sys.stderr)
        return 2
    finally:
        ws.close()


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
