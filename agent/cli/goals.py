"""Success goals and ROI commands: roi, goals, goal add|update|measure|milestone|delete, success."""

from __future__ import annotations

import argparse
import datetime as dt

from agent.cli.goal_extras import register as register_goal_extras
from agent.cli.output import print_goal_changes, print_json
from reports.format import md_text
from tools.store import changes
from tools.success.categories import CATEGORIES
from tools.success.compute_roi import ComputeRoiInput, compute_roi
from tools.success.from_gaps import SetImprovementGoalsInput, set_improvement_goals
from tools.success.manage_goals import ManageGoalsInput, manage_goals
from tools.success.portfolio_success import PortfolioSuccessInput, portfolio_success
from tools.success.views import goals_markdown, portfolio_success_markdown, roi_markdown

VALUE_FLAGS = ("hours_saved_per_unit", "units_per_month", "hourly_rate", "monthly_amount")


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a date (expected YYYY-MM-DD)") from None


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("roi", help="one account's goals, value delivered and ROI")
    p.add_argument("customer")
    p.add_argument("--period", help="2026-Q3, 2026, this_quarter, last_quarter (default: contract to date)")
    p.add_argument("--investment", type=float, help="annual investment in dollars (default: ARR)")
    p.add_argument("--peers", choices=["segment", "all"], default="segment", help="peer group for percentiles")
    _category(p)
    _common(p)
    p.set_defaults(func=cmd_roi)

    p = sub.add_parser("goals", help="list an account's success goals and milestones")
    p.add_argument("customer")
    _category(p)
    _common(p)
    p.set_defaults(func=cmd_goals)

    p = sub.add_parser("success", help="goal success across the portfolio")
    p.add_argument("--segment", help="Enterprise, Mid-Market or SMB")
    p.add_argument("--limit", type=int, default=10, help="top performers and at-risk goals to list")
    p.add_argument("--csm", help="only this CSM's accounts (full or first name)")
    p.add_argument("--by-csm", action="store_true", dest="by_csm", help="goal success rates per CSM")
    _category(p)
    _common(p)
    p.set_defaults(func=cmd_success)

    goal = sub.add_parser("goal", help="add, update, measure, delete a goal, or add a milestone")
    gsub = goal.add_subparsers(dest="goal_command", required=True, metavar="ACTION")
    p = gsub.add_parser("add", help="create a goal (from a template or from scratch)")
    p.add_argument("customer")
    p.add_argument("--template", help="e.g. improve_nps, reduce_process_time, increase_adoption, reduce_tickets")
    _goal_fields(p)
    p.add_argument("--current", type=float, help="an initial measurement (dated --date or the as-of date)")
    p.add_argument("--date", type=_date)
    p.set_defaults(func=lambda a, ws: _run(a, ws, "create", value=a.current, date=a.date))

    p = gsub.add_parser("update", aliases=["edit"], help="change a goal's fields (target, --due date, ...)")
    p.add_argument("customer")
    p.add_argument("goal", help="goal id or name")
    _goal_fields(p)
    p.set_defaults(func=lambda a, ws: _run(a, ws, "update", goal=a.goal))

    p = gsub.add_parser("measure", help="record a measurement")
    p.add_argument("customer")
    p.add_argument("goal", help="goal id or name")
    p.add_argument("value", type=float)
    p.add_argument("--date", type=_date, help="default: the as-of date")
    _common(p)
    p.set_defaults(func=lambda a, ws: _run(a, ws, "measure", goal=a.goal, value=a.value, date=a.date))

    p = gsub.add_parser("milestone", help="add or update a milestone")
    p.add_argument("customer")
    p.add_argument("name", help="milestone name")
    p.add_argument("--date", type=_date)
    p.add_argument("--goal", help="link to a goal (id or name)")
    p.add_argument("--description")
    p.add_argument("--done", action="store_true", default=None)
    _common(p)
    p.set_defaults(func=lambda a, ws: _run(a, ws, "milestone", goal=a.goal, date=a.date, milestone_name=a.name,
                                           milestone_description=a.description, milestone_done=a.done))

    p = gsub.add_parser("from-gaps", help="goals from the account's benchmark gaps (preview; --yes saves them)")
    p.add_argument("customer")
    p.add_argument("--benchmark", help="benchmark set name (default: the active set)")
    p.add_argument("--max-gaps", type=int, default=5, dest="max_gaps", help="gaps turned into goals (worst first)")
    p.add_argument("--yes", action="store_true", help="save the goals (without it: only show what would be created)")
    _common(p)
    p.set_defaults(func=cmd_from_gaps)

    p = gsub.add_parser("delete", help="delete a goal (with its measurements) or, with --milestone, a milestone")
    p.add_argument("customer")
    p.add_argument("goal", nargs="?", help="goal id or name")
    p.add_argument("--milestone", help="delete this milestone instead")
    _common(p)
    p.set_defaults(func=lambda a, ws: _run(a, ws, "delete", goal=a.goal, milestone_name=a.milestone))
    register_goal_extras(gsub, _date, _common)  # show, quote, kr, define, form (issue 20)


def _category(p: argparse.ArgumentParser) -> None:
    p.add_argument("--category", help="only goals of this category: " + ", ".join(CATEGORIES)
                   + " (either requirements document's words: operational, financial, strategic, ...)")


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument("--as-of", type=_date, dest="as_of", help="evaluation date (default: today)")
    p.add_argument("--json", action="store_true", help="print the tool output as JSON")


def _goal_fields(p: argparse.ArgumentParser) -> None:
    p.add_argument("--name")
    p.add_argument("--description")
    p.add_argument("--category", help=", ".join(CATEGORIES) + " (aliases such as operational accepted)")
    p.add_argument("--metric", help="catalog key (nps, user_activation, ...) or a free label")
    p.add_argument("--baseline", type=float)
    p.add_argument("--target", type=float)
    p.add_argument("--unit", help="percent, score, count, dollars, days, hours, minutes, ...")
    p.add_argument("--direction", choices=["increase", "decrease"])
    p.add_argument("--start", type=_date, dest="start_date")
    p.add_argument("--due", "--target-date", type=_date, dest="target_date")
    p.add_argument("--owner")
    p.add_argument("--weight", type=float)
    p.add_argument("--value-type", choices=["time_saved", "cost_reduction", "revenue_increase"])
    for flag in VALUE_FLAGS:
        p.add_argument("--" + flag.replace("_", "-"), type=float, dest=flag)
    p.add_argument("--unit-name", help="what one unit is, for the value text (e.g. ticket)")
    p.add_argument("--value-amount", type=float, help="annual value in dollars, when known directly")
    _common(p)


# The success room is imported when a command runs (start-up time of the other commands).

def _run(args, ws, action: str, **extra) -> int:
    from tools.success.manage_goals import ManageGoalsInput, manage_goals
    from tools.success.views import goals_markdown

    fields = {k: getattr(args, k, None) for k in (
        "name", "description", "category", "metric", "baseline", "target", "unit", "direction", "start_date",
        "target_date", "owner", "weight", "value_type", "value_amount", "template")}
    inputs = {k: getattr(args, k) for k in VALUE_FLAGS if getattr(args, k, None) is not None}
    if getattr(args, "unit_name", None):
        inputs["unit_name"] = args.unit_name
    data = {k: v for k, v in {**fields, **extra}.items() if v is not None}
    out = manage_goals(ws, ManageGoalsInput(action=action, customer=args.customer, as_of=args.as_of,
                                            value_inputs=inputs or None, **data))
    if args.json:
        print_json(out)
        return 0
    print(goals_markdown(out))
    return 0


def cmd_from_gaps(args, ws) -> int:
    """Preview the goals (nothing written) unless --yes; then save them in one transaction."""
    inp = SetImprovementGoalsInput(customer=args.customer, benchmark=args.benchmark, max_gaps=args.max_gaps,
                                   as_of=args.as_of)
    out, _, saved = changes.track(ws, lambda: set_improvement_goals(ws, inp), decide=lambda c: args.yes)
    if args.json:
        print_json(out if saved else out.unsaved())
        return 0
    if saved:
        print(f"{md_text(out.message)}\n\n{out.to_markdown()}")
    else:
        print("**Not saved yet.** This would create:\n\n" + "\n".join(f"- {md_text(x)}" for x in out.preview())
              + f"\n\nRun again with --yes to save: peerbench goal from-gaps \"{out.customer}\" --yes")
    return 0


def cmd_goals(args, ws) -> int:
    out = manage_goals(ws, ManageGoalsInput(action="list", customer=args.customer, as_of=args.as_of,
                                            category=args.category))
    if not args.json:
        print_goal_changes(ws, out.customer)
    print_json(out) if args.json else print(f"# Success goals: {md_text(out.customer, True)}\n\n" + goals_markdown(out))
    return 0


def cmd_roi(args, ws) -> int:

    out = compute_roi(ws, ComputeRoiInput(customer=args.customer, period=args.period, investment=args.investment,
                                          peer_group=args.peers, as_of=args.as_of, category=args.category))
    if not args.json:
        print_goal_changes(ws, out.customer)
    print_json(out) if args.json else print(roi_markdown(out))
    return 0


def cmd_success(args, ws) -> int:
    out = portfolio_success(ws, PortfolioSuccessInput(segment=args.segment, limit=args.limit, as_of=args.as_of,
                                                      csm=args.csm, by_csm=args.by_csm, category=args.category))
    print_json(out) if args.json else print(portfolio_success_markdown(out))
    return 0
