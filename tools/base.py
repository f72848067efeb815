"""What every tool shares: the Tool record and the expected-failure exception.

A tool is ``fn(workspace, input_model) -> output_model``; its docstring is its
description for Claude. Expected failures (bad input, unknown customer, cohort
too small) raise :class:`ToolError`, which the agent returns to Claude as an
``is_error`` tool result; anything else is a bug and propagates. Per-metric rows
of the outputs start with the same :class:`CatalogMetric` fields.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

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


@dataclass(frozen=True)
class Tool:
    name: str
    input_model: type[ToolInput]
    output_model: type[ToolOutput]
    fn: Callable[[Any, Any], ToolOutput]

    @property
    def description(self) -> str:
        return inspect.cleandoc(self.fn.__doc__ or self.name)

    def run(self, workspace, raw_input: dict | ToolInput) -> ToolOutput:
        data = raw_input if isinstance(raw_input, ToolInput) else self.input_model.model_validate(raw_input)
        return self.fn(workspace, data)
