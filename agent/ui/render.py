"""An agent Answer on screen: narrative, charts, long tables, downloads and buttons.

- The text is the agent's final Markdown (narrative and tables, after the numbers
  check); notices ("Offline mode", "Claude is unavailable...") go above it.
- Charts: the inline ``cl.Image`` charts each result's tool registers (``Tool.charts``);
  a failing chart is logged and left out, never breaking the answer.
- Long tables: a list of rows in a result longer than :data:`DATAFRAME_ROWS`
  becomes a paginated ``cl.Dataframe`` (short ones are already Markdown in the text).
- Downloads: ``cl.File`` built from the bytes of files inside this chat's workspace
  report folder only; a path outside it is never read, whoever named it.
"""

from __future__ import annotations

import logging
import uuid
from pathlib import Path
from typing import Any

import chainlit as cl
import pandas as pd
from pydantic import BaseModel

from reports.format import md_text
from tools.base import Chart, ToolError
from tools.registry import all_tools

log = logging.getLogger(__name__)

DATAFRAME_ROWS = 25
MAX_DOWNLOAD_BYTES = 50 * 1024 * 1024
MIME = {
    ".md": "text/markdown",
    ".csv": "text/csv",
    ".pdf": "application/pdf",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".png": "image/png",
    ".zip": "application/zip",
    ".eml": "message/rfc822",    # an email draft (tools.actions.email_report)
    ".ics": "text/calendar",     # an invitation (tools.actions.schedule_call)
}


def compose_text(answer: Any) -> str:
    """Notices first (a one-liner in italics, a longer one as a quote), the analysis context the
    figures are computed in, then the answer."""
    notices = [_notice(n.strip()) for n in (answer.notices or []) if n and n.strip()]
    context = getattr(answer, "context_line", "")
    head = [f"_Context: {md_text(context, inline=True)}_"] if context else []  # names data: escaped
    return "\n\n".join([*notices, *head, answer.text or ""]).strip() or "Done."


def _notice(text: str) -> str:
    if "\n" not in text:
        return f"_{text}_"
    return "\n".join("> " + line for line in text.splitlines())


def charts_for(name: str, output: Any) -> list[Chart]:
    """The charts the result's tool draws for it; [] when it draws none or drawing fails."""
    tool = all_tools().get(name)
    if tool is None or tool.charts is None:
        return []
    try:
        return tool.charts(output)
    except Exception:
        log.exception("chart for %s failed", name)
        return []


def elements_for(answer: Any, reports_dir: Path) -> list:
    elements: list = []
    for name, output in answer.results or []:
        for title, png in charts_for(name, output):
            elements.append(cl.Image(name=title, content=png, display="inline", size="large", mime="image/png"))
        elements += long_tables(name, output)
    for path in downloadable(answer, reports_dir):
        elements.append(cl.File(name=path.name, content=path.read_bytes(),
                                mime=MIME.get(path.suffix.lower(), "application/octet-stream"), display="inline"))
    return elements


def long_tables(name: str, output: Any) -> list:
    """A Dataframe for each list of rows in ``output`` too long to read as Markdown."""
    if not isinstance(output, BaseModel):
        return []
    tables = []
    for field, value in output:
        if isinstance(value, list) and len(value) > DATAFRAME_ROWS and all(isinstance(v, BaseModel) for v in value):
            frame = pd.DataFrame([_flat(v) for v in value])
            title = f"{field.replace('_', ' ').capitalize()} ({len(value)} rows)"
            tables.append(cl.Dataframe(name=title, data=frame, display="inline"))
    return tables


def _flat(row: BaseModel) -> dict:
    return {k: (v if isinstance(v, (int, float, str, bool)) or v is None else str(v))
            for k, v in row.model_dump(mode="json").items()}


def downloadable(answer: Any, reports_dir: Path) -> list[Path]:
    """This turn's export files that are real files inside ``reports_dir`` (no duplicates)."""
    candidates = list(answer.files or [])
    for _, output in answer.results or []:
        path = getattr(output, "path", None)
        if isinstance(path, (str, Path)) and str(path):
            candidates.append(Path(path))
    root = reports_dir.resolve()
    seen: list[Path] = []
    for candidate in candidates:
        try:
            path = Path(candidate).resolve()
        except (OSError, RuntimeError):
            continue
        if path in seen:
            continue
        if not path.is_relative_to(root) or not path.is_file():
            log.info("not offered for download: %s (not a file in %s)", candidate, root)
            continue
        if path.suffix.lower() not in MIME or path.stat().st_size > MAX_DOWNLOAD_BYTES:
            continue
        seen.append(path)
    return seen


def explain(exc: BaseException) -> str:
    """An error in plain words; a bug gets a reference to the log, never a traceback."""
    if isinstance(exc, ToolError):  # messages quote names and cells: data, escaped
        text = md_text(exc.message)
        if exc.suggestions and "Did you mean" not in exc.message:
            text += "\n\nDid you mean: " + ", ".join(md_text(s, True) for s in exc.suggestions[:5]) + "?"
        return text
    if isinstance(exc, TimeoutError):
        return ("That took longer than the time allowed for one answer, so I stopped. "
                "Try a narrower question (one account, or one metric).")
    ref = uuid.uuid4().hex[:8]
    log.error("unexpected error (ref %s)", ref, exc_info=exc)
    return (f"Sorry, something went wrong on my side while answering (reference {ref}). "
            "Please try again, or rephrase the question.")
