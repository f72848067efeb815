"""Outbound action commands: ``peerbench share`` / ``shares`` / ``unshare`` (read-only links for the
customer), ``peerbench email`` (an .eml draft) and ``peerbench invite`` (.ics invitations).
peerbench never sends anything: it prints the link or the file's path."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys

from agent.cli.output import print_json
from agent.understand.times import find_when
from reports.format import markdown_table
from tools.actions import shares
from tools.actions.email_report import EmailReportInput, email_report
from tools.actions.schedule_call import (
    ScheduleCallInput,
    ScheduleReviewCallsInput,
    schedule_call,
    schedule_review_calls,
)
from tools.actions.share_report import RevokeShareInput, ShareReportInput, revoke_share, share_report
from tools.base import ToolError

KINDS = ["benchmark", "success", "qbr"]


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("share", help="make a read-only link to a customer-facing report (printed once)")
    p.add_argument("customer")
    p.add_argument("--kind", default="benchmark", choices=KINDS)
    p.add_argument("--days", type=int, default=shares.DEFAULT_DAYS, help="days the link works (default 14)")
    p.add_argument("--passcode", help="a passcode the customer types to open the page")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_share)

    p = sub.add_parser("shares", help="list share links: status, expiry, views")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_shares)

    p = sub.add_parser("unshare", help="revoke a share link (by id, token or link)")
    p.add_argument("share")
    p.set_defaults(func=cmd_unshare)

    p = sub.add_parser("email", help="draft an .eml to the account's champion and sponsor with its report")
    p.add_argument("customer")
    p.add_argument("--kind", default="benchmark", choices=KINDS)
    p.add_argument("--attach", default="pdf", choices=["pdf", "docx", "none"])
    p.add_argument("--link", action="store_true", help="make a share link (14 days) and include it")
    p.add_argument("--from", dest="sender", help="sender name (default: the csm_name setting)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_email)

    p = sub.add_parser("invite", help="an .ics invitation: review call or training (or --below-benchmark: a zip)")
    p.add_argument("customer", nargs="?")
    p.add_argument("--kind", default="review", choices=["review", "training"])
    p.add_argument("--when", help='start, local time: 2027-01-15T14:00, "next Tuesday at 2pm" '
                                  "(default: next business day 10:00)")
    p.add_argument("--minutes", type=int)
    p.add_argument("--below-benchmark", action="store_true",
                   help="one invitation per account below benchmark (composite under P25), in a zip")
    p.add_argument("--segment", help="with --below-benchmark: only this segment")
    p.add_argument("--limit", type=int, default=25, help="with --below-benchmark: at most this many accounts")
    p.add_argument("--from", dest="sender", help="organizer name (default: the csm_name setting)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_invite)


def cmd_share(args, ws) -> int:
    out = share_report(ws, ShareReportInput(customer=args.customer, kind=args.kind, days=args.days,
                                            passcode=args.passcode))
    if args.json:
        print_json(out)
        return 0
    print(out.link)
    print(f"Share #{out.share_id}: {out.title}, read-only, until {out.expires_at[:10]}"
          f"{', passcode required' if out.passcode else ''}. Shown once; revoke with `peerbench unshare "
          f"{out.share_id}`.", file=sys.stderr)
    return 0


def cmd_shares(args, ws) -> int:
    rows = shares.list_shares(ws)
    if args.json:
        sys.stdout.write(json.dumps([r.model_dump() for r in rows], indent=2) + "\n")
        return 0
    if not rows:
        print('No share links yet: `peerbench share "<account>" --kind benchmark`.')
        return 0
    print(markdown_table(["#", "Link", "Report", "Created", "Expires", "Status", "Views", "Passcode"],
                         [[r.id, f"/share/{r.prefix}...", r.title, r.created_at[:10], r.expires_at[:10], r.status,
                           r.views, "yes" if r.passcode else "no"] for r in rows], "rlllllrl"))
    return 0


def cmd_unshare(args, ws) -> int:
    out = revoke_share(ws, RevokeShareInput(share=args.share))
    print(f"Revoked share #{out.share_id} ({out.title}); it was opened {out.views} time{'s' * (out.views != 1)}.")
    return 0


def cmd_email(args, ws) -> int:
    url = None
    if args.link:
        made = share_report(ws, ShareReportInput(customer=args.customer, kind=args.kind))
        url = made.link
        print(f"Made share #{made.share_id} for the email: {made.link}", file=sys.stderr)
    out = email_report(ws, EmailReportInput(customer=args.customer, kind=args.kind, share_url=url,
                                            attach="none" if args.link and args.attach == "pdf" else args.attach,
                                            csm_name=args.sender))
    if args.json:
        print_json(out)
        return 0
    print(out.path)
    if out.without_address:
        print(f"No email on file for: {', '.join(out.without_address)}", file=sys.stderr)
    return 0


def when(text: str | None) -> dt.datetime | None:
    if not text:
        return None
    found = find_when(text, dt.datetime.now())
    if found is None:
        raise ToolError(f"Could not read the time '{text}'; write e.g. 2027-01-15T14:00 or 'next Tuesday at 2pm'.")
    return found


def cmd_invite(args, ws) -> int:
    if args.below_benchmark:
        out = schedule_review_calls(ws, ScheduleReviewCallsInput(segment=args.segment, when=when(args.when),
                                                                 limit=args.limit, csm_name=args.sender))
    elif not args.customer:
        raise ToolError("Name an account, or use --below-benchmark for the portfolio's review calls.")
    else:
        out = schedule_call(ws, ScheduleCallInput(customer=args.customer, purpose=args.kind, when=when(args.when),
                                                  minutes=args.minutes, csm_name=args.sender))
    if args.json:
        print_json(out)
        return 0
    print(out.path)
    return 0
