"""Print the hostile-input suite's figures after the run (payload x surface combinations, privacy attempts)."""

from __future__ import annotations

import pytest

from tests.hostile.payloads import PAYLOADS, grouped
from tests.hostile.tally import TALLY
from tests.hostile.workspace import build

CSM = "Jo " + PAYLOADS["md_image"] + PAYLOADS["controls"] + PAYLOADS["rtl"]


@pytest.fixture(scope="package")
def hostile(tmp_path_factory):
    """The hostile workspace (tests/hostile/workspace.py) and its planted accounts by payload key."""
    root = tmp_path_factory.mktemp("hostile")
    ws, planted = build(root / "ws" / "peerbench.db", {**PAYLOADS, **grouped()}, CSM)
    yield ws, {p.key: p for p in planted}
    ws.close()


def pytest_terminal_summary(terminalreporter):
    if TALLY:
        terminalreporter.write_sep("-", "hostile-input suite")
        for what, n in sorted(TALLY.items()):
            terminalreporter.write_line(f"{n:>6}  {what}")
