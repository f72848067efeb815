"""The chat's footer line under the input box (Chainlit's "watermark"), saying who answers.

Chainlit shows "LLMs can make mistakes. Check important info." from its translation files
(``.chainlit/translations/<language>.json``, key ``chat.watermark``), which it writes into the
app root on start. In offline mode no language model is used, so that line is replaced by an
offline label; with Claude, by a line that says what Claude does and what is computed.
"""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path

log = logging.getLogger(__name__)

OFFLINE_FOOTER = ("Offline mode: no AI model is used. Answers come from built-in rules and templates; "
                  "every figure is computed from your data.")
CLAUDE_FOOTER = ("Claude writes the wording and can make mistakes; every figure is computed from your data "
                 "and checked.")


def offline() -> bool:
    return not os.environ.get("ANTHROPIC_API_KEY")


def footer(is_offline: bool) -> str:
    return OFFLINE_FOOTER if is_offline else CLAUDE_FOOTER


def label_footer(folder: Path | None = None, is_offline: bool | None = None) -> int:
    """Write the footer for this mode into every translation file; returns how many changed."""
    if folder is None:
        from chainlit.config import config_translation_dir

        folder = Path(config_translation_dir)
    text = footer(offline() if is_offline is None else is_offline)
    changed = 0
    for path in sorted(Path(folder).glob("*.json")):
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            log.warning("translation file %s unreadable; footer left as is", path)
            continue
        chat = data.setdefault("chat", {})
        if chat.get("watermark") != text:
            chat["watermark"] = text
            path.write_text(json.dumps(data, ensure_ascii=False, indent=4), encoding="utf-8")
            changed += 1
    return changed
