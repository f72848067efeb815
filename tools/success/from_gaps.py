"""set_improvement_goals: turn an account's benchmark gaps into tracked success goals.

The figures all come from :func:`recommend_improvements` (DESIGN.md: the target is the median
of the reference the account is below, the benchmark first; the stretch its P75; the timeline
30/60/90 days by gap size; checkpoints from the 12-week plan). One goal per gap in the plan,
tied to the catalog metric (so later imports measure it, :mod:`tools.success.tracking`), with
a milestone at each of the plan's checkpoints for that metric. A metric the account already
has a goal for is left alone (said so). Every goal and milestone is created through
``manage_goals`` inside one transaction: all or none.

From a chat the call is previewed and saved only on "yes" (``Tool.writes``, undo included);
the CLI and the API preview unless told to save (``--yes`` / ``confirm``).
"""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, Field

from analytics.catalog import BY_KEY
from reports.format import fmt_number, markdown_table, md_text
from tools.base import FollowUp, Tool, ToolError, ToolInput, ToolOutput
from tools.playbooks.recommend_improvements import (
    Improvement,
    RecommendImprovementsInput,
    RecommendImprovementsOutput,
    recommend_improvements,
)
from tools.store.workspace import Workspace
from tools.success.manage_goals import ManageGoalsInput, manage_goals

#: Catalog category -> goal category (tools.success.rules.CATEGORIES).
GOAL_CATEGORY = {"satisfaction": "satisfaction", "engagement": "adoption", "value": "efficiency",
                 "growth": "revenue", "efficiency": "efficiency", "relationship": "custom"}
KIND_WORDS = {"target": "target", "halfway": "halfway", "stretch": "stretch"}


class SetImprovementGoalsInput(ToolInput):
    customer: str = Field(description="account name as the user wrote it (fuzzy-matched)")
    benchmark: str | None = Field(None, description="benchmark set name; the active set when omitted")
    max_gaps: int = Field(5, ge=1, le=22, description="gaps turned into goals (the plan's, worst first)")
    as_of: dt.date | None = Field(None, description="start date of the goals, default today")


class PlannedMilestone(BaseModel):
    name: str
    date: str
    value: float | None


class PlannedGoal(BaseModel):
    id: int | None = Field(None, description="the goal's id once saved")
    name: str
    metric: str
    reference: str = Field(description="'benchmark' or 'cohort': whose median is the target")
    baseline: float
    target: float
    stretch: float | None
    stretch_percentile: float | None
    start_date: str
    target_date: str
    milestones: list[PlannedMilestone]


class SetImprovementGoalsOutput(ToolOutput):
    customer: str
    goals: list[PlannedGoal]
    skipped: list[str] = Field(default_factory=list, description="gaps not turned into goals, and why")
    message: str
    rules: str

    def preview(self) -> list[str]:
        """What will be created, line by line (the confirmation shows these)."""
        lines = []
        for g in self.goals:
            lines.append(f"Goal '{g.name}': {fmt_value(g.metric, g.baseline)} -> {fmt_value(g.metric, g.target)} "
                         f"by {g.target_date}" + (f" (stretch {fmt_value(g.metric, g.stretch)}, "
                                                  f"P{g.stretch_percentile:.0f})" if g.stretch is not None
                                                  and g.stretch_percentile is not None else ""))
            lines += [f"Milestone '{m.name}' on {m.date}" for m in g.milestones]
        return lines + self.skipped

    def unsaved(self) -> SetImprovementGoalsOutput:
        """This output as a preview: no ids (the dry run's rows were rolled back)."""
        return self.model_copy(update={"goals": [g.model_copy(update={"id": None}) for g in self.goals],
                                       "message": "Not saved (preview): " + self.message})

    def to_markdown(self) -> str:
        return from_gaps_markdown(self)


def fmt_value(metric: str, x: float | None) -> str:
    """A figure as typed in a goal (two decimals at most, '%' for percent metrics): the goal's name
    then shows its exact target, and follows it when the target is edited (manage_goals)."""
    return "-" if x is None else fmt_number(x) + ("%" if BY_KEY[metric].unit == "percent" else "")


def goal_name(metric: str, target: float) -> str:
    m = BY_KEY[metric]
    verb = "Reduce" if m.direction == "lower_is_better" else "Raise"
    return f"{verb} {m.label} to {fmt_value(metric, target)}"


def _planned(item: Improvement, out: RecommendImprovementsOutput, start: dt.date) -> PlannedGoal:
    due = start + dt.timedelta(days=item.timeline_days or 90)
    name = goal_name(item.metric, item.target)
    checkpoints = sorted((c for p in out.plan for c in p.checkpoints if c.metric == item.metric), key=lambda c: c.week)
    milestones = [PlannedMilestone(name=f"{BY_KEY[item.metric].label} {KIND_WORDS.get(c.kind, c.kind)}: "
                                        f"{fmt_value(item.metric, c.value)} (week {c.week})",
                                   date=min(start + dt.timedelta(weeks=c.week), due).isoformat(), value=c.value)
                  for c in checkpoints]
    return PlannedGoal(name=name, metric=item.metric, reference=item.reference, baseline=item.value,
                       target=item.target, stretch=item.stretch, stretch_percentile=item.stretch_percentile,
                       start_date=start.isoformat(), target_date=due.isoformat(), milestones=milestones)


def _existing(ws: Workspace, customer: str) -> dict[str, str]:
    """The account's goals per catalog metric: metric -> goal name."""
    rows = ws.query("SELECT g.metric, g.name FROM goals g JOIN customers c ON c.id = g.customer_id "
                    "WHERE c.name = ? AND g.metric IS NOT NULL ORDER BY g.id", (customer,))
    return {r["metric"]: r["name"] for r in rows}


def _description(g: PlannedGoal, segment: str | None) -> str:
    whose = "the benchmark median" if g.reference == "benchmark" else f"the {segment or 'peer group'} peer median"
    stretch = (f"; stretch {fmt_value(g.metric, g.stretch)} (P{g.stretch_percentile:.0f})"
               if g.stretch is not None and g.stretch_percentile is not None else "")
    return f"From the benchmark gap: target {fmt_value(g.metric, g.target)}, {whose}{stretch}."


def set_improvement_goals(ws: Workspace, inp: SetImprovementGoalsInput) -> SetImprovementGoalsOutput:
    """Create success goals from an account's benchmark gaps (its improvement plan).

    Use for "Set improvement goals for Acme Corp", "turn Acme's gaps into goals". For each gap in
    recommend_improvements' plan: a goal on that catalog metric from the current value (baseline)
    to the median (target; the stretch P75 is noted), due after the plan's timeline, with a
    milestone at each of the plan's checkpoints. Metrics the account already has a goal for are
    skipped. The goals then update themselves when new values of their metric are imported.
    From a chat nothing is saved until the user confirms.
    """
    start = inp.as_of or ws.today()
    rec = recommend_improvements(ws, RecommendImprovementsInput(customer=inp.customer, benchmark=inp.benchmark,
                                                                max_gaps=inp.max_gaps))
    planned_metrics = {c.metric for p in rec.plan for c in p.checkpoints}
    have = _existing(ws, rec.customer)
    goals, skipped = [], []
    for item in rec.improvements:
        if item.metric not in planned_metrics or item.target is None or item.target_met:
            continue
        if item.metric in have:
            skipped.append(f"{BY_KEY[item.metric].label}: already tracked by goal '{have[item.metric]}' (left as it is).")
            continue
        goals.append(_planned(item, rec, start))
    if not goals:
        raise ToolError(f"No new goal to set for {rec.customer}: " + (" ".join(skipped) or "no benchmark gap in the plan."),
                        suggestions=[f"Show {rec.customer}'s goals"])
    with ws.write():  # all goals and milestones, or none
        for g in goals:
            made = manage_goals(ws, ManageGoalsInput(
                action="create", customer=rec.customer, name=g.name, metric=g.metric, baseline=g.baseline,
                target=g.target, category=GOAL_CATEGORY.get(BY_KEY[g.metric].category, "custom"),
                description=_description(g, rec.segment), start_date=start,
                target_date=dt.date.fromisoformat(g.target_date), owner="CSM", as_of=start))
            g.id = made.goal.id if made.goal else None
            for m in g.milestones:
                manage_goals(ws, ManageGoalsInput(action="milestone", customer=rec.customer, goal=str(g.id),
                                                  milestone_name=m.name, date=dt.date.fromisoformat(m.date),
                                                  milestone_description="Checkpoint of the 12-week improvement plan",
                                                  as_of=start))
    n_ms = sum(len(g.milestones) for g in goals)
    return SetImprovementGoalsOutput(
        customer=rec.customer, goals=goals, skipped=skipped, rules=rec.rules,
        message=f"Set {len(goals)} improvement goals for {rec.customer} with {n_ms} milestones from its benchmark gaps.")


def from_gaps_markdown(out: SetImprovementGoalsOutput) -> str:
    rows = [[g.name, fmt_value(g.metric, g.baseline), fmt_value(g.metric, g.target),
             fmt_value(g.metric, g.stretch) if g.stretch is not None else "-", g.target_date,
             "; ".join(f"{m.name} ({m.date})" for m in g.milestones) or "-"] for g in out.goals]
    table = markdown_table(["Goal", "Baseline", "Target (median)", "Stretch (P75)", "Due", "Milestones"], rows)
    skipped = "".join(f"\n- {md_text(s)}" for s in out.skipped)
    return (f"{table}\n" + (f"\nLeft alone:{skipped}\n" if skipped else "")
            + f"\n_{md_text(out.rules)}_")


def follow_ups(out: SetImprovementGoalsOutput) -> list[FollowUp]:
    return [FollowUp.call("Show the goals", "manage_goals", action="list", customer=out.customer)]


TOOL = Tool("set_improvement_goals", SetImprovementGoalsInput, SetImprovementGoalsOutput, set_improvement_goals,
            follow_ups=follow_ups, writes=True, clickable=True, narrative="narrative/set_improvement_goals.md.j2",
            context=lambda inp, out: {"customer": getattr(out, "customer", None) or inp.get("customer"),
                                      "report_kind": "success"},
            step_title=lambda inp: f"improvement goals from the gaps: {inp.get('customer', '')}")
