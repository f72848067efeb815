"""The .eml draft: a stdlib ``EmailMessage`` a CSM opens in their mail program, reviews and sends.

Headers are built from :class:`~tools.actions.people.Person` values (one-line names, checked
addresses) through ``email.headerregistry.Address``, with ``email.policy.default``, which also
refuses a header value holding a line break: a stored name cannot add a header. The body comes
from offline templates (prompts/actions) filled with the report's own sentences. ``X-Unsent: 1``
makes Outlook open the file as a draft to edit and send; peerbench never sends it.
"""

from __future__ import annotations

import datetime as dt
import mimetypes
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import default
from email.utils import format_datetime, make_msgid
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from tools.actions.people import Person, header_text, one_line

TEMPLATES = Path(__file__).resolve().parents[2] / "prompts" / "actions"
_ENV = Environment(loader=FileSystemLoader(str(TEMPLATES)), undefined=StrictUndefined, autoescape=False,
                   trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)


def render(template: str, **context) -> str:
    return _ENV.get_template(template).render(**context)


def mailbox(person: Person) -> Address:
    local, domain = person.email.split("@", 1)
    return Address(display_name=person.name, username=local, domain=domain)


def and_join(items: list[str]) -> str:
    """'A', 'A and B', 'A, B and C'.

    >>> and_join(["Ana", "Ben", "Cy"])
    'Ana, Ben and Cy'
    """
    return " and ".join(items) if len(items) <= 2 else ", ".join(items[:-1]) + " and " + items[-1]


def draft(*, sender: Person, to: list[Person], cc: list[Person], subject: str, body: str,
          attachment: Path | None = None) -> EmailMessage:
    """The message; recipients without a valid address are left out (the caller reports them)."""
    msg = EmailMessage(policy=default)
    msg["Subject"] = header_text(subject)
    msg["From"] = mailbox(sender) if sender.email else one_line(sender.name)
    if [p for p in to if p.email]:
        msg["To"] = [mailbox(p) for p in to if p.email]
    if [p for p in cc if p.email]:
        msg["Cc"] = [mailbox(p) for p in cc if p.email]
    msg["Date"] = format_datetime(dt.datetime.now().astimezone())
    msg["Message-ID"] = make_msgid(domain="peerbench.invalid")
    msg["X-Unsent"] = "1"
    msg.set_content(body)
    if attachment is not None:
        mime = mimetypes.guess_type(attachment.name)[0] or "application/octet-stream"
        main, sub = mime.split("/", 1)
        msg.add_attachment(attachment.read_bytes(), maintype=main, subtype=sub, filename=attachment.name)
    return msg
