"""Key results and quotes in a goals file (issue 20).

- A **key result row** has a ``key_result`` cell: the key result's name. Its ``customer`` and ``goal``
  name the goal (a goal row of the same file, or one already stored); ``baseline`` and ``target`` are
  required, ``current`` (dated ``current_date``), ``unit``, ``frequency`` (weekly, monthly, quarterly,
  annually) and ``weight`` optional; its other cells (dates, category, values) are ignored.
- A goal row may carry a customer quote: ``quote`` (what was said), ``quote_by`` (who), ``quote_date``.

Both are validated with the rest of the file and written in the same transaction (all or nothing).
"""

from __future__ import annotations

from tools.base import ToolError
from tools.ingest.values import parse_date
from tools.success.key_results import FREQUENCIES, check_key_result, save_key_result
from tools.success.quotes import clean_quote, insert_quote

COLUMNS = ("key_result", "frequency", "quote", "quote_by", "quote_date")
ALIASES = {"kr": "key_result", "key result name": "key_result", "measured": "frequency", "cadence": "frequency",
           "customer quote": "quote", "quoted by": "quote_by", "said by": "quote_by", "quote person": "quote_by"}


def is_key_result_row(row) -> bool:
    return bool((row.raw("key_result") or "").strip())


def key_result_record(row, customers: dict[str, dict], as_of) -> dict | None:
    """A key result row typed and checked; None (with the row's problems added) when it is not valid."""
    name = row.text("customer", required=True)
    cust = customers.get(name.casefold()) if name else None
    if name and cust is None:
        row.bad("customer", "an existing customer name")
    goal = row.text("goal", required=True)
    kr = {"name": row.text("key_result", required=True), "unit": row.text("unit"),
          "baseline": row.number("baseline", required=True), "target": row.number("target", required=True),
          "frequency": (row.text("frequency") or "monthly").lower(), "weight": row.number("weight", lo=0.000001)}
    current = row.number("current")
    when = row.parse("current_date", parse_date) or as_of.isoformat()
    if kr["frequency"] not in FREQUENCIES:
        row.bad("frequency", "one of " + ", ".join(FREQUENCIES))
    if not row.ok:
        return None
    try:
        kr = check_key_result(kr)
    except ToolError as exc:
        row.bad("key_result", exc.message, sentence=True)
        return None
    return {"customer_id": cust["id"], "goal": goal, "kr": kr, "current": current, "date": when, "row": row.rownum}


def quote_record(row, as_of) -> dict | None:
    text = clean_quote(row.text("quote"))
    if not text:
        return None
    return {"text": text, "person": row.text("quote_by"),
            "date": row.parse("quote_date", parse_date) or as_of.isoformat()}


def check_goals_exist(ws, krs: list[dict], file_goals: set[tuple[int, str]], probs) -> None:
    """Each key result's goal is a goal of the file or one already stored for that customer."""
    for k in krs:
        key = (k["customer_id"], k["goal"].casefold())
        if key in file_goals:
            continue
        if not ws.query("SELECT 1 FROM goals WHERE customer_id = ? AND name = ? COLLATE NOCASE",
                        (k["customer_id"], k["goal"])):
            probs.add(k["row"], "goal", k["goal"], "a goal of this customer (a goal row of this file, or a goal "
                                                   "already stored)")


def write_extras(db, krs: list[dict], quotes: list[tuple[int, str, dict]]) -> tuple[int, int]:
    """Key results and quotes, inside the import's transaction; (key results, quotes) written."""
    for k in krs:
        gid = db.execute("SELECT id FROM goals WHERE customer_id = ? AND name = ? COLLATE NOCASE",
                         (k["customer_id"], k["goal"])).fetchone()[0]
        save_key_result(db, gid, k["kr"], k["current"], k["date"])
    for customer_id, goal, q in quotes:
        gid = db.execute("SELECT id FROM goals WHERE customer_id = ? AND name = ? COLLATE NOCASE",
                         (customer_id, goal)).fetchone()[0]
        if not db.execute("SELECT 1 FROM goal_quotes WHERE goal_id = ? AND text = ?", (gid, q["text"])).fetchone():
            insert_quote(db, gid, q["text"], q["person"], q["date"], source="import")
    return len(krs), len(quotes)
