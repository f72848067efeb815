"""The measurement form ("Update metrics for Acme Corp"): the account's goals and key results with
their latest values (goal_measurement_form), and the values entered saved together in one
confirmed write with undo (record_measurements).
"""

from __future__ import annotations

import datetime as dt
import math

from pydantic import BaseModel, Field

from reports.format import fmt_goal, fmt_number, markdown_table, md_text
from tools.base import FollowUp, Tool, ToolError, ToolInput, ToolOutput
from tools.store.resolve import resolve_customer
from tools.store.workspace import Workspace, now_iso
from tools.success.goals import goal_frame, goal_views
from tools.success.key_results import KeyResultView, key_result_views, measure_key_result
from tools.success.rules import value_problem


class FormField(BaseModel):
    key: str = Field(description="'goal:<id>' or 'kr:<id>'")
    goal: str
    label: str
    unit: str | None
    current: float | None
    last_measured: str | None
    target: float | None


class MeasurementFormInput(ToolInput):
    customer: str = Field(description="account name as the user wrote it (fuzzy-matched)")
    as_of: dt.date | None = Field(None, description="default today")


class MeasurementFormOutput(ToolOutput):
    customer: str
    as_of: str
    fields: list[FormField]
    message: str

    def to_markdown(self) -> str:
        rows = [[f.label, fmt_goal(f.current, f.unit), f.last_measured or "never", fmt_goal(f.target, f.unit)]
                for f in self.fields]
        return "\n".join([md_text(self.message), "",
                          markdown_table(["Measure", "Latest", "Measured", "Target"], rows, "lrlr")])


def goal_measurement_form(ws: Workspace, inp: MeasurementFormInput) -> MeasurementFormOutput:
    """The account's goals and key results with their latest values: the form to record new
    measurements ("Update metrics for Acme Corp"). Nothing is saved here; each value entered is
    recorded with manage_goals (action measure) after the user confirms."""
    as_of = inp.as_of or ws.today()
    cust = resolve_customer(ws, inp.customer)
    frame = goal_frame(ws, as_of, customer_ids=[cust["id"]])
    goals = goal_views(frame) if not frame.empty else []
    krs: dict[int, list[KeyResultView]] = key_result_views(ws, [g.id for g in goals], as_of)
    fields = []
    for g in goals:
        fields.append(FormField(key=f"goal:{g.id}", goal=g.name, label=g.name, unit=g.unit, current=g.current,
                                last_measured=g.last_measured, target=g.target))
        fields += [FormField(key=f"kr:{k.id}", goal=g.name, label=f"{g.name} · {k.name}", unit=k.unit,
                             current=k.current, last_measured=k.last_measured, target=k.target)
                   for k in krs.get(g.id, [])]
    msg = (f"{len(fields)} measures to update for {cust['name']}: enter the new values (each is saved after you confirm)."
           if fields else f"No success goals defined for {cust['name']}.")
    return MeasurementFormOutput(customer=cust["name"], as_of=as_of.isoformat(), fields=fields, message=msg)


def form_follow_ups(out: MeasurementFormOutput) -> list[FollowUp]:
    if not out.fields:
        return [FollowUp.call("Define goals", "define_goals", customer=out.customer)]
    return [FollowUp("Fill in the measurement form", {"form": out.customer})]


FORM_TOOL = Tool("goal_measurement_form", MeasurementFormInput, MeasurementFormOutput, goal_measurement_form,
                 clickable=True,
                 follow_ups=form_follow_ups,
                 context=lambda inp, out: {"customer": out.customer, "report_kind": "success"},
                 step_title=lambda inp: f"measurement form: {inp.get('customer', '')}")


class MeasurementEntry(BaseModel):
    key: str = Field(pattern=r"^(goal|kr):\d{1,12}$", description="a field key of goal_measurement_form")
    value: float


class RecordMeasurementsInput(ToolInput):
    customer: str = Field(description="account name as the user wrote it (fuzzy-matched)")
    values: list[MeasurementEntry] = Field(min_length=1, max_length=100)
    date: dt.date | None = Field(None, description="date of the measurements (default: the as-of date)")


class RecordMeasurementsOutput(ToolOutput):
    customer: str
    recorded: list[str]
    message: str

    def to_markdown(self) -> str:
        return "\n".join([md_text(self.message)] + [f"- {md_text(r)}" for r in self.recorded])


def record_measurements(ws: Workspace, inp: RecordMeasurementsInput) -> RecordMeasurementsOutput:
    """Save the values entered in the measurement form: each goal or key result measured on the date
    (one write; the user confirms it and can undo it). Only the account's own goals are accepted."""
    cust = resolve_customer(ws, inp.customer)
    day = (inp.date or ws.today()).isoformat()
    goals = {r["id"]: r for r in ws.query("SELECT * FROM goals WHERE customer_id = ?", (cust["id"],))}
    krs = {r["id"]: r for r in ws.query(
        "SELECT k.*, g.name AS goal_name FROM key_results k JOIN goals g ON g.id = k.goal_id "
        "WHERE g.customer_id = ?", (cust["id"],))}
    plan = []
    for e in inp.values:
        kind, ident = e.key.split(":")
        row = (goals if kind == "goal" else krs).get(int(ident))
        if row is None:
            raise ToolError(f"'{e.key}' is not a goal or key result of {cust['name']}.")
        if not math.isfinite(e.value) or (problem := value_problem(row, e.value)):
            raise ToolError(f"{fmt_number(e.value)} for '{row['name']}' is not plausible; expected "
                            f"{problem if math.isfinite(e.value) else 'a finite number'}.")
        if kind == "goal" and row["start_date"] and day < row["start_date"]:
            raise ToolError(f"{day} is before the start date of '{row['name']}' ({row['start_date']}).")
        plan.append((kind, row, e.value))
    with ws.write() as db:
        for kind, row, value in plan:
            if kind == "goal":
                db.execute("DELETE FROM goal_measurements WHERE goal_id = ? AND date = ?", (row["id"], day))
                db["goal_measurements"].insert({"goal_id": row["id"], "date": day, "value": value})
                db["goals"].update(row["id"], {"updated_at": now_iso()})
            else:
                measure_key_result(db, row["id"], value, day)
    recorded = [f"{row['goal_name'] + ' · ' if kind == 'kr' else ''}{row['name']}: {fmt_goal(value, row['unit'])}"
                for kind, row, value in plan]
    return RecordMeasurementsOutput(customer=cust["name"], recorded=recorded,
                                    message=f"Recorded {len(plan)} measurement{'s' if len(plan) != 1 else ''} "
                                            f"for {cust['name']} on {day}.")


RECORD_TOOL = Tool("record_measurements", RecordMeasurementsInput, RecordMeasurementsOutput, record_measurements,
                   writes=True, clickable=True,
                   context=lambda inp, out: {"customer": inp.get("customer"), "report_kind": "success"},
                   step_title=lambda inp: f"measurements: {inp.get('customer', '')}")
