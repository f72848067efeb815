"""Units of success goals as people write them ("minutes / invoice", "$ / month")."""

from __future__ import annotations

import re

UNITS = ("percent", "score", "ratio", "count", "dollars", "days", "hours", "minutes", "weeks",
         "months", "tickets", "users", "seats")
_UNIT_ALIASES = {
    "%": "percent", "pct": "percent", "percentage": "percent", "points": "score", "pts": "score",
    "point": "score", "nps": "score", "rating": "score", "index": "score", "$": "dollars", "usd": "dollars",
    "dollar": "dollars", "number": "count", "#": "count", "day": "days", "d": "days", "h": "hours",
    "hr": "hours", "hrs": "hours", "hour": "hours", "min": "minutes", "mins": "minutes", "minute": "minutes",
    "week": "weeks", "wk": "weeks", "month": "months", "ticket": "tickets", "user": "users", "seat": "seats",
    "licenses": "seats", "licences": "seats",
}
# Things counted: "escalations / month" or "sponsor meetings / quarter" are count units.
_COUNTED = frozenset("""accounts articles calls cases contacts deals errors escalations features hires incidents
    integrations invoices meetings orders reports requests sessions sponsors transactions visits workflows""".split())


def unit_base(unit: str | None) -> str | None:
    """The canonical base of a unit as written, or None when it names no known unit.

    The head of the unit (before "/" or "per") must contain a known unit word:
    '%' -> percent, 'minutes / invoice' -> minutes, '$ / month' -> dollars,
    'score 1-5' -> score, 'sponsor meetings / quarter' -> count.
    """
    if not unit:
        return None
    text = " ".join(unit.lower().split())
    head = re.split(r"\s*/\s*|\s+per\s+", text, maxsplit=1)[0]
    for token in (head, *re.findall(r"[%$#]|[a-z]+", head)):
        if token in UNITS:
            return token
        if token in _UNIT_ALIASES:
            return _UNIT_ALIASES[token]
        if token in _COUNTED or token + "s" in _COUNTED:
            return "count"
    return None
