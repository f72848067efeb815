"""One entry point for an uploaded file: detect what it is, then import it.

:func:`load_file` reads the file once (strictly, see :mod:`tools.ingest.reader`),
detects its kind from the headers (:func:`tools.ingest.detect.detect_kind`) unless
told, and hands the table to the matching importer. The app calls it for each
attached file; the CLI ``peerbench load`` too.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from tools.base import ToolError, ToolOutput
from tools.store.collector import collector_paused
from tools.ingest.detect import KINDS, detect_kind
from tools.ingest.goals import import_goals
from tools.ingest.load_benchmarks import load_benchmarks_file
from tools.ingest.portfolio import import_history, import_portfolio
from tools.ingest.reader import read_table
from tools.inputs import check_text, visible


@collector_paused()  # reading and importing as one block: no collection between them
def load_file(ws, path: str | Path, kind: str | None = None, name: str | None = None,
              sheet: str | None = None, *, display_name: str | None = None,
              today: dt.date | None = None, mapping: list[str] | dict[str, str] | None = None,
              prefer_source: str | None = None, activate: bool | None = None,
              max_bytes: int | None = None, max_rows: int | None = None) -> ToolOutput:
    """Import ``path`` as benchmarks, portfolio, history or goals; returns that importer's output.

    ``kind`` forces the kind (else detected); ``name`` names a benchmark set;
    ``display_name`` is the file name the user knows (an upload's original name).
    ``mapping``, ``prefer_source`` and ``activate`` are for benchmark files
    (:func:`tools.ingest.load_benchmarks.load_benchmarks_file`). ``max_bytes`` and ``max_rows``
    raise the upload limits of :mod:`tools.ingest.reader` for a file the machine's operator loads
    (the CLI); uploads from the chat and the API keep them.
    Raises ImportFailed (nothing changed) or ToolError.
    """
    if kind is not None and kind not in KINDS[:-1]:
        raise ToolError(f"Unknown kind '{visible(kind)}'; expected one of {', '.join(KINDS[:-1])}.")
    _check_names(path, name=name, sheet=sheet, display_name=display_name)
    table = read_table(path, sheet=sheet, display_name=display_name, max_bytes=max_bytes, max_rows=max_rows)
    kind = kind or detect_kind(table)
    if kind != "benchmarks" and (mapping or prefer_source or activate is not None):
        raise ToolError(f"{table.file} is a {kind} file: --map, --prefer-source and --activate apply to "
                        "benchmark files only.")
    out = _import(ws, path, table, kind, name, sheet, display_name, today, mapping, prefer_source, activate)
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


def _import(ws, path, table, kind: str, name, sheet, display_name, today, mapping, prefer_source,
            activate) -> ToolOutput:
    if kind == "benchmarks":
        return load_benchmarks_file(ws, path, name=name, sheet=sheet, display_name=display_name, table=table,
                                    mapping=mapping, prefer_source=prefer_source, activate=activate)
    if kind == "portfolio":
        return import_portfolio(ws, path, sheet, today=today, table=table)
    if kind == "history":
        return import_history(ws, path, sheet, table=table)
    if kind == "goals":
        return import_goals(ws, path, sheet, table=table)
    raise ToolError(
        f"Could not tell what {table.file} holds from its columns ({', '.join(table.headers[:12])}). "
        "Expected a benchmark file (metric with P25/Median/P75 columns, or metric, stat, value), "
        "a portfolio (name plus metric columns such as nps, dau_mau), a metric history "
        "(customer, metric, period, value) or goals (customer, goal, baseline, target).")
