"""build_cohort: define a peer group, report its size and make-up, optionally save it."""

from __future__ import annotations

from pydantic import Field

from analytics.privacy import MIN_COHORT
from reports.format import md_text
from tools.base import Tool, ToolError, ToolInput, ToolOutput
from tools.compare.cohorts import (
    CohortCriteria,
    composition,
    criteria_mask,
    describe,
    guard_differencing,
    saved_cohort,
)
from tools.store.frames import customers_frame
from tools.store.workspace import Workspace, now_iso


class BuildCohortInput(ToolInput, CohortCriteria):
    save_as: str | None = Field(None, description="save the peer group under this name for reuse")


class BuildCohortOutput(ToolOutput):
    size: int
    description: str
    criteria: CohortCriteria
    sufficient: bool
    composition: dict[str, dict[str, int]]
    saved_as: str | None = None
    message: str

    def to_markdown(self) -> str:
        lines = [f"**Peer group:** {md_text(self.description)}: {self.size} accounts.", "", md_text(self.message)]
        for dim, counts in self.composition.items():
            label = {"segment": "Segment", "industry": "Industry", "arr_band": "ARR band"}[dim]
            lines.append(f"- {label}: " + ", ".join(f"{md_text(k, True)} {v}" for k, v in counts.items()))
        return "\n".join(lines)


def _refers_to(ws: Workspace, criteria: CohortCriteria, name: str) -> bool:
    """Whether ``criteria`` start, directly or through saved cohorts, from the cohort ``name``."""
    seen, current = set(), criteria.saved
    while current and current.strip().casefold() not in seen:
        if current.strip().casefold() == name.strip().casefold():
            return True
        seen.add(current.strip().casefold())
        current = saved_cohort(ws, current).saved
    return False


def build_cohort(ws: Workspace, inp: BuildCohortInput) -> BuildCohortOutput:
    """Define a peer group of accounts and report how many match and their make-up.

    Use when the user asks how many accounts are in a peer group, or wants to
    save one ("Enterprise SaaS over $100K ARR"). Returns the member count, a
    description and the composition by segment, industry and ARR band (hidden
    when fewer than 10 accounts match, for anonymity). Optionally saves it.
    """
    criteria = CohortCriteria(**inp.model_dump(exclude={"save_as"}))
    customers = customers_frame(ws)
    members = customers[criteria_mask(customers, criteria, ws)]
    size = int(len(members))
    sufficient = size >= MIN_COHORT
    if sufficient:
        guard_differencing(ws, members.index)
    message = ("Large enough to benchmark against." if sufficient else
               f"Only {size} accounts match: peer aggregates need at least {MIN_COHORT} "
               "(anonymity). Widen the criteria, e.g. drop the industry or lower the ARR floor.")
    if inp.save_as:
        if not inp.save_as.strip():
            raise ToolError("A saved peer group needs a name.")
        if _refers_to(ws, criteria, inp.save_as):
            raise ToolError(f"A peer group cannot be saved as '{inp.save_as.strip()}' and also start from it; "
                            "give it another name.")
        with ws.write() as db:
            db["cohorts"].upsert({"name": inp.save_as.strip(), "criteria_json": criteria.model_dump_json(),
                                  "size": size, "created_at": now_iso()}, pk="name")
    return BuildCohortOutput(size=size, description=describe(criteria), criteria=criteria,
                             sufficient=sufficient, composition=composition(members) if sufficient else {},
                             saved_as=inp.save_as, message=message)


TOOL = Tool("build_cohort", BuildCohortInput, BuildCohortOutput, build_cohort,
            step_title=lambda inp: "peer group size" + (f" (saved as {inp['save_as']})" if inp.get("save_as") else ""))
