"""HTTP commands: ``peerbench serve`` (chat + API in one server) and ``peerbench token create|list|revoke``."""

from __future__ import annotations

import argparse
import json
import os
import sys

from reports.format import markdown_table
from tools.store.tokens import create_token, list_tokens, revoke_token

DEFAULT_HOST, DEFAULT_PORT = "127.0.0.1", 8000


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("serve", help="serve the chat at / and the HTTP API at /api (docs at /api/docs)")
    p.add_argument("--host", default=DEFAULT_HOST, help=f"interface to listen on (default {DEFAULT_HOST})")
    p.add_argument("--port", type=int, default=DEFAULT_PORT, help=f"port (default {DEFAULT_PORT})")
    p.set_defaults(func=cmd_serve)

    token = sub.add_parser("token", help="API tokens: create, list, revoke")
    tsub = token.add_subparsers(dest="token_command", required=True, metavar="ACTION")
    p = tsub.add_parser("create", help="make a token (printed once; only its hash is stored)")
    p.add_argument("name", help="what the token is for, e.g. crm-sync")
    p.add_argument("--user", default="", help="the signed-in user whose workspace it opens (default: the main one)")
    p.set_defaults(func=cmd_token_create)
    p = tsub.add_parser("list", help="the tokens (never their secret)")
    p.add_argument("--all", action="store_true", help="include revoked tokens")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_token_list)
    p = tsub.add_parser("revoke", help="stop a token working, at once")
    p.add_argument("token", help="its id or name")
    p.set_defaults(func=cmd_token_revoke)


def cmd_serve(args, ws) -> int:
    from agent.api.server import serve

    ws.close()  # the server opens its own handles, per thread
    os.environ["PEERBENCH_DB"] = str(ws.path.resolve())  # the chat in this process opens the same file
    url = f"http://{args.host}:{args.port}"
    print(f"peerbench: chat at {url}/ and the API at {url}/api (docs: {url}/api/docs); workspace {ws.path}",
          flush=True)
    serve(args.host, args.port, main_db=ws.path)
    return 0


def cmd_token_create(args, ws) -> int:
    token, record = create_token(ws, args.name, args.user)
    where = f"the workspace of user '{record.user}'" if record.user else "the main workspace"
    print(token)
    print(f"Token #{record.id} '{record.name}' for {where}. Copy it now: it is not shown again.", file=sys.stderr)
    print('Use it as: curl -H "Authorization: Bearer $TOKEN" http://127.0.0.1:8000/api/customers', file=sys.stderr)
    return 0


def cmd_token_list(args, ws) -> int:
    tokens = list_tokens(ws, include_revoked=args.all)
    if args.json:
        keys = ("id", "name", "user", "prefix", "created_at", "last_used_at", "revoked_at")
        sys.stdout.write(json.dumps([{k: getattr(t, k) for k in keys} for t in tokens], indent=2) + "\n")
        return 0
    if not tokens:
        print("No API tokens. Make one with: peerbench token create NAME [--user USER]")
        return 0
    print(markdown_table(["#", "Name", "User", "Starts", "Created", "Last used", "Revoked"],
                         [[t.id, t.name, t.user or "(main workspace)", t.prefix + "...", t.created_at,
                           t.last_used_at or "never", t.revoked_at or ""] for t in tokens], "rllllll"))
    return 0


def cmd_token_revoke(args, ws) -> int:
    record = revoke_token(ws, args.token)
    print(f"Revoked token #{record.id} '{record.name}' at {record.revoked_at}.")
    return 0
