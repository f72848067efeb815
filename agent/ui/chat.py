"""What the Chainlit handlers do, one function each; app.py only wires them up.

Per browser tab a :class:`Chat` (in ``cl.user_session``) holds the workspace, the
agent session, the settings and the buttons shown so far. Every path that talks to
the agent catches everything: the user sees an explanation in plain words, the log
keeps the traceback.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import importlib
import logging
import secrets
import shutil
import threading
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import chainlit as cl

from agent.session import Session
from agent.ui import auth, branding
from agent.ui.actions import ActionExpired, Remembered, SpecPayload, to_buttons
from agent.ui.events import ChainlitEvents, Progress, tool_title
from agent.ui.render import compose_text, elements_for, explain
from agent.ui.settings import (
    Prefs,
    agent_settings,
    initial_prefs,
    panel,
    panel_state,
    parse_settings,
    save_report_look,
)
from agent.ui.uploads import UploadRejected, stage_files
from reports.format import md_bold, md_text
from tools.base import ToolError
from tools.store.workspace import Workspace

log = logging.getLogger(__name__)
logging.getLogger("fontTools").setLevel(logging.WARNING)  # the PDF export's font subsetting chatter

STARTERS = (
    "How does Acme Corp compare to peers?",
    "Compare my customers against the sample benchmarks",
    "Show success metrics for Acme Corp",
    "Create a benchmark report for Acme Corp to share with them",
)

ANSWER_DEADLINE_S = 300  # a backstop: the agent keeps its own, shorter deadline for Claude
MAX_LISTED = 12          # file names listed after a batch
MAX_SEPARATE_FILES = 3   # more files than this from one batch are offered as one zip

@dataclass
class Chat:
    ws: Workspace
    session: Session = field(default_factory=Session)
    prefs: Prefs = field(default_factory=Prefs)
    buttons: Remembered = field(default_factory=Remembered)
    user: str | None = None
    shown_panel: tuple = ()   # the workspace state the settings panel last showed (active set, set names)


def workspace_for(identifier: str | None) -> Workspace:
    """The main workspace, or the signed-in user's own copy of it."""
    return auth.workspace_for(identifier)


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
    identifier = getattr(user, "identifier", None)
    chat = Chat(ws=workspace_for(identifier), prefs=initial_prefs(), user=identifier)
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
        await fail(events, exc)
        return
    await events.end_import(list(answer.imports), list(answer.notices))
    await show(events, answer, chat)
    await send_panel(chat, only_if_changed=True)  # a new set, or a new active set, appears in the panel


async def action(act: cl.Action) -> None:
    chat = current()
    events = ChainlitEvents(_parent_id())
    try:
        spec = chat.buttons.get(act.payload)
    except ActionExpired as exc:
        await cl.Message(content=exc.message).send()
        return
    try:
        answer = await run_action(spec, chat, events)
    except Exception as exc:
        await fail(events, exc)
        return
    await show(events, answer, chat)
    await send_panel(chat, only_if_changed=True)  # "Make it the active set" shows in the panel at once


async def run_action(spec: Any, chat: Chat, events: ChainlitEvents) -> Any:
    """What a button means (see agent.ui.actions); tool calls go through the agent's run_action,
    which checks the tool is allowed for buttons and validates its input."""
    core = _core()
    kwargs = dict(ws=chat.ws, session=chat.session, events=events, settings=agent_settings(chat.prefs))
    payload = SpecPayload.model_validate(spec.payload or {})
    calls = payload.tool_calls()
    if payload.message:
        return await core.answer(payload.message, **kwargs)
    if len(calls) == 1:
        return await core.run_action(calls[0].model_dump(), **kwargs)
    if not calls:
        raise ToolError("That action is not available.")
    answers, failed = [], []
    async with Progress(batch_title(calls), _parent_id()) as progress:
        for i, call in enumerate(calls, 1):
            who = call.input.get("customer") or tool_title(call.tool, call.input)
            try:  # no per-call tool steps: the progress step tells the story
                answer = await core.run_action(call.model_dump(), **{**kwargs, "events": None})
                made = ", ".join(p.name for p in answer.files)
                problem = None if made else _first_line(answer.text) or "nothing was produced"
            except ToolError as exc:
                answer, made, problem = None, "", exc.message
            if answer is not None and made:
                answers.append(answer)
            else:
                failed.append(f"{who}: {problem}")
            await progress.note(f"{i} of {len(calls)}: {who}: {made or problem}")
    return merge(answers, failed, chat.ws.reports_dir)


def batch_title(calls: list) -> str:
    """'batch of 50: benchmark report (DOCX)' (read after "Using" / "Used")."""
    kinds = {tool_title(c.tool, {**c.input, "customer": None}) for c in calls}
    return f"batch of {len(calls)}" + (f": {kinds.pop()}" if len(kinds) == 1 else "")


def _first_line(text: str) -> str:
    return next((line.strip(" _*>") for line in (text or "").splitlines() if line.strip()), "")


def merge(answers: list, failed: list[str], reports_dir: Path) -> Any:
    """A batch as one answer: what was made, one zip of the files, no follow-up buttons."""
    core = _core()
    files = [f for a in answers for f in a.files]
    lines = [f"Created {len(files)} file{'s' if len(files) != 1 else ''}:"] if files else ["Nothing was produced."]
    lines += [f"- {md_text(f.name, True)}" for f in files[:MAX_LISTED]]
    if len(files) > MAX_LISTED:
        lines.append(f"- ... and {len(files) - MAX_LISTED} more")
    if failed:
        lines += ["", f"{len(failed)} could not be made:"] + [f"- {md_text(f, True)}" for f in failed[:MAX_LISTED]]
    if len(files) > MAX_SEPARATE_FILES:
        files = [bundle(files, reports_dir)]
        lines += ["", f"They are in one zip file: {md_bold(files[0].name)}."]
    notices = list(dict.fromkeys(n for a in answers for n in a.notices))
    return core.Answer(text="\n".join(lines), mode=answers[0].mode if answers else "offline", notices=notices,
                       results=[], files=files)


def bundle(files: list[Path], reports_dir: Path) -> Path:
    """One zip (in the report folder, under a program-made name) holding ``files``."""
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    target = reports_dir / f"reports_{stamp}_{secrets.token_hex(3)}.zip"
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zf:
        for f in files:
            zf.write(f, arcname=f.name)
    return target


async def show(events: ChainlitEvents, answer: Any, chat: Chat) -> None:
    msg = events.reply()
    try:
        msg.content = compose_text(answer)
        elements = elements_for(answer, chat.ws.reports_dir)
        msg.actions = to_buttons(list(answer.actions or []), chat.buttons)
    except Exception as exc:  # rendering must not lose the answer's text
        log.exception("rendering the answer failed")
        elements, msg.actions = [], []
        msg.content = (getattr(answer, "text", "") or "") + "\n\n" + explain(exc)
    msg.elements = []
    await msg.send()
    for element in elements:  # one by one, so they appear in a stable order
        await element.send(for_id=msg.id)
    msg.elements = elements


async def fail(events: ChainlitEvents, exc: BaseException) -> None:
    msg = events.reply()
    msg.content = explain(exc)
    msg.elements, msg.actions = [], []
    await msg.send()


def check_login(username: str, password: str) -> cl.User | None:
    identifier = auth.check_login(username, password)
    return cl.User(identifier=identifier, metadata={"provider": "password"}) if identifier else None
