"""The numbers check in the agent: feedback to Claude, logging, and a stream that shows only checked text.

Every figure in Claude's prose must come from this turn's tool results; the matching
rule itself is :mod:`reports.figures` (shared with draft_report's narrative slots).
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Awaitable, Callable

from reports.figures import Figure, Pools, check, collect, unmatched

log = logging.getLogger("peerbench.numbers")

__all__ = ["VerifiedStream", "check", "collect", "feedback", "log_failure"]


def feedback(bad: list[Figure]) -> str:
    """The note sent back to the model when its prose has figures no tool produced."""
    shown = ", ".join(dict.fromkeys(f.text for f in bad))
    return (f"These figures in your answer do not appear in any tool result of this turn: {shown}. "
            "Rewrite the answer using only figures from the tool results (copy them as given, "
            "rounding is fine), or leave the figure out. Do not call tools again unless a figure is missing.")


def log_failure(stage: str, bad: list[Figure], text: str) -> None:
    log.warning("numbers check failed (%s): %s | %s", stage,
                json.dumps([f.text for f in bad]), text[:300].replace("\n", " "))


class VerifiedStream:
    """Passes streamed text on sentence by sentence, only while every figure checks out.

    The loop streams raw model text into :meth:`feed`; a sentence is emitted once it is
    complete and its figures match the pool (which grows as tools finish). After the
    first unmatched figure the gate closes for the rest of the message: the final
    answer (regenerated or the template narrative) replaces what was streamed.
    """

    _BOUNDARY = re.compile(r"(?<=[.!?:])\s+|\n")

    def __init__(self, emit: Callable[[str], Awaitable[None]], pool: Callable[[], Pools | list[float]]):
        self._emit, self._pool = emit, pool
        self._buffer = ""
        self.closed = False

    async def feed(self, text: str) -> None:
        if self.closed:
            return
        self._buffer += text
        cut = None
        for m in self._BOUNDARY.finditer(self._buffer):
            cut = m.end()
        if cut is not None:
            ready, self._buffer = self._buffer[:cut], self._buffer[cut:]
            await self._release(ready)

    async def flush(self) -> None:
        if not self.closed and self._buffer:
            ready, self._buffer = self._buffer, ""
            await self._release(ready)

    async def _release(self, text: str) -> None:
        if unmatched(text, self._pool()):
            self.closed = True
            return
        await self._emit(text)
