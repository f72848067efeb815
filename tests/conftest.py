"""Test hygiene: every test gets its own workspace and Chainlit app root under tmp_path."""

from __future__ import annotations

import pytest

from tools.workspace import Workspace


@pytest.fixture(autouse=True)
def _isolated_env(tmp_path, monkeypatch):
    monkeypatch.setenv("PEERBENCH_DB", str(tmp_path / "ws" / "peerbench.db"))
    monkeypatch.setenv("CHAINLIT_APP_ROOT", str(tmp_path / "chainlit"))
    monkeypatch.delenv("ANTHROPIC_API_KEY", raising=False)
    monkeypatch.delenv("DATABASE_URL", raising=False)


@pytest.fixture
def ws(tmp_path):
    """An empty, migrated workspace."""
    workspace = Workspace(tmp_path / "ws" / "peerbench.db")
    yield workspace
    workspace.close()
