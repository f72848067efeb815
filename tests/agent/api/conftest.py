"""The API under test: the real ASGI app over a private demo workspace, driven by httpx."""

from __future__ import annotations

import json
from dataclasses import dataclass

import httpx
import pytest

from agent.api.app import create_api
from agent.cli import main as peerbench
from tools.store.tokens import create_token
from tools.store.workspace import Workspace


@dataclass
class Api:
    app: object
    ws: Workspace          # the main workspace (the demo copy)
    client: httpx.AsyncClient
    token: str

    def auth(self, token: str | None = None) -> dict[str, str]:
        return {"Authorization": f"Bearer {token or self.token}"}

    async def get(self, url: str, **kw) -> httpx.Response:
        return await self.client.get(url, headers=kw.pop("headers", None) or self.auth(), **kw)

    async def post(self, url: str, **kw) -> httpx.Response:
        return await self.client.post(url, headers=kw.pop("headers", None) or self.auth(), **kw)

    async def put(self, url: str, **kw) -> httpx.Response:
        return await self.client.put(url, headers=kw.pop("headers", None) or self.auth(), **kw)

    async def delete(self, url: str, **kw) -> httpx.Response:
        return await self.client.delete(url, headers=kw.pop("headers", None) or self.auth(), **kw)

    def new_token(self, name: str, user: str = "") -> str:
        return create_token(self.ws, name, user)[0]


@pytest.fixture
async def api(demo_ws):
    """The API app on a copy of the demo workspace, with a main-workspace token."""
    app = create_api(demo_ws.path)
    token = create_token(demo_ws, "tests")[0]
    # raise_app_exceptions=False: a 500 is answered as the server answers it (a problem), not re-raised here
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        yield Api(app=app, ws=demo_ws, client=client, token=token)


def cli_json(ws: Workspace, capsys, *argv: str):
    """What `peerbench --db WS ARGV --json` prints, parsed."""
    capsys.readouterr()
    assert peerbench(["--db", str(ws.path), *argv, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def problem(response: httpx.Response, status: int) -> dict:
    """The response's problem details, after checking the status and the media type."""
    assert response.status_code == status, response.text[:500]
    assert response.headers["content-type"].startswith("application/problem+json"), response.headers
    body = response.json()
    assert body["status"] == status and body["title"]
    assert "Traceback" not in response.text
    return body
