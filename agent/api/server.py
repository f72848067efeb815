"""One server for the chat and the API: the API app with Chainlit mounted at ``/``.

``peerbench serve`` (and ``make run``) start it with uvicorn. The ``/api`` routes are declared
before the mount (agent.api.app), so Chainlit's catch-all never answers them. A mounted app's
own start-up hooks do not run under its parent, so the parent runs Chainlit's lifespan (its
``on_app_startup``: the warm-up of the heavy modules).
"""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI

from agent.api.app import create_api

CHAT_APP = Path(__file__).resolve().parents[2] / "app.py"  # the Chainlit entry at the repository root


def create_server(main_db: str | Path | None = None, chat_app: Path = CHAT_APP) -> FastAPI:
    from chainlit.config import config
    from chainlit.server import app as chainlit_app
    from chainlit.utils import mount_chainlit

    api = create_api(main_db)
    config.run.headless = True  # never open a browser on the server
    mount_chainlit(app=api, target=str(chat_app), path="/")
    api.router.lifespan_context = chainlit_app.router.lifespan_context
    return api


def serve(host: str, port: int, main_db: str | Path | None = None) -> None:
    import uvicorn
    from chainlit.config import config

    config.run.host, config.run.port = host, port
    app = create_server(main_db)
    # The asyncio loop, as `chainlit run` uses (Chainlit relies on re-entrance).
    uvicorn.run(app, host=host, port=port, loop="asyncio", log_level="warning")
