"""Who a customer message or invitation goes to: the account's stakeholders, and the CSM sending it.

Names and addresses come from the workspace (imported data: untrusted). Each becomes a
:class:`Person` with a one-line display name (control characters, line breaks and the
characters that end a display name removed) and an address checked against a plain
``local@domain.tld`` shape, so no header of an .eml or property of an .ics can be split or
forged by a stored value; a person without a valid address is kept for the greeting only.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass

from reports.format import clean_text
from tools.store.workspace import Workspace

EMAIL = re.compile(r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?"
                   r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?)+$")
LEADS = ("Champion", "Executive Sponsor")   # who a review is addressed to, in this order


@dataclass(frozen=True)
class Person:
    name: str
    email: str | None
    role: str = ""
    title: str = ""

    @property
    def first_name(self) -> str:
        return self.name.split(" ")[0] if self.name else ""


def one_line(text: object, limit: int = 120) -> str:
    r"""A display text safe in a header: one line, no control characters, no quotes or angle brackets.

    >>> one_line('Ana "Boss" <x@y.z>\r\nBcc: evil@example.com')
    'Ana Boss x@y.z Bcc evil@example.com'
    """
    text = re.sub(r"[\r\n\t]+", " ", clean_text(text))
    text = re.sub(r"[\"<>\\;,:]", lambda m: " " if m.group(0) in ",;:" else "", text)
    return re.sub(r"\s+", " ", text).strip()[:limit]


def header_text(text: object, limit: int = 200) -> str:
    r"""A subject or summary line: one line, no control characters (punctuation kept).

    >>> header_text("Acme: Q3\r\nBcc: evil@example.com")
    'Acme: Q3 Bcc: evil@example.com'
    """
    return re.sub(r"\s+", " ", re.sub(r"[\r\n\t]+", " ", clean_text(text))).strip()[:limit]


def address(text: object) -> str | None:
    """The address when it is a plain ``local@domain.tld`` (nothing else around it), else None.

    >>> address(" ana@acme.example "), address("ana@acme.example\\r\\nBcc: x@y.z"), address("no")
    ('ana@acme.example', None, None)
    """
    value = clean_text(text).strip()
    return value if EMAIL.match(value) and len(value) <= 254 else None


def stakeholders(ws: Workspace, customer_id: int, roles: tuple[str, ...] | None = LEADS) -> list[Person]:
    """The account's contacts, champion first then executive sponsor (``roles=None``: everyone)."""
    rows = ws.query("SELECT name, title, role, email FROM stakeholders WHERE customer_id = ? ORDER BY id",
                    (customer_id,))
    people = [Person(one_line(r["name"]), address(r["email"]), one_line(r["role"]), one_line(r["title"]))
              for r in rows if one_line(r["name"])]
    if roles is not None:
        people = [p for p in people if p.role in roles]
    order = {role: i for i, role in enumerate(LEADS)}
    return sorted(people, key=lambda p: order.get(p.role, len(order)))


def sender(ws: Workspace, name: str | None = None) -> Person:
    """The CSM: ``name`` (``--from``), else the csm_name setting; the address from the csm_email setting
    (or PEERBENCH_CSM_EMAIL) when one is set."""
    who = one_line(name or ws.get_setting("csm_name") or os.environ.get("PEERBENCH_CSM_NAME") or "Customer Success team")
    return Person(who, address(ws.get_setting("csm_email") or os.environ.get("PEERBENCH_CSM_EMAIL") or ""), "CSM")
