"""The agent's events shown in Chainlit: tool calls as steps, streamed text, progress.

Each tool call becomes a collapsible ``cl.Step(type="tool")`` named in plain words by its
tool ("Using peer comparison: Acme Corp"), holding what was asked (readable labels, no JSON)
and a short output (the tool's summary line, or a few of its key fields; the error in plain
words when it failed). Attached files get a "file import" step, open while the agent imports them. Streamed text goes into one
assistant message; text streamed before a tool call (a preamble) is withdrawn when
the tool starts, so the final, checked answer is the only prose left on screen.
"""

from __future__ import annotations

from typing import Any

import chainlit as cl
from chainlit.utils import utc_now

from agent import narrative, steps
from reports.format import md_text
from tools.registry import all_tools

OUTPUT_CHARS = 800
MAX_LINES = 10


def short_output(output: Any, name: str | None = None) -> str:
    """A few lines describing a tool result, for the step body (the full result is in the answer):
    its summary line, else the first sentences its tool's template writes, else its key fields."""
    if output is None:
        return ""
    text = getattr(output, "summary", None)
    if isinstance(text, str) and text.strip():
        return md_text(_clip(text.strip()))
    tool = all_tools().get(name) if name else None
    if tool is not None and tool.narrative:
        try:
            first = narrative.narrate(tool, output).strip().split("\n\n")[0]
        except Exception:  # a step must never break the answer
            first = ""
        if first:
            return _clip(first)
    try:
        data = output.summary_for_model()
    except Exception:
        return md_text(_clip(str(output)))
    if not isinstance(data, dict):
        return md_text(_clip(str(data)))
    lines = [f"- **{md_text(steps.LABELS.get(key, key.replace('_', ' ').capitalize()), True)}**: "
             f"{md_text(_clip(_brief(value)), True)}" for key, value in data.items() if value not in (None, "", [], {})]
    return "\n".join(lines[:MAX_LINES])


def _brief(value: Any) -> str:
    if isinstance(value, list):
        return f"{len(value)} item{'s' if len(value) != 1 else ''}"
    if isinstance(value, dict):
        parts = [f"{k.replace('_', ' ')} {v}" for k, v in value.items() if isinstance(v, (str, int, float))]
        return ", ".join(parts[:3]) + (", ..." if len(parts) > 3 else "")
    return str(value)


def _clip(text: str) -> str:
    return text if len(text) <= OUTPUT_CHARS else text[:OUTPUT_CHARS - 1].rstrip() + "…"


def tool_title(name: str, input: dict | None = None) -> str:
    """The step's name in plain words (the tool's own title for this call)."""
    return steps.title(all_tools().get(name), name, input or {})


def asked(input: dict | None) -> str:
    """What the call was asked, as readable lines (shown above its result)."""
    lines = steps.details(input or {})
    return "\n".join(f"- {line}" for line in lines)


class ChainlitEvents:
    """Implements the agent's Events protocol on top of Chainlit steps and messages."""

    def __init__(self, parent_id: str | None = None):
        self.parent_id = parent_id
        self.steps: dict[str, cl.Step] = {}
        self.message: cl.Message | None = None
        self.import_step: cl.Step | None = None

    async def begin_import(self, names: list[str]) -> None:
        """A step for the attached files; the agent imports them before anything else it does."""
        step = cl.Step(name="file import", type="tool", show_input=False, parent_id=self.parent_id)
        self.import_names = list(names)
        step.output = "Importing " + ", ".join(names) + "..."
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
        files = "Files: " + ", ".join(getattr(self, "import_names", []))
        step.output = "\n\n".join([files] + [short_output(out) for out in loads] + failed
                                  if loads or failed else [files, "Nothing was imported."])
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
        step = cl.Step(name=tool_title(name, input), type="tool", show_input=False, parent_id=self.parent_id)
        step.output = asked(input)
        step.start = utc_now()
        self.steps[call_id] = step
        await step.send()

    async def tool_end(self, call_id: str, name: str, output: Any, error: str | None) -> None:
        step = self.steps.pop(call_id, None)
        if step is None:
            return
        step.end = utc_now()
        step.is_error = error is not None
        result = f"Could not run: {md_text(error)}" if error else short_output(output, name)
        step.output = "\n\n".join(x for x in (step.output, result) if x)
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
