"""Print the hostile-input suite's figures after the run (payload x surface combinations, privacy attempts)."""

from __future__ import annotations

from tests.hostile.tally import TALLY


def pytest_terminal_summary(terminalreporter):
    if TALLY:
        terminalreporter.write_sep("-", "hostile-input suite")
        for what, n in sorted(TALLY.items()):
            terminalreporter.write_line(f"{n:>6}  {what}")
