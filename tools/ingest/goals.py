"""Import success goals from a CSV/XLSX file: strict, all or nothing.

Columns (header matching is case and punctuation insensitive):

- required: ``customer, goal, category, metric, baseline, target, current, unit, start_date,
  target_date``; every row needs ``customer`` (an existing account, exact name), ``goal``,
  ``target``, ``start_date`` and ``target_date`` (ISO dates, target after start). ``baseline``
  and ``current`` may be blank (the goal then shows "Baseline not set" / "No measurement
  yet"); a blank ``category`` is ``custom``; a blank ``unit`` takes the catalog metric's unit.
- optional: ``owner, weight, value_type, value_amount`` (annual dollars, when known directly),
  ``description, direction, current_date`` (date of ``current``; default the import date) and
  the value inputs ``hours_saved_per_unit, units_per_month, hourly_rate, unit_name`` (time
  saved) or ``monthly_amount`` (cost reduction / revenue increase).

The whole file is validated first; any problem (unknown customer or column, bad number,
date or unit, target equal to baseline, target date not after start, duplicate goal, value
type without its inputs) fails the import with every problem listed, and nothing is
written. A goal already stored for the customer under the same name is updated; ``current``
becomes that goal's measurement for its date (replacing one of the same date).
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from pydantic import Field

from analytics import goals as ag
from analytics.catalog import metric_for, normalise_label
from analytics.units import UNITS
from tools.base import ToolError, ToolOutput
from tools.ingest import goal_extras as extras
from tools.ingest.problems import Problems
from tools.ingest.reader import Table, read_table
from tools.ingest.values import BadValue, clean_text, parse_date, parse_number
from tools.store.resolve import close_matches
from tools.store.workspace import Workspace, now_iso
from tools.success.categories import canonical
from tools.success.rules import (
    CATEGORIES,
    GoalProblem,
    normalise_unit,
    validate_goal,
    value_problem,
)

REQUIRED = ("customer", "goal", "category", "metric", "baseline", "target", "current", "unit",
            "start_date", "target_date")
OPTIONAL = ("owner", "weight", "value_type", "value_amount", "description", "direction", "current_date",
            "hours_saved_per_unit", "units_per_month", "hourly_rate", "unit_name", "monthly_amount",
            *extras.COLUMNS)
INPUT_KEYS = ("hours_saved_per_unit", "units_per_month", "hourly_rate", "monthly_amount")
_ALIASES = {
    "customer name": "customer", "account": "customer", "account name": "customer", "name": "customer",
    "goal name": "goal", "baseline value": "baseline", "target value": "target", "current value": "current",
    "start": "start_date", "due date": "target_date", "due": "target_date", "deadline": "target_date",
    "annual value": "value_amount", "value": "value_amount", "measured at": "current_date",
    "measurement date": "current_date", "as of": "current_date", **extras.ALIASES,
}


class GoalsImportOutput(ToolOutput):
    file: str
    goals_created: int
    goals_updated: int
    measurements: int
    customers: int
    summary: str
    notes: list[str] = Field(default_factory=list, description="normalisations applied while reading")
    key_results: int = Field(0, description="key result rows imported (goals with several metrics)")
    quotes: int = Field(0, description="customer quotes attached to goals")


def column_of(header: str) -> str | None:
    """The goals-file column a header names, or None.

    >>> column_of("Start Date"), column_of("Hourly rate"), column_of("Account")
    ('start_date', 'hourly_rate', 'customer')
    """
    norm = normalise_label(header)
    key = norm.replace(" ", "_")
    if key in REQUIRED or key in OPTIONAL:
        return key
    return _ALIASES.get(norm)


def looks_like_goals(headers: list[str]) -> bool:
    """A goals file has customer, goal and target columns (for ``peerbench load`` detection)."""
    cols = {column_of(h) for h in headers}
    return {"customer", "goal", "target"} <= cols


def _columns(table: Table, probs: Problems) -> dict[str, int]:
    cols: dict[str, int] = {}
    for j, h in enumerate(table.headers):
        key = column_of(h)
        if key is None:
            probs.add_message("not a goals column; expected only " + ", ".join(REQUIRED + OPTIONAL),
                              table.header_row, h)
        elif key in cols:
            probs.add_message(f"a second '{key}' column; expected it once", table.header_row, h)
        else:
            cols[key] = j
    for key in REQUIRED:
        if key not in cols:
            probs.add_message("this required column is missing from the header", table.header_row, key)
    return cols


class _Row:
    """Typed access to one row's cells, adding a problem for each bad cell."""

    def __init__(self, table: Table, i: int, cols: dict[str, int], probs: Problems):
        self.cells, self.rownum, self.cols, self.probs = table.rows[i], table.row_numbers[i], cols, probs
        self.decimal_comma, self.headers, self.ok = table.decimal_comma, table.headers, True

    def raw(self, key: str) -> str:
        return self.cells[self.cols[key]] if key in self.cols else ""

    def bad(self, key: str, expected: str, *, sentence: bool = False) -> None:
        """A problem with a cell: "value, expected ...", or a whole sentence about the row."""
        self.ok = False
        column = self.headers[self.cols[key]] if key in self.cols else key
        if sentence:
            self.probs.add_message(expected, self.rownum, column)
        else:
            self.probs.add(self.rownum, column, self.raw(key), expected)

    def parse(self, key: str, fn, *, required: bool = False):
        try:
            value = fn(self.raw(key))
        except BadValue as exc:
            self.bad(key, str(exc))
            return None
        if value is None and required:
            self.bad(key, "a value (this column is required)")
        return value

    def text(self, key: str, *, required: bool = False) -> str | None:
        return self.parse(key, clean_text, required=required)

    def number(self, key: str, *, money: bool = False, required: bool = False, lo: float | None = None):
        n = self.parse(key, lambda s: parse_number(s, decimal_comma=self.decimal_comma, money=money),
                       required=required)
        if n is None:
            return None
        if lo is not None and n.value < lo:
            self.bad(key, f"a number of {lo:g} or more")
            return None
        return n.value


def _goal_record(r: _Row, customers: dict[str, dict], as_of: dt.date) -> tuple[dict, float | None, str] | None:
    name = r.text("customer", required=True)
    cust = customers.get(name.casefold()) if name else None
    if name and cust is None:
        near = close_matches([c["name"] for c in customers.values()], name, limit=3)
        r.bad("customer", "an existing customer name" + (f" (did you mean {', '.join(near)}?)" if near else ""))
    goal = {"name": r.text("goal", required=True), "description": r.text("description"), "owner": r.text("owner")}
    category = canonical(r.text("category") or "custom")
    if category is None:
        r.bad("category", "one of " + ", ".join(CATEGORIES) + " (or operational, financial, strategic, ...)")
    goal["category"] = category or "custom"
    metric_text = r.text("metric")
    metric = metric_for(metric_text) if metric_text else None
    goal["metric"] = metric.key if metric else metric_text
    unit = r.text("unit")
    try:
        goal["unit"] = normalise_unit(unit) if unit else (metric.unit if metric else None)
    except ToolError:
        r.bad("unit", "a known unit (" + ", ".join(UNITS) + ", or a rate such as 'hours / month')")
    money = goal.get("unit") == "dollars"
    goal["baseline"] = r.number("baseline", money=money)
    goal["target"] = r.number("target", money=money, required=True)
    current = r.number("current", money=money)
    goal["start_date"] = r.parse("start_date", parse_date, required=True)
    goal["target_date"] = r.parse("target_date", parse_date, required=True)
    when = r.parse("current_date", parse_date) or max(as_of.isoformat(), goal["start_date"] or "")
    direction = (r.text("direction") or "").lower() or None
    if direction not in (None, "increase", "decrease"):
        r.bad("direction", "increase or decrease")
    goal["direction"] = direction
    goal["weight"] = r.number("weight", lo=0.000001)
    goal["value_amount"] = r.number("value_amount", money=True, lo=0)
    value_type = (r.text("value_type") or "").lower() or None
    if value_type not in (None, *ag.VALUE_TYPES):
        r.bad("value_type", "one of " + ", ".join(ag.VALUE_TYPES))
    goal["value_type"] = value_type
    inputs = {k: v for k in INPUT_KEYS if (v := r.number(k, money=k in ("hourly_rate", "monthly_amount"), lo=0))
              is not None}
    if r.text("unit_name"):
        inputs["unit_name"] = r.text("unit_name")
    goal["value_inputs_json"] = json.dumps(inputs, sort_keys=True) if inputs else None
    # Checked here too so that a row with several problems reports them all.
    if goal["start_date"] and goal["target_date"] and goal["target_date"] <= goal["start_date"]:
        r.bad("target_date", f"a date after the start date {goal['start_date']}")
    if goal["target"] is not None and goal["target"] == goal["baseline"]:
        r.bad("target", "a target different from the baseline (a goal must move the metric)")
    if not r.ok:
        return None
    try:
        validate_goal(goal)
    except GoalProblem as exc:
        r.bad(_COLUMN_OF_FIELD.get(exc.field, exc.field), exc.message, sentence=True)
        return None
    if current is not None and (problem := value_problem(goal, current)):
        r.bad("current", problem)
        return None
    return {**goal, "customer_id": cust["id"]}, current, when


_COLUMN_OF_FIELD = {"name": "goal"}  # validate_goal's field names where the file's column differs


def validate_rows(ws: Workspace, table: Table, as_of: dt.date) -> list[tuple]:
    """Every goal row typed and checked; raises ImportFailed listing every problem."""
    return validate_file(ws, table, as_of)[0]


def validate_file(ws: Workspace, table: Table, as_of: dt.date) -> tuple[list[tuple], list[dict]]:
    """Goal rows (goal, current, date, quote) and key result rows, every one checked; raises ImportFailed
    listing every problem."""
    probs = Problems(table.file)
    cols = _columns(table, probs)
    probs.raise_if_any()
    customers = {r["name"].casefold(): r for r in ws.query("SELECT id, name FROM customers")}
    records, seen = [], {}
    krs: list[dict] = []
    for i in range(len(table.rows)):
        row = _Row(table, i, cols, probs)
        if extras.is_key_result_row(row):  # a key result of a goal, not a goal
            kr = extras.key_result_record(row, customers, as_of)
            krs += [kr] if kr else []
            continue
        rec = _goal_record(row, customers, as_of)
        if rec is not None:
            rec = (*rec, extras.quote_record(row, as_of))
        if rec is None:
            continue
        key = (rec[0]["customer_id"], rec[0]["name"].casefold())
        if key in seen:
            row.bad("goal", f"the same goal of the same customer is already on row {seen[key]}; "
                            "expected one row per customer and goal", sentence=True)
            continue
        seen[key] = row.rownum
        records.append(rec)
    extras.check_goals_exist(ws, krs, set(seen), probs)
    probs.raise_if_any()
    return records, krs


def write_goals(ws: Workspace, records: list[tuple], krs: list[dict] | None = None) -> tuple[int, int, int]:
    """Insert or update the goals and their current values (and key results and quotes) in one transaction."""
    created = updated = measured = 0
    now = now_iso()
    with ws.write() as db:
        for goal, current, when, *_ in records:
            found = db.execute("SELECT id FROM goals WHERE customer_id = ? AND name = ? COLLATE NOCASE",
                               (goal["customer_id"], goal["name"])).fetchone()
            goal = {**goal, "weight": goal["weight"] or 1.0, "updated_at": now}
            if found:
                gid = found[0]
                db["goals"].update(gid, goal)
                updated += 1
            else:
                gid = db["goals"].insert({**goal, "created_at": now}).last_pk
                created += 1
            if current is not None:
                db.execute("DELETE FROM goal_measurements WHERE goal_id = ? AND date = ?", (gid, when))
                db["goal_measurements"].insert({"goal_id": gid, "date": when, "value": current})
                measured += 1
        quotes = [(g["customer_id"], g["name"], rest[0]) for g, _, _, *rest in records if rest and rest[0]]
        extras.write_extras(db, krs or [], quotes)
    return created, updated, measured


def import_goals(ws: Workspace, path: str | Path, sheet: str | None = None, *, display_name: str | None = None,
                 as_of: dt.date | None = None, table: Table | None = None) -> GoalsImportOutput:
    """Import a goals CSV/XLSX (see the module docstring); all rows or none.

    ``table`` is the file already read by ``tools.ingest.load.load_file`` (not read again);
    ``as_of`` dates the ``current`` values when the file has no ``current_date`` (default today).
    Raises ImportFailed listing every problem; nothing is written then.
    """
    table = table or read_table(path, sheet=sheet, display_name=display_name)
    records, krs = validate_file(ws, table, as_of or ws.today())
    created, updated, measured = write_goals(ws, records, krs)
    n_customers = len({g["customer_id"] for g, *_ in records})
    n_quotes = sum(1 for _, _, _, *rest in records if rest and rest[0])
    summary = (f"Imported {len(records)} goals for {n_customers} customers from {table.file}: {created} new, "
               f"{updated} updated, {measured} current values recorded.")
    if krs or n_quotes:
        summary += f" {len(krs)} key results and {n_quotes} customer quotes."
    return GoalsImportOutput(file=table.file, goals_created=created, goals_updated=updated, measurements=measured,
                             customers=n_customers, summary=summary, notes=table.notes, key_results=len(krs),
                             quotes=n_quotes)
