"""The chat settings panel: benchmark set, default peer group, anonymity, CSM name, report look.

The values come back from the browser, so they are validated (:class:`Prefs`)
before they reach the agent's :class:`~agent.session.Settings`; an unknown
benchmark set or cohort type falls back to the default rather than failing.
"""

from __future__ import annotations

import dataclasses
import os

import chainlit as cl
from pydantic import BaseModel, Field, ValidationError, field_validator

from agent.session import Settings
from tools.base import ToolError
from tools.inputs import check_text, control_character, visible
from tools.report.branding import accent_colour
from tools.store.workspace import Workspace

ACTIVE = "(active set)"  # the stored preference for "whatever set is active"; shown with the set's name
COHORT_TYPES = {"segment": "Same segment", "industry": "Same industry", "size": "Similar size (ARR band)",
                "region": "Same region", "contract_age": "Similar contract age", "all": "All accounts"}


class Prefs(BaseModel):
    """What the user may set in the panel."""

    benchmark_set: str = Field("", max_length=120)   # "" = the workspace's active set
    cohort_type: str = "segment"
    anonymise: bool = True
    csm_name: str = Field("", max_length=80)
    report_accent: str = Field("", max_length=7)     # the workspace's brand_accent setting ("" = default navy)
    report_hide: str = Field("", max_length=200)     # its report_hide setting: names, comma-separated

    @field_validator("report_accent")
    @classmethod
    def _hex(cls, v: str) -> str:
        try:
            return accent_colour(v) if v.strip() else ""
        except ToolError as exc:
            raise ValueError(str(exc)) from None

    @field_validator("report_hide")
    @classmethod
    def _names(cls, v: str) -> str:
        return ",".join(x.strip().lower() for x in v.split(",") if x.strip())

    @field_validator("cohort_type")
    @classmethod
    def _known_cohort(cls, v: str) -> str:
        if v not in COHORT_TYPES:
            raise ValueError(f"unknown cohort type {v!r}")
        return v

    @field_validator("csm_name")
    @classmethod
    def _plain_name(cls, v: str) -> str:
        """Whitespace collapsed; a control character refused (the one text rule, tools.inputs)."""
        return " ".join(check_text(v, "your name").split())


def mode_label() -> str:
    if os.environ.get("ANTHROPIC_API_KEY"):
        return f"Claude ({os.environ.get('PEERBENCH_MODEL') or Settings.model})"
    return "Offline (no ANTHROPIC_API_KEY)"


def benchmark_sets(ws: Workspace) -> list[str]:
    try:
        return [r["name"] for r in ws.query("SELECT name FROM benchmark_sets ORDER BY name")]
    except Exception:  # an empty or older workspace
        return []


def active_set(ws: Workspace) -> str | None:
    try:
        rows = ws.query("SELECT name FROM benchmark_sets WHERE active = 1 ORDER BY id DESC LIMIT 1")
    except Exception:  # an empty or older workspace
        return None
    return rows[0]["name"] if rows else None


def active_label(ws: Workspace) -> str:
    """The panel's first choice, naming the set it stands for: "Active set: SaaS Industry 2026"."""
    name = active_set(ws)
    return f"Active set: {name}" if name else "Active set: none loaded"


def panel_state(ws: Workspace) -> tuple:
    """What the panel shows from the workspace; when it changes, the panel is sent again."""
    return active_set(ws), tuple(benchmark_sets(ws))


def parse(values: dict, ws: Workspace, current: Prefs | None = None) -> Prefs:
    """Validate settings sent by the browser; bad fields keep their current value."""
    return parse_settings(values, ws, current)[0]


def parse_settings(values: dict, ws: Workspace, current: Prefs | None = None) -> tuple[Prefs, list[str]]:
    """Validate settings sent by the browser: the new preferences, where a bad field keeps its
    current value, and a sentence for each typed value refused (to tell the user)."""
    base = (current or Prefs()).model_dump()
    raw = {"benchmark_set": values.get("benchmark_set", base["benchmark_set"]),
           "cohort_type": values.get("cohort_type", base["cohort_type"]),
           "anonymise": values.get("anonymise", base["anonymise"]),
           "csm_name": values.get("csm_name", base["csm_name"]),
           "report_accent": values.get("report_accent", base["report_accent"]) or "",
           "report_hide": values.get("report_hide", base["report_hide"]) or ""}
    if raw["benchmark_set"] in (ACTIVE, None) or str(raw["benchmark_set"]).startswith("Active set: "):
        raw["benchmark_set"] = ""
    if raw["benchmark_set"] and raw["benchmark_set"] not in benchmark_sets(ws):
        raw["benchmark_set"] = base["benchmark_set"]
    try:
        return Prefs.model_validate(raw), []
    except ValidationError as exc:
        bad = {str(e["loc"][0]) for e in exc.errors()}
        refused = [f"Your name was not changed: {visible(e['msg']).removeprefix('Value error, ')}."
                   for e in exc.errors() if e["loc"][0] == "csm_name"]
        refused += [f"The report accent colour was not changed: {visible(e['msg']).removeprefix('Value error, ')}"
                    for e in exc.errors() if e["loc"][0] == "report_accent"]
        return Prefs.model_validate({k: (base[k] if k in bad else v) for k, v in raw.items()}), refused


def panel(ws: Workspace, prefs: Prefs) -> cl.ChatSettings:
    sets = benchmark_sets(ws)
    active = active_label(ws)
    return cl.ChatSettings([
        cl.input_widget.Select(id="benchmark_set", label="Benchmark set", values=[active, *sets],
                               initial_value=prefs.benchmark_set if prefs.benchmark_set in sets else active,
                               description="Industry benchmark used when a question names none. An attached "
                                           "benchmark file becomes the active set only when you say so (a button "
                                           "under its summary), or when no set is active yet."),
        cl.input_widget.Select(id="cohort_type", label="Default peer group",
                               items={label: key for key, label in COHORT_TYPES.items()},
                               initial_value=prefs.cohort_type),
        cl.input_widget.Switch(id="anonymise", label="Anonymise peers", initial=prefs.anonymise,
                               description="Label peers Peer A, Peer B, ... Customer-facing reports are "
                                           "always anonymised."),
        cl.input_widget.TextInput(id="csm_name", label="Your name (for reports)", initial=prefs.csm_name,
                                  placeholder="e.g. Jordan Lee"),
        cl.input_widget.TextInput(id="report_accent", label="Report accent colour",
                                  initial=prefs.report_accent or ws.get_setting("brand_accent") or "",
                                  placeholder="#1F4E79", description="Brand colour of every report (default navy). "
                                                                     "The logo is set with `peerbench brand --logo`."),
        cl.input_widget.TextInput(id="report_hide", label="Hide on reports",
                                  initial=prefs.report_hide or ws.get_setting("report_hide") or "",
                                  placeholder="roi, methodology",
                                  description="Cards or sections left out of every report; for one report say "
                                              "\"without the ROI card\"."),
        cl.input_widget.TextInput(id="mode", label="Mode", initial=mode_label(), disabled=True,
                                  description="Offline: built-in rules and templates answer. With "
                                              "ANTHROPIC_API_KEY set on the server, Claude plans and writes; "
                                              "every figure is still computed and checked."),
    ])


def save_report_look(ws: Workspace, prefs: Prefs, values: dict) -> None:
    """The panel's report fields (those the browser sent) become the workspace's settings: every report
    made from it uses them."""
    if "report_accent" in values:
        ws.set_setting("brand_accent", prefs.report_accent)
    if "report_hide" in values:
        ws.set_setting("report_hide", prefs.report_hide)


def agent_settings(prefs: Prefs) -> Settings:
    return dataclasses.replace(Settings.from_env(), anonymise=prefs.anonymise, csm_name=prefs.csm_name,
                               benchmark_set=prefs.benchmark_set, default_cohort_type=prefs.cohort_type)


def initial_prefs() -> Prefs:
    """The panel's starting values, from the environment (PEERBENCH_CSM_NAME, ...)."""
    env = Settings.from_env()
    cohort = env.default_cohort_type if env.default_cohort_type in COHORT_TYPES else "segment"
    name = " ".join(env.csm_name.split())[:80]
    return Prefs(benchmark_set=env.benchmark_set[:120], cohort_type=cohort, anonymise=env.anonymise,
                 csm_name="" if control_character(name) else name)  # PEERBENCH_CSM_NAME, same rule
