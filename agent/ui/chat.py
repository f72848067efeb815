"""What the Chainlit handlers do, one function each; app.py only wires them up.

Per browser tab a :class:`Chat` (in ``cl.user_session``) holds the workspace, the
agent session, the settings and the buttons shown so far. Every path that talks to
the agent catches everything: the user sees an explanation in plain words, the log
keeps the traceback.
"""

from __future__ import annotations

import asyncio
import importlib
import json
import logging
import re
import shutil
import threading
from dataclasses import dataclass, field
from typing import Any

import chainlit as cl
from chainlit.data import get_data_layer

from agent import session_state
from agent.session import Session
from agent.ui import auth, branding, history, jobs
from agent.ui.actions import ActionExpired, Remembered, SpecPayload, to_buttons
from agent.ui.events import ChainlitEvents
from agent.ui.render import compose_text, elements_for, explain
from agent.ui.settings import (
    Prefs,
    agent_settings,
    initial_prefs,
    panel,
    panel_state,
    parse,
    parse_settings,
    save_report_look,
)
from agent.ui.uploads import UploadRejected, stage_files
from reports.format import md_text
from tools.base import ToolError
from tools.inputs import control_character
from tools.store.workspace import Workspace

log = logging.getLogger(__name__)
logging.getLogger("fontTools").setLevel(logging.WARNING)  # the PDF export's font subsetting chatter

STARTERS = (
    "How does Acme Corp compare to peers?",
    "Compare my customers against the sample benchmarks",
    "Show success metrics for Acme Corp",
    "Create a benchmark report for Acme Corp to share with them",
)

STATE_KEY = "peerbench"   # thread metadata key holding the conversation state
ANSWER_DEADLINE_S = 300  # a backstop: the agent keeps its own, shorter deadline for Claude

@dataclass
class Chat:
    ws: Workspace
    session: Session = field(default_factory=Session)
    prefs: Prefs = field(default_factory=Prefs)
    buttons: Remembered = field(default_factory=Remembered)
    user: str | None = None
    shown_panel: tuple = ()   # the workspace state the settings panel last showed (active set, set names)
    job: asyncio.Task | None = None   # a long job running in the background (a batch of reports)


def workspace_for(identifier: str | None) -> Workspace:
    """The main workspace, or the signed-in user's own copy of it."""
    return auth.workspace_for(None if identifier == history.LOCAL_USER else identifier)


def startup() -> None:
    """On app start: the footer names the mode (offline or Claude); heavy imports load meanwhile."""
    try:
        branding.label_footer()
    except Exception:  # a footer must never stop the app
        log.warning("could not set the footer label", exc_info=True)
    warm_up_in_background()


def warm_up_in_background() -> None:
    """Import the heavy modules (pandas, scipy, matplotlib, the SDK) while nobody waits."""
    def warm() -> None:
        try:
            for name in ("agent.core", "tools.registry", "reports.charts"):
                importlib.import_module(name)
            importlib.import_module("tools.registry").all_tools()
        except Exception:
            log.warning("warm-up failed; the first answer may be slow", exc_info=True)

    threading.Thread(target=warm, name="peerbench-warm-up", daemon=True).start()


def starters() -> list[cl.Starter]:
    return [cl.Starter(label=text, message=text) for text in STARTERS]


def current() -> Chat:
    chat = cl.user_session.get("chat")
    if chat is None:  # a handler ran before on_chat_start (reconnect): start afresh
        chat = new_chat()
    return chat


def new_chat() -> Chat:
    user = cl.user_session.get("user")
    identifier = None if history.is_local(user) else getattr(user, "identifier", None)
    prefs = initial_prefs()
    if identifier and not prefs.csm_name:  # issue 17: "my accounts" is the signed-in user's book
        name = " ".join(str(getattr(user, "display_name", None) or identifier).split())[:80]
        prefs = prefs.model_copy(update={"csm_name": "" if control_character(name) else name})
    chat = Chat(ws=workspace_for(identifier), prefs=prefs, user=identifier)
    cl.user_session.set("chat", chat)
    return chat


async def start() -> None:
    chat = new_chat()
    await send_panel(chat)


async def send_panel(chat: Chat, only_if_changed: bool = False) -> None:
    """The settings panel, naming the active set; again whenever a load or a button changed the sets."""
    state = panel_state(chat.ws)
    if only_if_changed and state == chat.shown_panel:
        return
    chat.shown_panel = state
    await panel(chat.ws, chat.prefs).send()


async def resume(thread: dict) -> None:
    """A conversation reopened (reload, or picked in the thread list): its agent state and its
    last answer's buttons come back (see agent.session_state for what is kept and why)."""
    chat = new_chat()
    state = _metadata(thread).get(STATE_KEY) or {}
    chat.session = session_state.load(state.get("session")) or session_state.from_messages(_messages(thread))
    chat.prefs = parse(state.get("prefs") or {}, chat.ws, chat.prefs)
    restored = chat.buttons.restore(state.get("buttons") or {})
    cl.user_session.set(STATE_KEY, state)
    await panel(chat.ws, chat.prefs).send()
    for action in restored:
        await action.send(for_id=chat.buttons.last_shown()["for"])


def _metadata(thread: dict) -> dict:
    meta = thread.get("metadata") or {}
    if isinstance(meta, str):
        try:
            meta = json.loads(meta)
        except ValueError:
            return {}
    return meta if isinstance(meta, dict) else {}


def _messages(thread: dict) -> list[tuple[str, str]]:
    roles = {"user_message": "user", "assistant_message": "assistant"}
    return [(roles[s["type"]], s.get("output") or "") for s in thread.get("steps") or [] if s.get("type") in roles]


async def save_state(chat: Chat) -> None:
    """The conversation's state into its thread's metadata (what a resume needs)."""
    state = {"session": session_state.dump(chat.session), "prefs": chat.prefs.model_dump(),
             "buttons": chat.buttons.last_shown()}
    cl.user_session.set(STATE_KEY, state)  # Chainlit writes the user session back on disconnect: keep it current
    layer = get_data_layer()
    thread_id = getattr(cl.context.session, "thread_id", None)
    if layer is None or not thread_id:
        return
    try:
        await layer.update_thread(thread_id, metadata={STATE_KEY: state})
    except Exception:
        log.warning("could not save the conversation state", exc_info=True)


async def update_settings(values: dict) -> None:
    chat = current()
    chat.prefs, refused = parse_settings(values or {}, chat.ws, chat.prefs)
    for sentence in refused:
        await cl.Message(content=sentence).send()
    save_report_look(chat.ws, chat.prefs, values or {})


def _parent_id() -> str | None:
    step = cl.context.current_step
    return step.id if step is not None else None


def _core():
    return importlib.import_module("agent.core")


async def message(msg: cl.Message) -> None:
    chat = current()
    try:
        staged = stage_files(list(msg.elements or []), chat.ws.uploads_dir)
    except UploadRejected as exc:  # the message quotes the file's name: data
        await cl.Message(content=md_text(exc.message)).send()
        return
    events = ChainlitEvents(_parent_id())
    if staged:
        await events.begin_import([s.name for s in staged])
    try:
        async with asyncio.timeout(ANSWER_DEADLINE_S):
            answer = await _core().answer(msg.content or "", ws=chat.ws, session=chat.session,
                                          attachments=[s.path for s in staged], events=events,
                                          settings=agent_settings(chat.prefs))
    except Exception as exc:
        for s in staged:
            shutil.rmtree(s.path.parent, ignore_errors=True)
        await events.end_import([], ["Could not import the attached file(s)."])
        await fail(events, exc, asked=msg.content or "")
        return
    await events.end_import(list(answer.imports), list(answer.notices))
    await show(events, answer, chat, asked=msg.content or "")
    await send_panel(chat, only_if_changed=True)  # a new set, or a new active set, appears in the panel


async def action(act: cl.Action) -> None:
    chat = current()
    events = ChainlitEvents(_parent_id())
    try:
        spec = chat.buttons.get(act.payload)
    except ActionExpired as exc:
        await cl.Message(content=exc.message).send()
        return
    asked = f"[button] {spec.label}"
    try:
        payload = SpecPayload.model_validate(spec.payload or {})
        if len(payload.tool_calls()) > 1:
            await start_batch(chat, spec, payload, asked)
            return
        answer = await run_action(spec, chat, events)
    except Exception as exc:
        await fail(events, exc, asked=asked)
        return
    await show(events, answer, chat, asked=asked)
    await send_panel(chat, only_if_changed=True)  # "Make it the active set" shows in the panel at once


async def start_batch(chat: Chat, spec: Any, payload: SpecPayload, asked: str) -> None:
    """Several calls from one button: a background job with progress and a stop (agent.ui.jobs)."""
    if chat.job is not None and not chat.job.done():
        await cl.Message(content="A batch is already running: wait for it, or stop it with the stop button.").send()
        return

    async def finish(answer: Any) -> None:
        await show(ChainlitEvents(None), answer, chat, asked=asked)

    jobs.start(chat, re.sub(r"\s*\([^)]*\)$", "", spec.label), [c.model_dump() for c in payload.tool_calls()], finish)


async def run_action(spec: Any, chat: Chat, events: ChainlitEvents) -> Any:
    """What a button means (see agent.ui.actions); tool calls go through the agent's run_action,
    which checks the tool is allowed for buttons and validates its input."""
    core = _core()
    kwargs = dict(ws=chat.ws, session=chat.session, events=events, settings=agent_settings(chat.prefs))
    payload = SpecPayload.model_validate(spec.payload or {})
    calls = payload.tool_calls()
    if payload.decision():
        kind, ref = payload.decision()
        return await core.decide(kind, ref, **kwargs)
    if payload.message:
        return await core.answer(payload.message, **kwargs)
    if payload.form:  # "Update metrics for Acme Corp": a sequence of asks, then a confirmed write
        from agent.ui import measure_form
        return await measure_form.run(chat, payload.form, kwargs)
    if len(calls) == 1:
        return await core.run_action(calls[0].model_dump(), **kwargs)
    if not calls:
        raise ToolError("That action is not available.")
    raise ToolError("That action runs as a batch.")  # multi-call buttons go through start_batch


async def show(events: ChainlitEvents, answer: Any, chat: Chat, asked: str = "") -> None:
    msg = events.reply()
    msg.metadata = {"asked": asked[:2000], "tools": [name for name, _ in answer.results or []]}  # for `peerbench feedback`
    try:
        msg.content = compose_text(answer)
        elements = elements_for(answer, chat.ws.reports_dir)
        msg.actions = to_buttons(list(answer.actions or []), chat.buttons, for_id=msg.id)
    except Exception as exc:  # rendering must not lose the answer's text
        log.exception("rendering the answer failed")
        elements, msg.actions = [], []
        msg.content = (getattr(answer, "text", "") or "") + "\n\n" + explain(exc)
    msg.elements = []
    await msg.send()
    for element in elements:  # one by one, so they appear in a stable order
        await element.send(for_id=msg.id)
    msg.elements = elements
    await save_state(chat)


async def fail(events: ChainlitEvents, exc: BaseException, asked: str = "") -> None:
    msg = events.reply()
    msg.metadata = {"asked": asked[:2000], "tools": []}
    msg.content = explain(exc)
    msg.elements, msg.actions = [], []
    await msg.send()


async def stopped() -> None:
    """The stop button: Chainlit cancels the session's running task (a batch runs as that task,
    see agent.ui.jobs); a job that is somehow not that task is cancelled here."""
    chat = cl.user_session.get("chat")
    job = getattr(chat, "job", None)
    if job is not None and not job.done() and job is not cl.context.session.current_task:
        job.cancel()


def check_login(username: str, password: str) -> cl.User | None:
    identifier = auth.check_login(username, password)
    return cl.User(identifier=identifier, metadata={"provider": "password"}) if identifier else None
