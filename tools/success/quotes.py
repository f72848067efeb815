"""Customer quotes attached to goals (from QBR notes): text, person, date.

Quote text is untrusted: it is cleaned on the way in (control, zero-width and bidi characters
removed, whitespace collapsed, capped at :data:`MAX_QUOTE` characters) and escaped on the way out
by each medium's writer (md_text in chat and Markdown, the XML/HTML writers in documents).
A quote belongs to one goal, so to one customer: everything that shows quotes reads them by the
goal ids of one account (:func:`quotes_for`), so a customer-facing file never carries another
customer's quote.
"""

from __future__ import annotations

import datetime as dt
import re

from pydantic import BaseModel, Field

from reports.format import clean_text, md_text
from tools.base import Tool, ToolError, ToolInput, ToolOutput
from tools.store.resolve import resolve_customer
from tools.store.workspace import Workspace, now_iso
from tools.success.goals import find_goal

MAX_QUOTE = 600
MAX_PERSON = 120
_FILLER = {"goal", "goals", "the", "and", "for", "our", "their"}


class QuoteView(BaseModel):
    id: int
    goal_id: int
    goal: str | None = None
    text: str
    person: str | None = None
    date: str | None = None


def clean_quote(text: str | None, limit: int = MAX_QUOTE) -> str:
    """One line of plain text: unsafe characters removed, whitespace collapsed, surrounding quote marks
    dropped, capped at ``limit`` characters.

    >>> clean_quote('  "We finally\\n trust\\u202e the numbers"  ')
    'We finally trust the numbers'
    """
    text = " ".join(clean_text(text or "").split())
    text = text.strip("\"'“”‘’ ")
    return text[:limit].rstrip()


def quotes_for(ws: Workspace, goal_ids: list[int]) -> dict[int, list[QuoteView]]:
    """Quotes of these goals (newest first), by goal id."""
    if not goal_ids:
        return {}
    rows = ws.query(f"SELECT q.*, g.name AS goal_name FROM goal_quotes q JOIN goals g ON g.id = q.goal_id "
                    f"WHERE q.goal_id IN ({', '.join('?' * len(goal_ids))}) ORDER BY q.date DESC, q.id DESC",
                    tuple(goal_ids))
    out: dict[int, list[QuoteView]] = {}
    for r in rows:
        out.setdefault(r["goal_id"], []).append(QuoteView(id=r["id"], goal_id=r["goal_id"], goal=r["goal_name"],
                                                          text=r["text"], person=r["person"], date=r["date"]))
    return out


def insert_quote(db, goal_id: int, text: str, person: str | None, date: str | None, source: str = "chat") -> int:
    """Store a cleaned quote (inside a write); ToolError when nothing is left of its text."""
    body = clean_quote(text)
    if len(body) < 2:
        raise ToolError("A quote needs its text (what the customer said).")
    who = clean_quote(person, MAX_PERSON) or None
    return db["goal_quotes"].insert({"goal_id": goal_id, "text": body, "person": who, "date": date,
                                     "source": source, "created_at": now_iso()}).last_pk


def quote_line(q: QuoteView) -> str:
    """'"text" (Jane Doe, 3 Nov 2026)' as Markdown, the text escaped."""
    who = ", ".join(x for x in (q.person, q.date) if x)
    return f"“{md_text(q.text, True)}”" + (f" ({md_text(who, True)})" if who else "")


# ---------------------------------------------------------------------------
# the tool


class AddGoalQuoteInput(ToolInput):
    customer: str = Field(description="account name as the user wrote it (fuzzy-matched)")
    goal: str = Field(description="goal id or name (or a word of its name, e.g. 'NPS', 'reporting')")
    text: str = Field(description="what the customer said, without surrounding quote marks")
    person: str | None = Field(None, description="who said it, e.g. 'Jane Doe, VP Support'")
    date: dt.date | None = Field(None, description="when it was said (default: the as-of date)")


class AddGoalQuoteOutput(ToolOutput):
    customer: str
    goal: str
    quote: QuoteView
    message: str

    def to_markdown(self) -> str:
        return f"{md_text(self.message)}\n\n> {quote_line(self.quote)}"


def _goal_of(ws: Workspace, cust: dict, ref: str) -> dict:
    """A goal of this customer by id, name, a word of its name, or its metric ("NPS")."""
    try:
        return find_goal(ws, ref, cust["id"])
    except ToolError as first:
        rows = ws.query("SELECT g.*, c.name AS customer FROM goals g JOIN customers c ON c.id = g.customer_id "
                        "WHERE g.customer_id = ? ORDER BY g.id", (cust["id"],))
        words = [w for w in re.findall(r"[a-z0-9]+", ref.lower()) if len(w) >= 3 and w not in _FILLER]
        scores = [sum(w in f"{r['name']} {r['metric'] or ''}".lower() for w in words) for r in rows]
        best = max(scores, default=0)
        if best and scores.count(best) == 1:  # the goal naming most of the words typed, when only one does
            return rows[scores.index(best)]
        raise first


def add_goal_quote(ws: Workspace, inp: AddGoalQuoteInput) -> AddGoalQuoteOutput:
    """Attach a customer quote (from QBR notes or a call) to one of the account's goals.

    Use for "add a quote to Acme's NPS goal: '...' - Jane Doe". The quote is shown in the goal
    detail (show_goal) and in the success report's goal details; the user confirms before it is
    saved, and can undo it.
    """
    cust = resolve_customer(ws, inp.customer)
    goal = _goal_of(ws, cust, inp.goal)
    day = (inp.date or ws.today()).isoformat()
    with ws.write() as db:
        qid = insert_quote(db, goal["id"], inp.text, inp.person, day)
    quote = quotes_for(ws, [goal["id"]])[goal["id"]]
    view = next(q for q in quote if q.id == qid)
    return AddGoalQuoteOutput(customer=cust["name"], goal=goal["name"], quote=view,
                              message=f"Added a quote to {cust['name']}'s goal '{goal['name']}'.")


TOOL = Tool("add_goal_quote", AddGoalQuoteInput, AddGoalQuoteOutput, add_goal_quote, writes=True,
            context=lambda inp, out: {"customer": inp.get("customer"), "report_kind": "success"},
            step_title=lambda inp: f"goal quote: {inp.get('customer', '')}")
