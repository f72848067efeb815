"""The tool registry: name -> Tool, listed explicitly (no import-time magic).

Tool names are snake_case verbs equal to their function names.
"""

from __future__ import annotations

from tools.base import Tool


def _build() -> dict[str, Tool]:
    from tools import (benchmark_sets, cohort, compare, goals, history, ingest, portfolio, portfolio_success, practices,
                       recommend, report, roi)

    tools = [
        ingest.TOOL,
        benchmark_sets.TOOL,
        cohort.TOOL,
        compare.TOOL,
        goals.TOOL,
        roi.TOOL,
        portfolio_success.TOOL,
        report.TOOL,
        portfolio.TOOL,
        history.TOOL,
        practices.TOOL,
        recommend.TOOL,
    ]
    return {t.name: t for t in tools}


_TOOLS: dict[str, Tool] | None = None


def all_tools() -> dict[str, Tool]:
    global _TOOLS
    if _TOOLS is None:
        _TOOLS = _build()
    return _TOOLS

