"""`peerbench bench --planner`: the offline planner's accuracy on the phrasing table.

The table (tests/agent/phrasings/*.toml) lists what a CSM types and what the planner should do:
the tool and its key inputs, a question back, or the help text; with earlier messages for
follow-ups and the reply for clarification round trips. ``dev.toml`` is the share the planner
is tuned on; ``heldback.toml`` was written before it and is only measured. Both run against
a fresh demo workspace; the figures printed are the share of phrasings planned right.
"""

from __future__ import annotations

import math
import tempfile
import time
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from agent.planner import Plan, note_plan, plan
from agent.session import Session
from tools.store.workspace import Workspace

TABLE_DIR = Path(__file__).resolve().parents[2] / "tests" / "agent" / "phrasings"
SHARES = (("development", "dev.toml"), ("held back", "heldback.toml"))
NONE = "<none>"


@dataclass
class Outcome:
    case: dict[str, Any]
    ok: bool
    got: str


def load_cases(path: Path) -> list[dict[str, Any]]:
    return tomllib.loads(path.read_text(encoding="utf-8"))["case"]


def matches(expected: Any, actual: Any) -> bool:
    """``actual`` has every key of ``expected`` with the same value ("<none>": absent or null)."""
    if expected == NONE:
        return actual is None
    if isinstance(expected, dict):
        return isinstance(actual, dict) and all(matches(v, actual.get(k)) for k, v in expected.items())
    if isinstance(expected, float) and isinstance(actual, (int, float)):
        return math.isclose(expected, actual, abs_tol=1e-9)
    return expected == actual


def describe(p: Plan) -> str:
    if p.calls:
        return "; ".join(f"{c.name} {c.input}" for c in p.calls)
    if p.question:
        return f"asks: {p.question} {[o.label for o in p.options]}"
    return f"text: {(p.text or '')[:60]!r}"


def _tool_ok(case: dict[str, Any], p: Plan) -> bool:
    return p.call is not None and p.call.name == case["tool"] and matches(case.get("slots", {}), p.call.input)


def run_case(case: dict[str, Any], ws: Workspace) -> Outcome:
    s = Session()
    for earlier in case.get("before", []):
        note_plan(s, plan(earlier, ws, s))
    p = plan(case["say"], ws, s)
    expect = case.get("expect", "tool")
    if expect == "help":
        return Outcome(case, p.text is not None and not p.calls and p.question is None, describe(p))
    if expect == "ask":
        asked = p.question is not None and not p.calls
        if not asked or "then" not in case:
            return Outcome(case, asked, describe(p))
        p = plan(case["then"], ws, s)
    return Outcome(case, _tool_ok(case, p), describe(p))


def run_share(path: Path, ws: Workspace) -> list[Outcome]:
    return [run_case(c, ws) for c in load_cases(path)]


def demo_workspace(folder: Path) -> Workspace:
    from tools.demo.benchmarks import BENCHMARK_PATH
    from tools.demo.build import build_demo
    from tools.ingest.load_benchmarks import LoadBenchmarksInput, load_benchmarks

    ws = Workspace(folder / "peerbench.db")
    build_demo(ws, seed=42)
    load_benchmarks(ws, LoadBenchmarksInput(path=str(BENCHMARK_PATH), name="SaaS Industry 2026"))
    return ws


def run_planner_bench(table_dir: Path = TABLE_DIR, heldback_misses: bool = False) -> dict[str, tuple[int, int]]:
    """Print the accuracy per share and the development misses; returns {share: (right, total)}.

    The held-back misses are listed only when asked (``heldback_misses``): looking at them
    while tuning would make the held-back figure a development figure.
    """
    figures: dict[str, tuple[int, int]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        ws = demo_workspace(Path(tmp))
        try:
            print("Offline planner on the phrasing table (demo workspace)")
            for label, name in SHARES:
                t0 = time.perf_counter()
                outcomes = run_share(table_dir / name, ws)
                ms = (time.perf_counter() - t0) / max(1, len(outcomes)) * 1000
                right = sum(o.ok for o in outcomes)
                figures[label] = (right, len(outcomes))
                print(f"  {label:<12} {len(outcomes):>4} phrasings  {right:>4} right  "
                      f"{right / max(1, len(outcomes)):6.1%}   ({ms:.0f} ms per case)")
                if label == "development" or heldback_misses:
                    for o in outcomes:
                        if not o.ok:
                            want = o.case.get("tool") or o.case.get("expect")
                            print(f"    miss: {o.case['say']!r} -> {o.got}  (expected {want} {o.case.get('slots', '')})")
        finally:
            ws.close()
    return figures
