"""Foundation commands: demo, compare, cohort, bench."""

from __future__ import annotations

import argparse

from agent.cli.output import print_goal_changes, print_json, show
from reports.format import md_text
from tools.compare.build_cohort import BuildCohortInput, build_cohort
from tools.compare.cohorts import criteria_from_where
from tools.compare.compare_customer import CompareCustomerInput, compare_customer


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("demo", help="build the demo workspace (deterministic for a seed)")
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("--accounts", type=int, default=320)
    p.add_argument("--replace", action="store_true", help="replace existing workspace data")
    p.set_defaults(func=cmd_demo)

    p = sub.add_parser("compare", help="compare one account with its peers and the benchmark")
    p.add_argument("customer")
    p.add_argument("--cohort", default=None, help="peer dimension (default: segment, or custom with --where)",
                   choices=["segment", "industry", "size", "region", "contract_age", "all", "custom"])
    p.add_argument("--where", action="append", default=[], metavar="KEY=VALUE",
                   help="narrow the peer group: segment, industry, region, arr_min, arr_max, "
                        "contract_age_min, contract_age_max (months), cohort (saved name)")
    p.add_argument("--benchmark", help="benchmark set name (default: the active set)")
    p.add_argument("--named-peers", action="store_true", help="show peer names (internal use only)")
    p.add_argument("--metrics", help="only these metrics, comma-separated (e.g. nps,renewal_rate)")
    p.add_argument("--distribution", action="store_true", help="also show peer P25 / median / P75 / P90 per metric")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_compare)

    p = sub.add_parser("cohort", help="size and composition of a peer group")
    p.add_argument("--where", action="append", default=[], metavar="KEY=VALUE")
    p.add_argument("--save", metavar="NAME")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_cohort)

    p = sub.add_parser("bench", help="time the portfolio comparison at 1k/10k/100k accounts")
    p.add_argument("--sizes", default="1000,10000,100000")
    p.add_argument("--million", action="store_true", help="also time 1M accounts")
    p.add_argument("--compare", nargs="?", const="10000,100000,1000000", metavar="SIZES",
                   help="the kernel side by side with numpy, pandas, DuckDB and polars references "
                   "(default sizes 10k,100k,1M)")
    p.add_argument("--repeat", type=int, default=5)
    p.add_argument("--e2e", action="store_true",
                   help="instead: the CLI end to end (load, compare, portfolio, ask, workbook) as processes")
    p.add_argument("--accounts", type=int, nargs="+", default=[10_000, 100_000], metavar="N",
                   help="with --e2e: book sizes (default 10000 100000; add 1000000)")
    p.add_argument("--planner", action="store_true",
                   help="instead: the offline planner's accuracy on the phrasing table (development and held back)")
    p.add_argument("--heldback-misses", action="store_true",
                   help="with --planner: also list the held-back misses (for the final report, not for tuning)")
    p.set_defaults(func=cmd_bench)


def cmd_demo(args, ws) -> int:
    from tools.demo.benchmarks import BENCHMARK_PATH
    from tools.demo.build import build_demo
    from tools.ingest.load_benchmarks import LoadBenchmarksInput, load_benchmarks

    counts = build_demo(ws, seed=args.seed, n_accounts=args.accounts, replace=args.replace)
    loaded = load_benchmarks(ws, LoadBenchmarksInput(path=str(BENCHMARK_PATH), name="SaaS Industry 2026"))
    print(f"Demo workspace at {ws.path}: " + ", ".join(f"{v} {k}" for k, v in counts.items()))
    print(md_text(loaded.to_text().split("\n\n")[0]))
    return 0


def cmd_compare(args, ws) -> int:
    criteria = criteria_from_where(args.where) if args.where else None
    out = compare_customer(ws, CompareCustomerInput(
        customer=args.customer, cohort_type=args.cohort or ("custom" if criteria else "segment"),
        criteria=criteria, benchmark=args.benchmark, anonymise=not args.named_peers,
        metrics=[m.strip() for m in args.metrics.split(",") if m.strip()] if args.metrics else None,
        distribution=args.distribution))
    if args.json:
        print_json(out)
    else:
        print_goal_changes(ws, out.customer)
        print(out.to_markdown())
        print()
        if out.strengths:
            print("Strengths: " + ", ".join(out.strengths))
        if out.gaps:
            print("Gaps: " + ", ".join(out.gaps))
    return 0


def cmd_cohort(args, ws) -> int:
    criteria = criteria_from_where(args.where)
    return show(build_cohort(ws, BuildCohortInput(**criteria.model_dump(), save_as=args.save)), args.json)


def cmd_bench(args, ws) -> int:
    if args.e2e:
        from agent.cli.bench_e2e import run_e2e

        run_e2e(args.accounts, min(args.repeat, 3))
        return 0
    if args.compare:
        from agent.cli.bench_compare import run_compare  # imports DuckDB/polars only if installed

        run_compare([int(s) for s in args.compare.split(",") if s], args.repeat)
        return 0
    if args.planner:
        from agent.cli.bench_planner import run_planner_bench

        run_planner_bench(heldback_misses=args.heldback_misses)
        return 0
    from agent.cli.bench import run_bench

    sizes = [int(s) for s in args.sizes.split(",") if s]
    if args.million:
        sizes.append(1_000_000)
    run_bench(sizes, args.repeat, ws)
    return 0
