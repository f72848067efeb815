"""Shared CLI output helpers."""

from __future__ import annotations

import json
import sys

from pydantic import BaseModel


def print_json(model: BaseModel) -> None:
    """A tool's output model as JSON: the CLI's ``--json`` contract."""
    sys.stdout.write(json.dumps(model.model_dump(mode="json"), indent=2) + "\n")
