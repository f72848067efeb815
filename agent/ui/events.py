"""The agent's events shown in Chainlit: tool calls as steps, streamed text, progress.

Each tool call becomes a collapsible ``cl.Step(type="tool")`` holding its input
(JSON) and a short output (the tool's summary line, or a few of its key fields;
the error in plain words when it failed). Attached files get an "import files"
step, open while the agent imports them. Streamed text goes into one
assistant message; text streamed before a tool call (a preamble) is withdrawn when
the tool starts, so the final, checked answer is the only prose left on screen.
"""

from __future__ import annotations

from typing import Any

import chainlit as cl
from chainlit.utils import utc_now

OUTPUT_CHARS = 800
MAX_LINES = 10


def short_output(output: Any) -> str:
    """A few lines describing a tool result, for the step body (the full result is in the answer)."""
    if output is None:
        return ""
    text = getattr(output, "summary", None)
    if isinstance(text, str) and text.strip():
        return _clip(text.strip())
    try:
        data = output.summary_for_model()
    except Exception:
        return _clip(str(output))
    if not isinstance(data, dict):
        return _clip(str(data))
    lines = [f"- **{key.replace('_', ' ')}**: {_brief(value)}" for key, value in data.items()
             if value not in (None, "", [], {})]
    return _clip("\n".join(lines[:MAX_LINES]))


def _brief(value: Any) -> str:
    if isinstance(value, list):
        return f"{len(value)} item{'s' if len(value) != 1 else ''}"
    if isinstance(value, dict):
        parts = [f"{k.replace('_', ' ')} {v}" for k, v in value.items() if isinstance(v, (str, int, float))]
        return ", ".join(parts[:3]) + (", ..." if len(parts) > 3 else "")
    return str(value)


def _clip(text: str) -> str:
    return text if len(text) <= OUTPUT_CHARS else text[:OUTPUT_CHARS - 1].rstrip() + "…"


def tool_title(name: str) -> str:
    return name.replace("_", " ")


class ChainlitEvents:
    """Implements the agent's Events protocol on top of Chainlit steps and messages."""

    def __init__(self, parent_id: str | None = None):
        self.parent_id = parent_id
        self.steps: dict[str, cl.Step] = {}
        self.message: cl.Message | None = None
        self.import_step: cl.Step | None = None

    async def begin_import(self, names: list[str]) -> None:
        """A step for the attached files; the agent imports them before anything else it does."""
        step = cl.Step(name="import files", type="tool", show_input="json", parent_id=self.parent_id)
        step.input = {"files": names}
        step.start = utc_now()
        self.import_step = step
        await step.send()

    async def end_import(self, loads: list, notices: list[str]) -> None:
        """Close the import step with the load summaries (or the import errors)."""
        step, self.import_step = self.import_step, None
        if step is None:
            return
        step.end = step.end or utc_now()
        failed = [n for n in notices if n.startswith("Could not import")]
        step.output = "\n\n".join([short_output(out) for out in loads] + failed) or "Nothing was imported."
        step.is_error = bool(failed) and not loads
        await step.update()

    async def _imported(self) -> None:
        if self.import_step is not None and self.import_step.end is None:
            self.import_step.end = utc_now()
            self.import_step.output = "Imported; working on the question..."
            await self.import_step.update()

    async def tool_start(self, call_id: str, name: str, input: dict) -> None:
        await self._imported()
        await self._withdraw_preamble()
        step = cl.Step(name=tool_title(name), type="tool", show_input="json", parent_id=self.parent_id)
        step.input = input or {}
        step.start = utc_now()
        self.steps[call_id] = step
        await step.send()

    async def tool_end(self, call_id: str, name: str, output: Any, error: str | None) -> None:
        step = self.steps.pop(call_id, None)
        if step is None:
            return
        step.end = utc_now()
        step.is_error = error is not None
        step.output = f"Could not run: {error}" if error else short_output(output)
        await step.update()

    async def token(self, text: str) -> None:
        if not text:
            return
        await self._imported()
        if self.message is None:
            self.message = cl.Message(content="")
        await self.message.stream_token(text)

    async def _withdraw_preamble(self) -> None:
        if self.message is not None:
            msg, self.message = self.message, None
            await msg.remove()

    def reply(self) -> cl.Message:
        """The message the final answer goes into (the streamed one, if any)."""
        if self.message is None:
            self.message = cl.Message(content="")
        return self.message
