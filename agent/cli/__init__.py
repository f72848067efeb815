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
    from agent.cli import actions, api, bench_batch, chat, core, feedback, goals, ingest, portfolio, reports

    return [core, ingest, portfolio, goals, reports, actions, chat, feedback, bench_batch, api]


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


EXIT_BROKEN_PIPE = 141  # 128 + SIGPIPE: what a shell reports for a writer whose reader went away


def main(argv: list[str] | None = None) -> int:
    """Run one command. Expected failures print ``error: ...`` (exit 2), never a traceback;
    output piped into a reader that stops early (``| head``) ends quietly."""
    from pydantic import ValidationError

    from tools.inputs import visible
    from tools.store.workspace import Workspace

    args = build_parser().parse_args(argv)
    ws = Workspace(args.db or os.environ.get("PEERBENCH_DB") or None)
    try:
        return args.func(args, ws) or 0
    except ToolError as exc:
        _error(visible(exc.message), [visible(s) for s in exc.suggestions])
        return 2
    except ValidationError as exc:  # a tool input built from the arguments (tools.base.ToolInput)
        _error("invalid input: " + "; ".join(f"{'.'.join(map(str, e['loc'])) or 'input'}: "
                                             f"{visible(e['msg']).removeprefix('Value error, ')}"
                                             for e in exc.errors()[:8]), [])
        return 2
    except BrokenPipeError:
        _silence_stdout()
        return EXIT_BROKEN_PIPE
    finally:
        ws.close()


def _error(message: str, suggestions: list[str]) -> None:
    print(f"error: {message}", file=sys.stderr)
    for s in suggestions:
        print(f"  - {s}", file=sys.stderr)


def _silence_stdout() -> None:
    """Point stdout at /dev/null so that the interpreter's final flush does not fail again
    (the recipe of the Python docs, "Note on SIGPIPE")."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):  # stdout replaced by an object without a file
        pass


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
