"""`peerbench goal show | quote | kr | define | form`: one goal in detail, customer quotes, key results,
starter goals from templates and the measurement form (issue 20)."""

from __future__ import annotations

import argparse

from agent.cli.output import print_json
from tools.success.define_goals import DefineGoalsInput, define_goals
from tools.success.goal_detail import ShowGoalInput, show_goal
from tools.success.key_result_tool import AddKeyResultInput, add_key_result
from tools.success.key_results import FREQUENCIES
from tools.success.measurements import MeasurementFormInput, goal_measurement_form
from tools.success.quotes import AddGoalQuoteInput, add_goal_quote


def register(gsub: argparse._SubParsersAction, date_type, common) -> None:
    p = gsub.add_parser("show", help="one goal in detail: progress, key results, trend, value, milestones, quotes")
    p.add_argument("customer")
    p.add_argument("goal", help="goal id or name (or a word of it)")
    p.add_argument("--chart", metavar="PNG", help="also write the progress chart (with the target line) here")
    common(p)
    p.set_defaults(func=cmd_show)

    p = gsub.add_parser("quote", help="attach a customer quote (from QBR notes) to a goal")
    p.add_argument("customer")
    p.add_argument("goal", help="goal id or name (or a word of it)")
    p.add_argument("text", help="what the customer said")
    p.add_argument("--person", help="who said it, e.g. 'Jane Doe, VP Support'")
    p.add_argument("--date", type=date_type, help="when (default: the as-of date)")
    p.add_argument("--json", action="store_true", help="print the tool output as JSON")
    p.set_defaults(func=lambda a, ws: _print(a, add_goal_quote(ws, AddGoalQuoteInput(
        customer=a.customer, goal=a.goal, text=a.text, person=a.person, date=a.date))))

    p = gsub.add_parser("kr", help="add (or change) a key result of a goal: another metric with its own target")
    p.add_argument("customer")
    p.add_argument("goal", help="goal id or name (or a word of it)")
    p.add_argument("name", help="what the key result measures")
    p.add_argument("--baseline", type=float, required=True)
    p.add_argument("--target", type=float, required=True)
    p.add_argument("--unit")
    p.add_argument("--frequency", choices=FREQUENCIES)
    p.add_argument("--weight", type=float)
    p.add_argument("--current", type=float, help="a measurement (dated --date or the as-of date)")
    p.add_argument("--date", type=date_type)
    p.add_argument("--json", action="store_true", help="print the tool output as JSON")
    p.set_defaults(func=lambda a, ws: _print(a, add_key_result(ws, AddKeyResultInput(
        customer=a.customer, goal=a.goal, name=a.name, baseline=a.baseline, target=a.target, unit=a.unit,
        frequency=a.frequency, weight=a.weight, current=a.current, date=a.date))))

    p = gsub.add_parser("define", help="create starter goals from the templates for the account's category")
    p.add_argument("customer")
    p.add_argument("--template", action="append", dest="templates", help="a template key (repeatable)")
    common(p)
    p.set_defaults(func=lambda a, ws: _print(a, define_goals(ws, DefineGoalsInput(
        customer=a.customer, templates=a.templates, as_of=a.as_of))))

    p = gsub.add_parser("form", help="the measurement form: each goal and key result with its latest value")
    p.add_argument("customer")
    common(p)
    p.set_defaults(func=lambda a, ws: _print(a, goal_measurement_form(ws, MeasurementFormInput(
        customer=a.customer, as_of=a.as_of))))


def _print(args, out) -> int:
    print_json(out) if args.json else print(out.to_markdown())
    return 0


def cmd_show(args, ws) -> int:
    from tools.success.goal_detail import goal_chart

    out = show_goal(ws, ShowGoalInput(customer=args.customer, goal=args.goal, as_of=args.as_of))
    if args.chart:
        charts = goal_chart(out)
        if charts:
            with open(args.chart, "wb") as f:
                f.write(charts[0][1])
    return _print(args, out)
