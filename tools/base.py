"""What every tool shares: the Tool record, its input/output bases, errors and rounding.

A tool is ``fn(workspace, input_model) -> output_model``; its docstring is its
description for Claude. Expected failures (bad input, unknown customer, cohort
too small) raise :class:`ToolError`, which the agent returns to Claude as an
``is_error`` tool result; anything else is a bug and propagates.

A feature registers on its :class:`Tool` everything the agent and the UI need
from it (charts, follow-up buttons, narrative template, what a result adds to the
conversation's context), so nothing outside the feature switches on its name.
The output's own ``to_markdown()`` is its Markdown view (chat, CLI, ``.md``).
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from pydantic import BaseModel, ConfigDict

from analytics.catalog import BY_KEY


class ToolError(Exception):
    """An expected failure with a message the user (or Claude) can act on."""

    def __init__(self, message: str, *, suggestions: list[str] | None = None):
        super().__init__(message)
        self.message = message
        self.suggestions = suggestions or []


class ToolInput(BaseModel):
    """Base of every tool input: unknown fields are rejected (strict schemas)."""

    model_config = ConfigDict(extra="forbid")


class ToolOutput(BaseModel):
    """Base of every tool output. ``summary_for_model`` is what Claude sees."""

    def summary_for_model(self) -> dict[str, Any]:
        """A compact view (a few KB) for the model; full tables go to the UI."""
        return self.model_dump(mode="json")


class CatalogMetric(BaseModel):
    """The catalog metric a per-metric output row is about (its first fields)."""

    metric: str
    label: str
    category: str
    unit: str
    direction: str


def catalog_fields(key: str) -> dict[str, str]:
    """The :class:`CatalogMetric` fields of catalog metric ``key``: ``Row(**catalog_fields(key), ...)``."""
    m = BY_KEY[key]
    return {"metric": key, "label": m.label, "category": m.category, "unit": m.unit, "direction": m.direction}


@dataclass
class FollowUp:
    """A button offered under a result. ``payload`` is one of:

    - ``{"tool": name, "input": {...}}``: run one tool (its input validated by its own model);
    - ``{"calls": [{"tool": ..., "input": {...}}, ...]}``: run several, with progress;
    - ``{"message": "..."}``: send that text as if the user typed it.
    """

    label: str
    payload: dict[str, Any]

    @classmethod
    def call(cls, label: str, tool: str, **inp: Any) -> FollowUp:
        return cls(label=label, payload={"tool": tool, "input": inp})

    def tools(self) -> set[str]:
        """The tools a click would run."""
        if "calls" in self.payload:
            return {c["tool"] for c in self.payload["calls"]}
        return {self.payload["tool"]} if "tool" in self.payload else set()


Chart = tuple[str, bytes]  # (title, PNG)


@dataclass(frozen=True)
class Tool:
    """A tool and what its feature offers the agent and the UI besides the function.

    - ``charts(output)``: inline chat charts, (title, PNG) pairs;
    - ``follow_ups(output)``: buttons under the answer;
    - ``narrative``: the Jinja template (under prompts/) writing the offline sentences;
    - ``clickable``: may run from a button (its input re-validated by its model);
    - ``context(input, output)``: what the result tells the conversation (the account
      talked about, what "export that" means, the benchmark set in use);
    - ``writes``: may change the workspace: from a chat, a call that would change rows is
      previewed and saved only when the user confirms, and can be undone (agent.writes).
    """

    name: str
    input_model: type[ToolInput]
    output_model: type[ToolOutput]
    fn: Callable[[Any, Any], ToolOutput]
    charts: Callable[[Any], list[Chart]] | None = None
    follow_ups: Callable[[Any], list[FollowUp]] | None = None
    narrative: str | None = None
    clickable: bool = False
    context: Callable[[dict[str, Any], Any], dict[str, Any]] | None = field(default=None)
    writes: bool = False

    @property
    def description(self) -> str:
        return inspect.cleandoc(self.fn.__doc__ or self.name)

    def run(self, workspace, raw_input: dict | ToolInput) -> ToolOutput:
        data = raw_input if isinstance(raw_input, ToolInput) else self.input_model.model_validate(raw_input)
        return self.fn(workspace, data)


# ---- rounding of output figures: a missing figure (None or NaN) stays None -------------------

def rounded(x, nd: int) -> float | None:
    """``x`` rounded to ``nd`` decimals as a plain float; None for None or NaN.

    >>> rounded(12.3456, 2), rounded(float("nan"), 1), rounded(None, 1)
    (12.35, None, None)
    """
    return None if x is None or x != x else round(float(x), nd)


def rounded_list(a, nd: int) -> list[float | None]:
    """An array rounded to ``nd`` decimals as a list of floats, None where NaN.

    >>> rounded_list([1.234, float("nan")], 1)
    [1.2, None]
    """
    return [None if x != x else x for x in np.round(np.asarray(a, dtype="float64"), nd).tolist()]
