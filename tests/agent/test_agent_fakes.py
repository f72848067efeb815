"""Fakes for the agent tests: a test-local tool registry and Claude scripted behind respx.

The registry's tools carry the real tool names (compare_customer, compute_roi) so the
offline planner's fallback runs them too, but they are small and independent of the
other engineers' modules. Claude is faked at the HTTP boundary (pytest-httpx2's
httpcore2 mocker): every reply is an ``httpx.Response`` with an SSE body.
"""

from __future__ import annotations

import json
import threading
import time
from typing import Any

import httpx
import pytest
import respx
from pydantic import Field

from agent.core import NullEvents
from agent.session import Session, Settings
from tests.fakes.claude import message_events, sse, stream_response, text_block, tool_block
from tools.base import Tool, ToolInput, ToolOutput
from tools.store.resolve import resolve_customer
from tools.store.workspace import now_iso

BASE = "http://claude.test"
NAMES = ["Acme Corp", "TechCorp", "DataPro", "CloudMax"]


class CompareIn(ToolInput):
    customer: str = Field(description="account name")
    cohort_type: str = "segment"
    criteria: dict | None = None
    benchmark: str | None = None
    anonymise: bool = True


class CompareOut(ToolOutput):
    customer: str
    cohort_size: int
    overall_percentile: float
    nps: float
    nps_median: float
    dau_mau: float
    strengths: list[str]

    def to_markdown(self) -> str:
        return (f"| Metric | Value | Peer median |\n| --- | ---: | ---: |\n"
                f"| NPS | {self.nps:+.0f} | {self.nps_median:+.0f} |\n| DAU/MAU | {self.dau_mau:.2f} | 0.38 |")


FIGURES = {"Acme Corp": (72.4, 38.0, 0.42), "TechCorp": (55.0, 21.0, 0.31), "DataPro": (31.5, 12.0, 0.25),
           "CloudMax": (88.2, 51.0, 0.55)}


class Gate:
    """Makes two tool calls prove they ran at the same time (a barrier both must reach)."""

    barrier: threading.Barrier | None = None
    threads: set[int] = set()


def fake_compare(ws, inp: CompareIn) -> CompareOut:
    """Compare one account with its peers (fake)."""
    row = resolve_customer(ws, inp.customer)
    Gate.threads.add(threading.get_ident())
    if Gate.barrier is not None:
        Gate.barrier.wait(timeout=5)
    pct, nps, dau = FIGURES[row["name"]]
    return CompareOut(customer=row["name"], cohort_size=42, overall_percentile=pct, nps=nps, nps_median=31.0,
                      dau_mau=dau, strengths=["nps"])


class RoiIn(ToolInput):
    customer: str
    period: str | None = None


class RoiOut(ToolOutput):
    customer: str
    value_delivered: float
    investment: float
    roi_multiplier: float


def fake_roi(ws, inp: RoiIn) -> RoiOut:
    """ROI of an account's goals (fake)."""
    row = resolve_customer(ws, inp.customer)
    Gate.threads.add(threading.get_ident())
    if Gate.barrier is not None:
        Gate.barrier.wait(timeout=5)
    return RoiOut(customer=row["name"], value_delivered=285_000.0, investment=68_000.0, roi_multiplier=4.2)


class BigIn(ToolInput):
    rows: int = 2000


class BigOut(ToolOutput):
    rows: list[dict[str, Any]]


def fake_big(ws, inp: BigIn) -> BigOut:
    """A result far larger than the model should see."""
    return BigOut(rows=[{"peer": f"Peer {i}", "value": i * 1.5} for i in range(inp.rows)])


class SlowIn(ToolInput):
    seconds: float = 1.0


def fake_slow(ws, inp: SlowIn) -> BigOut:
    """Takes its time."""
    time.sleep(inp.seconds)
    return BigOut(rows=[])


REGISTRY = {t.name: t for t in (
    Tool("compare_customer", CompareIn, CompareOut, fake_compare),
    Tool("compute_roi", RoiIn, RoiOut, fake_roi),
    Tool("big_table", BigIn, BigOut, fake_big),
    Tool("slow_tool", SlowIn, BigOut, fake_slow),
)}


@pytest.fixture
def aws(ws):
    """A workspace with a few named accounts (the fakes resolve names against it)."""
    with ws.write() as db:
        for i, name in enumerate(NAMES):
            db["customers"].insert({"name": name, "segment": "Enterprise", "industry": "SaaS", "region": "EMEA",
                                    "arr": 150_000 + i, "contract_start": "2024-01-01",
                                    "created_at": now_iso(), "updated_at": now_iso()})
    Gate.barrier, Gate.threads = None, set()
    return ws


class Recorder(NullEvents):
    def __init__(self):
        self.log: list[tuple] = []

    async def tool_start(self, call_id, name, input):
        self.log.append(("start", call_id, name))

    async def tool_end(self, call_id, name, output, error):
        self.log.append(("end", call_id, name, error))

    async def token(self, text):
        self.log.append(("token", text))

    @property
    def streamed(self) -> str:
        return "".join(e[1] for e in self.log if e[0] == "token")


class Claude:
    """The scripted endpoint: replies in order; request bodies kept for assertions."""

    def __init__(self, router: respx.MockRouter):
        self.route = router.post("/v1/messages")
        self.replies: list[Any] = []

    def script(self, *replies: Any) -> None:
        self.replies = list(replies)
        self.route.mock(side_effect=self.replies)

    @property
    def bodies(self) -> list[dict]:
        return [json.loads(c.request.content) for c in self.route.calls]

    def all_used(self) -> bool:
        return self.route.call_count == len(self.replies)


@pytest.fixture
def claude():
    with respx.mock(using="httpcore2", base_url=BASE, assert_all_mocked=True, assert_all_called=False) as router:
        yield Claude(router)


def client(max_retries: int = 0):
    import anthropic
    return anthropic.AsyncAnthropic(api_key="test-key", base_url=BASE, max_retries=max_retries)


def settings(**kw) -> Settings:
    return Settings(**{"deadline_s": 20.0, **kw})


def text(t: str, **kw) -> httpx.Response:
    return stream_response([text_block(t)], **kw)


def tools(*calls: tuple[str, str, dict], preamble: str | None = None) -> httpx.Response:
    blocks = ([text_block(preamble)] if preamble else []) + [tool_block(i, n, inp) for i, n, inp in calls]
    return stream_response(blocks)


def raw_sse(events: list[tuple[str, dict]]) -> httpx.Response:
    return httpx.Response(200, content=sse(events), headers={"content-type": "text/event-stream"})


def status(code: int, **headers: str) -> httpx.Response:
    kind = {429: "rate_limit_error", 529: "overloaded_error"}.get(code, "api_error")
    return httpx.Response(code, json={"type": "error", "error": {"type": kind, "message": f"status {code}"}},
                          headers=headers)


def assert_conversation(bodies: list[dict]) -> None:
    """Roles alternate from a user turn; every tool_use is answered in the next message, results first;
    tools and system prompt are present and byte-identical on every call."""
    for body in bodies:
        roles = [m["role"] for m in body["messages"]]
        assert roles[0] == "user" and all(a != b for a, b in zip(roles, roles[1:])), roles
        msgs = body["messages"]
        for i, m in enumerate(msgs):
            if m["role"] != "assistant" or not isinstance(m["content"], list):
                continue
            uses = [b["id"] for b in m["content"] if b["type"] == "tool_use"]
            if not uses:
                continue
            reply = msgs[i + 1]["content"]
            kinds = [b["type"] for b in reply]
            assert kinds[:len(uses)] == ["tool_result"] * len(uses), kinds
            assert [b["tool_use_id"] for b in reply[:len(uses)]] == uses
        assert body["tools"] and any(t.get("strict") is True for t in body["tools"])
        assert all(t["input_schema"]["additionalProperties"] is False for t in body["tools"])
        assert body["system"][0]["cache_control"] == {"type": "ephemeral"}
    first = json.dumps([bodies[0]["tools"], bodies[0]["system"]])
    assert all(json.dumps([b["tools"], b["system"]]) == first for b in bodies)


def new_session() -> Session:
    return Session(id="test-session")


def test_scripted_stream_parses_with_the_sdk():
    """The SSE builder produces what the SDK's stream accumulator expects."""
    from anthropic.lib.streaming._messages import accumulate_event
    from anthropic.types import RawMessageStreamEvent  # noqa: F401

    snap = None
    bufs: dict = {}
    for _, data in message_events([text_block("Hi"), tool_block("t1", "x", {"a": 1})]):
        snap = accumulate_event(event=data, current_snapshot=snap, json_bufs=bufs)
    assert snap.content[0].text == "Hi" and snap.content[1].input == {"a": 1} and snap.stop_reason == "tool_use"
