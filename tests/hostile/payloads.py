"""Hostile text planted in data fields: the payloads every output surface must render inert.

Each payload is a name (for test ids and the figures) and the text. The text is what an
older workspace, a typed setting or an imported file may hold: Markdown that would fetch
or link, HTML, control characters, template syntax, spreadsheet formulas, very long text
and bidirectional overrides.
"""

from __future__ import annotations

HOST = "evil.example"
CONTROLS = "".join(chr(c) for c in [*range(0x20), 0x7F])   # every C0 control and DEL

PAYLOADS: dict[str, str] = {
    "md_image": f"Acme ![x](http://{HOST}/pixel.png) Corp",
    "md_link": f"Acme [click](https://{HOST}/login) Corp",
    "md_ref_link": f"Acme [x][1] Corp\n\n[1]: http://{HOST}/ref",
    "autolink": f"Acme <http://{HOST}/auto> Corp",
    "bare_url": f"Acme http://{HOST}/bare Corp",
    "bare_www": f"Acme www.{HOST}/www Corp",
    "email": f"Acme ceo@{HOST} Corp",
    "html": f'Acme <img src="http://{HOST}/html.png"><script>alert(1)</script> Corp',
    "controls": f"Acme{CONTROLS}Corp",
    "jinja": "Acme {{ 7*7 }} {% if true %}x{% endif %} Corp",
    "formula_eq": "=HYPERLINK(\"http://" + HOST + "/f\",\"Acme\")",
    "formula_plus": "+1+cmd|' /C calc'!A0",
    "formula_minus": "-2+3 Acme",
    "formula_at": "@SUM(A1:A9) Acme",
    "long": "Acme " + "x" * 600 + " " + "long words " * 60,   # 1,265 characters
    "rtl": "Acme \u202eroC\u202c \u2066evil\u2069 Corp",
    "mathtext": r"Acme $\frac{x$ \$ Corp",
    "zero_width": "Ac\u200bme\ufeff Corp",
}

ALL = "group:all"

# Several payloads in one text: the slower surfaces (chat answers, reports) take one account per group.
GROUPS = {
    "links": ("md_image", "md_link", "md_ref_link", "autolink", "bare_url", "bare_www", "email"),
    "markup": ("html", "controls", "rtl", "zero_width", "jinja", "mathtext"),
    "cells": ("formula_eq", "formula_plus", "formula_minus", "formula_at", "long"),
}


def grouped() -> dict[str, str]:
    """``group:<name>`` -> the group's payloads joined in one text (a formula group starts with its formula);
    ``group:all`` holds every payload (the documents take it: one account, every kind x format)."""
    out = {f"group:{g}": " ".join(PAYLOADS[k] for k in keys) for g, keys in GROUPS.items()}
    out["group:all"] = " ".join(PAYLOADS[k] for keys in GROUPS.values() for k in keys)
    return out
