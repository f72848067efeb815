"""A CSM's book: who owns which accounts (the customers' ``csm`` column).

Accounts carry their owner from the portfolio import (a ``csm`` / ``owner`` / ``account owner``
column) or the demo. A CSM is named as people type it: the full name, a unique first name
("Priya" -> "Priya Patel"), any case; an id from :func:`csm_directory` is accepted too (the API's
``csm_id``).
"""

from __future__ import annotations

import re

from tools.base import NotFound
from tools.store.workspace import Workspace


def csm_names(ws: Workspace) -> list[str]:
    """Every owner named on an account, sorted."""
    rows = ws.query("SELECT DISTINCT trim(csm) AS csm FROM customers WHERE csm IS NOT NULL AND trim(csm) != '' "
                    "ORDER BY 1")
    return [r["csm"] for r in rows]


def csm_directory(ws: Workspace) -> dict[int, str]:
    """A stable id per CSM (1-based, in name order): what the API calls ``csm_id``."""
    return dict(enumerate(csm_names(ws), start=1))


def _key(text: str) -> str:
    return " ".join(re.sub(r"[^\w\s'-]", " ", text.casefold()).split())


def find_csm(ws: Workspace, text: str | None) -> str | None:
    """The CSM ``text`` names (full name, unique first or last name, or an id), else None."""
    if text is None or not str(text).strip():
        return None
    typed = _key(str(text))
    directory = csm_directory(ws)
    if typed.isdigit():
        return directory.get(int(typed))
    names = list(directory.values())
    exact = [n for n in names if _key(n) == typed]
    if exact:
        return exact[0]
    parts = [n for n in names if typed in _key(n).split()]
    return parts[0] if len(parts) == 1 else None


def resolve_csm(ws: Workspace, text: str) -> str:
    """The CSM ``text`` names; NotFound listing the workspace's CSMs when none matches."""
    name = find_csm(ws, text)
    if name is None:
        known = csm_names(ws)
        raise NotFound(f"No accounts are owned by a CSM called '{text}' in this workspace."
                       + (f" CSMs: {', '.join(known)}." if known else " No account has an owner yet "
                          "(import a portfolio file with a 'csm' or 'owner' column)."), suggestions=known[:8])
    return name


def accounts_of(ws: Workspace, csm: str) -> list[int]:
    """Ids of the accounts ``csm`` (an exact name from :func:`resolve_csm`) owns."""
    return [r["id"] for r in ws.query("SELECT id FROM customers WHERE trim(csm) = ? COLLATE NOCASE ORDER BY id", (csm,))]
