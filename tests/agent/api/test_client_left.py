"""A browser leaving mid-request is not logged as a server error; every other error still is."""

import asyncio

import pytest

from agent.api.app import QuietWhenClientLeft


def _app_raising(after_receive: bool):
    async def app(scope, receive, send):
        if after_receive:
            await receive()
        raise RuntimeError("No response returned.")
    return app


def _call(app, messages):
    queue = list(messages)

    async def receive():
        return queue.pop(0) if queue else {"type": "http.disconnect"}

    async def send(message):
        raise AssertionError("nothing is sent to a client that left")

    return asyncio.run(app({"type": "http", "path": "/favicon"}, receive, send))


def test_the_error_of_a_client_that_left_is_dropped():
    assert _call(QuietWhenClientLeft(_app_raising(after_receive=True)), [{"type": "http.disconnect"}]) is None


def test_the_same_error_without_a_disconnect_still_raises():
    with pytest.raises(RuntimeError, match="No response returned"):
        _call(QuietWhenClientLeft(_app_raising(after_receive=False)), [])


def test_other_errors_still_raise_after_a_disconnect():
    async def app(scope, receive, send):
        await receive()
        raise RuntimeError("database is locked")

    with pytest.raises(RuntimeError, match="database is locked"):
        _call(QuietWhenClientLeft(app), [{"type": "http.disconnect"}])
