"""manage_benchmarks: the user's controls over a stored benchmark set (active, name, primary source)."""

from __future__ import annotations

from pydantic import Field

from tools.base import Tool, ToolError, ToolInput, ToolOutput
from tools.benchmarks.list_benchmarks import BenchmarkSetView, set_view
from tools.benchmarks.write import activate_set, prefer_source, rename_set


class ManageBenchmarksInput(ToolInput):
    name: str = Field(max_length=120, description="the benchmark set, as listed by list_benchmarks")
    activate: bool | None = Field(None, description="True: make it the active set (the default for questions "
                                                    "that name no set). Only when the user asks.")
    rename: str | None = Field(None, max_length=100, description="a new human name for the set, as the user gives it")
    prefer_source: str | None = Field(None, max_length=200,
                                      description="the source to use as the primary reference where several cover "
                                                  "one metric and scope; '' returns to the default rule")


class ManageBenchmarksOutput(ToolOutput):
    set: BenchmarkSetView
    changes: list[str]

    def to_markdown(self) -> str:
        return " ".join(self.changes)


def manage_benchmarks(ws, inp: ManageBenchmarksInput) -> ManageBenchmarksOutput:
    """Change a stored benchmark set as the user asked: make it active, rename it, or choose its primary source.

    Use only when the user asks ("use CS Index as the default benchmark", "call that set
    'Gainsight Pulse 2025'", "prefer SaaS Capital where sources overlap"). Returns the set
    and what changed, in words to relay.
    """
    if inp.activate is None and inp.rename is None and inp.prefer_source is None:
        raise ToolError("Say what to change: activate, rename or prefer_source.")
    name, changes = inp.name, []
    if inp.rename is not None:
        bset = rename_set(ws, name, inp.rename)
        changes.append(f"Renamed '{name}' to **{bset['name']}**.")
        name = bset["name"]
    if inp.prefer_source is not None:
        bset = prefer_source(ws, name, inp.prefer_source or None)
        changes.append(f"**{bset['name']}** now uses {bset['prefer_source']} as the primary reference where it "
                       "covers a metric and scope." if bset["prefer_source"] else
                       f"**{bset['name']}** uses the most recent source, then the largest sample, as primary.")
    if inp.activate:
        bset = activate_set(ws, name)
        changes.append(f"**{bset['name']}** is now the active benchmark set: questions that name no set use it.")
    elif inp.activate is False:
        raise ToolError("A set stops being active when another one is made active; name the set to activate.")
    return ManageBenchmarksOutput(set=set_view(ws, name), changes=changes)


TOOL = Tool("manage_benchmarks", ManageBenchmarksInput, ManageBenchmarksOutput, manage_benchmarks,
            clickable=True, context=lambda inp, out: {"benchmark": out.set.name},
            step_title=lambda inp: f"benchmark set: {inp.get('name', '')}")
