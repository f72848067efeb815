"""Model calls and bytes sent per example question, against the scripted Claude (no network).

Run ``python -m tests.bench_agent`` (or ``make bench-agent``): it prints figures, it is not a
test. It lives under tests/ because it drives the scripted Claude, a test fake.
"""

from __future__ import annotations

import asyncio
import json
import sys
import tempfile
from pathlib import Path

import anthropic
import pytest_httpx2  # noqa: F401  (registers the httpcore2 mocker with respx)
import respx

from agent.core import Session, Settings, answer
from agent.loop import tool_schemas
from agent.narrative import system_prompt
from tests.fakes.claude import BASE_URL, planner_script
from tools.demo.benchmarks import BENCHMARK_PATH
from tools.demo.build import build_demo
from tools.ingest.load_benchmarks import LoadBenchmarksInput, load_benchmarks
from tools.registry import all_tools
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


def agent_bench(questions: tuple[str, ...] = EXAMPLE_QUESTIONS, *, quiet: bool = False) -> dict:
    """Model calls and bytes sent per example question, against the scripted Claude (no network).

    Runs on a fresh demo workspace in a temporary folder. Returns
    ``{"questions": [{question, model_calls, bytes_sent, tool_result_bytes, tools}], "cached_prefix_bytes"}``
    and prints a table unless ``quiet``.
    """
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        ws = Workspace(Path(tmp) / "bench.db")
        _demo(ws)
        settings = Settings()
        compact = {"separators": (",", ":")}  # as the SDK sends it
        prefix = (len(json.dumps(tool_schemas(all_tools()), **compact).encode())
                  + len(system_prompt(settings).encode()))
        for q in questions:
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
    build_demo(ws, seed=42, n_accounts=320, replace=True)
    load_benchmarks(ws, LoadBenchmarksInput(path=str(BENCHMARK_PATH), name="SaaS Industry 2026"))


if __name__ == "__main__":  # pragma: no cover
    result = agent_bench(quiet="--json" in sys.argv)
    if "--json" in sys.argv:
        print(json.dumps(result, indent=2))
