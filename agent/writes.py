"""Writes the CSM confirms: a preview first, the save on "yes", and an undo for the last change.

A tool registered with ``writes=True`` (goals, milestones, benchmark loads) never changes the
workspace straight from a chat message: :func:`holder` dry-runs the call (tracked row by row
and rolled back, :mod:`tools.store.changes`), keeps it as the conversation's pending write
and gives the caller (Claude, or the offline narrative) a :class:`PendingWrite` saying what
would change. A call that changes nothing (listing goals) just runs. The user confirms with
the button or by answering "yes"; :func:`confirm` then runs it for real, tracked, and keeps
the change so :func:`undo` (button, or "undo") can revert it. Attached files are imported
at once when they only add data; an import that would change or remove existing data is held
the same way (:func:`import_files`) and, once confirmed, the original question is answered.

The pending write and the last change live on the Session (so they survive a reload); the
change's rows are kept in the workspace (``undo_log``), one per conversation.
"""

from __future__ import annotations

import re
import secrets
from pathlib import Path
from typing import Any, Literal

from agent.session import Session
from tools.base import FollowUp, Tool, ToolError, ToolOutput
from tools.ingest.load import load_file
from tools.store import changes
from tools.store.workspace import Workspace

YES = re.compile(r"^\s*(yes|y|yep|yeah|ok|okay|confirm|save( it)?|go ahead|do it|apply( it)?)\b[\s.!]*$", re.I)
NO = re.compile(r"^\s*(no|n|nope|cancel|don'?t|stop|discard( it)?)\b[\s.!]*$", re.I)
UNDO = re.compile(r"^\s*(undo|undo (that|it|the last change)|revert( that| it)?)\b[\s.!]*$", re.I)


class PendingWrite(ToolOutput):
    """What a writing call would change; nothing is saved until the user confirms."""

    status: Literal["awaiting_confirmation"] = "awaiting_confirmation"
    tool: str
    would: str = ""                 # what the tool would report ("Created goal ...")
    changes: list[str]

    def summary_for_model(self) -> dict[str, Any]:
        return {"status": self.status, "saved": False, "what_would_change": self.changes,
                "note": "Nothing is saved yet. Tell the user what would change and that it is saved only when "
                        "they confirm (the button under your answer, or by answering yes)."}

    def to_markdown(self) -> str:
        return preview_text(self.changes)


class Held(Exception):
    """An import waits for confirmation; ``changes`` says what it would do."""

    def __init__(self, changes: list[str]):
        super().__init__("held for confirmation")
        self.changes = changes


def preview_text(lines: list[str]) -> str:
    items = "\n".join(f"- {line}" for line in lines) or "- (nothing)"
    return (f"**Not saved yet.** This would change the workspace:\n\n{items}\n\n"
            "Save it? Use the buttons below, or answer **yes** or **no**.")


def buttons(session: Session) -> list[FollowUp]:
    """Save / Cancel for the pending write, Undo for the last change."""
    if session.pending:
        pid = session.pending["id"]
        return [FollowUp("Save this change", {"confirm": pid}), FollowUp("Cancel", {"cancel": pid})]
    if session.last_change:
        return [FollowUp("Undo this change", {"undo": session.last_change["id"]})]
    return []


# ---------------------------------------------------------------------------
# holding a tool call (runs in the Toolbox's worker thread)


def holder(session: Session, message: str):
    """The Toolbox hook: dry-run a writing tool's call and hold it when it would change anything."""
    def hold(tool: Tool, ws: Workspace, inp: dict[str, Any]) -> ToolOutput:
        out, change, committed = changes.track(ws, lambda: tool.run(ws, inp), decide=lambda c: not c.net())
        if committed:
            return out
        lines = exact_preview(out) or change.describe()
        session.pending = {"id": secrets.token_hex(8), "kind": "tool", "tool": tool.name, "input": inp,
                           "changes": lines, "message": message}
        return PendingWrite(tool=tool.name, would=str(getattr(out, "message", "") or ""), changes=lines)
    return hold


def exact_preview(out: ToolOutput) -> list[str]:
    """The tool's own list of what it would create (an output with a ``preview()`` method), when the
    row-by-row description would only count rows ("4 goals added")."""
    preview = getattr(out, "preview", None)
    return list(preview()) if callable(preview) else []


def committer(session: Session):
    """The Toolbox hook for a confirmed call: run it for real, tracked, and keep the change for undo."""
    def commit(tool: Tool, ws: Workspace, inp: dict[str, Any]) -> ToolOutput:
        out, change, _ = changes.track(ws, lambda: tool.run(ws, inp), decide=lambda c: True)
        remember(session, ws, change)
        return out
    return commit


def remember(session: Session, ws: Workspace, change: changes.Change) -> None:
    lines = change.describe()
    if not lines:
        return
    change_id = changes.keep(ws, session.scope.key, change, "; ".join(lines))
    session.last_change = {"id": change_id, "changes": lines} if change_id else None


# ---------------------------------------------------------------------------
# imports (core._import calls this in a worker thread)


def import_files(ws: Workspace, session: Session, paths: list[Path], names: list[str], message: str,
                 confirmed: bool) -> list[tuple[Path, ToolOutput | ToolError]]:
    """Import ``paths`` in one tracked transaction: committed when every file loaded and the import is
    confirmed or only adds data; rolled back whole when a file was refused (the others are still
    checked, so every problem is reported); else rolled back and held (raises :class:`Held`). Per
    file: its output, or the ToolError that refused it."""
    def run() -> list[tuple[Path, ToolOutput | ToolError]]:
        results = []
        for path in paths:
            try:
                results.append((path, load_file(ws, path)))
            except ToolError as exc:  # the file's own savepoint rolled it back; the others go on
                results.append((path, exc))
        return results

    def keep(change: changes.Change) -> bool:
        # all or nothing (files sent together are imported together): one refused file undoes them all
        return not any(isinstance(out, ToolError) for _, out in outcome) and (confirmed or not change.replaces())

    outcome: list[tuple[Path, ToolOutput | ToolError]] = []
    results, change, committed = changes.track(ws, lambda: outcome.extend(run()) or outcome, decide=keep)
    if any(isinstance(out, ToolError) for _, out in results):
        return results
    if not committed:
        lines = change.describe()
        session.pending = {"id": secrets.token_hex(8), "kind": "import", "files": [str(p) for p in paths],
                           "names": names, "changes": lines, "message": message}
        raise Held(lines)
    remember(session, ws, change)
    return results


# ---------------------------------------------------------------------------
# replies


def reply_kind(message: str, session: Session) -> str | None:
    """'confirm' / 'cancel' / 'undo' when the message is such an answer to a pending write or a last change."""
    if session.pending and YES.match(message or ""):
        return "confirm"
    if session.pending and NO.match(message or ""):
        return "cancel"
    if session.last_change and UNDO.match(message or ""):
        return "undo"
    return None


def check_pending(session: Session, pending_id: str | None) -> dict[str, Any]:
    pending = session.pending
    if not pending or (pending_id is not None and pending["id"] != pending_id):
        raise ToolError("That change is no longer waiting (it was saved, cancelled or replaced by a newer one).")
    return pending


def undo(ws: Workspace, session: Session, change_id: str | None) -> str:
    """Revert the conversation's last change; what was undone, in words."""
    last = session.last_change
    if not last or (change_id is not None and last["id"] != change_id):
        raise ToolError("There is no change of this conversation left to undo (only the last one can be undone).")
    change = changes.kept(ws, session.scope.key, last["id"])
    if change is None:
        session.last_change = None
        raise ToolError("That change can no longer be undone.")
    lines = changes.undo(ws, change)
    changes.forget(ws, session.scope.key)
    session.last_change = None
    return "**Undone.** Reverted:\n\n" + "\n".join(f"- {line}" for line in lines)
