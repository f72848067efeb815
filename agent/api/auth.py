"""Who is calling: a bearer token, bound to a user and so to that user's workspace.

The token is checked against the main workspace's ``api_tokens`` table (tools.store.tokens).
A token made with ``--user alice`` opens alice's own workspace, the very file the chat opens
when alice signs in (agent.ui.auth.workspace_for); a token without a user opens the main
workspace, as the chat does with sign-in off. Another user's accounts, goals and report files
are therefore simply not there: 404, never 403, so nothing tells they exist.

Each token has its own privacy scope (``token:<id>``): the differencing guard remembers the
peer groups that token was shown, as a chat conversation does. The scopes live in this
process (:class:`ScopeRegistry`); making them persistent means replacing that one object.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from agent.api.problems import ProblemError
from agent.ui.auth import workspace_for
from tools.store.tokens import TokenRecord, check_token
from tools.store.workspace import Scope, Workspace

bearer = HTTPBearer(auto_error=False, scheme_name="bearer",
                    description="An API token from `peerbench token create NAME [--user USER]`.")


class ScopeRegistry:
    """One privacy scope per token, kept in memory for the life of the server process."""

    def __init__(self) -> None:
        self._scopes: dict[int, Scope] = {}
        self._lock = threading.Lock()

    def scope_for(self, token: TokenRecord) -> Scope:
        with self._lock:
            return self._scopes.setdefault(token.id, Scope(key=f"token:{token.id}"))


@dataclass(frozen=True)
class ApiState:
    """What the routes need from the app: the main workspace file and the token scopes."""

    main_db: Path
    scopes: ScopeRegistry


@dataclass(frozen=True)
class Caller:
    token: TokenRecord
    ws: Workspace  # the token's workspace, seen through the token's own privacy scope


def _unauthorized(title: str, detail: str, error: str | None = None) -> ProblemError:
    challenge = 'Bearer realm="peerbench"' + (f', error="{error}"' if error else "")
    return ProblemError(401, title, detail, slug="unauthorized", headers={"WWW-Authenticate": challenge})


def current_caller(request: Request,
                   credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]) -> Caller:
    state: ApiState = request.app.state.peerbench
    if credentials is None:
        raise _unauthorized("Authentication required", "Send 'Authorization: Bearer <token>'; make a token "
                            "with `peerbench token create NAME`.")
    token = check_token(workspace_for(None, state.main_db), credentials.credentials)
    if token is None:
        raise _unauthorized("Invalid token", "The token is not known or was revoked.", "invalid_token")
    ws = workspace_for(token.user or None, state.main_db)
    return Caller(token=token, ws=ws.with_scope(state.scopes.scope_for(token)))


CallerDep = Annotated[Caller, Depends(current_caller)]
