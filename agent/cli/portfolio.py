"""Portfolio commands: portfolio, practices, recommend, history.

Each prints the tool's Markdown view, or with ``--json`` the tool's output model
(the same contract the chat UI and the reports use).
"""

from __future__ import annotations

import argparse

from agent.cli.output import show


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("portfolio", help="every account vs the benchmark and within its segment (stored as a snapshot)")
    p.add_argument("--benchmark", help="benchmark set name (default: the active set)")
    p.add_argument("--segment", help="only this segment: Enterprise, Mid-Market or SMB")
    p.add_argument("--metric", help="focus the lists on one metric (key or name, e.g. nps)")
    p.add_argument("--csm", help="only this CSM's book (full or first name; ranks stay within the segment)")
    p.add_argument("--metrics", type=metric_list, help="only these metrics, comma-separated (e.g. nps,health_score)")
    p.add_argument("--group-by", help="peer groups by: segment (default), industry, arr_band, region, csm, ...")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_portfolio)

    p = sub.add_parser("practices", help="what top performers (>= P90 of their segment) do, per metric")
    p.add_argument("--metric", help="one metric (key or name); all when omitted")
    p.add_argument("--segment", help="only this segment")
    p.add_argument("--named", action="store_true", help="show account names (internal use only)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_practices)

    p = sub.add_parser("recommend", help="targets, actions and a 12-week plan for an account's gaps")
    p.add_argument("customer")
    p.add_argument("--benchmark", help="benchmark set name (default: the active set)")
    p.add_argument("--metric", help="only this metric (key or name)")
    p.add_argument("--basis", choices=["auto", "benchmark", "cohort"], default="auto",
                   help="target reference (default: the benchmark median when below it, else the peer median)")
    p.add_argument("--max-gaps", type=int, default=5, help="gaps taken into the 12-week plan")
    p.add_argument("--named", action="store_true", help="name the top performers to learn from (internal use only)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_recommend)

    p = sub.add_parser("history", help="an account's benchmark position over time")
    p.add_argument("customer")
    p.add_argument("--periods", type=int, default=12, help="months of recomputed history")
    p.add_argument("--benchmark", help="benchmark set name (default: the active set)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_history)


# Each command imports its tool when it runs: the CLI starts without loading every room (start-up time).

def cmd_portfolio(args, ws) -> int:
    from tools.portfolio.compare_portfolio import ComparePortfolioInput, compare_portfolio

    return show(compare_portfolio(ws, ComparePortfolioInput(benchmark=args.benchmark, segment=args.segment,
                                                            metric=args.metric, csm=args.csm,
                                                            metrics=args.metrics, group_by=args.group_by)), args.json)


def metric_list(text: str) -> list[str]:
    """'nps, health score' -> ['nps', 'health score'] (names resolved by the tool)."""
    return [m.strip() for m in text.split(",") if m.strip()]


def cmd_practices(args, ws) -> int:
    from tools.playbooks.find_best_practices import FindBestPracticesInput, find_best_practices

    return show(find_best_practices(ws, FindBestPracticesInput(metric=args.metric, segment=args.segment,
                                                               anonymise=not args.named)), args.json)


def cmd_recommend(args, ws) -> int:
    from tools.playbooks.recommend_improvements import RecommendImprovementsInput, recommend_improvements

    return show(recommend_improvements(ws, RecommendImprovementsInput(
        customer=args.customer, benchmark=args.benchmark, metric=args.metric, target_basis=args.basis,
        max_gaps=args.max_gaps, anonymise=not args.named)), args.json)


def cmd_history(args, ws) -> int:
    from tools.portfolio.benchmark_history import BenchmarkHistoryInput, benchmark_history

    return show(benchmark_history(ws, BenchmarkHistoryInput(customer=args.customer, periods=args.periods,
                                                            benchmark=args.benchmark)), args.json)
