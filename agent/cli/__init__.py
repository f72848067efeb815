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

MODULES = ("core", "ingest", "portfolio", "goals", "reports", "actions", "chat", "feedback", "bench_batch", "api")
# Which module registers each command: a command imports only its own module (and the tools it uses),
# so `peerbench compare` does not pay for the report writers' imports. tests/agent/cli pins this table
# to what the modules register.
COMMANDS = {
    "demo": "core", "compare": "core", "cohort": "core", "bench": "core",
    "load": "ingest", "benchmarks": "ingest",
    "portfolio": "portfolio", "practices": "portfolio", "recommend": "portfolio", "history": "portfolio",
    "roi": "goals", "goals": "goals", "success": "goals", "goal": "goals",
    "report": "reports", "brand": "reports", "reports": "reports",
    "share": "actions", "shares": "actions", "unshare": "actions", "email": "actions", "invite": "actions",
    "ask": "chat", "chat": "chat", "feedback": "feedback", "bench-batch": "bench_batch",
    "serve": "api", "token": "api",
}


def _modules(names=MODULES) -> list:
    import importlib

    return [importlib.import_module(f"agent.cli.{name}") for name in names]


def command_of(argv: list[str]) -> str | None:
    """The sub-command named in ``argv`` (after the global ``--db``), or None (help, a typo)."""
    args = iter(argv)
    for arg in args:
        if arg == "--db":
            next(args, None)
        elif not arg.startswith("-"):
            return arg
        elif not arg.startswith("--db="):
            return None
    return None


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The parser; with a known ``command``, only the module that registers it is imported."""
    parser = argparse.ArgumentParser(
        prog="peerbench",
        description="Benchmark customer accounts against peers and industry data.",
    )
    parser.add_argument("--db", help="workspace file (default: $PEERBENCH_DB or workspace/peerbench.db)")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for mod in _modules((COMMANDS[command],) if command in COMMANDS else MODULES):
        mod.register(sub)
    return parser


EXIT_BROKEN_PIPE = 141  # 128 + SIGPIPE: what a shell reports for a writer whose reader went away


def main(argv: list[str] | None = None) -> int:
    """Run one command. Expected failures print ``error: ...`` (exit 2), never a traceback;
    output piped into a reader that stops early (``| head``) ends quietly."""
    from pydantic import ValidationError

    from tools.inputs import visible
    from tools.store.workspace import Workspace

    argv = sys.argv[1:] if argv is None else argv
    args = build_parser(command_of(argv)).parse_args(argv)
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
