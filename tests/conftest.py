"""Test hygiene: every test gets its own workspace and Chainlit app root under tmp_path."""

from __future__ import annotations

import pytest

from tools.store.workspace import Workspace


@pytest.fixture(autouse=True)
def _isolated_env(tmp_path, monkeypatch):
    monkeypatch.setenv("PEERBENCH_DB", str(tmp_path / "ws" / "peerbench.db"))
    (tmp_path / "chainlit").mkdir(exist_ok=True)  # importing chainlit fails without it
    monkeypatch.setenv("CHAINLIT_APP_ROOT", str(tmp_path / "chainlit"))
    monkeypatch.delenv("ANTHROPIC_API_KEY", raising=False)
    monkeypatch.delenv("DATABASE_URL", raising=False)


@pytest.fixture
def ws(tmp_path):
    """An empty, migrated workspace."""
    workspace = Workspace(tmp_path / "ws" / "peerbench.db")
    yield workspace
    workspace.close()


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory):
    """The demo workspace (seed 42 + the sample benchmark set), built once per test run."""
    from agent.cli import main

    path = tmp_path_factory.mktemp("demo") / "peerbench.db"
    assert main(["--db", str(path), "demo"]) == 0
    return path


@pytest.fixture
def demo_ws(demo_db, tmp_path):
    """A private copy of the demo workspace: tests may write to it freely."""
    import shutil
    import sqlite3

    target = tmp_path / "demo" / "peerbench.db"
    target.parent.mkdir(parents=True)
    with sqlite3.connect(demo_db) as src, sqlite3.connect(target) as dst:
        src.backup(dst)
    workspace = Workspace(target)
    yield workspace
    workspace.close()
    shutil.rmtree(target.parent, ignore_errors=True)
