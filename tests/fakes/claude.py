"""Claude's Messages endpoint, scripted: SSE bodies as the real API streams them.

Replies are ``httpx.Response`` objects for respx routes mocked through pytest-httpx2
(``respx.mock(using="httpcore2")``): the anthropic SDK 2.x talks httpx2.
:func:`planner_script` plays Claude by the offline planner (tool calls first, then a
short answer), so a run measures the loop and the tool summaries, not a model's whims.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import httpx

from agent.planner import plan
from agent.session import Session
from tools.store.workspace import Workspace

BASE_URL = "http://scripted-claude.test"


def tool_result_data(content: str) -> dict:
    """The JSON inside a tool result sent to the model (results are marked as untrusted data)."""
    from agent.loop import DATA_CLOSE, DATA_OPEN

    assert content.startswith(DATA_OPEN) and content.endswith(DATA_CLOSE), content[:60]
    return json.loads(content[len(DATA_OPEN):-len(DATA_CLOSE)])


def sse(events: list[tuple[str, dict]]) -> bytes:
    return b"".join(f"event: {name}\ndata: {json.dumps(data)}\n\n".encode() for name, data in events)


def message_events(blocks: list[dict], stop_reason: str | None = None, *, model: str = "claude-sonnet-5-5",
                   msg_id: str = "msg_scripted", chunk: int = 24) -> list[tuple[str, dict]]:
    """The SSE events of one assistant message made of text / tool_use blocks."""
    stop_reason = stop_reason or ("tool_use" if any(b["type"] == "tool_use" for b in blocks) else "end_turn")
    out: list[tuple[str, dict]] = [("message_start", {"type": "message_start", "message": {
        "id": msg_id, "type": "message", "role": "assistant", "model": model, "content": [],
        "stop_reason": None, "stop_sequence": None,
        "usage": {"input_tokens": 100, "output_tokens": 1, "cache_read_input_tokens": 0}}})]
    for i, b in enumerate(blocks):
        if b["type"] == "text":
            out.append(("content_block_start", {"type": "content_block_start", "index": i,
                                                "content_block": {"type": "text", "text": ""}}))
            text = b["text"]
            for j in range(0, len(text), chunk):
                out.append(("content_block_delta", {"type": "content_block_delta", "index": i,
                                                    "delta": {"type": "text_delta", "text": text[j:j + chunk]}}))
        else:
            out.append(("content_block_start", {"type": "content_block_start", "index": i, "content_block": {
                "type": "tool_use", "id": b["id"], "name": b["name"], "input": {}}}))
            out.append(("content_block_delta", {"type": "content_block_delta", "index": i, "delta": {
                "type": "input_json_delta", "partial_json": b.get("raw_json", json.dumps(b["input"]))}}))
        out.append(("content_block_stop", {"type": "content_block_stop", "index": i}))
    out.append(("message_delta", {"type": "message_delta", "delta": {"stop_reason": stop_reason,
                                                                     "stop_sequence": None},
                                  "usage": {"output_tokens": 20}}))
    out.append(("message_stop", {"type": "message_stop"}))
    return out


def text_block(text: str) -> dict:
    return {"type": "text", "text": text}


def tool_block(call_id: str, name: str, input: dict) -> dict:
    return {"type": "tool_use", "id": call_id, "name": name, "input": input}


def stream_response(blocks: list[dict], stop_reason: str | None = None, **kw: Any):
    return httpx.Response(200, content=sse(message_events(blocks, stop_reason, **kw)),
                          headers={"content-type": "text/event-stream"})


def planner_script(ws: Workspace) -> Callable:
    """A respx side effect playing Claude by the offline planner: tool calls first, then a short answer."""
    def reply(request):
        body = json.loads(request.content)
        last = body["messages"][-1]
        content = last["content"]
        if isinstance(content, list) and any(b.get("type") == "tool_result" for b in content):
            return stream_response([text_block("Here is what the tools found; the tables below have the details.")])
        text = content if isinstance(content, str) else content[-1]["text"]
        p = plan(text, ws, Session())
        blocks = [tool_block(f"toolu_{i:02d}", c.name, c.input) for i, c in enumerate(p.calls)]
        return stream_response(blocks or [text_block(p.text or p.question or "")])

    return reply


