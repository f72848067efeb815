"""The Claude tool loop against a scripted endpoint (no network): round trips, parallel calls,
errors sent back as is_error, retries, faults and the fallback, the turn cap, the numbers check
and streaming."""

from __future__ import annotations

import json
import logging
import threading

from agent.core import UNVERIFIED_NOTICE, answer
from tests.agent.test_agent_fakes import (  # noqa: F401
    REGISTRY,
    Gate,
    Recorder,
    assert_conversation,
    aws,
    claude,
    client,
    new_session,
    raw_sse,
    settings,
    status,
    text,
    tools,
)
from tests.fakes.claude import tool_result_data

ASK = "How does Acme Corp compare to peers?"
GOOD = "Acme Corp is at the 72nd percentile overall among 42 peers; NPS is +38 against a median of 31."


async def _ask(ws, message=ASK, *, c=None, session=None, events=None, **kw):
    return await answer(message, ws=ws, session=session or new_session(), client=c or client(),
                        settings=settings(**kw), registry=REGISTRY, events=events)


def _results_of(body: dict) -> list[dict]:
    last = body["messages"][-1]["content"]
    return [b for b in last if b["type"] == "tool_result"]


async def test_tool_round_trip(aws, claude):
    claude.script(tools(("t1", "compare_customer", {"customer": "acme"})), text(GOOD))
    ans = await _ask(aws)
    assert ans.mode == "claude" and ans.notices == []
    assert ans.narrative == GOOD and ans.text.startswith(GOOD) and "| NPS | +38 | +31 |" in ans.text
    assert [n for n, _ in ans.results] == ["compare_customer"] and ans.results[0][1].customer == "Acme Corp"
    assert ans.usage["model_calls"] == 2 and claude.all_used()
    bodies = claude.bodies
    assert_conversation(bodies)
    assert bodies[0]["messages"] == [{"role": "user", "content": ASK}]
    assert bodies[0]["model"] == "claude-sonnet-5-5" and bodies[0]["cache_control"] == {"type": "ephemeral"}
    (result,) = _results_of(bodies[1])
    assert "is_error" not in result and tool_result_data(result["content"])["overall_percentile"] == 72.4
    tool_names = [t["name"] for t in bodies[0]["tools"]]
    assert tool_names == sorted(REGISTRY)
    schema = next(t for t in bodies[0]["tools"] if t["name"] == "compare_customer")["input_schema"]
    assert schema["additionalProperties"] is False and schema["required"] == ["customer"]
    assert "Every figure comes from a tool" in bodies[0]["system"][0]["text"]


async def test_two_parallel_tool_calls_answered_in_one_message(aws, claude):
    Gate.barrier = threading.Barrier(2)  # both tools must be running at once, or the barrier breaks
    claude.script(tools(("a", "compare_customer", {"customer": "Acme Corp"}),
                        ("b", "compute_roi", {"customer": "Acme Corp"}), preamble="Let me check both."),
                  text("Acme Corp is at the 72nd percentile overall, with a 4.2x ROI on $285K of value."))
    ans = await _ask(aws)
    assert ans.mode == "claude" and [n for n, _ in ans.results] == ["compare_customer", "compute_roi"]
    assert len(Gate.threads) == 2
    bodies = claude.bodies
    assert_conversation(bodies)
    assert [b["tool_use_id"] for b in _results_of(bodies[1])] == ["a", "b"]
    assert len(bodies[1]["messages"]) == 3 and claude.all_used()
    rows = aws.query("SELECT name, session, error, output_bytes FROM tool_calls ORDER BY name")
    assert [(r["name"], r["session"], r["error"]) for r in rows] == [
        ("compare_customer", "test-session", None), ("compute_roi", "test-session", None)]
    assert all(r["output_bytes"] > 0 for r in rows)


async def test_unknown_tool_is_an_error_result(aws, claude):
    claude.script(tools(("t1", "delete_everything", {})), text("I can't do that; I can compare accounts."))
    ans = await _ask(aws)
    (res,) = _results_of(claude.bodies[1])
    assert res["is_error"] is True and "Unknown tool 'delete_everything'" in res["content"]
    assert "compare_customer" in res["content"] and ans.mode == "claude" and claude.all_used()
    assert aws.query("SELECT error FROM tool_calls")[0]["error"].startswith("Unknown tool")


async def test_malformed_tool_input_is_an_error_result(aws, claude):
    claude.script(tools(("t1", "compare_customer", {"customer": 5, "colour": "red"})),
                  tools(("t2", "compare_customer", {"customer": "Acme Corp"})), text(GOOD))
    ans = await _ask(aws)
    res = _results_of(claude.bodies[1])[0]
    assert res["is_error"] is True and "Invalid input for compare_customer" in res["content"]
    assert "customer" in res["content"] and "colour" in res["content"]
    assert ans.mode == "claude" and ans.narrative == GOOD and claude.all_used()
    assert_conversation(claude.bodies)


async def test_unknown_customer_error_then_answer(aws, claude):
    claude.script(tools(("t1", "compare_customer", {"customer": "Zebra Industries"})),
                  text("I couldn't find Zebra Industries. Which account did you mean?"))
    ans = await _ask(aws, "How does Zebra Industries compare?")
    res = _results_of(claude.bodies[1])[0]
    assert res["is_error"] is True and "Zebra Industries" in res["content"]
    assert ans.mode == "claude" and ans.results == [] and "Which account" in ans.text and claude.all_used()


async def test_ambiguous_customer_suggestions_reach_the_model(aws, claude):
    claude.script(tools(("t1", "compare_customer", {"customer": "Corp"})),
                  tools(("t2", "compare_customer", {"customer": "Acme Corp"})), text(GOOD))
    ans = await _ask(aws)
    res = _results_of(claude.bodies[1])[0]
    assert res["is_error"] is True and "Did you mean: Acme Corp, TechCorp?" in res["content"]
    assert ans.mode == "claude" and ans.results[0][1].customer == "Acme Corp" and claude.all_used()


async def test_429_and_529_are_retried_then_succeed(aws, claude):
    claude.script(status(429, **{"retry-after-ms": "1"}), status(529, **{"retry-after-ms": "1"}),
                  tools(("t1", "compare_customer", {"customer": "Acme Corp"})), text(GOOD))
    ans = await _ask(aws, c=client(max_retries=2))
    assert ans.mode == "claude" and ans.narrative == GOOD and claude.all_used()


async def test_500_until_fallback_to_the_offline_planner(aws, claude):
    claude.script(*[status(500, **{"retry-after-ms": "1"})] * 3)
    ans = await _ask(aws, c=client(max_retries=2))
    assert ans.mode == "fallback" and claude.all_used()
    assert ans.notices == ["Claude is unavailable right now; here is the computed comparison."]
    assert [n for n, _ in ans.results] == ["compare_customer"] and "72nd percentile" not in ans.notices[0]
    assert "| NPS | +38 |" in ans.text


async def test_error_event_mid_stream_falls_back(aws, claude):
    from tests.fakes.claude import message_events, text_block
    events = message_events([text_block("Acme Corp is doing")])[:3]
    events.append(("error", {"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}}))
    claude.script(raw_sse(events))
    rec = Recorder()
    ans = await _ask(aws, events=rec)
    assert ans.mode == "fallback" and "Claude is unavailable" in ans.notices[0] and claude.all_used()
    assert [n for n, _ in ans.results] == ["compare_customer"]


async def test_fallback_reuses_results_and_never_repeats_a_call(aws, claude):
    claude.script(tools(("t1", "compare_customer", {"customer": "Acme Corp"})), status(500))
    ans = await _ask(aws)
    assert ans.mode == "fallback" and [n for n, _ in ans.results] == ["compare_customer"]
    assert len(aws.query("SELECT * FROM tool_calls")) == 1


async def test_refusal_falls_back(aws, claude):
    from tests.fakes.claude import stream_response, text_block
    claude.script(stream_response([text_block("I can't help with that.")], stop_reason="refusal"))
    ans = await _ask(aws)
    assert ans.mode == "fallback" and ans.results


async def test_unparseable_tool_json_falls_back(aws, claude):
    from tests.fakes.claude import stream_response
    bad = {"type": "tool_use", "id": "t1", "name": "compare_customer", "input": {}, "raw_json": '{"customer": ]'}
    claude.script(stream_response([bad]))
    ans = await _ask(aws)
    assert ans.mode == "fallback" and ans.results


async def test_turn_cap_forces_a_text_answer_on_the_last_turn(aws, claude):
    claude.script(tools(("t1", "compare_customer", {"customer": "Acme Corp"})),
                  tools(("t2", "compute_roi", {"customer": "Acme Corp"})), text(GOOD))
    ans = await _ask(aws, max_turns=3)
    bodies = claude.bodies
    assert [b.get("tool_choice") for b in bodies] == [None, None, {"type": "none"}]
    assert ans.mode == "claude" and claude.all_used()
    assert_conversation(bodies)


async def test_turn_cap_exceeded_falls_back_with_what_ran(aws, claude):
    claude.script(*[tools((f"t{i}", "compare_customer", {"customer": "Acme Corp"})) for i in range(3)])
    ans = await _ask(aws, max_turns=3)
    assert ans.mode == "fallback" and claude.all_used()
    assert len(aws.query("SELECT * FROM tool_calls")) == 2  # the third turn's call never ran


async def test_deadline_falls_back(aws, claude):
    claude.script(tools(("t1", "slow_tool", {"seconds": 1.0})))
    ans = await _ask(aws, deadline_s=0.3)
    assert ans.mode == "fallback" and "Claude is unavailable" in ans.notices[0]
    assert [n for n, _ in ans.results] == ["compare_customer"]  # the offline planner's comparison


async def test_hallucinated_figure_is_regenerated_once(aws, claude, caplog):
    claude.script(tools(("t1", "compare_customer", {"customer": "Acme Corp"})),
                  text("Acme Corp is at the 72nd percentile; NPS is +45, top 5% of peers."),
                  text(GOOD))
    with caplog.at_level(logging.WARNING, logger="peerbench.numbers"):
        ans = await _ask(aws)
    assert ans.mode == "claude" and ans.narrative == GOOD and claude.all_used()
    feedback = claude.bodies[2]["messages"][-1]
    assert feedback["role"] == "user" and "45" in feedback["content"] and "5%" in feedback["content"]
    assert "numbers check failed" in caplog.text
    assert_conversation(claude.bodies)


async def test_hallucinated_twice_shows_the_template_narrative(aws, claude):
    claude.script(tools(("t1", "compare_customer", {"customer": "Acme Corp"})),
                  text("NPS is +45."), text("NPS is +47, really."))
    ans = await _ask(aws)
    assert ans.mode == "fallback" and UNVERIFIED_NOTICE in ans.notices and claude.all_used()
    assert "45" not in ans.text and "47" not in ans.text and "| NPS | +38 |" in ans.text


async def test_streaming_into_the_events_callback(aws, claude):
    rec = Recorder()
    claude.script(tools(("t1", "compare_customer", {"customer": "Acme Corp"}), preamble="Checking Acme Corp. "),
                  text(GOOD))
    ans = await _ask(aws, events=rec)
    kinds = [e[0] for e in rec.log]
    assert kinds.index("start") < kinds.index("end")
    assert ("start", "t1", "compare_customer") in rec.log and ("end", "t1", "compare_customer", None) in rec.log
    assert rec.streamed.startswith("Checking Acme Corp. ") and rec.streamed.endswith(GOOD)
    assert sum(1 for k in kinds if k == "token") >= 2 and ans.mode == "claude"  # sentence by sentence


async def test_streaming_holds_back_unverified_sentences(aws, claude):
    rec = Recorder()
    claude.script(tools(("t1", "compare_customer", {"customer": "Acme Corp"})),
                  text("Acme Corp is at the 72nd percentile. NPS is +45. More."), text(GOOD))
    await _ask(aws, events=rec)
    assert "72nd" in rec.streamed and "+45" not in rec.streamed


async def test_tool_results_to_the_model_are_compact(aws, claude):
    claude.script(tools(("t1", "big_table", {"rows": 2000})), text("The table is shown below."))
    ans = await _ask(aws, "Show me the big table", max_result_bytes=3000)
    (res,) = _results_of(claude.bodies[1])
    sent = tool_result_data(res["content"])  # still valid JSON, marked as data
    assert len(res["content"].encode()) <= 3000 and sent["rows"].startswith("[omitted from this summary")
    assert len(ans.results[0][1].rows) == 2000  # the UI still gets everything


async def test_history_is_kept_per_session(aws, claude):
    session = new_session()
    claude.script(tools(("t1", "compare_customer", {"customer": "Acme Corp"})), text(GOOD),
                  tools(("t2", "compare_customer", {"customer": "TechCorp"})),
                  text("TechCorp is at the 55th percentile overall."))
    await _ask(aws, session=session)
    ans = await _ask(aws, "and TechCorp?", session=session)
    third = claude.bodies[2]["messages"]
    assert [m["role"] for m in third] == ["user", "assistant", "user"]
    assert third[0]["content"] == ASK and third[1]["content"] == GOOD and third[2]["content"] == "and TechCorp?"
    assert ans.results[0][1].customer == "TechCorp" and session.context.customer == "TechCorp"
    assert_conversation(claude.bodies)  # the same tools and system prompt bytes across messages too


async def test_actions_only_for_tools_that_exist(aws, claude):
    claude.script(tools(("t1", "compare_customer", {"customer": "Acme Corp"})), text(GOOD))
    ans = await _ask(aws)
    assert ans.actions == []  # draft_report / recommend_improvements are not in this registry


def test_strict_tools_stay_within_the_api_budget():
    import anthropic
    from pydantic import create_model

    from agent.loop import STRICT_LIMITS, schema_cost, strict_tools, tool_schemas
    from tests.agent.test_offline import registry
    from tools.base import Tool, ToolInput

    many = {f"t{i:02d}": Tool(f"t{i:02d}", create_model(f"In{i}", __base__=ToolInput, a=(int | None, None),
                                                          b=(str | None, None)), ToolInput, lambda ws, x: x)
            for i in range(30)}
    for reg in (registry(), many, REGISTRY):
        chosen = strict_tools(reg)
        costs = [schema_cost(anthropic.transform_schema(reg[n].input_model)) for n in chosen]
        assert len(chosen) <= STRICT_LIMITS["tools"]
        assert sum(c[0] for c in costs) <= STRICT_LIMITS["optional"]
        assert sum(c[1] for c in costs) <= STRICT_LIMITS["unions"] and not any(c[2] for c in costs)
        schemas = tool_schemas(reg)
        assert [t["name"] for t in schemas] == sorted(reg) and json.dumps(schemas) == json.dumps(tool_schemas(reg))
    assert "compare_customer" in strict_tools(registry()) and len(strict_tools(many)) == 8
    assert strict_tools(REGISTRY) == {"compute_roi", "big_table", "slow_tool"}  # a free-form dict is never strict


def test_compact_drops_the_largest_fields_first():
    from agent.loop import compact
    from tools.base import ToolOutput

    class Out(ToolOutput):
        small: int = 1
        medium: list[int] = list(range(300))
        large: list[int] = list(range(900))

    sent = json.loads(compact(Out(), 2000))
    assert sent["small"] == 1 and sent["medium"] == list(range(300)) and "omitted" in sent["large"]
    assert compact(Out(), 100_000) == Out().model_dump_json().replace(" ", "")
