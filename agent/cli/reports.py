"""Report commands: ``peerbench report`` (draft one), ``peerbench reports`` (list saved ones) and
``peerbench brand`` (the look and defaults every report uses: logo, accent, page size, hidden items)."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from pathlib import Path

from agent.cli.output import check_out, copy_out, print_json
from reports.format import markdown_table, md_text
from tools.base import ToolError

DEFAULT_FORMAT = {"benchmark": "pdf", "account": "pdf", "success": "pdf", "qbr": "pptx", "portfolio": "xlsx"}


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("report", help="write a report: benchmark, account, success, qbr or portfolio")
    p.add_argument("customer", nargs="?", help="account name (not needed for --kind portfolio)")
    p.add_argument("--kind", default="benchmark", choices=["benchmark", "account", "success", "qbr", "portfolio"])
    p.add_argument("--format", choices=["md", "docx", "pdf", "pptx", "xlsx"],
                   help="default: pdf (pptx for qbr, xlsx for portfolio)")
    p.add_argument("--out", help="also copy the file to this path: a file, or a folder (existing, or ending in /); "
                                 "missing folders are created, a Markdown report takes its chart images along")
    p.add_argument("--force", action="store_true", help="let --out overwrite an existing file")
    p.add_argument("--csm", help="'Prepared by' name (default: the csm_name setting)")
    p.add_argument("--benchmark", help="benchmark set name (default: the active set)")
    p.add_argument("--cohort", default=None, help="peer dimension (default: segment, or custom with --where)",
                   choices=["segment", "industry", "size", "region", "contract_age", "all", "custom"])
    p.add_argument("--where", action="append", default=[], metavar="KEY=VALUE",
                   help="narrow the peer group, as for `compare`: segment, industry, region, arr_min, arr_max, "
                        "contract_age_min, contract_age_max (months), cohort (saved name)")
    p.add_argument("--period", help="success/qbr goal period: 2026-Q3, this_quarter, ... (default: contract to date)")
    p.add_argument("--as-of", type=dt.date.fromisoformat, help="evaluation date for goals (YYYY-MM-DD)")
    p.add_argument("--hide", action="append", default=[], metavar="NAMES",
                   help="leave out cards, charts or sections, comma-separated: roi,peer_chart,methodology "
                        "(the error lists a report's names)")
    p.add_argument("--logo", help="vendor logo for this report (PNG or JPEG; default: the brand setting)")
    p.add_argument("--accent", help='brand accent colour for this report, e.g. "#1F4E79"')
    p.add_argument("--page-size", choices=["A4", "Letter"], help="documents' page size (default: setting, A4)")
    p.add_argument("--show", action="store_true", help="print the report as Markdown")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_report)

    p = sub.add_parser("brand", help="the look and defaults of every report: logo, accent colour, page size, "
                                     "items hidden (no option: show them)")
    p.add_argument("--logo", help="vendor logo (PNG or JPEG, up to 2 MB); a copy is kept in the workspace")
    p.add_argument("--accent", help='accent colour, e.g. "#1F4E79"')
    p.add_argument("--name", help="vendor name shown when there is no logo")
    p.add_argument("--page-size", choices=["A4", "Letter"])
    p.add_argument("--hide", metavar="NAMES", help="cards or sections hidden on every report, comma-separated "
                                                   "('' to show all again)")
    p.add_argument("--reset", action="store_true", help="back to the defaults (no logo, navy, A4, nothing hidden)")
    p.set_defaults(func=cmd_brand)

    p = sub.add_parser("reports", help="list saved reports")
    p.add_argument("--limit", type=int, default=50)
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_reports)


# Each command imports the report room when it runs (start-up time of the other commands).

def cmd_report(args, ws) -> int:
    from tools.compare.cohorts import criteria_from_where
    from tools.report.draft_report import DraftReportInput, draft_report

    if args.kind != "portfolio" and not args.customer:
        print(f"error: a {args.kind} report needs a customer name", file=sys.stderr)
        return 2
    criteria = criteria_from_where(args.where) if args.where else None
    hide = [x.strip() for h in args.hide for x in h.split(",") if x.strip()]
    if args.out:  # a refused --out is said before the report is made
        check_out(args.out, protected=_workspace_files(ws), force=args.force)
    out = draft_report(ws, DraftReportInput(
        customer=args.customer if args.kind != "portfolio" else None, kind=args.kind,
        format=args.format or DEFAULT_FORMAT[args.kind], csm_name=args.csm, benchmark=args.benchmark,
        cohort_type=args.cohort or ("custom" if criteria else "segment"), criteria=criteria, period=args.period,
        as_of=args.as_of, hide=hide, accent=args.accent, page_size=args.page_size), logo=args.logo)
    copies = copy_out(Path(out.path), args.out, protected=_workspace_files(ws), force=args.force) if args.out else []
    if args.json:
        print_json(out)
        return 0
    if args.show:
        print(out.markdown)
    print(f"Saved {md_text(out.title, True)} ({out.format}) to {out.path}" + (f" and {copies[0]}" if copies else "")
          + (f" (with {len(copies) - 1} chart image{'s' * (len(copies) > 2)})" if len(copies) > 1 else "")
          + f" in {out.seconds:.2f} s [report #{out.report_id}]")
    for slot, figs in out.narrative_rejected.items():
        print(f"  narrative '{slot}' not used: figures not in tool results: {', '.join(figs)}")
    return 0


def _workspace_files(ws) -> list[Path]:
    """What --out must never overwrite: the workspace database and its journal files."""
    db = Path(ws.path)
    return [db] + [db.with_name(db.name + suffix) for suffix in ("-wal", "-shm", "-journal")]


def cmd_brand(args, ws) -> int:
    from tools.report import branding

    try:
        if args.reset:
            for key in ("brand_logo", "brand_accent", "brand_name", "page_size", "report_hide"):
                ws.set_setting(key, "")
        if args.logo:
            print(f"Logo saved: {branding.save_logo(ws, args.logo)}")
        if args.accent:
            ws.set_setting("brand_accent", branding.accent_colour(args.accent))
        if args.name is not None:
            ws.set_setting("brand_name", args.name.strip()[:60])
        if args.page_size:
            ws.set_setting("page_size", args.page_size)
        if args.hide is not None:
            ws.set_setting("report_hide", ",".join(x.strip().lower() for x in args.hide.split(",") if x.strip()))
        look = branding.brand(ws)
    except ToolError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(f"Accent colour: {look.accent}\nLogo: {'set' if look.logo else 'none'}\nVendor name: {look.name or 'none'}\n"
          f"Page size: {branding.paper(ws)}\n"
          f"Hidden on every report: {', '.join(sorted(branding.default_hidden(ws))) or 'nothing'}")
    return 0


def cmd_reports(args, ws) -> int:
    from tools.report.draft_report import list_reports

    rows = list_reports(ws, args.limit)
    if args.json:
        sys.stdout.write(json.dumps(rows, indent=2) + "\n")
        return 0
    if not rows:
        print("No reports yet: `peerbench report \"<account>\" --kind benchmark --format pdf`.")
        return 0
    print(markdown_table(["#", "Created", "Account", "Kind", "Format", "File"],
                         [[r["id"], r["created_at"], r["customer"] or "(portfolio)", r["kind"], r["format"],
                           Path(r["path"]).name] for r in rows], "rlllll"))
    return 0
