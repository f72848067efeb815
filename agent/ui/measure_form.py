"""The measurement form in the chat ("Update metrics for Acme Corp" -> [Fill in the measurement form]).

A sequence of asks, one per goal and key result (Chainlit's ``AskUserMessage``), each showing the
latest value and the target; the user types the new value or *skip*. The values entered are then
saved together by ``record_measurements``, held for confirmation like every write (Save / Cancel,
then Undo). What the user types is data: only a number is taken from it.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable

from reports.format import fmt_goal, md_text

ASK_TIMEOUT_S = 300
MAX_FIELDS = 30
_NUMBER = re.compile(r"^\s*\$?\s*(-?\d[\d,]*(?:\.\d+)?)\s*(?:%|[a-z /]*)?\s*$", re.I)
_STOP = re.compile(r"^\s*(stop|cancel|done|quit|that'?s all)\s*[.!]?\s*$", re.I)


def parse_value(text: str | None) -> float | None:
    """The number typed ('12.5', '$22,000', '45%', '11.5 h'), or None (skip, or not a number).

    >>> parse_value("$22,000"), parse_value("11.5 h"), parse_value("skip"), parse_value("1e308")
    (22000.0, 11.5, None, None)
    """
    m = _NUMBER.match(text or "")
    return float(m.group(1).replace(",", "")) if m else None


def question(field) -> str:
    latest = fmt_goal(field.current, field.unit)
    when = f" ({field.last_measured})" if field.last_measured else ""
    return (f"New value for **{md_text(field.label, True)}**? Latest {latest}{when}, target "
            f"{fmt_goal(field.target, field.unit)}. Type a number, **skip**, or **done** to finish.")


async def collect(fields: list, ask: Callable[[str], Awaitable[str | None]]) -> tuple[list[dict], list[str]]:
    """Ask for each field in turn; (entries for record_measurements, what was skipped)."""
    values, skipped = [], []
    for field in fields[:MAX_FIELDS]:
        reply = await ask(question(field))
        if reply is None or _STOP.match(reply):
            break
        value = parse_value(reply)
        if value is None:
            skipped.append(field.label)
            continue
        values.append({"key": field.key, "value": value})
    return values, skipped


async def run(chat, customer: str, kwargs: dict):
    """The form for ``customer`` in this chat: ask, then hold the measurements for confirmation."""
    import asyncio

    import chainlit as cl

    from agent import core
    from tools.base import ToolError
    from tools.success.measurements import RECORD_TOOL, MeasurementFormInput, goal_measurement_form

    form = await asyncio.to_thread(goal_measurement_form, chat.ws, MeasurementFormInput(customer=customer))
    if not form.fields:
        raise ToolError(form.message, suggestions=[f"Define goals for {form.customer}"])

    async def ask(text: str) -> str | None:
        res = await cl.AskUserMessage(content=text, timeout=ASK_TIMEOUT_S).send()
        return (res or {}).get("output")

    values, _ = await collect(form.fields, ask)
    if not values:
        raise ToolError("No values entered: nothing to save.")
    return await core.run_action({"tool": RECORD_TOOL.name, "input": {"customer": form.customer,
                                                                         "values": values}}, **kwargs)
