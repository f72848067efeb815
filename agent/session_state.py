"""A :class:`~agent.session.Session` as plain JSON, so a conversation can be resumed.

The chat stores :func:`dump` in its thread's metadata after every answer; resuming the
thread (after a reload, or from the thread list) rebuilds the Session with :func:`load`:
the history Claude sees, the follow-up context ("and TechCorp?"), the analysis context
(account, peer group, benchmark set, anonymity, CSM name, period, as-of) and the
privacy scope (its key, under which the workspace logs the peer groups this conversation was
shown, and the accounts it was shown by name), plus the write awaiting confirmation and the last undoable change.

Why metadata rather than rebuilding from the shown steps: the steps hold what was shown,
not the state behind it (the resolved account, the cohort criteria, the groups shown).
For a thread with no usable state (older than this feature, or unreadable),
:func:`from_messages` rebuilds the history from its messages and starts a fresh context.
Unknown or malformed fields are ignored: a bad state never breaks a resume.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
from typing import Any

from agent.context import AnalysisContext
from agent.session import Context, Session, ToolCall
from tools.store.workspace import Scope

log = logging.getLogger(__name__)

VERSION = 1


def dump(session: Session) -> dict[str, Any]:
    ctx = session.context
    analysis = {f.name: getattr(session.analysis, f.name) for f in dataclasses.fields(AnalysisContext)}
    analysis["as_of"] = analysis["as_of"].isoformat() if analysis["as_of"] else None
    return {
        "version": VERSION,
        "id": session.id,
        "history": list(session.history),
        "context": {"customer": ctx.customer, "intent": ctx.intent, "report_kind": ctx.report_kind,
                    "benchmark": ctx.benchmark,
                    "call": {"name": ctx.call.name, "input": ctx.call.input} if ctx.call else None},
        "analysis": analysis,
        "scope": {"key": session.scope.key, "known_accounts": sorted(session.scope.known_accounts)},
        "pending": session.pending,
        "last_change": session.last_change,
    }


def load(state: Any) -> Session | None:
    """The Session ``state`` describes, or None when it is not a state this version can read."""
    if not isinstance(state, dict) or state.get("version") != VERSION or not isinstance(state.get("id"), str):
        return None
    try:
        session = Session(id=state["id"][:40])
        session.history = [m for m in state.get("history") or [] if _is_message(m)][-40:]
        session.context = _context(state.get("context") or {})
        session.analysis = _analysis(state.get("analysis") or {})
        scope = state.get("scope") or {}
        # the groups shown are logged in the workspace under the scope's key (tools.store.workspace)
        session.scope = Scope(key=str(scope.get("key") or f"conversation:{session.id}"),
                              known_accounts={int(i) for i in scope.get("known_accounts") or []})
        session.pending = state.get("pending") if isinstance(state.get("pending"), dict) else None
        session.last_change = state.get("last_change") if isinstance(state.get("last_change"), dict) else None
        return session
    except (TypeError, ValueError, KeyError) as exc:
        log.warning("conversation state unreadable (%s); starting a fresh context", exc)
        return None


def from_messages(messages: list[tuple[str, str]]) -> Session:
    """A Session whose history is the thread's (role, text) messages: for threads without a state."""
    session = Session()
    for role, text in messages:
        if role in ("user", "assistant") and text:
            if session.history and session.history[-1]["role"] == role:
                session.history[-1]["content"] += "\n\n" + text
            else:
                session.history.append({"role": role, "content": text})
    del session.history[:-40]
    return session


def _is_message(m: Any) -> bool:
    return isinstance(m, dict) and m.get("role") in ("user", "assistant") and isinstance(m.get("content"), str)


def _context(raw: dict) -> Context:
    call = raw.get("call")
    ctx = Context(customer=_str(raw.get("customer")), intent=_str(raw.get("intent")),
                  report_kind=_str(raw.get("report_kind")), benchmark=_str(raw.get("benchmark")))
    if isinstance(call, dict) and isinstance(call.get("name"), str) and isinstance(call.get("input"), dict):
        ctx.call = ToolCall(call["name"], call["input"])
    return ctx


def _analysis(raw: dict) -> AnalysisContext:
    known = {f.name for f in dataclasses.fields(AnalysisContext)}
    values = {k: v for k, v in raw.items() if k in known}
    if values.get("as_of"):
        values["as_of"] = dt.date.fromisoformat(values["as_of"])
    if not isinstance(values.get("criteria"), (dict, type(None))):
        values.pop("criteria")
    if not isinstance(values.get("_settings"), dict):
        values.pop("_settings", None)
    return AnalysisContext(**values)


def _str(x: Any) -> str | None:
    return x if isinstance(x, str) else None
