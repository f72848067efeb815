"""The tool registry: name -> Tool, listed explicitly (no import-time magic).

Tool names are snake_case verbs equal to their function names.
"""

from __future__ import annotations

from tools.base import Tool


def _build() -> dict[str, Tool]:
    from tools.benchmarks import list_benchmarks
    from tools.compare import cohorts, compare_customer
    from tools.ingest import benchmarks as load_benchmarks
    from tools.playbooks import find_best_practices, recommend_improvements
    from tools.portfolio import benchmark_history, compare_portfolio
    from tools.report import draft_report
    from tools.success import compute_roi, manage_goals, portfolio_success

    tools = [
        load_benchmarks.TOOL,
        list_benchmarks.TOOL,
        cohorts.TOOL,
        compare_customer.TOOL,
        manage_goals.TOOL,
        compute_roi.TOOL,
        portfolio_success.TOOL,
        draft_report.TOOL,
        compare_portfolio.TOOL,
        benchmark_history.TOOL,
        find_best_practices.TOOL,
        recommend_improvements.TOOL,
    ]
    return {t.name: t for t in tools}


_TOOLS: dict[str, Tool] | None = None


def all_tools() -> dict[str, Tool]:
    global _TOOLS
    if _TOOLS is None:
        _TOOLS = _build()
    return _TOOLS
