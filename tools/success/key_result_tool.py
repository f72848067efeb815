"""add_key_result: add (or change) a key result of a goal, with an optional first measurement."""

from __future__ import annotations

import datetime as dt

from pydantic import Field

from reports.format import fmt_share, md_text
from tools.base import Tool, ToolInput, ToolOutput
from tools.store.resolve import resolve_customer
from tools.store.workspace import Workspace
from tools.success.goals import goal_frame, goal_views
from tools.success.key_results import FREQUENCIES, KeyResultView, key_result_views, kr_table, save_key_result
from tools.success.quotes import _goal_of


class AddKeyResultInput(ToolInput):
    customer: str = Field(description="account name as the user wrote it (fuzzy-matched)")
    goal: str = Field(description="goal id or name (or a word of it)")
    name: str = Field(description="what the key result measures, e.g. 'Teams onboarded with the playbook'")
    baseline: float
    target: float
    unit: str | None = Field(None, description="percent, score, count, dollars, days, hours, ...")
    frequency: str | None = Field(None, description="how often it is measured: " + ", ".join(FREQUENCIES))
    weight: float | None = Field(None, description="weight among the goal's key results (default 1)")
    current: float | None = Field(None, description="a first measurement (dated `date`)")
    date: dt.date | None = Field(None, description="date of `current` (default: the as-of date)")


class AddKeyResultOutput(ToolOutput):
    customer: str
    goal: str
    key_results: list[KeyResultView]
    achievement_pct: float | None = Field(description="the goal's achievement from its key results")
    status: str
    message: str

    def to_markdown(self) -> str:
        return "\n".join([md_text(self.message), "", kr_table(self.key_results), "",
                          f"Goal achievement from its key results: {fmt_share(self.achievement_pct)} ({self.status})."])


def add_key_result(ws: Workspace, inp: AddKeyResultInput) -> AddKeyResultOutput:
    """Add a key result (another metric) to one of an account's goals, or change one of the same name:
    baseline, target, unit, how often it is measured, an optional first measurement. Once a goal has key
    results its achievement is the weighted mean of theirs, each capped at 100%, and it is achieved
    when every key result is. The user confirms before it is saved and can undo it.
    """
    cust = resolve_customer(ws, inp.customer)
    goal = _goal_of(ws, cust, inp.goal)
    as_of = ws.today()
    record = {"name": inp.name, "baseline": inp.baseline, "target": inp.target, "unit": inp.unit,
              "frequency": inp.frequency, "weight": inp.weight}
    with ws.write() as db:
        save_key_result(db, goal["id"], record, inp.current, (inp.date or as_of).isoformat())
    end = max(as_of, inp.date or as_of)
    view = goal_views(goal_frame(ws, end, goal_ids=[goal["id"]]))[0]
    return AddKeyResultOutput(customer=cust["name"], goal=goal["name"],
                              key_results=key_result_views(ws, [goal["id"]], end).get(goal["id"], []),
                              achievement_pct=view.achievement_pct, status=view.status,
                              message=f"Key result '{inp.name.strip()}' saved on {cust['name']}'s goal '{goal['name']}'.")


TOOL = Tool("add_key_result", AddKeyResultInput, AddKeyResultOutput, add_key_result, writes=True,
            context=lambda inp, out: {"customer": inp.get("customer"), "report_kind": "success"},
            step_title=lambda inp: f"key result: {inp.get('customer', '')}")
