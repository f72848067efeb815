"""``peerbench feedback``: the chat's rated answers (what was asked, answered, which tools ran)."""

from __future__ import annotations

import argparse
import asyncio
import json

from tools.store.workspace import Workspace


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("feedback", help="ratings given in the chat: what was asked, answered and which tools ran")
    p.add_argument("--limit", type=int, default=50, help="latest N rated answers (default 50)")
    p.add_argument("--only", choices=("up", "down"), help="only thumbs up, or only thumbs down")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_feedback)


def cmd_feedback(args, ws: Workspace) -> int:
    from tools.chat.feedback import list_ratings
    from tools.chat.schema import history_url

    ws.db  # the chat tables exist once the workspace is migrated
    ratings = asyncio.run(list_ratings(history_url(ws.path), limit=args.limit, only=args.only))
    if args.json:
        print(json.dumps([r.to_dict() for r in ratings], indent=2, ensure_ascii=False))
        return 0
    if not ratings:
        print("No rated answers yet (rate an answer with the thumbs under it in the chat).")
        return 0
    up = sum(r.rating == "up" for r in ratings)
    print(f"{len(ratings)} rated answers: {up} up, {len(ratings) - up} down (newest first)\n")
    for r in ratings:
        mark = "+1" if r.rating == "up" else "-1"
        print(f"[{mark}] {(r.at or '')[:16].replace('T', ' ')}  {r.user or ''}")
        print(f"  asked:    {r.asked}")
        print(f"  tools:    {', '.join(r.tools) or '(none)'}")
        print(f"  answered: {r.answer[:200]}")
        if r.comment:
            print(f"  comment:  {r.comment}")
        print()
    return 0
