"""Chat commands: ``peerbench ask``, ``peerbench chat`` and ``peerbench bench-agent``.

Also the scripted Claude used by the agent benchmark (and the agent tests): a fake
Messages endpoint behind respx that streams SSE like the real API. The bench drives
it with the offline planner's tool calls, so the figures (model calls and bytes sent
per question) measure the loop and the tool summaries, not a model's whims.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tools.store.workspace import Workspace

EXAMPLE_QUESTIONS = (
    "How does Acme Corp compare to peers?",
    "Compare Acme Corp vs Enterprise SaaS peers over $100K ARR",
    "How do Acme Corp and TechCorp compare to peers?",
    "Compare my customers against the benchmarks",
    "What do top performers do for NPS?",
    "What should Acme Corp do to improve?",
    "How has Acme Corp's benchmark position changed over time?",
    "What ROI has Acme Corp seen?",
    "Which goals are at risk across the portfolio?",
    "How many Enterprise SaaS accounts are over $100K ARR?",
    "Export Acme Corp's benchmark report as PDF",
)


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("ask", help="ask the assistant one question; prints the answer as Markdown")
    p.add_argument("message")
    p.add_argument("--attach", action="append", default=[], metavar="FILE",
                   help="a CSV/XLSX to import first (benchmarks or portfolio data); repeatable")
    p.add_argument("--json", action="store_true", help="print mode, notices, tools and text as JSON")
    p.set_defaults(func=cmd_ask)

    p = sub.add_parser("chat", help="interactive chat in the terminal (same agent as the web UI)")
    p.set_defaults(func=cmd_chat)

    p = sub.add_parser("bench-agent", help="model calls and bytes sent per example question (scripted Claude)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_bench_agent)


def _steps():
    """Tool steps on stderr, so stdout stays the Markdown answer (agent imported late: start-up time)."""
    from agent.core import NullEvents

    class _Steps(NullEvents):
        async def tool_start(self, call_id: str, name: str, input: dict) -> None:
            print(f"-> {name} {json.dumps(input, default=str)}", file=sys.stderr)

        async def tool_end(self, call_id: str, name: str, output, error: str | None) -> None:
            if error:
                print(f"   {name}: {error}", file=sys.stderr)

    return _Steps()


def print_answer(ans: Answer, as_json: bool = False) -> None:
    if as_json:
        print(json.dumps({"mode": ans.mode, "notices": ans.notices, "tools": [n for n, _ in ans.results],
                          "files": [str(f) for f in ans.files], "text": ans.text}, indent=2))
        return
    for notice in ans.notices:
        print(f"_{notice}_\n")
    print(ans.text)
    for f in ans.files:
        print(f"\nFile: {f}")


def cmd_ask(args, ws: Workspace) -> int:
    from agent.core import Session, answer

    ans = asyncio.run(answer(args.message, ws=ws, session=Session(),
                             attachments=[Path(a) for a in args.attach], events=_steps()))
    print_answer(ans, args.json)
    return 0


def cmd_chat(args, ws: Workspace) -> int:
    from agent.core import Session, answer

    session = Session()
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


# ---------------------------------------------------------------------------
# scripted Claude (SSE over respx) for the bench and the tests

BASE_URL = "http://scripted-claude.test"


def sse(events: list[tuple[str, dict]]) -> bytes:
    return b"".join(f"event: {name}\ndata: {json.dumps(data)}\n\n".encode() for name, data in events)


def message_events(blocks: list[dict], stop_reason: str | None = None, *, model: str = "claude-sonnet-5-5",
                   msg_id: str = "msg_scripted", chunk: int = 24) -> list[tuple[str, dict]]:
    """The SSE events of one assistant message made of text / tool_use blocks."""
    stop_reason = stop_reason or ("tool_use" if any(b["type"] == "tool_use" for b in blocks) else "end_turn")
    out: list[tuple[str, dict]] = [("message_start", {"type": "message_start", "message": {
        "id": msg_id, "type": "message", "role": "assistant", "model": model, "content": [],
        "stop_reason": None, "stop_sequence": None,
        "usage": {"input_tokens": 100, "output_tokens": 1, "cache_read_input_tokens": 0}}})]
    for i, b in enumerate(blocks):
        if b["type"] == "text":
            out.append(("content_block_start", {"type": "content_block_start", "index": i,
                                                "content_block": {"type": "text", "text": ""}}))
            text = b["text"]
            for j in range(0, len(text), chunk):
                out.append(("content_block_delta", {"type": "content_block_delta", "index": i,
                                                    "delta": {"type": "text_delta", "text": text[j:j + chunk]}}))
        else:
            out.append(("content_block_start", {"type": "content_block_start", "index": i, "content_block": {
                "type": "tool_use", "id": b["id"], "name": b["name"], "input": {}}}))
            out.append(("content_block_delta", {"type": "content_block_delta", "index": i, "delta": {
                "type": "input_json_delta", "partial_json": b.get("raw_json", json.dumps(b["input"]))}}))
        out.append(("content_block_stop", {"type": "content_block_stop", "index": i}))
    out.append(("message_delta", {"type": "message_delta", "delta": {"stop_reason": stop_reason,
                                                                     "stop_sequence": None},
                                  "usage": {"output_tokens": 20}}))
    out.append(("message_stop", {"type": "message_stop"}))
    return out


def text_block(text: str) -> dict:
    return {"type": "text", "text": text}


def tool_block(call_id: str, name: str, input: dict) -> dict:
    return {"type": "tool_use", "id": call_id, "name": name, "input": input}


def stream_response(blocks: list[dict], stop_reason: str | None = None, **kw: Any):
    import httpx

    return httpx.Response(200, content=sse(message_events(blocks, stop_reason, **kw)),
                          headers={"content-type": "text/event-stream"})


def planner_script(ws: Workspace) -> Callable:
    """A respx side effect playing Claude by the offline planner: tool calls first, then a short answer."""
    from agent.core import Session
    from agent.planner import plan

    def reply(request):
        body = json.loads(request.content)
        last = body["messages"][-1]
        content = last["content"]
        if isinstance(content, list) and any(b.get("type") == "tool_result" for b in content):
            return stream_response([text_block("Here is what the tools found; the tables below have the details.")])
        text = content if isinstance(content, str) else content[-1]["text"]
        p = plan(text, ws, Session())
        blocks = [tool_block(f"toolu_{i:02d}", c.name, c.input) for i, c in enumerate(p.calls)]
        return stream_response(blocks or [text_block(p.text or p.question or "")])

    return reply


def agent_bench(questions: tuple[str, ...] = EXAMPLE_QUESTIONS, *, quiet: bool = False) -> dict:
    """Model calls and bytes sent per example question, against the scripted Claude (no network).

    Runs on a fresh demo workspace in a temporary folder. Returns
    ``{"questions": [{question, model_calls, bytes_sent, tool_result_bytes, tools}], "cached_prefix_bytes"}``
    and prints a table unless ``quiet``.
    """
    import anthropic
    import pytest_httpx2  # noqa: F401  (registers the httpcore2 mocker with respx)
    import respx

    from agent.core import Session, Settings, answer
    from agent.loop import tool_schemas
    from agent.narrative import system_prompt
    from tools.registry import all_tools

    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        ws = Workspace(Path(tmp) / "bench.db")
        _demo(ws)
        settings = Settings()
        prefix = len(json.dumps(tool_schemas(all_tools())).encode()) + len(system_prompt(settings).encode())
        for q in questions:
            ws.shown_cohorts.clear()
            with respx.mock(using="httpcore2", base_url=BASE_URL, assert_all_mocked=True) as router:
                route = router.post("/v1/messages").mock(side_effect=planner_script(ws))
                client = anthropic.AsyncAnthropic(api_key="scripted", base_url=BASE_URL, max_retries=0)
                ans = asyncio.run(answer(q, ws=ws, session=Session(), client=client, settings=settings))
                sent = sum(len(c.request.content) for c in route.calls)
                results = 0
                for c in route.calls:
                    for m in json.loads(c.request.content)["messages"]:
                        if isinstance(m["content"], list):
                            results += sum(len(b["content"].encode()) for b in m["content"]
                                           if b.get("type") == "tool_result")
                rows.append({"question": q, "mode": ans.mode, "model_calls": route.call_count, "bytes_sent": sent,
                             "tool_result_bytes": results, "tools": [n for n, _ in ans.results]})
        ws.close()
    out = {"questions": rows, "cached_prefix_bytes": prefix}
    if not quiet:
        print("\nAgent (scripted Claude, no network): model calls and request bytes per question")
        print(f"tools + system prompt (cached prefix): {prefix:,} bytes per call")
        print(f"{'calls':>5} {'bytes sent':>11} {'results':>8}  question -> tools")
        for r in rows:
            print(f"{r['model_calls']:>5} {r['bytes_sent']:>11,} {r['tool_result_bytes']:>8,}  "
                  f"{r['question']} -> {', '.join(r['tools']) or r['mode']}")
    return out


def _demo(ws: Workspace) -> None:
    from tools.demo.build import build_demo

    build_demo(ws, seed=42, n_accounts=320, replace=True)
    try:
        from agent.cli.core import SAMPLE_BENCHMARKS
        from tools.ingest.benchmarks import LoadBenchmarksInput, load_benchmarks
    except ImportError:
        return
    if SAMPLE_BENCHMARKS.exists():
        load_benchmarks(ws, LoadBenchmarksInput(path=str(SAMPLE_BENCHMARKS), name="SaaS Industry 2026"))


def cmd_bench_agent(args, ws: Workspace) -> int:
    out = agent_bench(quiet=args.json)
    if args.json:
        print(json.dumps(out, indent=2))
    return 0
