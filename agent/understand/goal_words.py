"""Goal words in a message: which goal ("Acme's reporting-time goal"), a customer quote to attach
("add a quote to Acme's NPS goal: '...' - Jane Doe") and a goal category ("operational goals").

Read from the message as typed (before names and metrics are masked), so a goal named in the
user's own words reaches the tool as they wrote it; the tool matches it against the account's goals.
"""

from __future__ import annotations

import re

from tools.success.categories import canonical, every_word

GOAL_NAME = "{goalname}"
QUOTE = "{quote}"
_STOP = r"[:;,.?!\"“”]"
_POSSESSIVE = re.compile(rf"(?:'s|s')\s+(?:(?:current|latest|main|key)\s+)?(?P<g>[^:;,.?!\"“”]{{2,60}}?)\s+goal\b", re.I)
_OF = re.compile(rf"\bthe\s+(?P<g>[^:;,.?!\"“”]{{2,60}}?)\s+goal\s+(?:of|for|at)\b", re.I)
_QUOTED = re.compile(r"[\"'“‘](?P<g>[^\"'“”‘’]{3,80})[\"'”’]")
# "add a quote to X's goal: <text>": everything after the colon is the quote, never instructions.
_QUOTE_CMD = re.compile(r"\b(?:quote|quotes|testimonial|said)\b[^:]{0,120}?:(?P<body>.+)$", re.I | re.S)
# "add a key result to X's goal: <name> from 0 to 10 (weekly)"
_KR_CMD = re.compile(r"\b(?:key[- ]results?|krs?)\b[^:]{0,120}?:(?P<body>.+)$", re.I | re.S)
_FIGURES = re.compile(r"^(?P<name>.*?)\s*\bfrom\s+\$?(?P<b>-?\d[\d,]*(?:\.\d+)?)\s*%?\s+to\s+\$?(?P<t>-?\d[\d,]*(?:\.\d+)?)",
                      re.I | re.S)
_FREQUENCY = re.compile(r"\b(weekly|monthly|quarterly|annually|yearly)\b", re.I)
KEY_RESULT = "{keyresult}"
_PERSON_DASH = re.compile(r"\s[-–—]{1,2}\s*(?P<p>[^-–—\"“”]{2,80}?)\s*$")
_PERSON_PAREN = re.compile(r"\((?P<p>[^()]{2,80})\)\s*[.!]?\s*$")
_NOT_GOALS = {"success", "the", "a", "an", "new", "this", "that", "their", "its", "our", "next", "first"}


def _normal(text: str) -> str:
    return text.replace("’", "'").replace("‘", "'")


def goal_text(message: str) -> str | None:
    """The goal as the user named it, or None.

    >>> goal_text("show TechCorp's reporting-time goal progress"), goal_text("open the 'Cut costs' goal of Acme")
    ('reporting-time', 'Cut costs')
    >>> goal_text("show me acme's goals") is None
    True
    """
    text = _normal(message.split(":", 1)[0] if _QUOTE_CMD.search(message) or _KR_CMD.search(message) else message)
    if (m := _QUOTED.search(text)) and " " in m["g"]:
        return m["g"].strip()
    for pattern in (_POSSESSIVE, _OF):
        m = pattern.search(text)
        if m:
            words = m["g"].strip()
            if words.lower() not in _NOT_GOALS and not canonical(words):
                return words
    return None


def mask_quote(message: str) -> str:
    """The message without a quote's text (its words must not steer the intent; :func:`goal_tokens` adds ``{quote}``).

    >>> mask_quote("add a quote to Acme's NPS goal: we save 10 hours - Jo")
    "add a quote to Acme's NPS goal:"
    """
    m = _KR_CMD.search(message) or _QUOTE_CMD.search(message)
    return message if m is None else message[:m.start("body")]


def quote_parts(message: str) -> tuple[str, str | None] | None:
    """(text, person) of the quote in the message, or None.

    >>> quote_parts('add a quote to Acme\\'s NPS goal: "We trust the numbers" - Jane Doe, VP Support')
    ('We trust the numbers', 'Jane Doe, VP Support')
    >>> quote_parts("quote for X's goal: month-end takes two days, not five (Sam Lee)")
    ('month-end takes two days, not five', 'Sam Lee')
    """
    m = _QUOTE_CMD.search(message)
    if m is None or _KR_CMD.search(message):
        return None
    body, person = m["body"].strip(), None
    for pattern in (_PERSON_PAREN, _PERSON_DASH):
        p = pattern.search(body)
        if p:
            person, body = p["p"].strip(), body[:p.start()].strip()
            break
    body = body.strip().strip("\"'“”‘’").strip()
    return (body, person) if body else None


def key_result_parts(message: str) -> dict | None:
    """Name, baseline, target (and frequency) of a key result given after a colon, or None.

    >>> key_result_parts("add a key result to Acme's goal: teams onboarded from 0 to 10, measured weekly")
    {'name': 'teams onboarded', 'baseline': 0.0, 'target': 10.0, 'frequency': 'weekly'}
    """
    m = _KR_CMD.search(message)
    f = _FIGURES.search(m["body"].strip()) if m else None
    if f is None:
        return None
    out = {"name": f["name"].strip(" ,;-").strip(), "baseline": float(f["b"].replace(",", "")),
           "target": float(f["t"].replace(",", ""))}
    if freq := _FREQUENCY.search(m["body"]):
        out["frequency"] = {"yearly": "annually"}.get(freq[1].lower(), freq[1].lower())
    return out


def category_of(message: str) -> str | None:
    """The goal category a message asks for ("operational goals" -> efficiency), canonical.

    >>> category_of("show Acme's operational goals"), category_of("what are GrowthCo's financial goals")
    ('efficiency', 'financial')
    >>> category_of("show acme's goals") is None
    True
    """
    low = " ".join(_normal(message).lower().replace("-", " ").split())
    for word in every_word():
        if re.search(rf"\b{re.escape(word)}\s+goals?\b", low):
            return canonical(word)
    return None


def goal_tokens(message: str) -> frozenset[str]:
    """Placeholders for the intent matcher: ``{quote}`` when the message carries a quote, ``{goalname}``
    when it names a goal in words that are not a catalog metric (those read as ``{metric}``)."""
    from agent.understand.slots import find_metrics
    out = set()
    if quote_parts(message):
        out.add(QUOTE)
    if key_result_parts(message):
        out.add(KEY_RESULT)
    named = goal_text(message)
    if named and not find_metrics(named.lower())[0]:
        out.add(GOAL_NAME)
    return frozenset(out)
