"""HTML: a report as one self-contained page (the customer's share link, ``/share/<token>``).

Rendered from the same report model as the DOCX/PDF writers, with Jinja2 autoescaping: every
text of the model (names, goals, notes, Claude's prose slots) is data and renders as that text,
never as markup. Charts are the same PNGs as in the documents, inlined as ``data:`` URIs, so the
page needs nothing else from the server (its Content-Security-Policy allows no other source).
"""

from __future__ import annotations

import base64
import re
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from reports.model import DEFAULT_ACCENT, Bullets, Callouts, Figure, Panels, Paragraph, Report, Table, cleaned

TEMPLATES = Path(__file__).resolve().parents[1] / "prompts" / "share"
HEX = re.compile(r"^#?[0-9A-Fa-f]{6}$")


def _env() -> Environment:
    env = Environment(loader=FileSystemLoader(str(TEMPLATES)), undefined=StrictUndefined,
                      autoescape=select_autoescape(default=True, default_for_string=True),
                      trim_blocks=True, lstrip_blocks=True)
    env.filters["kind"] = block_kind
    env.filters["data_uri"] = data_uri
    return env


def block_kind(block) -> str:
    """The template's name for a block of the model."""
    for cls, name in ((Paragraph, "paragraph"), (Bullets, "bullets"), (Callouts, "callouts"), (Panels, "panels"),
                      (Table, "table"), (Figure, "figure")):
        if isinstance(block, cls):
            return name
    raise TypeError(f"unknown block {type(block).__name__}")


def data_uri(png: bytes, mime: str = "image/png") -> str:
    """An image as a ``data:`` URI (base64 has no character that needs escaping in an attribute).

    >>> data_uri(b"\\x89PNG")
    'data:image/png;base64,iVBORw=='
    """
    return f"data:{mime};base64,{base64.b64encode(png).decode('ascii')}"


def accent(report: Report) -> str:
    """The brand colour for the page's CSS: a checked ``#RRGGBB`` (anything else: the default navy)."""
    value = report.brand.accent or ""
    return "#" + value.lstrip("#").upper() if HEX.match(value) else DEFAULT_ACCENT


def _logo_mime(logo: bytes | None) -> str | None:
    if not logo:
        return None
    if logo.startswith(b"\x89PNG"):
        return "image/png"
    if logo.startswith(b"\xff\xd8"):
        return "image/jpeg"
    return None  # not an image we know: left out rather than guessed


def to_html(report: Report, *, footer_note: str = "") -> str:
    """The whole report as one HTML page (UTF-8 text)."""
    report = cleaned(report)
    logo_mime = _logo_mime(report.brand.logo)
    return _env().get_template("report.html.j2").render(
        r=report, accent=accent(report), on_accent="#212121" if report.brand.light else "#FFFFFF",
        logo=data_uri(report.brand.logo, logo_mime) if logo_mime else None, footer_note=footer_note)


def page(template: str, **context) -> str:
    """A small page around the report (the passcode form, "link expired", "not found")."""
    return _env().get_template(template).render(**context)
