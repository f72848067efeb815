"""Typed text and numbers: every tool input field, the CLI's arguments, the chat settings panel.

One rule for typed text as for files: a control character is refused (never stored), with a
message naming the field; numbers and dates outside a plausible range are refused too.
"""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
import typing

import pytest
from pydantic import BaseModel, ValidationError

from agent.cli import main
from agent.core import NullEvents
from agent.loop import Toolbox
from agent.ui.settings import Prefs, parse_settings
from tests.factories import add_customers
from tests.hostile.harness import checksum, data_checksum
from tools.registry import all_tools
from tools.success.manage_goals import ManageGoalsInput, manage_goals

PAYLOADS = ("Acme\x07Corp", "Bad\x00Name", "\x1b[2J\x1b[31mred", "Acme\u009b31m", "x\x7f", "x\x0b y")
REGISTRY = all_tools()


def _text_fields(model: type[BaseModel]) -> list[str]:
    def holds_text(annotation) -> bool:
        if annotation is str:
            return True
        return any(holds_text(a) for a in typing.get_args(annotation))
    return [name for name, f in model.model_fields.items() if holds_text(f.annotation)]


SURFACES = [(tool, field) for tool, t in REGISTRY.items() for field in _text_fields(t.input_model)]


def test_every_text_field_of_every_tool_is_covered():
    assert len(SURFACES) >= 30


@pytest.mark.parametrize("payload", PAYLOADS, ids=[repr(p) for p in PAYLOADS])
@pytest.mark.parametrize("surface", SURFACES, ids=[f"{t}.{f}" for t, f in SURFACES])
def test_control_characters_are_refused_in_every_tool_input_field(surface, payload):
    tool, field = surface
    annotation = REGISTRY[tool].input_model.model_fields[field].annotation
    value = ({"unit_name": payload} if "dict" in str(annotation)  # value_inputs: text values too
             else [payload, "Other"] if "list" in str(annotation) else payload)
    with pytest.raises(ValidationError) as info:
        REGISTRY[tool].input_model.model_validate({field: value})
    errors = [e for e in info.value.errors() if e["loc"][:1] == (field,)]
    assert errors and "control character" in errors[0]["msg"], info.value.errors()


@pytest.fixture
def acme(ws):
    add_customers(ws, 1, names=["Acme Corp"])
    return ws


def _toolbox(ws) -> Toolbox:
    return Toolbox(ws, REGISTRY, "hostile", NullEvents())


GOAL = {"action": "create", "customer": "Acme Corp", "name": "Raise NPS", "metric": "nps", "baseline": 30,
        "target": 50, "target_date": "2027-06-30", "start_date": "2026-01-01"}
BAD_GOALS = {
    "control character in the name": ({"name": "Raise\x07NPS"}, "name"),
    "control character in the owner": ({"owner": "Dana\x1b[31m"}, "owner"),
    "feature adoption target of 250%": ({"metric": "feature_adoption", "target": 250, "baseline": 40,
                                         "unit": "percent", "name": "Adoption"}, "0 to 100"),
    "a $1e308 goal": ({"metric": "revenue", "unit": "dollars", "baseline": 100, "target": 1e308,
                       "name": "Revenue"}, "1,000,000,000,000"),
    "value amount 1e308": ({"value_amount": 1e308}, "1,000,000,000,000"),
    "weight 1e308": ({"weight": 1e308}, "weight"),
    "hourly rate 1e308": ({"value_type": "time_saved", "value_inputs": {
        "hours_saved_per_unit": 1, "units_per_month": 10, "hourly_rate": 1e308}}, "1,000,000,000,000"),
    "start date 0001-01-01": ({"start_date": "0001-01-01"}, "1950"),
    "target date 9999-12-31": ({"target_date": "9999-12-31"}, "2100"),
    "a 50-year goal": ({"target_date": "2076-01-01"}, "10 years"),
    "an infinite baseline": ({"baseline": float("inf")}, "finite"),
}


@pytest.mark.parametrize("change", BAD_GOALS, ids=list(BAD_GOALS))
def test_implausible_goals_are_refused_with_a_clear_error(acme, change):
    fields, says = BAD_GOALS[change]
    before = data_checksum(acme)
    run = _toolbox(acme).execute("c1", "manage_goals", GOAL | fields)
    assert run.output is None and run.error is not None and says in run.error, run.error
    assert data_checksum(acme) == before


@pytest.mark.parametrize("value, says", [(1e308, "1,000,000,000,000"), (250, "0 to 100"), (-5, "0 to 100")])
def test_implausible_measurements_are_refused(acme, value, says):
    manage_goals(acme, ManageGoalsInput(**(GOAL | {"metric": "feature_adoption", "unit": "percent", "baseline": 40,
                                                   "target": 60, "name": "Adoption"})))
    before = data_checksum(acme)
    run = _toolbox(acme).execute("c1", "manage_goals", {"action": "measure", "customer": "Acme Corp",
                                                        "goal": "Adoption", "value": value})
    assert run.error is not None and says in run.error, run.error
    assert data_checksum(acme) == before


def test_a_measurement_dated_year_1_is_refused(acme):
    manage_goals(acme, ManageGoalsInput(**GOAL))
    run = _toolbox(acme).execute("c1", "manage_goals", {"action": "measure", "customer": "Acme Corp",
                                                        "goal": "Raise NPS", "value": 40, "date": "0001-01-01"})
    assert run.error is not None and "1950" in run.error


# --- the command line ---------------------------------------------------------------------------

CLI_CASES = {  # argv, what the error must say
    "goal name": (["goal", "add", "Acme Corp", "--name", "Bad\x07Goal", "--target", "50", "--due", "2027-01-01"],
                  "U+0007"),
    "goal owner": (["goal", "add", "Acme Corp", "--name", "G", "--owner", "\x1b[2J", "--target", "5",
                    "--due", "2027-01-01"], "U+001B"),
    "customer argument": (["compare", "Acme\x07Corp"], "U+0007"),
    "benchmark set name": (["load", "FILE", "--name", "Set\x00Name"], "U+0000"),
    "report CSM name": (["report", "Acme Corp", "--format", "md", "--csm", "Jo\x07"], "U+0007"),
    "goal due year 9999": (["goal", "add", "Acme Corp", "--name", "G", "--target", "50", "--due", "9999-01-01"],
                           "2100"),
    "goal $1e308": (["goal", "add", "Acme Corp", "--name", "G", "--unit", "dollars", "--baseline", "1",
                     "--target", "1e308", "--due", "2027-01-01"], "1,000,000,000,000"),
    "where age not a number": (["compare", "Acme Corp", "--where", "contract_age_min=abc"], "whole number"),
    "where arr not an amount": (["cohort", "--where", "arr_min=lots"], "amount"),
    "where age negative": (["cohort", "--where", "contract_age_max=-3"], "whole number"),
    "where arr 1e308": (["cohort", "--where", "arr_min=1e308"], "amount"),
}


@pytest.mark.parametrize("case", CLI_CASES, ids=list(CLI_CASES))
def test_bad_cli_arguments_give_a_clear_error_not_a_traceback(case, acme, tmp_path, capsys):
    bench = tmp_path / "bench.csv"
    bench.write_text("metric,segment,p25,p50,p75\nnps,All,10,30,50\n")
    args, says = CLI_CASES[case]
    argv = ["--db", str(acme.path), *[str(bench) if a == "FILE" else a for a in args]]
    acme.close()
    before = checksum(acme.path)
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and "Traceback" not in err and says in err, err
    assert all(ch in "\n\t" or " " <= ch < "\x7f" or ch > "\x9f" for ch in err), repr(err)  # shown escaped
    assert checksum(acme.path) == before


def test_cli_output_piped_to_a_closed_reader_exits_quietly(demo_db, tmp_path):
    code = ("import sys; from agent.cli import main; "
            f"sys.exit(main(['--db', {str(demo_db)!r}, 'portfolio']))")  # ~12 KB of Markdown
    proc = subprocess.run(f"{sys.executable} -c \"{code}\" | head -n 1", shell=True, capture_output=True,
                          text=True, timeout=120, cwd=str(tmp_path))
    assert proc.stdout.count("\n") == 1
    assert "Traceback" not in proc.stderr and "BrokenPipe" not in proc.stderr, proc.stderr


# --- the chat settings panel ------------------------------------------------------------------

def test_settings_panel_refuses_a_csm_name_with_a_control_character(ws):
    prefs, refused = parse_settings({"csm_name": "Jordan\x07 Lee"}, ws, Prefs(csm_name="Jo"))
    assert prefs.csm_name == "Jo" and len(refused) == 1
    assert "name" in refused[0] and "U+0007" in refused[0] and "\x07" not in refused[0]
    prefs, refused = parse_settings({"csm_name": "  Jordan   Lee "}, ws, prefs)
    assert prefs.csm_name == "Jordan Lee" and refused == []


def test_typed_dates_outside_the_plausible_range_are_refused():
    with pytest.raises(ValidationError) as info:
        ManageGoalsInput(action="list", customer="Acme", as_of=dt.date(1, 1, 1))
    assert "1950" in str(info.value)
