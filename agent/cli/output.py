"""Shared CLI output helpers."""

from __future__ import annotations

import json
import sys

from pydantic import BaseModel


def print_json(model: BaseModel) -> None:
    """A tool's output model as JSON: the CLI's ``--json`` contract."""
    sys.stdout.write(json.dumps(model.model_dump(mode="json"), indent=2) + "\n")


def show(out: BaseModel, as_json: bool) -> int:
    """Print a tool's output: its JSON with ``--json``, else its Markdown view; exit code 0."""
    if as_json:
        print_json(out)
    else:
        print(out.to_markdown())
    return 0
