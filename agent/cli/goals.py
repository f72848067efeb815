"""Success goals and ROI commands: roi, goals, goal add|update|measure|milestone|delete, success."""

from __future__ import annotations

import argparse
import datetime as dt

from agent.cli.output import print_json
from analytics.goals import fmt_money
from reports.format import markdown_table
from tools.goals import ManageGoalsInput, manage_goals, unit_base
from tools.roi import ComputeRoiInput, PortfolioSuccessInput, compute_roi, portfolio_success

STATUS_LABELS = {"achieved": "achieved", "on_track": "on track", "at_risk": "AT RISK", "missed": "missed",
                 "not_started": "not started", "unknown": "unknown"}
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
    _common(p)
    p.set_defaults(func=cmd_roi)

    p = sub.add_parser("goals", help="list an account's success goals and milestones")
    p.add_argument("customer")
    _common(p)
    p.set_defaults(func=cmd_goals)

    p = sub.add_parser("success", help="goal success across the portfolio")
    p.add_argument("--segment", help="Enterprise, Mid-Market or SMB")
    p.add_argument("--limit", type=int, default=10, help="top performers and at-risk goals to list")
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

    p = gsub.add_parser("update", help="change a goal's fields")
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

    p = gsub.add_parser("delete", help="delete a goal (with its measurements) or, with --milestone, a milestone")
    p.add_argument("customer")
    p.add_argument("goal", nargs="?", help="goal id or name")
    p.add_argument("--milestone", help="delete this milestone instead")
    _common(p)
    p.set_defaults(func=lambda a, ws: _run(a, ws, "delete", goal=a.goal, milestone_name=a.milestone))


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument("--as-of", type=_date, dest="as_of", help="evaluation date (default: today)")
    p.add_argument("--json", action="store_true", help="print the tool output as JSON")


def _goal_fields(p: argparse.ArgumentParser) -> None:
    p.add_argument("--name")
    p.add_argument("--description")
    p.add_argument("--category", help="efficiency, revenue, cost, quality, adoption, satisfaction, custom")
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


def _run(args, ws, action: str, **extra) -> int:
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
    print(out.message)
    for line in out.alerts:
        print(f"ALERT: {line}")
    for line in out.notes:
        print(f"Note: {line}")
    if out.goal:
        print()
        print(_goal_table([out.goal]))
    return 0


def fmt_unit(value: float | None, unit: str | None) -> str:
    """A goal value with its unit: '62.5%', '$8,000', '$8,000 / month', '11.5 h', '4 min / invoice'."""
    if value is None:
        return "n/a"
    num = f"{value:,.2f}".rstrip("0").rstrip(".")
    base = unit_base(unit)
    rest = unit.split("/", 1)[1].strip() if unit and "/" in unit else None
    short = {"percent": f"{num}%", "dollars": fmt_money(value), "hours": f"{num} h", "minutes": f"{num} min",
             "days": f"{num} days", "weeks": f"{num} weeks", "months": f"{num} months", "score": num,
             "ratio": num}.get(base or "")
    if short is None:
        return f"{num} {unit}" if unit and unit not in ("count",) else num
    return f"{short} / {rest}" if rest and base != "percent" else short


def _pct(x: float | None) -> str:
    return "n/a" if x is None else f"{x:.1f}%"


def _goal_table(goals, ids: bool = False) -> str:
    rows = []
    for g in goals:
        status = STATUS_LABELS.get(g.status, g.status) + (" (exceeding)" if g.exceeding else "")
        row = [g.name, fmt_unit(g.baseline, g.unit), fmt_unit(g.target, g.unit), fmt_unit(g.current, g.unit),
               _pct(g.achievement_pct), status, g.target_date or "n/a"]
        rows.append(([g.id] if ids else []) + row)
    headers = ["Goal", "Baseline", "Target", "Current", "Achievement", "Status", "Target date"]
    return markdown_table((["Id"] if ids else []) + headers, rows, ("r" if ids else "") + "lrrrrll")


def cmd_goals(args, ws) -> int:
    out = manage_goals(ws, ManageGoalsInput(action="list", customer=args.customer, as_of=args.as_of))
    if args.json:
        print_json(out)
        return 0
    print(f"# Success goals: {out.customer}\n")
    if not out.goals:
        print(out.message)
        return 0
    print(_goal_table(out.goals, ids=True))
    notes = [f"- {g.name}: {g.note}" for g in out.goals if g.note]
    if notes:
        print("\n" + "\n".join(notes))
    return 0


def cmd_roi(args, ws) -> int:
    out = compute_roi(ws, ComputeRoiInput(customer=args.customer, period=args.period, investment=args.investment,
                                          peer_group=args.peers, as_of=args.as_of))
    if args.json:
        print_json(out)
        return 0
    arr = f", ARR {fmt_money(out.arr)}" if out.arr is not None else ""
    print(f"# Success metrics: {out.customer} ({out.segment or 'no segment'}{arr})")
    print(f"Period: {out.period.label} ({out.period.start} to {out.period.end})\n")
    if out.goals:
        print(_goal_table(out.goals) + "\n")
        score = "n/a" if out.success_score is None else f"{out.success_score:.1f} / 100"
        print(f"Success score: {score}  |  Goal achievement rate: {_pct(out.goal_achievement_rate)}")
        _print_value(out)
        _print_risks(out)
    for m in out.milestones:
        print(f"Milestone: {m.date} {m.name}{' (done)' if m.done else ''}" + (f" [{m.goal}]" if m.goal else ""))
    b = out.benchmark
    if b.shown:
        print(f"\nPeers: {b.message}")
        labels = {"success_score": "Success score", "goal_achievement_rate": "Goal achievement rate",
                  "roi_multiplier": "ROI"}
        rows = [[labels[m.metric], _fmt_peer(m.metric, m.value), _fmt_peer(m.metric, m.peer_median),
                 "n/a" if m.percentile is None else f"{m.percentile:.0f}th"] for m in b.metrics]
        print(markdown_table(["Measure", "Account", "Peer median", "Percentile"], rows, "lrrr"))
    elif out.goals:
        print(f"\nPeers: {b.message}")
    for n in out.notes:
        print(f"Note: {n}")
    return 0


def _fmt_peer(metric: str, x: float | None) -> str:
    if x is None:
        return "n/a"
    return f"{x:.1f}x" if metric == "roi_multiplier" else (f"{x:.1f}%" if metric.endswith("rate") else f"{x:.1f}")


def _print_value(out) -> None:
    v = out.value_delivered
    print(f"Value delivered: {fmt_money(v.total)} / year (annualised); {fmt_money(v.period_value)} "
          f"realised in the period")
    for it in v.items:
        print(f"  - {it.goal} ({it.value_type.replace('_', ' ')}): {it.calculation}")
    for it in v.pending:
        print(f"  - not counted yet (no progress measured): {it.goal}: {it.calculation}")
    if out.investment is not None:
        source = "ARR" if out.investment_source == "arr" else "given"
        print(f"Investment: {fmt_money(out.investment)} / year ({source})")
    if out.roi_multiplier is not None:
        print(f"ROI: {out.roi_multiplier:.1f}x (net ROI {out.net_roi_pct:,.1f}%)")


def _print_risks(out) -> None:
    for r in out.at_risk:
        print(f"\nAt risk: {r.goal}: {_pct(r.achievement_pct)} achieved with {_pct(r.elapsed_pct)} of the time elapsed")
        for s in r.signals:
            print(f"  signal: {s}")
        for a in r.actions:
            print(f"  action: {a}")
    if out.at_risk or out.milestones:
        print()


def cmd_success(args, ws) -> int:
    out = portfolio_success(ws, PortfolioSuccessInput(segment=args.segment, limit=args.limit, as_of=args.as_of))
    if args.json:
        print_json(out)
        return 0
    print(f"# Goal success: {out.segment or 'all segments'} (as of {out.as_of})\n")
    for n in out.notes:
        print(n)
    if not out.goals:
        return 0
    c = out.status_counts
    print(f"{out.accounts_with_goals} accounts with {out.goals} goals: {c['achieved']} achieved, {c['on_track']} on "
          f"track, {c['at_risk']} at risk, {c['missed']} missed, {c['not_started']} not started.")
    avg = "n/a" if out.average_roi_multiplier is None else f"{out.average_roi_multiplier:.1f}x"
    print(f"Total value delivered: {fmt_money(out.total_value_delivered)} / year; average ROI {avg}\n")
    rows = [[s.segment, s.accounts, s.goals, s.achieved, s.on_track, s.at_risk, s.missed, s.not_started,
             "n/a" if s.avg_success_score is None else f"{s.avg_success_score:.1f}",
             "n/a" if s.avg_roi_multiplier is None else f"{s.avg_roi_multiplier:.1f}x", fmt_money(s.value_delivered)]
            for s in out.by_segment]
    print(markdown_table(["Segment", "Accounts", "Goals", "Achieved", "On track", "At risk", "Missed",
                          "Not started", "Avg score", "Avg ROI", "Value / year"], rows, "lrrrrrrrrrr"))
    print("\n## Top performers by value delivered\n")
    rows = [[a.customer, a.segment, fmt_money(a.value_delivered),
             "n/a" if a.roi_multiplier is None else f"{a.roi_multiplier:.1f}x",
             "n/a" if a.success_score is None else f"{a.success_score:.1f}"] for a in out.top_performers]
    print(markdown_table(["Account", "Segment", "Value / year", "ROI", "Success score"], rows, "llrrr"))
    if out.at_risk_goals:
        print("\n## Goals at risk (by ARR at stake)\n")
        rows = [[r.customer, r.goal, fmt_money(r.arr_at_stake) if r.arr_at_stake is not None else "n/a",
                 _pct(r.achievement_pct), _pct(r.elapsed_pct), r.target_date or "n/a"] for r in out.at_risk_goals]
        print(markdown_table(["Account", "Goal", "ARR at stake", "Achieved", "Time elapsed", "Target date"],
                             rows, "llrrrl"))
    return 0
