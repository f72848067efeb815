"""The layout's rules, checked on the source (README "How it is built", DESIGN §1).

Imports flow app/CLI -> agent -> tools -> reports -> analytics; no import cycles at any
level; no test fake in shipped code; nothing in the agent or the UI switches on a tool's
name (features register what they offer on their Tool).
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from tools.registry import all_tools

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("agent", "tools", "reports", "analytics")
LAYER = {"analytics": 0, "reports": 1, "tools": 2, "agent": 3}


def modules() -> dict[str, Path]:
    out = {}
    for pkg in PACKAGES:
        for p in (ROOT / pkg).rglob("*.py"):
            name = ".".join(p.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")
            out[name] = p
    return out


def imports(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found += [node.module] + [f"{node.module}.{a.name}" for a in node.names]
        elif isinstance(node, ast.Import):
            found += [a.name for a in node.names]
    return found


@pytest.mark.parametrize("module,path", sorted(modules().items()))
def test_imports_point_down_the_layers(module, path):
    mine = LAYER[module.split(".")[0]]
    upward = [i for i in imports(path) if i.split(".")[0] in LAYER and LAYER[i.split(".")[0]] > mine]
    assert upward == [], f"{module} imports a higher layer: {upward}"


def test_no_import_cycles_even_through_function_local_imports():
    mods = modules()
    graph = {m: {i for i in imports(p) if i in mods and i != m} for m, p in mods.items()}
    seen, on_path, cycles = set(), [], []

    def visit(m):
        if m in on_path:
            cycles.append(on_path[on_path.index(m):] + [m])
            return
        if m in seen:
            return
        seen.add(m)
        on_path.append(m)
        for n in sorted(graph[m]):
            visit(n)
        on_path.pop()

    for m in sorted(graph):
        visit(m)
    assert cycles == []


def test_no_test_fakes_in_shipped_code():
    for module, path in modules().items():
        bad = [i for i in imports(path) if i.split(".")[0] in ("respx", "pytest_httpx2", "pytest", "tests")]
        assert bad == [], f"{module} imports test code: {bad}"


PLANNER = {"agent.planner", "agent.plans", "agent.clarify",  # the offline planner: intents -> tool calls
           "agent.grouping_step"}


def test_agent_and_ui_never_switch_on_a_tool_name():
    names = "|".join(map(re.escape, all_tools()))
    literal = re.compile(rf"""["']({names})["']""")
    offenders = {}
    for module, path in modules().items():
        if module.startswith("agent.") and module not in PLANNER:  # the planner stands in for Claude's choice
            hits = literal.findall(path.read_text())
            if hits:
                offenders[module] = hits
    assert offenders == {}


def test_analytics_does_no_io_and_formats_no_text():
    for module, path in modules().items():
        if module.startswith("analytics"):
            text = path.read_text()
            assert not re.search(r"\b(open|print)\(|sqlite|jinja2|anthropic", text), module
            tree = ast.parse(text)
            fstrings = {id(n) for n in ast.walk(tree) if isinstance(n, ast.JoinedStr)}
            in_errors = {id(v) for n in ast.walk(tree) if isinstance(n, ast.Raise)
                         for v in ast.walk(n) if isinstance(v, ast.JoinedStr)}
            assert fstrings <= in_errors, f"{module} builds display text (only error messages may)"
