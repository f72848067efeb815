"""The agent's entry point, used by the CLI and the Chainlit UI: :func:`answer`.

One message in, one :class:`Answer` out. Attached files are imported first. With a
client (injected, or built from ``ANTHROPIC_API_KEY``) Claude chooses the tools and
writes the prose, which must pass the numbers check (else one regeneration, else the
template narrative); when the API fails the offline planner's result is shown with a
notice. Without a client the offline planner answers, labelled "Offline mode".
The figures always come from the tools.
"""

from __future__ import annotations

import asyncio
import logging
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from agent import grouping_step, narrative, numbers, writes
from agent.loop import LoopFault, Toolbox, ToolRun, run_loop, tool_data, tool_schemas
from agent.planner import Plan, note_plan, plan
from agent.session import Session, Settings, ToolCall
from reports.format import md_prose, md_text
from tools.base import FollowUp, Tool, ToolError, ToolOutput
from tools.benchmarks.sets import active_benchmark_set
from tools.registry import all_tools
from tools.store.freshness import data_as_of
from tools.store.workspace import Workspace
from tools.success.tracking import changes_markdown, take_unseen

if TYPE_CHECKING:  # the SDK is imported when Claude is used: 0.3-0.6 s of every offline answer's start
    import anthropic

log = logging.getLogger("peerbench.agent")

__all__ = ["ActionSpec", "Answer", "Events", "NullEvents", "Session", "Settings", "answer", "decide", "run_action"]

ActionSpec = FollowUp  # the agent's name for a follow-up button (defined by the features, tools.base)

OFFLINE_NOTICE = "Offline mode: answered by built-in rules and templates, without an AI model."
UNVERIFIED_NOTICE = ("Some figures in Claude's answer could not be matched to the computed results, "
                     "so the computed summary is shown instead.")
IMPORT_FAILED = ("Nothing was changed in the workspace and the question was not answered, so that older "
                 "data is not mistaken for the file's. Fix the problems listed and attach the file again.")


@dataclass
class Answer:
    text: str                                   # final Markdown (narrative + tables), after the numbers check
    mode: str                                   # "claude" | "offline" | "fallback"
    results: list[tuple[str, ToolOutput]] = field(default_factory=list)
    imports: list[ToolOutput] = field(default_factory=list)   # what the attached files became
    actions: list[FollowUp] = field(default_factory=list)
    files: list[Path] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    narrative: str = ""                         # the prose alone (text = narrative + tables)
    context_line: str = ""                      # the analysis context the figures are computed in
    usage: dict[str, int] = field(default_factory=dict)   # model_calls, bytes_sent


class Events(Protocol):
    async def tool_start(self, call_id: str, name: str, input: dict) -> None: ...
    async def tool_end(self, call_id: str, name: str, output: ToolOutput | None, error: str | None) -> None: ...
    async def token(self, text: str) -> None: ...


class NullEvents:
    """Every event a no-op; subclass and override what you need."""

    async def tool_start(self, call_id: str, name: str, input: dict) -> None:
        return None

    async def tool_end(self, call_id: str, name: str, output: ToolOutput | None, error: str | None) -> None:
        return None

    async def token(self, text: str) -> None:
        return None


class _Gated(NullEvents):
    """Passes tool events on, and streams only text whose figures check out (see VerifiedStream)."""

    def __init__(self, inner: Events, sources: list[Any]):
        self.inner, self.sources = inner, sources
        # what streams is Claude's prose, shown as Markdown: nothing live in it (as the final answer)
        self.stream = numbers.VerifiedStream(lambda text: inner.token(md_prose(text)),
                                             lambda: numbers.collect(self.sources))

    async def tool_start(self, call_id: str, name: str, input: dict) -> None:
        await self.inner.tool_start(call_id, name, input)

    async def tool_end(self, call_id: str, name: str, output: ToolOutput | None, error: str | None) -> None:
        self.sources.append(output if output is not None else error)
        await self.inner.tool_end(call_id, name, output, error)

    async def token(self, text: str) -> None:
        await self.stream.feed(text)


def _registry(registry: dict[str, Tool] | None) -> dict[str, Tool]:
    return registry if registry is not None else all_tools()


def _own(tool: Tool | None, output: Any) -> bool:
    """Whether ``output`` is ``tool``'s own result (not a stand-in such as a write awaiting confirmation)."""
    return tool is not None and isinstance(output, tool.output_model)


def tool_for_output(registry: dict[str, Tool], output: ToolOutput) -> Tool | None:
    """The registered tool whose output ``output`` is (imports of customer data have none)."""
    return next((t for t in registry.values() if isinstance(output, t.output_model)), None)


IMPORTED = "import"  # the result name of an attached file that no registered tool produced


async def answer(message: str, *, ws: Workspace, session: Session, attachments: list[Path] | tuple = (),
                 events: Events | None = None, client: anthropic.AsyncAnthropic | None = None,
                 settings: Settings | None = None, registry: dict[str, Tool] | None = None,
                 confirmed: bool = False) -> Answer:
    """Answer one chat message (see the module docstring). ``confirmed``: the attachments' import
    was confirmed already (agent.writes)."""
    settings = settings or Settings.from_env()
    events = events or NullEvents()
    registry = _registry(registry)
    reply = writes.reply_kind(message, session) if not attachments else None
    if reply is not None:  # "yes", "no" or "undo" to a write of this conversation
        return await decide(reply, None, ws=ws, session=session, events=events, settings=settings,
                            registry=registry, client=client)
    dropped, session.pending = session.pending is not None, None  # another message: a held write is dropped
    before = (session.last_change or {}).get("id")
    if client is None and os.environ.get("ANTHROPIC_API_KEY"):
        import anthropic

        client = anthropic.AsyncAnthropic()
    ws = session.workspace(ws)
    session.analysis.sync(settings)
    try:
        loads, notices, load_text = await _import(ws, attachments, session, registry, message,
                                                  confirmed or not settings.confirm_writes)
    except writes.Held as held:
        names = ", ".join(Path(p).name for p in attachments)
        text = f"Importing **{names}** would change data already in the workspace.\n\n" + writes.preview_text(held.changes)
        ans = _finish(Answer(text=text, mode="offline" if client is None else "claude", narrative=text),
                      [], [], "", message, session, registry, ws)
        ans.actions = writes.buttons(session)
        return ans
    if dropped:
        notices.append("The change waiting for your confirmation was not saved.")
    if len(loads) < len(attachments or ()):
        # A file the question is about did not load: answering from older data would mislead.
        return _finish(Answer(text=_not_imported(attachments, notices), mode="offline" if client is None else "claude"),
                       loads, notices, load_text, message, session, registry, ws)
    hold = writes.holder(session, message) if settings.confirm_writes else None
    toolbox = Toolbox(ws, registry, session.id, events, settings.max_result_bytes, prepare=session.analysis.fill,
                      hold=hold)
    if client is None:
        ans = await _offline(message, ws, session, settings, toolbox, loaded=_loaded_set(loads, session))
        ans.notices.insert(0, OFFLINE_NOTICE)
    else:
        loaded = _loaded_set(loads, session) if settings.propose_grouping else None
        note = grouping_step.claude_note(ws, loaded) if loaded else ""  # upload step 2, told to Claude
        ans = await _claude(message, load_text, ws, session, settings, client, registry, events, loads, hold, note)
        if note:
            ans.actions = [*grouping_step.buttons(ws, loaded, [o for _, o in ans.results]), *ans.actions]
    ans = _finish(ans, loads, notices, load_text, message, session, registry, ws)
    return _with_write_buttons(ans, session, before)


def _with_write_buttons(ans: Answer, session: Session, before: str | None) -> Answer:
    """Save / Cancel under a held write; Undo under the answer that made a change."""
    if session.pending or (session.last_change or {}).get("id") not in (None, before):
        ans.actions = [*writes.buttons(session), *ans.actions]
    return ans


# ---------------------------------------------------------------------------
# attachments


async def _import(ws: Workspace, attachments, session: Session, registry: dict[str, Tool], message: str = "",
                  confirmed: bool = False) -> tuple[list[tuple[str, ToolOutput]], list[str], str]:
    """Import the attachments in one tracked transaction (agent.writes), all of them or none: when a
    file fails, nothing is kept and every failure is returned as a notice. Raises writes.Held when
    the import would change existing data and is not confirmed yet."""
    paths = [Path(p) for p in attachments or ()]
    if not paths:
        return [], [], ""
    results = await asyncio.to_thread(writes.import_files, ws, session, paths, [p.name for p in paths], message,
                                      confirmed)
    failures = [(path.name, out.message) for path, out in results if isinstance(out, ToolError)]
    if failures:
        return [], [f"Could not import {md_text(name)}: {md_text(text)}" for name, text in failures], ""
    loads, summaries = [], []
    for path, out in results:
        tool = tool_for_output(registry, out)
        loads.append((tool.name if tool else IMPORTED, out))
        # A registered tool's own view says everything the load did (mappings, readings, whether a
        # set became active); a customer-data import has its one-paragraph summary.
        own = getattr(out, "summary", "")
        summary = narrative.output_markdown(out) if tool or not own else md_text(own)
        learned = tool.context({}, out) if tool and tool.context else {}
        if learned.get("benchmark"):
            session.context.benchmark = learned["benchmark"]  # this conversation uses the set it loaded
            session.analysis.learn({"benchmark": learned["benchmark"], "benchmark_label": None})
        session.context.upload = learned.get("upload") or session.context.upload
        if len(paths) > 1 and path.name not in summary:
            summary = f"{md_text(path.name)}: {summary}"
        summaries.append(summary)
    return loads, [], "\n\n".join(summaries)


def _not_imported(attachments, notices: list[str]) -> str:
    """The reply when an attached file failed: nothing changed, and which files that covers."""
    names = [Path(p).name for p in attachments]
    if len(names) == 1:
        return IMPORT_FAILED
    bad = [n for n in names if any(x.startswith(f"Could not import {n}:") for x in notices)]
    good = [n for n in names if n not in bad]
    text = (f"None of the {len(names)} attached files was imported: files sent together are imported together "
            f"or not at all, and {_and(bad)} could not be imported (the problems are listed with this reply).")
    if good:
        text += f" {_and(good)} {'was' if len(good) == 1 else 'were'} valid but not imported either."
    return (f"{text} Nothing was changed in the workspace and the question was not answered, so that older "
            f"data is not mistaken for the files'. Fix the problems listed and attach all {len(names)} files again.")


def _and(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


# ---------------------------------------------------------------------------
# offline


def _loaded_set(loads: list[tuple[str, ToolOutput]], session: Session) -> str | None:
    """The benchmark set imported with this message, if any (the planner compares against it)."""
    return session.context.benchmark if any(n != IMPORTED for n, _ in loads) else None


async def _offline(message: str, ws: Workspace, session: Session, settings: Settings, toolbox: Toolbox,
                   loaded: str | None = None, mode: str = "offline") -> Answer:
    p: Plan = await asyncio.to_thread(plan, message, ws, session, settings, loaded)
    if p.text is not None or p.question is not None:
        text = p.text or p.question or ""
        return Answer(text=text, mode=mode, narrative=text, actions=list(p.options))
    runs = await toolbox.run([(f"offline-{i}", c.name, c.input) for i, c in enumerate(p.calls)])
    if any(r.output is not None for r in runs):
        note_plan(session, p)
    _remember_calls(session, runs, toolbox.registry, p)
    prose, text = narrative.compose(_composed(runs), toolbox.registry, intent=p.intent)
    return Answer(text=text, mode=mode, narrative=prose, results=_ok(runs))


def _composed(runs: list[ToolRun]) -> list[tuple]:
    return [(r.name, r.output, r.error, r.input) for r in runs]


def _ok(runs: list[ToolRun]) -> list[tuple[str, ToolOutput]]:
    return [(r.name, r.output) for r in runs if r.output is not None]


def _remember_calls(session: Session, runs: list[ToolRun], registry: dict[str, Tool],
                    p: Plan | None = None) -> None:
    """The last successful call becomes the follow-up context (what its tool says it was about)."""
    for r in reversed(runs):
        if r.output is None:
            continue
        tool = registry.get(r.name)
        if not _own(tool, r.output):
            continue
        learned = tool.context(r.input, r.output) if tool.context else {}
        customer = learned.get("customer") or getattr(r.output, "customer", None)
        session.note_call(ToolCall(r.name, r.input), customer if isinstance(customer, str) else None)
        session.context.intent = p.intent if p else r.name
        session.context.report_kind = learned.get("report_kind") or session.context.report_kind
        if learned.get("benchmark"):
            session.context.benchmark = learned["benchmark"]
        session.analysis.learn({**learned, "customer": customer if isinstance(customer, str) else None})
        session.context.upload = learned.get("upload") or session.context.upload
        return


# ---------------------------------------------------------------------------
# Claude


async def _claude(message: str, load_text: str, ws: Workspace, session: Session, settings: Settings,
                  client: anthropic.AsyncAnthropic, registry: dict[str, Tool], events: Events,
                  loads: list[tuple[str, ToolOutput]], hold=None, note: str = "") -> Answer:
    """``note``: peerbench's own instruction about the imported files (upload step 2), outside the data."""
    import anthropic

    sources: list[Any] = [message, *(o for _, o in loads)]
    gated = _Gated(events, sources)
    toolbox = Toolbox(ws, registry, session.id, gated, settings.max_result_bytes, prepare=session.analysis.fill,
                      hold=hold)
    content = message if not load_text else [
        {"type": "text", "text": "Files imported before this message:\n" + tool_data(load_text)},
        *([{"type": "text", "text": note.strip()}] if note else []),
        {"type": "text", "text": message}]
    ask = dict(model=settings.model, max_tokens=settings.max_tokens, system=narrative.system_prompt(settings),
               tools=tool_schemas(registry), toolbox=toolbox, events=gated)
    usage = {"model_calls": 0, "bytes_sent": 0}
    try:
        async with asyncio.timeout(settings.deadline_s):
            messages = session.messages_for(content, settings.history_messages)
            for attempt in range(2):
                result = await run_loop(client, messages=messages, max_turns=settings.max_turns, usage=usage,
                                        **ask)
                bad = numbers.check(result.text, sources)
                if not bad:
                    await gated.stream.flush()
                    return _claude_answer(result.text, toolbox.history, usage, session, registry)
                numbers.log_failure(f"attempt {attempt + 1}", bad, result.text)
                messages = [*result.messages, {"role": "user", "content": numbers.feedback(bad)}]
    except (anthropic.APIError, TimeoutError, LoopFault) as exc:
        log.warning("Claude unavailable (%s: %s); falling back", type(exc).__name__, exc)
        return await _fallback(message, ws, session, settings, toolbox, list(toolbox.history), usage,
                               _loaded_set(loads, session))
    ans = _template_answer(toolbox.history, usage, session, "fallback", registry)
    ans.notices.append(UNVERIFIED_NOTICE)
    return ans


def _claude_answer(prose: str, runs: list[ToolRun], usage: dict, session: Session,
                   registry: dict[str, Tool]) -> Answer:
    _remember_calls(session, runs, registry)
    prose, text = narrative.compose(_composed(runs), registry, prose=prose)
    return Answer(text=text, mode="claude", narrative=prose, results=_ok(runs), usage=usage)


def _template_answer(runs: list[ToolRun], usage: dict, session: Session, mode: str,
                     registry: dict[str, Tool]) -> Answer:
    _remember_calls(session, runs, registry)
    ok = [(r.name, r.output, r.error, r.input) for r in runs if r.output is not None]
    prose, text = narrative.compose(ok, registry)
    return Answer(text=text, mode=mode, narrative=prose, results=_ok(runs), usage=usage)


async def _fallback(message: str, ws: Workspace, session: Session, settings: Settings, toolbox: Toolbox,
                    runs: list[ToolRun], usage: dict, loaded: str | None) -> Answer:
    """Reuse what already ran (never repeat a write); else the planner's result."""
    if any(r.output is not None for r in runs):
        ans = _template_answer(runs, usage, session, "fallback", toolbox.registry)
    else:
        toolbox.events = toolbox.events.inner if isinstance(toolbox.events, _Gated) else toolbox.events
        ans = await _offline(message, ws, session, settings, toolbox, loaded=loaded, mode="fallback")
        ans.usage = usage
    what = "comparison" if any(n.startswith("compare") for n, _ in ans.results) else "result"
    ans.notices.append(f"Claude is unavailable right now; here is the computed {what}.")
    return ans


# ---------------------------------------------------------------------------
# finishing: load summaries, actions, files, history


def _finish(ans: Answer, loads, notices: list[str], load_text: str, message: str, session: Session,
            registry: dict[str, Tool], ws: Workspace) -> Answer:
    if load_text:
        ans.text = f"{load_text}\n\n{ans.text}".strip()
    ans.imports = [out for _, out in loads]
    ans.results = [*loads, *ans.results]
    ans.notices += notices
    ans.files = [f for _, out in ans.results for f in _files_of(out)]
    ans.actions = [*ans.actions, *actions_for(ans.results, registry)]  # a question's options come first
    if any(name != IMPORTED for name, _ in ans.results):
        ans.text = _with_goal_changes(ans.text, ws, session.context.customer)
        active = active_benchmark_set(ws)  # named in the line when the conversation uses "the active set"
        ans.context_line = session.analysis.line(ws.today(), active=active["name"] if active else None,
                                                 data=data_as_of(ws).text())
    session.remember(message, ans.narrative or ans.text)
    return ans


def _with_goal_changes(text: str, ws: Workspace, customer: str | None) -> str:
    """The account's goals achieved or newly at risk since the last answer about it, on top (issue 17)."""
    changes = changes_markdown(take_unseen(ws, customer))
    return f"{changes}\n\n{text}" if changes else text


def _files_of(output: ToolOutput) -> list[Path]:
    found = []
    for key in ("path", "paths", "file", "files"):
        val = getattr(output, key, None)
        for v in (val if isinstance(val, (list, tuple)) else [val]):
            if isinstance(v, (str, Path)) and str(v) and Path(v).is_file():
                found.append(Path(v))
    return found


def actions_for(results: list[tuple[str, ToolOutput]], registry: dict[str, Tool]) -> list[FollowUp]:
    """The follow-up buttons the results' tools offer, once each, for tools that exist and may be clicked."""
    seen, unique = set(), []
    for name, output in results:
        tool = registry.get(name)
        for offer in (tool.follow_ups(output) if _own(tool, output) and tool.follow_ups else []):
            key = repr(offer.payload)
            runs = offer.tools()
            if key not in seen and all(n in registry and registry[n].clickable for n in runs):
                seen.add(key)
                unique.append(offer)
    return unique


async def run_action(payload: dict, *, ws: Workspace, session: Session, events: Events | None = None,
                     settings: Settings | None = None, registry: dict[str, Tool] | None = None) -> Answer:
    """Run a clicked follow-up button: the payload comes back from the browser, so it is validated
    (an allowed tool, input checked by the tool's own model; no model call involved)."""
    registry = _registry(registry)
    settings = settings or Settings.from_env()
    tool, inp = payload.get("tool") if isinstance(payload, dict) else None, (payload or {}).get("input")
    if tool not in registry or not registry[tool].clickable or not isinstance(inp, dict):
        raise ToolError("That action is not available.")
    inp = {k: v for k, v in inp.items() if k in registry[tool].input_model.model_fields}
    if "anonymise" in registry[tool].input_model.model_fields:
        inp["anonymise"] = True  # buttons produce customer-facing output
    session.analysis.sync(settings)
    before = (session.last_change or {}).get("id")
    toolbox = Toolbox(session.workspace(ws), registry, session.id, events or NullEvents(), settings.max_result_bytes,
                      prepare=session.analysis.fill,
                      hold=writes.holder(session, f"[action] {tool}") if settings.confirm_writes else None)
    runs = await toolbox.run([("action-0", tool, inp)])
    _remember_calls(session, runs, registry)
    prose, text = narrative.compose(_composed(runs), registry, intent=tool)
    ans = Answer(text=text, mode="offline", narrative=prose, results=_ok(runs))
    # a button running a writing tool (share link, revoke) is held like a typed request: Save / Cancel under it
    return _with_write_buttons(_finish(ans, [], [], "", f"[action] {tool}", session, registry, ws), session, before)


async def decide(kind: str, ref: str | None, *, ws: Workspace, session: Session, events: Events | None = None,
                 settings: Settings | None = None, registry: dict[str, Tool] | None = None,
                 client: anthropic.AsyncAnthropic | None = None) -> Answer:
    """The user's answer to a held write ("confirm" / "cancel") or to the last change ("undo");
    ``ref`` is the id the button carried (None: typed, meaning the current one)."""
    settings = settings or Settings.from_env()
    registry = _registry(registry)
    view = session.workspace(ws)
    label = {"confirm": "[confirmed]", "cancel": "[cancelled]", "undo": "[undo]"}[kind]
    if kind in ("cancel", "undo"):
        if kind == "cancel":
            writes.check_pending(session, ref)
            session.pending, text = None, "Cancelled: nothing was saved."
        else:
            text = await asyncio.to_thread(writes.undo, view, session, ref)
        return _finish(Answer(text=text, mode="offline", narrative=text), [], [], "", label, session, registry,
                       view)
    pending = writes.check_pending(session, ref)
    session.pending = None
    if pending["kind"] == "import":
        return await answer(pending["message"], ws=ws, session=session, events=events, client=client,
                            settings=settings, registry=registry, confirmed=True,
                            attachments=[Path(f) for f in pending["files"]])
    if pending["tool"] not in registry:
        raise ToolError("That change is no longer available.")
    before = (session.last_change or {}).get("id")
    toolbox = Toolbox(view, registry, session.id, events or NullEvents(), settings.max_result_bytes,
                      hold=writes.committer(session))
    runs = await toolbox.run([("confirm-0", pending["tool"], pending["input"])])
    _remember_calls(session, runs, registry)
    prose, text = narrative.compose([(r.name, r.output, r.error) for r in runs], registry, intent=pending["tool"])
    ans = _finish(Answer(text=text, mode="offline", narrative=prose, results=_ok(runs)), [], [], "", label,
                  session, registry, view)
    return _with_write_buttons(ans, session, before)
