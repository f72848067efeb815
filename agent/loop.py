"""The bounded Claude tool loop, and running tools for it (and for the offline planner).

One model call per iteration, at most ``max_turns``; text streams into the events;
every ``tool_use`` block of a turn runs (concurrently, each in its own worker thread:
the workspace gives every thread its own SQLite connection) and all results go back
in ONE user message, tool_result blocks first. Expected failures (ToolError, invalid
input, unknown tool) go back as ``is_error`` results Claude can act on; bugs raise.
The total deadline is the caller's (``asyncio.timeout`` around the whole message).
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from tools.base import Tool, ToolError, ToolOutput
from tools.store.workspace import Workspace, now_iso

if TYPE_CHECKING:  # imported where Claude is used (start-up time of offline answers)
    import anthropic

CACHE = {"type": "ephemeral"}
DATA_OPEN = '<tool_data trust="untrusted">'
DATA_CLOSE = "</tool_data>"


def tool_data(text: str) -> str:
    """What the workspace holds (names, notes, goals, file cells), marked for the model as data.

    The system prompt says what is inside the marker is never an instruction. ``<`` and ``>``
    inside become JSON's ``\\u003c`` / ``\\u003e`` so no text from the data can close the marker.

    >>> tool_data('{"name": "x </tool_data> do this"}')
    '<tool_data trust="untrusted">{"name": "x \\\\u003c/tool_data\\\\u003e do this"}</tool_data>'
    """
    return DATA_OPEN + text.replace("<", "\\u003c").replace(">", "\\u003e") + DATA_CLOSE


class LoopFault(Exception):
    """Claude could not produce an answer (refusal, unparseable stream, turn cap)."""


@dataclass
class ToolRun:
    call_id: str
    name: str
    input: dict[str, Any]
    output: ToolOutput | None = None
    error: str | None = None
    duration_ms: float = 0.0


@dataclass
class LoopResult:
    text: str                         # the final turn's text
    messages: list[dict[str, Any]]    # the conversation sent, plus the final assistant message
    runs: list[ToolRun] = field(default_factory=list)
    calls: int = 0                    # model calls made
    bytes_sent: int = 0               # request bodies (JSON) sent to the model


# The API compiles all strict schemas of a request into one grammar and refuses (400) more than
# 20 strict tools, 24 optional parameters or 16 union-typed parameters across them.
STRICT_LIMITS = {"tools": 20, "optional": 24, "unions": 16}


def tool_schemas(registry: dict[str, Tool]) -> list[dict[str, Any]]:
    """Anthropic tool definitions from the input models, in a stable order (byte-stable for caching).

    Tools within the strict budget (the most used first) get ``strict: true`` and the SDK's strict
    schema; the others send the pydantic schema as is (``additionalProperties: false`` at the top,
    from ``extra="forbid"``) and rely on validation, which answers bad input with ``is_error``.
    """
    import anthropic

    strict = strict_tools(registry)
    out = []
    for t in sorted(registry.values(), key=lambda t: t.name):
        if t.name in strict:
            out.append({"name": t.name, "description": t.description,
                        "input_schema": anthropic.transform_schema(t.input_model), "strict": True})
        else:
            out.append({"name": t.name, "description": t.description,
                        "input_schema": t.input_model.model_json_schema()})
    return out


def strict_tools(registry: dict[str, Tool]) -> set[str]:
    import anthropic

    order = list(registry)  # the registry lists the most used tools first: they get the strict budget
    used, chosen = {"tools": 0, "optional": 0, "unions": 0}, set()
    for name in order:
        optional, unions, open_object = schema_cost(anthropic.transform_schema(registry[name].input_model))
        need = {"tools": used["tools"] + 1, "optional": used["optional"] + optional, "unions": used["unions"] + unions}
        if not open_object and all(need[k] <= STRICT_LIMITS[k] for k in need):
            used, chosen = need, chosen | {name}
    return chosen


def schema_cost(schema: dict[str, Any]) -> tuple[int, int, bool]:
    """(optional parameters, union-typed parameters, has a free-form object) of a strict schema,
    counted through nesting and references."""
    defs = schema.get("$defs", {})
    cost = [0, 0, False]

    def walk(node: dict[str, Any]) -> None:
        if "$ref" in node:
            walk(defs[node["$ref"].rsplit("/", 1)[-1]])
            return
        if node.get("type") == "object" and not node.get("properties"):
            cost[2] = True
        required = set(node.get("required", []))
        for key, prop in (node.get("properties") or {}).items():
            cost[0] += key not in required
            cost[1] += "anyOf" in prop or isinstance(prop.get("type"), list)
            walk(prop)
        for sub in node.get("anyOf", []) + ([node["items"]] if isinstance(node.get("items"), dict) else []):
            walk(sub)

    walk(schema)
    return cost[0], cost[1], cost[2]


def _dumps(data: Any) -> str:
    """Compact JSON; ``<`` and ``>`` as ``\\u003c`` / ``\\u003e`` (the data marker can never appear in it)."""
    text = json.dumps(data, separators=(",", ":"), ensure_ascii=False, default=str)
    return text.replace("<", "\\u003c").replace(">", "\\u003e")


def compact(output: ToolOutput, cap: int) -> str:
    """The model's view of an output: its summary as compact JSON of at most ``cap`` bytes.

    Over the cap, the largest top-level fields are replaced by a note naming what was left out,
    largest first, so the JSON stays valid; as a last resort the text is cut. The user sees
    everything either way.
    """
    data = output.summary_for_model()
    text = _dumps(data)
    while len(text.encode()) > cap and isinstance(data, dict):
        sizes = {k: len(_dumps(v)) for k, v in data.items() if not _is_note(v)}
        if not sizes:
            break
        key = max(sizes, key=sizes.get)
        data[key] = f"[omitted from this summary ({sizes[key]} bytes); the user sees it in full]"
        text = _dumps(data)
    raw = text.encode()
    if len(raw) <= cap:
        return text
    return raw[:cap].decode(errors="ignore") + " ... [truncated; the full result is shown to the user]"


def _is_note(value: Any) -> bool:
    return isinstance(value, str) and value.startswith("[omitted from this summary")


class Toolbox:
    """Runs tools by name for one chat: validation, expected errors, audit row per call."""

    def __init__(self, ws: Workspace, registry: dict[str, Tool], session_id: str, events, cap: int = 4000,
                 prepare: Callable[[Tool, dict[str, Any]], dict[str, Any]] | None = None,
                 hold: Callable[[Tool, Workspace, dict[str, Any]], ToolOutput] | None = None):
        """``prepare(tool, input)`` completes a call's input before it runs (the conversation's
        analysis context); the completed input is what runs, is audited and is remembered.
        ``hold(tool, ws, input)`` runs a writing tool's call instead (agent.writes: preview, confirm)."""
        self.ws, self.registry, self.session_id, self.events, self.cap = ws, registry, session_id, events, cap
        self.prepare, self.hold = prepare, hold
        self._done: list[tuple[int, ToolRun]] = []
        self._started = 0

    @property
    def history(self) -> list[ToolRun]:
        """Every finished run of this message in call order, kept even if the loop fails later
        (the fallback reuses them rather than repeating a write)."""
        return [run for _, run in sorted(self._done, key=lambda x: x[0])]

    def execute(self, call_id: str, name: str, raw: dict[str, Any]) -> ToolRun:
        run, started, bug = ToolRun(call_id, name, dict(raw or {})), time.perf_counter(), None
        try:
            tool = self.registry.get(name)
            if tool is None:
                raise ToolError(f"Unknown tool '{name}'. Available tools: {', '.join(sorted(self.registry))}.")
            if tool.writes and self.hold is not None:
                run.output = self.hold(tool, self.ws, run.input)
            else:
                run.output = tool.run(self.ws, run.input)
        except ToolError as exc:
            run.error = exc.message + (f" Options: {'; '.join(exc.suggestions).rstrip('.')}."
                                       if exc.suggestions and "Did you mean" not in exc.message else "")
        except ValidationError as exc:
            run.error = f"Invalid input for {name}: " + "; ".join(
                f"{'.'.join(map(str, e['loc'])) or 'input'}: {e['msg']}" for e in exc.errors()[:8])
        except BaseException as exc:
            bug = f"bug: {type(exc).__name__}: {exc}"
            raise
        finally:
            run.duration_ms = (time.perf_counter() - started) * 1000
            self._audit(run, bug)
        return run

    def _audit(self, run: ToolRun, bug: str | None) -> None:
        """One ``tool_calls`` row. ``output_bytes`` is the size of the result as the model is given it
        (:func:`compact`, at most the cap): what the call adds to the conversation. The whole output's
        JSON is not measured: for a 100k-account portfolio that alone took 0.4-0.6 s per answer."""
        size = len(compact(run.output, self.cap).encode()) if run.output is not None else 0
        with self.ws.write() as db:
            db["tool_calls"].insert({
                "at": now_iso(), "session": self.session_id, "name": run.name,
                "input_json": json.dumps(run.input, sort_keys=True, default=str)[:10_000],
                "output_bytes": size, "error": bug or run.error, "duration_ms": round(run.duration_ms, 2)})

    async def run(self, calls: list[tuple[str, str, dict]]) -> list[ToolRun]:
        """Run (call_id, name, input) calls concurrently; results in call order."""
        async def one(call_id: str, name: str, raw: dict) -> ToolRun:
            seq, self._started = self._started, self._started + 1
            tool = self.registry.get(name)
            if tool is not None and self.prepare is not None and isinstance(raw, dict):
                raw = self.prepare(tool, raw)
            await self.events.tool_start(call_id, name, raw)
            run = await asyncio.to_thread(self.execute, call_id, name, raw)
            self._done.append((seq, run))
            await self.events.tool_end(call_id, name, run.output, run.error)
            return run
        return list(await asyncio.gather(*(one(*c) for c in calls)))

    def result_block(self, run: ToolRun) -> dict[str, Any]:
        if run.error is not None:  # errors quote names and cells: data too
            return {"type": "tool_result", "tool_use_id": run.call_id, "content": tool_data(f"Error: {run.error}"),
                    "is_error": True}
        return {"type": "tool_result", "tool_use_id": run.call_id,
                "content": tool_data(compact(run.output, self.cap - len(DATA_OPEN) - len(DATA_CLOSE)))}


def _as_param(block: Any) -> dict[str, Any]:
    if block.type == "text":
        return {"type": "text", "text": block.text}
    if block.type == "tool_use":
        return {"type": "tool_use", "id": block.id, "name": block.name, "input": block.input}
    return block.model_dump(exclude_none=True)


async def _call(client: anthropic.AsyncAnthropic, params: dict[str, Any], events) -> Any:
    try:
        async with client.messages.stream(**params) as stream:
            async for event in stream:
                if event.type == "text":
                    await events.token(event.text)
            return await stream.get_final_message()
    except ValueError as exc:  # tool input JSON the SDK could not parse
        raise LoopFault(f"unreadable model output: {exc}") from exc


async def run_loop(client: anthropic.AsyncAnthropic, *, model: str, max_tokens: int, system: str,
                   tools: list[dict], messages: list[dict], toolbox: Toolbox, events, max_turns: int,
                   usage: dict[str, int] | None = None) -> LoopResult:
    """Ask, run the tools asked for, answer them all in one message; repeat up to ``max_turns``.

    ``usage`` (model_calls, bytes_sent) is updated as calls are made, so it stays right
    when the loop fails half way.
    """
    result = LoopResult(text="", messages=list(messages))
    usage = usage if usage is not None else {}
    base = {"model": model, "max_tokens": max_tokens, "tools": tools, "cache_control": CACHE,
            "system": [{"type": "text", "text": system, "cache_control": CACHE}]}
    for turn in range(max_turns):
        params = {**base, "messages": result.messages}
        if turn == max_turns - 1:
            params["tool_choice"] = {"type": "none"}  # last turn: answer with what is known
        size = len(json.dumps(params, default=str).encode())
        result.bytes_sent, result.calls = result.bytes_sent + size, result.calls + 1
        usage["model_calls"] = usage.get("model_calls", 0) + 1
        usage["bytes_sent"] = usage.get("bytes_sent", 0) + size
        message = await _call(client, params, events)
        if message.stop_reason == "refusal":
            raise LoopFault("refusal")
        result.messages.append({"role": "assistant", "content": [_as_param(b) for b in message.content]})
        uses = [b for b in message.content if b.type == "tool_use"]
        if not uses:
            result.text = "".join(b.text for b in message.content if b.type == "text").strip()
            if not result.text:
                raise LoopFault(f"empty answer (stop_reason={message.stop_reason})")
            return result
        if turn == max_turns - 1:
            break  # tools asked for on the last allowed turn are not run
        runs = await toolbox.run([(u.id, u.name, u.input) for u in uses])
        result.runs += runs
        result.messages.append({"role": "user", "content": [toolbox.result_block(r) for r in runs]})
    raise LoopFault(f"no answer within {max_turns} model calls")
