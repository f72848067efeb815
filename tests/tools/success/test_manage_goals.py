"""manage_goals against a temporary workspace: create, templates, validation, measure, milestones."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from tools.base import ToolError
from tools.success.manage_goals import TOOL, ManageGoalsInput, manage_goals
from tools.success.rules import template_for

AS_OF = dt.date(2026, 11, 1)


@pytest.fixture
def acme(ws):
    with ws.write() as db:
        db["customers"].insert_all([
            {"id": 1, "name": "Acme Corp", "segment": "Enterprise", "industry": "SaaS", "arr": 68_000.0,
             "contract_start": "2025-06-01"},
            {"id": 2, "name": "TechCorp", "segment": "Enterprise", "industry": "SaaS", "arr": 250_000.0},
        ])
        db["metric_values"].insert_all([
            {"customer_id": 1, "metric": "nps", "period": "2026-09", "value": 28.0},
            {"customer_id": 1, "metric": "nps", "period": "2026-10", "value": 32.0},
        ])
    return ws


def run(ws, **kw):
    return manage_goals(ws, ManageGoalsInput(as_of=AS_OF, **kw))


def create_tickets_goal(ws, **over):
    kw = dict(action="create", customer="acme", name="Ticket resolution time", category="efficiency",
              metric="ticket resolution time", baseline=24, target=12, unit="hours",
              start_date=dt.date(2026, 1, 1), target_date=dt.date(2026, 12, 31))
    return run(ws, **{**kw, **over})


def test_create_and_list(acme):
    out = create_tickets_goal(acme, owner="Dana", weight=2)
    g = out.goal
    assert (g.customer, g.name, g.direction, g.unit, g.weight, g.status) == (
        "Acme Corp", "Ticket resolution time", "decrease", "hours", 2.0, "not_started")
    assert g.note == "No measurement yet"
    listed = run(acme, action="list", customer="Acme Corp")
    assert [x.name for x in listed.goals] == ["Ticket resolution time"]


def test_template_fills_the_goal_and_the_baseline_from_account_data(acme):
    # "add an NPS goal for Acme to reach 50 by June 30"
    out = run(acme, action="create", customer="Acme", template="NPS", target=50, target_date=dt.date(2027, 6, 30))
    g = out.goal
    assert (g.name, g.category, g.metric, g.unit, g.direction) == ("Improve NPS to 50", "satisfaction", "nps",
                                                                   "score", "increase")
    assert g.baseline == 32.0                       # the latest NPS, not the older 28
    assert g.start_date == AS_OF.isoformat()
    assert any("Baseline set from the account's current NPS: 32" in n for n in out.notes)


def test_template_without_account_data_says_the_baseline_is_missing(acme):
    out = run(acme, action="create", customer="TechCorp", template="increase_activation", target=80,
              target_date=dt.date(2027, 3, 31))
    assert out.goal.baseline is None and out.goal.status == "unknown"
    assert out.goal.note == "Baseline not set: cannot calculate progress"
    assert any(n.startswith("Baseline not set: cannot calculate progress") for n in out.notes)


def test_unknown_template_lists_the_templates():
    with pytest.raises(ToolError) as err:
        template_for("world peace")
    assert "improve_nps" in err.value.suggestions[0]


@pytest.mark.parametrize("over,message", [
    ({"target": 24}, "Target equals the baseline (24)"),
    ({"target_date": dt.date(2025, 12, 1)}, "Target date 2025-12-01 is not after the start date 2026-01-01"),
    ({"target_date": dt.date(2026, 1, 1)}, "is not after the start date"),
    ({"unit": "parsecs"}, "Unknown unit 'parsecs'"),
    ({"category": "vibes"}, "Unknown goal category 'vibes'"),
    ({"direction": "increase"}, "contradicts baseline 24 -> target 12"),
    ({"weight": 0}, "Weight must be positive"),
    ({"value_type": "cost_reduction"}, "value input 'monthly_amount' is missing"),
    ({"value_type": "time_saved", "unit": "tickets"}, "value input 'hours_saved_per_unit' is missing"),
    ({"target_date": None}, "needs a target date"),
    ({"name": " "}, "needs a name"),
])
def test_create_validation_errors(acme, over, message):
    with pytest.raises(ToolError, match=message.replace("(", r"\(").replace(")", r"\)")):
        create_tickets_goal(acme, **over)
    assert acme.query("SELECT COUNT(*) AS n FROM goals")[0]["n"] == 0


def test_duplicate_goal_name_and_missing_arguments(acme):
    create_tickets_goal(acme)
    with pytest.raises(ToolError, match="already has a goal named"):
        create_tickets_goal(acme, name="ticket RESOLUTION time")
    with pytest.raises(ToolError, match="needs the customer"):
        run(acme, action="create", name="x", target=1, target_date=dt.date(2027, 1, 1))
    with pytest.raises(ToolError, match="needs the goal"):
        run(acme, action="measure", customer="acme", value=3)


def test_unit_aliases_are_normalised(acme):
    assert create_tickets_goal(acme, unit="hrs").goal.unit == "hours"
    assert create_tickets_goal(acme, name="Adoption", baseline=40, target=60, unit="%").goal.unit == "percent"


def test_measure_crossing_the_target_raises_the_achieved_alert(acme):
    create_tickets_goal(acme)
    first = run(acme, action="measure", customer="acme", goal="ticket", value=18, date=dt.date(2026, 6, 1))
    assert first.alerts == [] and first.goal.status == "at_risk"  # 50% done, 83.5% of the time gone
    assert first.measurement.achievement_pct == 50.0
    out = run(acme, action="measure", customer="acme", goal="Ticket resolution time", value=11.5,
              date=dt.date(2026, 10, 15))
    assert out.goal.achievement_pct == 104.2 and out.goal.status == "achieved" and out.goal.exceeding
    assert out.alerts == ["Goal achieved: 'Ticket resolution time' (Acme Corp) reached 11.5 against a target "
                          "of 12: 104.2% of target."]
    again = run(acme, action="measure", customer="acme", goal="1", value=11.0)
    assert again.alerts == []                       # already achieved: no second alert


def test_measure_same_date_replaces_and_date_before_start_is_refused(acme):
    create_tickets_goal(acme)
    run(acme, action="measure", goal="1", value=20, date=dt.date(2026, 5, 1))
    run(acme, action="measure", goal="1", value=19, date=dt.date(2026, 5, 1))
    rows = acme.query("SELECT date, value FROM goal_measurements")
    assert rows == [{"date": "2026-05-01", "value": 19.0}]
    with pytest.raises(ToolError, match="before the goal's start date"):
        run(acme, action="measure", goal="1", value=19, date=dt.date(2025, 5, 1))


def test_update_revalidates_and_rederives_direction(acme):
    create_tickets_goal(acme)
    out = run(acme, action="update", customer="acme", goal="ticket", target=30, baseline=20)
    assert (out.goal.target, out.goal.direction) == (30.0, "increase")
    with pytest.raises(ToolError, match="Target equals the baseline"):
        run(acme, action="update", goal="1", target=20)
    with pytest.raises(ToolError, match="Nothing to update"):
        run(acme, action="update", goal="1")
    out = run(acme, action="update", goal="1", value_type="time_saved",
              value_inputs={"units_per_month": 150, "hourly_rate": 50})
    assert out.goal.value_type == "time_saved"


def test_find_goal_ambiguity(acme):
    create_tickets_goal(acme, name="Reduce tickets A")
    create_tickets_goal(acme, name="Reduce tickets B")
    with pytest.raises(ToolError, match="matches several goals") as err:
        run(acme, action="measure", customer="acme", goal="reduce", value=3)
    assert len(err.value.suggestions) == 2
    with pytest.raises(ToolError, match="matches no goal"):
        run(acme, action="measure", customer="acme", goal="nps", value=3)


def test_milestones_add_update_delete(acme):
    create_tickets_goal(acme)
    out = run(acme, action="milestone", customer="acme", milestone_name="Pilot live", date=dt.date(2026, 3, 1),
              goal="ticket", milestone_description="first team live")
    assert (out.milestone.name, out.milestone.date, out.milestone.goal, out.milestone.done) == (
        "Pilot live", "2026-03-01", "Ticket resolution time", False)
    out = run(acme, action="milestone", customer="acme", milestone_name="pilot live", milestone_done=True)
    assert out.milestone.done and out.milestone.date == "2026-03-01"
    assert acme.query("SELECT COUNT(*) AS n FROM milestones")[0]["n"] == 1
    run(acme, action="delete", customer="acme", milestone_name="Pilot live")
    assert acme.query("SELECT COUNT(*) AS n FROM milestones")[0]["n"] == 0


def test_delete_goal_removes_measurements_and_milestones(acme):
    create_tickets_goal(acme)
    run(acme, action="measure", goal="1", value=20)
    run(acme, action="milestone", customer="acme", goal="1", milestone_name="Kick-off")
    out = run(acme, action="delete", customer="acme", goal="ticket")
    assert "1 measurements" in out.message
    for table in ("goals", "goal_measurements", "milestones"):
        assert acme.query(f"SELECT COUNT(*) AS n FROM {table}")[0]["n"] == 0


def test_list_without_goals_says_so(acme):
    assert run(acme, action="list", customer="TechCorp").message == "No success goals defined for TechCorp."


def test_unknown_customer_is_a_tool_error(acme):
    with pytest.raises(ToolError):
        run(acme, action="list", customer="Zzyzx Holdings")


def test_tool_record_and_schema():
    assert TOOL.name == "manage_goals" and TOOL.fn is manage_goals
    schema = TOOL.input_model.model_json_schema()
    assert schema["additionalProperties"] is False
    assert "improve_nps" in schema["properties"]["template"]["description"]
    assert "alerts" in TOOL.description
    json.dumps(schema)


def test_metric_without_template_uses_the_matching_template(acme):
    # what the offline planner sends for "add an NPS goal for Acme to reach 50 by June 30"
    out = run(acme, action="create", customer="Acme", metric="NPS Score", name="Improve NPS", target=50,
              target_date=dt.date(2027, 6, 30))
    g = out.goal
    assert (g.name, g.metric, g.category, g.unit, g.baseline, g.direction) == (
        "Improve NPS", "nps", "satisfaction", "score", 32.0, "increase")
