"""peerbench's chat front end (Chainlit): thin handlers, the work is in agent.ui.

Run with ``make run`` (``peerbench serve``: this chat mounted at ``/`` beside the HTTP API at
``/api``, see agent/api/server.py); ``chainlit run app.py -h`` still serves the chat alone.
Sign-in is optional: set ``PEERBENCH_USERS`` or ``PEERBENCH_USERS_FILE`` and
``CHAINLIT_AUTH_SECRET`` (see agent/ui/auth.py and the README). Conversations are kept either way
(agent/ui/history.py): signed-in users each see their own; with sign-in off everyone is the one local user.
"""

from __future__ import annotations

import asyncio

import chainlit as cl
from chainlit.server import app as chainlit_app
from chainlit.types import ThreadDict

from agent.ui import auth, chat, history, web
from agent.ui.actions import CHAINLIT_NAME
from agent.ui.uploads import install_upload_guard

install_upload_guard(chainlit_app)  # empty or refused uploads get an answer, not a silent toast

web.install()  # 404 for unknown sessions instead of a 500; backoff on failed sign-ins

history.ensure_auth_secret()  # before Chainlit checks for it (after loading this module)
history.register_file_route()


@cl.data_layer
def data_layer():
    return history.data_layer()


@cl.on_app_startup
async def warm_up():
    chat.startup()


@cl.set_starters
async def set_starters(user=None, language=None):
    return chat.starters()


@cl.on_chat_start
async def on_chat_start():
    await chat.start()


@cl.on_chat_resume
async def on_chat_resume(thread: ThreadDict):
    await chat.resume(thread)


@cl.on_settings_update
async def on_settings_update(values: dict):
    await chat.update_settings(values)


@cl.on_message
async def on_message(message: cl.Message):
    await chat.message(message)


@cl.action_callback(CHAINLIT_NAME)
async def on_action(action: cl.Action):
    await chat.action(action)


@cl.on_stop
async def on_stop():
    await chat.stopped()


if auth.auth_enabled():
    @cl.password_auth_callback
    async def on_login(username: str, password: str):
        return await asyncio.to_thread(chat.check_login, username, password)
else:
    @cl.header_auth_callback
    async def as_local_user(headers):
        return history.local_user()
