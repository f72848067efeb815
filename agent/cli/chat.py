"""Chat commands: ``peerbench ask`` and ``peerbench chat`` (the same agent as the web UI).

The agent is imported when a command runs, not when the CLI starts (start-up time).
The model-calls benchmark drives a scripted Claude, a test fake: ``python -m tests.bench_agent``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from pathlib import Path

from reports.format import clean_text, md_text
from tools.store.workspace import Workspace


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("ask", help="ask the assistant one question; prints the answer as Markdown")
    p.add_argument("message")
    p.add_argument("--attach", action="append", default=[], metavar="FILE",
                   help="a CSV/XLSX to import first (benchmarks or portfolio data); repeatable")
    p.add_argument("--json", action="store_true", help="print mode, notices, tools and text as JSON")
    p.add_argument("--yes", action="store_true",
                   help="save a change the question asks for (a goal, a milestone, an import that replaces data) "
                        "without the preview and confirmation the chat asks for")
    p.set_defaults(func=cmd_ask)

    p = sub.add_parser("chat", help="interactive chat in the terminal (same agent as the web UI)")
    p.set_defaults(func=cmd_chat)


def _steps():
    """Tool steps on stderr in plain words, so stdout stays the Markdown answer (agent imported late)."""
    from agent import steps
    from agent.core import NullEvents
    from tools.registry import all_tools

    class _Steps(NullEvents):
        async def tool_start(self, call_id: str, name: str, input: dict) -> None:
            title, detail = steps.describe(all_tools().get(name), name, input)
            print(f"-> {title}" + (f" ({detail})" if detail else ""), file=sys.stderr)

        async def tool_end(self, call_id: str, name: str, output, error: str | None) -> None:
            if error:
                print(f"   could not complete: {clean_text(error)}", file=sys.stderr)

    return _Steps()


def print_answer(ans, as_json: bool = False) -> None:
    if as_json:
        print(json.dumps({"mode": ans.mode, "notices": ans.notices, "context": ans.context_line,
                          "tools": [n for n, _ in ans.results], "files": [str(f) for f in ans.files],
                          "text": ans.text}, indent=2))
        return
    for notice in ans.notices:
        print(f"_{notice}_\n")
    if ans.context_line:
        print(f"_Context: {md_text(ans.context_line, inline=True)}_\n")
    print(ans.text)
    if ans.actions and not ans.results:  # a question back: its answers, as the chat shows them as buttons
        print("\nYou can answer, for example:")
        for action in ans.actions:
            print(f"- {action.label}")
    for f in ans.files:
        print(f"\nFile: {f}")


def cmd_ask(args, ws: Workspace) -> int:
    import dataclasses

    from agent.core import Session, Settings, answer

    session = Session(scope=ws.scope)
    # one shot: --yes also takes the proposed peer grouping of an attached benchmark file (stated in the answer)
    settings = dataclasses.replace(Settings.from_env(), confirm_writes=not args.yes, propose_grouping=not args.yes)
    answers = []

    async def ask() -> None:
        # The answer is kept out of the main task's result: asyncio.run's closing steps format
        # the finished task (its repr includes the result), which for a 100k-account portfolio
        # answer took about 2 s.
        answers.append(await answer(args.message, ws=ws, session=session, settings=settings,
                                    attachments=[Path(a) for a in args.attach], events=_steps()))

    asyncio.run(ask())
    print_answer(answers[0], args.json)
    if session.pending:
        print("Nothing was saved: run the same command with --yes to save it.", file=sys.stderr)
    return 0


def cmd_chat(args, ws: Workspace) -> int:
    from agent.core import Session, answer

    session = Session(scope=ws.scope)  # the terminal is one caller: the CLI's differencing memory
    print("peerbench chat: ask about your accounts ('help' for examples, 'quit' to leave). "
          "Attach a file with: /attach PATH your question")

    async def loop() -> None:
        while True:
            try:
                line = await asyncio.to_thread(input, "\n> ")
            except EOFError:
                return
            line = line.strip()
            if line.lower() in ("quit", "exit", "q"):
                return
            if not line:
                continue
            files: list[Path] = []
            if line.startswith("/attach "):
                _, path, *rest = line.split(" ", 2)
                files, line = [Path(path)], (rest[0] if rest else "Compare my customers against these benchmarks")
            print_answer(await answer(line, ws=ws, session=session, attachments=files, events=_steps()))

    asyncio.run(loop())
    return 0
