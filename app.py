"""peerbench's chat front end (Chainlit): thin handlers, the work is in agent.ui.

Run with ``make run`` (``chainlit run app.py -h --host 127.0.0.1 --port 8000``).
Sign-in is optional: set ``PEERBENCH_USERS`` or ``PEERBENCH_USERS_FILE`` and
``CHAINLIT_AUTH_SECRET`` (see agent/ui/auth.py and the README).
"""

from __future__ import annotations

import asyncio

import chainlit as cl

from agent.ui import auth, chat
from agent.ui.actions import CHAINLIT_NAME


@cl.on_app_startup
async def warm_up():
    chat.startup()


@cl.set_starters
async def set_starters(user=None, language=None):
    return chat.starters()


@cl.on_chat_start
async def on_chat_start():
    await chat.start()


@cl.on_settings_update
async def on_settings_update(values: dict):
    await chat.update_settings(values)


@cl.on_message
async def on_message(message: cl.Message):
    await chat.message(message)


@cl.action_callback(CHAINLIT_NAME)
async def on_action(action: cl.Action):
    await chat.action(action)


if auth.auth_enabled():
    @cl.password_auth_callback
    async def on_login(username: str, password: str):
        return await asyncio.to_thread(chat.check_login, username, password)
