"""The tool registry: name -> Tool, listed explicitly (no import-time magic).

Tool names are snake_case verbs equal to their function names. The order matters
once: the most used tools come first and get the API's strict-schema budget
(:func:`agent.loop.strict_tools`). Adding a tool = its folder under tools/ + one line here.
"""

from __future__ import annotations

from tools.base import Tool


def _build() -> dict[str, Tool]:
    # Imported here, not at module level: tools.registry is imported by the CLI's start-up path,
    # and the tools pull in pandas and scipy (about 0.5 s) that commands like `--help` never need.
    from tools.actions import email_report, schedule_call, share_report
    from tools.benchmarks import list_benchmarks, manage_benchmarks
    from tools.compare import build_cohort, compare_accounts, compare_customer, plot_metrics
    from tools.ingest import load_benchmarks
    from tools.playbooks import find_best_practices, recommend_improvements
    from tools.portfolio import benchmark_history, compare_portfolio, find_at_risk_accounts
    from tools.report import draft_report
    from tools.success import (  # issue 20: goal detail, quotes, starter goals
        compute_roi,
        define_goals,
        from_gaps,  # issue 17: goals from an account's gaps
        goal_detail,
        key_result_tool,
        manage_goals,
        measurements,
        portfolio_success,
        quotes,
    )

    tools = [
        compare_customer.TOOL,
        compute_roi.TOOL,
        draft_report.TOOL,
        compare_portfolio.TOOL,
        recommend_improvements.TOOL,
        load_benchmarks.TOOL,
        list_benchmarks.TOOL,
        manage_benchmarks.TOOL,
        build_cohort.TOOL,
        manage_goals.TOOL,
        portfolio_success.TOOL,
        benchmark_history.TOOL,
        find_best_practices.TOOL,
        compare_accounts.TOOL,
        find_at_risk_accounts.TOOL,
        # outbound actions (issue 17): files and links the CSM sends; peerbench sends nothing itself
        share_report.SHARE_TOOL,
        share_report.REVOKE_TOOL,
        email_report.TOOL,
        schedule_call.CALL_TOOL,
        schedule_call.REVIEW_CALLS_TOOL,
        from_gaps.TOOL,
        plot_metrics.TOOL,
        goal_detail.TOOL,
        quotes.TOOL,
        define_goals.TOOL,
        measurements.FORM_TOOL,
        measurements.RECORD_TOOL,
        key_result_tool.TOOL,
    ]
    return {t.name: t for t in tools}


_TOOLS: dict[str, Tool] | None = None


def all_tools() -> dict[str, Tool]:
    global _TOOLS
    if _TOOLS is None:
        _TOOLS = _build()
    return _TOOLS
