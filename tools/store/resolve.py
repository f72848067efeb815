"""Resolve a customer name as a person types it: "acme" -> "Acme Corp"."""

from __future__ import annotations

from rapidfuzz import fuzz, process, utils

from reports.format import clean_text
from tools.base import NO_CUSTOMERS, NotFound, ToolError
from tools.store.workspace import Workspace

FIELDS = "id, name, industry, segment, arr, region, contract_start, csm"
ACCEPT = 85.0  # a fuzzy score this high, clearly ahead of the next, is taken as meant
MARGIN = 5.0


#: Words many company names share: a fuzzy match on them alone ("Zephyr Labs" ~ "Quantumspring Labs",
#: WRatio 85) is not a match. The distinctive part of the name must match too.
COMMON_WORDS = frozenset({"corp", "corporation", "inc", "incorporated", "co", "company", "llc", "ltd", "limited",
                          "plc", "gmbh", "ag", "sa", "labs", "lab", "group", "holdings", "systems", "technologies",
                          "technology", "tech", "solutions", "software", "the", "and", "of"})


def _norm(text: str) -> str:
    return utils.default_process(text)


def distinctive(text: str) -> str:
    """A name without the words many company names share: 'Acme Corp' -> 'acme'."""
    words = [w for w in _norm(text).split() if w not in COMMON_WORDS]
    return " ".join(words) or _norm(text)


def _same_core(query: str, name: str) -> bool:
    return fuzz.WRatio(distinctive(query), distinctive(name)) >= ACCEPT


def close_matches(names: list[str], query: str, limit: int = 5) -> list[str]:
    hits = process.extract(query, names, scorer=fuzz.WRatio, processor=utils.default_process, limit=limit)
    return [name for name, score, _ in hits if score >= 60]


def resolve_name(names: list[str], query: str) -> str:
    """The one name ``query`` means, or ToolError with close matches.

    Exact (case-insensitive) wins, then a unique word-prefix match ("acme" ->
    "Acme Corp"), then a fuzzy match clearly ahead of the rest.
    """
    q = _norm(query)
    if not q:
        raise ToolError("No customer name given.")
    by_norm = {_norm(n): n for n in names}
    if q in by_norm:
        return by_norm[q]
    prefixed = [n for n in names if _norm(n).startswith(q + " ") or _norm(n).startswith(q)]
    if len(prefixed) == 1:
        return prefixed[0]
    hits = process.extract(query, names, scorer=fuzz.WRatio, processor=utils.default_process, limit=3)
    if (hits and hits[0][1] >= ACCEPT and (len(hits) == 1 or hits[0][1] - hits[1][1] >= MARGIN) and not prefixed
            and _same_core(query, hits[0][0])):
        return hits[0][0]
    options = prefixed[:5] or close_matches(names, query)
    if options:
        raise NotFound(f"'{query}' matches more than one customer or none exactly. Did you mean: "
                        + ", ".join(options) + "?", suggestions=options)
    raise NotFound(f"No customer named '{query}' in this workspace.", suggestions=[])


def customer_names(ws: Workspace) -> list[str]:
    return [r["name"] for r in ws.query("SELECT name FROM customers ORDER BY name")]


def resolve_customer(ws: Workspace, name: str) -> dict:
    """The customer row (id, name, industry, segment, arr, region, contract_start, csm)."""
    rows = ws.query(f"SELECT {FIELDS} FROM customers WHERE name = ? COLLATE NOCASE", (name.strip(),))
    if rows:
        return rows[0]
    names = customer_names(ws)
    if not names:
        raise NotFound(NO_CUSTOMERS)
    typed = [n for n in names if clean_text(n).strip().casefold() == clean_text(name).strip().casefold()]
    # a name stored with invisible characters (older data), asked for as typed; else as a person types it
    match = typed[0] if len(typed) == 1 else resolve_name(names, name)
    return ws.query(f"SELECT {FIELDS} FROM customers WHERE name = ?", (match,))[0]


def resolve_customer_ref(ws: Workspace, ref: str) -> dict:
    """An account by its id ("42") or its exact name (case-insensitive): never a guess.

    For the HTTP API (``/api/benchmarks/42/compare``, ``.../Acme%20Corp/...``). A program
    asking for "Zephyr Labs" must not get the figures of the nearest fuzzy match (in this
    workspace "Quantumspring Labs" scores 85), as a person typing "acme" in the chat is glad
    to get Acme Corp: here close matches only come back as suggestions of a NotFound.
    """
    text = ref.strip()
    if text.isascii() and text.isdigit() and len(text) <= 18:  # SQLite integers are 64-bit
        rows = ws.query(f"SELECT {FIELDS} FROM customers WHERE id = ?", (int(text),))
        if rows:
            return rows[0]
    rows = ws.query(f"SELECT {FIELDS} FROM customers WHERE name = ? COLLATE NOCASE", (text,))
    if rows:
        return rows[0]
    options = close_matches(customer_names(ws), text) if text else []
    hint = f" Did you mean: {', '.join(options)}?" if options else ""
    raise NotFound(f"No customer with the id or name '{text}' in this workspace.{hint}", suggestions=options)
