"""Follow-up buttons: the agent's ActionSpecs as Chainlit actions, and what a click runs.

A button's payload comes back from the browser, so it carries nothing the server
acts on directly: the spec stays in the chat's server-side memory under a random
reference, and the button carries only ``{"ref": "<16 hex>"}``, validated by
:class:`ButtonPayload`. A tampered, stale or foreign reference finds nothing and
the user is told to ask again.

What a spec's ``payload`` may ask for (validated by :class:`SpecPayload`):

- ``{"message": "..."}``: run that text through the agent, as if typed;
- ``{"tool": NAME, "input": {...}}``: run one tool (input validated by the
  tool's own model) and show its result and file;
- ``{"calls": [{"tool": ..., "input": {...}}, ...]}``: run several (e.g. one report
  per customer) as a background job with progress and a stop (agent.ui.jobs);
- ``{"confirm" | "cancel" | "undo": "<16 hex>"}``: save or discard the write waiting for
  confirmation, or revert the last change (agent.writes);
- ``{"form": ACCOUNT}``: the measurement form (agent.ui.measure_form), its values saved on confirmation.

Tool calls run through ``agent.core.run_action``, which decides which tools a
button may run and validates their input with the tool's own model.
"""

from __future__ import annotations

import re
import secrets
from collections import OrderedDict
from typing import Any

import chainlit as cl
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from tools.portfolio.compare_portfolio import MAX_BATCH

CHAINLIT_NAME = "peerbench_action"
MAX_REMEMBERED = 100
MAX_CALLS = MAX_BATCH  # a batch button's calls (a report per account of a whole book); kept server-side


class ButtonPayload(BaseModel):
    """Exactly what a button may send back."""

    model_config = ConfigDict(extra="forbid")
    ref: str = Field(pattern=r"^[0-9a-f]{16}$")


class ToolCallSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")
    tool: str = Field(pattern=r"^[a-z_]{1,64}$")
    input: dict[str, Any] = Field(default_factory=dict)


class SpecPayload(BaseModel):
    """The meaning of an agent's button (see the module docstring)."""

    model_config = ConfigDict(extra="ignore")
    message: str | None = Field(None, max_length=2000)
    tool: str | None = Field(None, pattern=r"^[a-z_]{1,64}$")
    input: dict[str, Any] | None = None
    calls: list[ToolCallSpec] | None = Field(None, max_length=MAX_CALLS)
    confirm: str | None = Field(None, pattern=r"^[0-9a-f]{16}$")   # save the held write (agent.writes)
    cancel: str | None = Field(None, pattern=r"^[0-9a-f]{16}$")    # discard it
    undo: str | None = Field(None, pattern=r"^[0-9a-f]{16}$")      # revert the last change
    form: str | None = Field(None, max_length=200)                # the measurement form for this account

    @model_validator(mode="after")
    def _one_meaning(self) -> SpecPayload:
        if sum(x is not None for x in (self.message, self.tool, self.calls, self.confirm, self.cancel, self.undo,
                                       self.form)) > 1:
            raise ValueError("an action is a message, a tool call, a list of calls or a decision, not several")
        return self

    def decision(self) -> tuple[str, str] | None:
        """("confirm" | "cancel" | "undo", id) for a write's buttons."""
        for kind in ("confirm", "cancel", "undo"):
            if getattr(self, kind) is not None:
                return kind, getattr(self, kind)
        return None

    def tool_calls(self) -> list[ToolCallSpec]:
        if self.calls is not None:
            return list(self.calls)
        if self.tool is not None:
            return [ToolCallSpec(tool=self.tool, input=self.input or {})]
        return []


class ActionExpired(Exception):
    message = "That button is no longer available (the chat was restarted or it is too old). Please ask again."


class Remembered:
    """The chat's buttons, by reference (newest kept). The last answer's buttons are also kept
    as plain data (:meth:`last_shown`) so a resumed conversation offers them again (:meth:`restore`)."""

    def __init__(self) -> None:
        self._specs: OrderedDict[str, Any] = OrderedDict()
        self._last: dict[str, Any] = {}

    def add(self, spec: Any, ref: str | None = None) -> str:
        ref = ref or secrets.token_hex(8)
        self._specs[ref] = spec
        while len(self._specs) > MAX_REMEMBERED:
            self._specs.popitem(last=False)
        return ref

    def shown(self, for_id: str, actions: list[cl.Action]) -> None:
        """The buttons now under message ``for_id`` (the newest answer)."""
        self._last = {"for": for_id, "buttons": [
            {"ref": a.payload["ref"], "label": a.label, "payload": self._specs[a.payload["ref"]].payload}
            for a in actions]}

    def last_shown(self) -> dict[str, Any]:
        return self._last

    def restore(self, saved: dict[str, Any]) -> list[cl.Action]:
        """Take back the buttons :meth:`last_shown` described; the actions to show again."""
        from tools.base import FollowUp

        actions = []
        for b in saved.get("buttons") or [] if isinstance(saved, dict) else []:
            try:
                ref = ButtonPayload.model_validate({"ref": b["ref"]}).ref
                spec = FollowUp(label=_label(b["label"]), payload=dict(b["payload"]))
            except (KeyError, TypeError, ValueError):
                continue
            self.add(spec, ref)
            actions.append(cl.Action(name=CHAINLIT_NAME, label=spec.label, tooltip=spec.label,
                                     payload={"ref": ref}))
        if actions:
            self.shown(str(saved.get("for")), actions)
        return actions

    def get(self, payload: Any) -> Any:
        try:
            ref = ButtonPayload.model_validate(payload).ref
        except ValidationError as exc:
            raise ActionExpired() from exc
        spec = self._specs.get(ref)
        if spec is None:
            raise ActionExpired()
        return spec


def to_buttons(specs: list, remembered: Remembered, for_id: str | None = None) -> list[cl.Action]:
    actions = [cl.Action(name=CHAINLIT_NAME, label=_label(s.label), tooltip=_label(s.label),
                         payload={"ref": remembered.add(s)}) for s in specs]
    if for_id is not None:
        remembered.shown(for_id, actions)
    return actions


def _label(text: str) -> str:
    return re.sub(r"\s+", " ", str(text)).strip()[:60] or "Run"
