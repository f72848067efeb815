"""The vendor's look and the CSM's report defaults: logo, accent colour, page size, items hidden.

Each comes from (first found): the call (CLI flag, tool input), the workspace setting, the
environment, a default.

| what | setting | environment | CLI |
| --- | --- | --- | --- |
| accent colour | brand_accent | PEERBENCH_BRAND_COLOR | --accent "#1F4E79" |
| logo (PNG/JPEG) | brand_logo (a copy in the workspace) | PEERBENCH_BRAND_LOGO (a path) | --logo PATH |
| vendor name | brand_name | PEERBENCH_BRAND_NAME | --brand-name |
| page size | page_size | PEERBENCH_PAGE_SIZE | --page-size A4/Letter |
| hidden cards/sections | report_hide | PEERBENCH_REPORT_HIDE | --hide roi,peer_chart |

A logo is checked by content (PNG or JPEG magic bytes, opened by Pillow), size (2 MB) and
dimensions before it goes near a document; a bad file is refused with its name and why.
"""

from __future__ import annotations

import io
import os
import re
import shutil
from pathlib import Path

from reports.model import DEFAULT_ACCENT, Brand
from reports.page import page_size
from tools.base import ToolError
from tools.store.workspace import Workspace

MAX_LOGO_BYTES = 2 * 1024 * 1024
MAX_LOGO_PX = 4000
MAGIC = {b"\x89PNG\r\n\x1a\n": ".png", b"\xff\xd8\xff": ".jpg"}
HEX = re.compile(r"#?([0-9a-fA-F]{6}|[0-9a-fA-F]{3})")


def accent_colour(text: str) -> str:
    """'#1f4e79', '1F4E79' or '#abc' -> '#1F4E79' / '#AABBCC'; ToolError otherwise."""
    m = HEX.fullmatch(text.strip())
    if not m:
        raise ToolError(f"Accent colour {text!r} is not a hex colour such as #1F4E79.")
    h = m.group(1)
    return "#" + (h if len(h) == 6 else "".join(c * 2 for c in h)).upper()


def logo_bytes(path: str | Path) -> bytes:
    """A logo file's bytes after checking it is a real PNG/JPEG of sensible size (ToolError if not)."""
    from PIL import Image, UnidentifiedImageError

    p = Path(path).expanduser()
    if not p.is_file():
        raise ToolError(f"Logo file {p} does not exist.")
    if p.stat().st_size > MAX_LOGO_BYTES:
        raise ToolError(f"Logo file {p.name} is {p.stat().st_size / 1e6:.1f} MB; the limit is 2 MB.")
    data = p.read_bytes()
    if not any(data.startswith(m) for m in MAGIC):
        raise ToolError(f"Logo file {p.name} is not a PNG or JPEG image (checked by its content).")
    try:
        with Image.open(io.BytesIO(data)) as im:
            im.verify()
            w, h = im.size
    except (UnidentifiedImageError, OSError, SyntaxError) as exc:
        raise ToolError(f"Logo file {p.name} cannot be read as an image: {exc}.") from None
    if max(w, h) > MAX_LOGO_PX or min(w, h) < 8:
        raise ToolError(f"Logo file {p.name} is {w} x {h} px; use 8 to {MAX_LOGO_PX} px a side.")
    return data


def _logo_dir(ws: Workspace) -> Path:
    return ws.path.parent / "brand"


def save_logo(ws: Workspace, path: str | Path) -> Path:
    """Check the logo and keep a copy in the workspace (the original may move); becomes the default."""
    data = logo_bytes(path)
    ext = next(e for m, e in MAGIC.items() if data.startswith(m))
    folder = _logo_dir(ws)
    folder.mkdir(parents=True, exist_ok=True)
    dest = folder / f"logo{ext}"
    for old in folder.glob("logo.*"):
        old.unlink()
    shutil.copyfile(path, dest)
    ws.set_setting("brand_logo", dest.name)
    return dest


def _setting(ws: Workspace, key: str, env: str) -> str | None:
    return ws.get_setting(key) or os.environ.get(env) or None


def brand(ws: Workspace, *, accent: str | None = None, logo: str | Path | None = None,
          name: str | None = None) -> Brand:
    colour = accent or _setting(ws, "brand_accent", "PEERBENCH_BRAND_COLOR")
    if logo is None:
        stored = ws.get_setting("brand_logo")
        logo = (_logo_dir(ws) / Path(stored).name) if stored else os.environ.get("PEERBENCH_BRAND_LOGO") or None
    return Brand(accent=accent_colour(colour) if colour else DEFAULT_ACCENT,
                 logo=logo_bytes(logo) if logo else None,
                 name=(name or _setting(ws, "brand_name", "PEERBENCH_BRAND_NAME") or "").strip()[:60])


def paper(ws: Workspace, given: str | None = None) -> str:
    try:
        return page_size(given or _setting(ws, "page_size", "PEERBENCH_PAGE_SIZE"))
    except ValueError as exc:
        raise ToolError(str(exc)) from None


def default_hidden(ws: Workspace) -> set[str]:
    """Cards and sections the CSM hides on every report (the report_hide setting)."""
    raw = _setting(ws, "report_hide", "PEERBENCH_REPORT_HIDE") or ""
    return {x.strip().lower() for x in raw.split(",") if x.strip()}


# ---- "without the ROI card": what a chat message asks to leave out -----------------------------

PHRASES = {
    "roi": r"roi|return on investment", "peer_chart": r"peer (?:chart|comparison|distribution)",
    "percentile_chart": r"percentile chart", "trend": r"trends?|history", "methodology": r"methodology",
    "overall": r"overall(?: percentile| position)?", "goals": r"goals? card", "value": r"value(?: delivered)? card",
    "action_plan": r"action plan", "bullet_chart": r"bullet chart", "metric_trends": r"metric trends?",
}
_LEAVE_OUT = re.compile(r"\b(?:without|hide|leave out|drop|exclude|no)\s+(.{2,80}?)(?=$|[.;!?]|\s+(?:as|in|for|to)\b)",
                        re.I)


def hidden_in(text: str) -> list[str]:
    """The hide names a message asks for: "QBR for Acme without the ROI card" -> ['roi'].

    >>> hidden_in("QBR deck for Acme without the ROI card"), hidden_in("report, hide the peer chart and methodology")
    (['roi'], ['peer_chart', 'methodology'])
    """
    found: list[str] = []
    for m in _LEAVE_OUT.finditer(text):
        what = m.group(1).lower()
        for name, pattern in PHRASES.items():
            if re.search(rf"\b(?:{pattern})\b", what) and name not in found:
                found.append(name)
    return found
