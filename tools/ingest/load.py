"""One entry point for an uploaded file: detect what it is, then import it.

:func:`load_file` reads the file once (strictly, see :mod:`tools.ingest.reader`),
detects its kind from the headers (:func:`tools.ingest.detect.detect_kind`) unless
told, and hands the table to the matching importer. The app calls it for each
attached file; the CLI ``peerbench load`` too.
"""

from __future__ import annotations

import datetime as dt
import importlib
import importlib.util
from pathlib import Path

from tools.base import ToolError, ToolOutput
from tools.ingest.detect import KINDS, detect_kind
from tools.ingest.load_benchmarks import load_benchmarks_file
from tools.ingest.portfolio import import_history, import_portfolio
from tools.ingest.reader import read_table
from tools.inputs import check_text, visible


def load_file(ws, path: str | Path, kind: str | None = None, name: str | None = None,
              sheet: str | None = None, *, display_name: str | None = None,
              today: dt.date | None = None) -> ToolOutput:
    """Import ``path`` as benchmarks, portfolio, history or goals; returns that importer's output.

    ``kind`` forces the kind (else detected); ``name`` names a benchmark set;
    ``display_name`` is the file name the user knows (an upload's original name).
    Raises ImportFailed (nothing changed) or ToolError.
    """
    if kind is not None and kind not in KINDS[:-1]:
        raise ToolError(f"Unknown kind '{visible(kind)}'; expected one of {', '.join(KINDS[:-1])}.")
    _check_names(path, name=name, sheet=sheet, display_name=display_name)
    table = read_table(path, sheet=sheet, display_name=display_name)
    out = _import(ws, path, table, kind or detect_kind(table), name, sheet, display_name, today)
    if table.encoding not in (None, "UTF-8") and hasattr(out, "summary"):
        note = encoding_note(table)
        out.summary += f" {note[0].upper()}{note[1:]}."
    return out


def encoding_note(table) -> str:
    """How the file's text was decoded, when it was not UTF-8 (the reader's note says it)."""
    return next((n for n in table.notes if "UTF-8" in n or "UTF-16" in n), f"read as {table.encoding}")


def _check_names(path, **names: str | None) -> None:
    """Typed names (a set name, a sheet, the upload's file name) follow the text rule of tools.inputs."""
    names["file name"] = Path(path).name
    for what, text in names.items():
        if text:
            try:
                check_text(text, what.replace("_", " "))
            except ValueError as exc:
                raise ToolError(f"Nothing was imported: the {visible(str(exc))}.") from None


def _import(ws, path, table, kind: str, name, sheet, display_name, today) -> ToolOutput:
    if kind == "benchmarks":
        return load_benchmarks_file(ws, path, name=name, sheet=sheet, display_name=display_name, table=table)
    if kind == "portfolio":
        return import_portfolio(ws, path, sheet, today=today, table=table)
    if kind == "history":
        return import_history(ws, path, sheet, table=table)
    if kind == "goals":
        if importlib.util.find_spec("tools.ingest.goals") is None:
            raise ToolError(f"{table.file} looks like a goals file; goals import is not available yet.")
        goals_import = importlib.import_module("tools.ingest.goals")
        return goals_import.import_goals(ws, path, sheet, table=table)
    raise ToolError(
        f"Could not tell what {table.file} holds from its columns ({', '.join(table.headers[:12])}). "
        "Expected a benchmark file (metric with P25/Median/P75 columns, or metric, stat, value), "
        "a portfolio (name plus metric columns such as nps, dau_mau), a metric history "
        "(customer, metric, period, value) or goals (customer, goal, baseline, target).")
