"""The HTTP guards in front of Chainlit: an unknown session is a 404 (not a 500) and failed sign-ins
back off per user name and per client. The middleware is tested on a small ASGI app, then the real
app: ``chainlit run app.py`` with sign-in on, on a free port."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from agent.ui.auth import LoginThrottle, hash_password
from agent.ui.web import guarded
from tests.agent.ui.test_browser import ROOT, _env, _free_port, _wait_healthy
from tests.hostile.tally import count


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


async def _login_app(scope, receive, send):
    """A stand-in for Chainlit: /login accepts password 'right', /project/action answers 200."""
    body = b""
    while True:
        m = await receive()
        body += m.get("body", b"")
        if not m.get("more_body"):
            break
    ok = scope["path"] != "/login" or b"password=right" in body
    await send({"type": "http.response.start", "status": 200 if ok else 401, "headers": []})
    await send({"type": "http.response.body", "body": b"{}"})


def _client(throttle, known=lambda sid: sid == "live", ip="10.0.0.1") -> httpx.AsyncClient:
    app = guarded(_login_app, throttle, known)
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app, client=(ip, 1234)), base_url="http://t")


def test_backoff_grows_exponentially_and_is_capped():
    clock = Clock()
    t = LoginThrottle(free=3, cap=60, clock=clock)
    delays = [t.failed("user:a") for _ in range(12)]
    assert delays == [0, 0, 0, 1, 2, 4, 8, 16, 32, 60, 60, 60]
    clock.now += 59.5
    assert 0 < t.wait("user:a") <= 0.5
    t.succeeded("user:a")
    assert t.wait("user:a") == 0


async def test_wrong_passwords_are_slowed_per_user_and_per_client():
    clock = Clock()
    throttle = LoginThrottle(free=3, clock=clock)
    async with _client(throttle) as c:
        codes = [(await c.post("/login", data={"username": "alice", "password": "guess"})).status_code
                 for _ in range(6)]
        assert codes == [401, 401, 401, 401, 429, 429]
        locked = await c.post("/login", data={"username": "alice", "password": "right"})
        assert locked.status_code == 429 and locked.headers["retry-after"] == "1"
        assert locked.json()["title"] == "Too many failed sign-ins"
        count("privacy attempts refused", 3)
        # the same client trying another user name is slowed too (per client)
        assert (await c.post("/login", data={"username": "bob", "password": "x"})).status_code == 429
    async with _client(throttle, ip="10.0.0.2") as other:  # another client, another user: not affected
        assert (await other.post("/login", data={"username": "carol", "password": "right"})).status_code == 200
        assert (await other.post("/login", data={"username": "alice", "password": "right"})).status_code == 429
    clock.now += 2
    async with _client(throttle) as c:
        assert (await c.post("/login", data={"username": "alice", "password": "right"})).status_code == 200
        assert throttle.wait("user:alice") == 0


async def test_unknown_session_is_a_404_problem():
    async with _client(LoginThrottle()) as c:
        for sid in ("gone", None, 42):
            r = await c.post("/project/action", json={"sessionId": sid, "action": {"name": "x"}})
            assert r.status_code == 404 and r.headers["content-type"] == "application/problem+json"
        assert (await c.post("/project/action", content=b"{not json")).status_code == 404
        r = await c.post("/project/action", json={"sessionId": "live", "action": {"name": "x"}})
        assert r.status_code == 200  # a live session goes through, body intact


@pytest.fixture(scope="module")
def signed_in_server(tmp_path_factory):
    """The real app with sign-in on (one user, alice / right-password), on a free port."""
    base = tmp_path_factory.mktemp("web")
    app_root, db = base / "app", base / "ws" / "peerbench.db"
    (app_root / ".chainlit").mkdir(parents=True)
    (app_root / ".chainlit" / "config.toml").write_text((ROOT / ".chainlit" / "config.toml").read_text())
    env = _env(db, app_root)
    env.update(PEERBENCH_USERS="alice:" + hash_password("right-password", iterations=1000),
               CHAINLIT_AUTH_SECRET="x" * 64)
    port, log = _free_port(), open(base / "server.log", "wb")
    proc = subprocess.Popen([sys.executable, "-m", "chainlit", "run", str(ROOT / "app.py"), "-h", "--host",
                             "127.0.0.1", "--port", str(port)], cwd=app_root, env=env, stdout=log,
                            stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(url, proc, base / "server.log")
        yield url, base / "server.log"
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


def test_the_real_app_answers_unknown_sessions_with_404_and_throttles_sign_in(signed_in_server):
    url, log = signed_in_server
    action = {"sessionId": "no-such-session", "action": {"name": "peerbench", "payload": {}, "forId": "m", "id": "a"}}
    with httpx.Client(base_url=url) as c:
        codes = [c.post("/login", data={"username": "alice", "password": "wrong"}).status_code for _ in range(5)]
        assert codes == [401, 401, 401, 401, 429]
        assert c.post("/login", data={"username": "alice", "password": "right-password"}).status_code == 429
        count("privacy attempts refused", 2)
        time.sleep(1.1)  # the 4th failure costs one second
        signed_in = c.post("/login", data={"username": "alice", "password": "right-password"})
        assert signed_in.status_code == 200
        r = c.post("/project/action", json=action)  # signed in, a session that does not exist (was a 500)
        assert r.status_code == 404 and r.json()["title"] == "Session not found"
    assert httpx.post(url + "/project/action", json=action).status_code == 404  # signed out: the same answer
    assert "Traceback" not in Path(log).read_text(errors="replace")
