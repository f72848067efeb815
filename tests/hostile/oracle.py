"""Is rendered Markdown inert? GitHub's own renderer (cmark-gfm) plus Chainlit's link rule.

cmark-gfm says what becomes a link, an image or raw HTML. Chainlit renders with remark-gfm,
which finds bare URLs and e-mail addresses *after* parsing, in the text (escapes already
resolved): :func:`problems` re-applies that rule (mdast-util-gfm-autolink-literal's regular
expressions and its previous-character test) to the text outside code, where cmark-gfm,
which links while parsing, would not see it.
"""

from __future__ import annotations

import html as html_lib
import re

import cmarkgfm
from cmarkgfm.cmark import Options

ALLOWED_TAGS = {"p", "strong", "em", "code", "pre", "table", "thead", "tbody", "tr", "th", "td", "ul", "ol", "li",
                "h1", "h2", "h3", "h4", "h5", "h6", "hr", "br", "blockquote", "img"}
_TAG = re.compile(r"<\s*(/?)\s*([A-Za-z][A-Za-z0-9-]*)([^>]*)>")
_CODE = re.compile(r"<(code|pre)[^>]*>.*?</\1>", re.S)
_REMARK_URL = re.compile(r"(https?://|www(?=\.))([-.\w]+)([^ \t\r\n]*)", re.I)
_REMARK_EMAIL = re.compile(r"([-.\w+]+)@([-\w]+(?:\.[-\w]+)+)")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u202a-\u202e\u2066-\u2069\u200b]")


def render(markdown: str) -> str:
    return cmarkgfm.github_flavored_markdown_to_html(markdown, options=Options.CMARK_OPT_UNSAFE)


def _previous_ok(text: str, index: int, email: bool = False) -> bool:
    """remark-gfm links only at the start or after whitespace or punctuation (an address not after '/')."""
    if index == 0:
        return True
    ch = text[index - 1]
    return (ch.isspace() or not ch.isalnum()) and not (email and ch == "/")


def _correct_domain(domain: str) -> bool:
    parts = domain.split(".")
    if len(parts) < 2:
        return False
    return all(not p or ("_" not in p and re.search(r"[A-Za-z0-9]", p)) for p in parts[-2:])


def remark_links(text: str) -> list[str]:
    """The bare URLs and e-mail addresses Chainlit (remark-gfm) would turn into links in ``text``."""
    found = []
    for m in _REMARK_URL.finditer(text):
        domain = ("www" if m.group(1).lower().startswith("w") else "") + m.group(2)
        if _previous_ok(text, m.start()) and _correct_domain(domain):
            found.append(m.group(0))
    for m in _REMARK_EMAIL.finditer(text):
        if _previous_ok(text, m.start(), email=True) and not re.search(r"[-\d_]$", m.group(2)):
            found.append(m.group(0))
    return found


def problems(markdown: str, local_images: bool = False) -> list[str]:
    """What in ``markdown`` would be live: links, images (other than local PNGs), raw HTML, auto-linked
    URLs, control or bidi characters. Empty when the text is inert."""
    out = [f"control character U+{ord(c):04X}" for c in set(_CONTROL.findall(markdown))]
    page = render(markdown)
    for closing, tag, attrs in _TAG.findall(page):
        tag = tag.lower()
        if tag not in ALLOWED_TAGS:
            out.append(f"<{closing}{tag}{attrs}>")
        elif tag == "img" and not (local_images and re.search(r'src="[\w.-]+\.png"', attrs)):
            out.append(f"<img{attrs}>")
    text = html_lib.unescape(_TAG.sub(" ", _CODE.sub(" ", page)))
    out += [f"autolink {u}" for u in remark_links(text)]
    return out
