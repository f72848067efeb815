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

import datetime as dt
import inspect
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from pydantic import BaseModel, ConfigDict, ValidationInfo, field_validator

from analytics.catalog import BY_KEY
from reports.format import clean_text
from tools.inputs import check_text, date_problem, number_problem

NO_CUSTOMERS = "The workspace has no customers yet: run `peerbench demo` or load a portfolio file."


class ToolError(Exception):
    """An expected failure with a message the user (or Claude) can act on."""

    def __init__(self, message: str, *, suggestions: list[str] | None = None):
        super().__init__(message)
        self.message = message
        self.suggestions = suggestions or []


class NotFound(ToolError):
    """The account, goal, peer group, benchmark set or report named does not exist in this
    workspace (the HTTP API answers 404; everywhere else it is a ToolError like any other)."""


class ToolInput(BaseModel):
    """Base of every tool input: unknown fields are rejected (strict schemas), and every value
    follows :mod:`tools.inputs` (no control character in any text, numbers finite and within
    +-1 trillion, dates from 1950 to 2100), nested lists, dicts and models included."""

    model_config = ConfigDict(extra="forbid")

    @field_validator("*", mode="after")
    @classmethod
    def _plausible(cls, value: Any, info: ValidationInfo) -> Any:
        check_typed(value, info.field_name or "input")
        return value


def check_typed(value: Any, what: str) -> None:
    """Raise ValueError (naming ``what``) for a value :mod:`tools.inputs` refuses."""
    if isinstance(value, str):
        check_text(value, what)
    elif isinstance(value, bool) or value is None:
        return
    elif isinstance(value, (int, float)):
        problem = number_problem(float(value))
        if problem:
            raise ValueError(f"{what}: expected {problem}, got {value:g}")
    elif isinstance(value, dt.date):
        problem = date_problem(value if not isinstance(value, dt.datetime) else value.date())
        if problem:
            raise ValueError(f"{what}: expected {problem}, got {value.isoformat()}")
    elif isinstance(value, BaseModel):
        for name in type(value).model_fields:
            check_typed(getattr(value, name), f"{what}.{name}")
    elif isinstance(value, dict):
        for k, v in value.items():
            check_typed(k, what)
            check_typed(v, f"{what}.{k}")
    elif isinstance(value, (list, tuple, set, frozenset)):
        for v in value:
            check_typed(v, what)


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
        """A button running ``tool``; text is passed as a person types it (stored names from older
        data may hold invisible characters that tool inputs refuse)."""
        typed = {k: clean_text(v) if isinstance(v, str) else v for k, v in inp.items()}
        return cls(label=label, payload={"tool": tool, "input": typed})

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
    - ``step_title(input)``: the call in plain words for the progress steps a CSM sees
      ("peer comparison: Acme Corp"); read after "Using" / "Used".
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
    step_title: Callable[[dict[str, Any]], str] | None = field(default=None)

    def title(self, inp: dict[str, Any]) -> str:
        """What this call is doing, in plain words (never the tool's name or its JSON)."""
        if self.step_title is not None:
            try:
                return self.step_title(inp or {})
            except Exception:  # a title must never break a step
                pass
        return self.name.replace("_", " ")

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
    return shared_floats(np.round(np.asarray(a, dtype="float64"), nd))


def shared_floats(a: np.ndarray, nan_as_none: bool = True) -> list[float | None]:
    """A float array as a list of floats, None where NaN; a long 1-D array's equal values are one
    float object (a 100k-account list of benchmark levels holds three values, not 100k floats).

    >>> shared_floats(np.array([2.5, float("nan"), 2.5]))
    [2.5, None, 2.5]
    """
    if a.ndim != 1 or a.size < 1000 or (np.signbit(a) & (a == 0)).any() or (not nan_as_none and np.isnan(a).any()) \
            or len(np.unique(a[:256])) > 128:  # mostly distinct values (a sample says): nothing to share
        if not nan_as_none or not np.isnan(a).any():
            return a.tolist()
        return [None if x != x else x for x in a.tolist()]  # -0.0 keeps its sign, NaN stays NaN
    uniq, inverse = np.unique(a, return_inverse=True)
    floats = np.array([None if x != x else x for x in uniq.tolist()] + [None], dtype=object)[:-1]
    return floats[inverse.reshape(-1)].tolist()
