"""set_improvement_goals (issue 17): an account's benchmark gaps become goals with milestones."""

from __future__ import annotations

import datetime as dt

import pytest

from tools.base import ToolError
from tools.playbooks.recommend_improvements import RecommendImprovementsInput, recommend_improvements
from tools.store import changes
from tools.success.from_gaps import SetImprovementGoalsInput, set_improvement_goals

AS_OF = dt.date(2026, 11, 1)


def _goals(ws, customer="Acme Corp"):
    return ws.query("SELECT g.* FROM goals g JOIN customers c ON c.id = g.customer_id WHERE c.name = ? "
                    "ORDER BY g.id", (customer,))


def test_goals_follow_the_plan_targets_timeline_and_checkpoints(demo_ws):
    rec = recommend_improvements(demo_ws, RecommendImprovementsInput(customer="Acme Corp"))
    planned = {c.metric for p in rec.plan for c in p.checkpoints}
    out = set_improvement_goals(demo_ws, SetImprovementGoalsInput(customer="acme", as_of=AS_OF))
    made = {g.metric: g for g in out.goals}
    # every gap of the plan becomes a goal, except the one Acme already tracks (feature adoption)
    assert set(made) == planned - {"feature_adoption"}
    assert any("Feature Adoption" in s and "Increase feature adoption to 55%" in s for s in out.skipped)
    by_metric = {i.metric: i for i in rec.improvements}
    for key, g in made.items():
        item = by_metric[key]
        assert (g.baseline, g.target, g.stretch) == (item.value, item.target, item.stretch)  # median; P75 noted
        assert g.target_date == (AS_OF + dt.timedelta(days=item.timeline_days)).isoformat()
        weeks = sorted(c.week for p in rec.plan for c in p.checkpoints if c.metric == key)
        assert [m.date for m in g.milestones] == [min(AS_OF + dt.timedelta(weeks=w), dt.date.fromisoformat(
            g.target_date)).isoformat() for w in weeks]
    stored = {r["metric"]: r for r in _goals(demo_ws)}
    training = stored["training_hours"]
    assert training["target"] == by_metric["training_hours"].target and training["start_date"] == "2026-11-01"
    assert "stretch" in training["description"] and "P75" in training["description"]
    ms = demo_ws.query("SELECT name, date, goal_id FROM milestones WHERE goal_id = ? ORDER BY date", (training["id"],))
    assert [m["date"] for m in ms] == ["2026-12-27", "2027-01-24"]  # weeks 8 and 12 of the plan


def test_all_or_nothing_and_exact_preview(demo_ws):
    before = len(_goals(demo_ws))
    out, change, saved = changes.track(demo_ws, lambda: set_improvement_goals(
        demo_ws, SetImprovementGoalsInput(customer="Acme Corp", as_of=AS_OF)), decide=lambda c: False)
    assert not saved and len(_goals(demo_ws)) == before
    lines = out.preview()
    assert sum(line.startswith("Goal '") for line in lines) == len(out.goals)
    assert sum(line.startswith("Milestone '") for line in lines) == sum(len(g.milestones) for g in out.goals)
    assert "Goal 'Raise Training Hours to 43.2': 24.4 -> 43.2 by 2027-01-30 (stretch 61.3, P75)" in lines


def test_a_second_run_finds_nothing_new(demo_ws):
    set_improvement_goals(demo_ws, SetImprovementGoalsInput(customer="Acme Corp", as_of=AS_OF))
    with pytest.raises(ToolError, match="No new goal"):
        set_improvement_goals(demo_ws, SetImprovementGoalsInput(customer="Acme Corp", as_of=AS_OF))


def test_the_goals_are_measured_by_later_imports(demo_ws, tmp_path):
    from tools.ingest.load import load_file
    set_improvement_goals(demo_ws, SetImprovementGoalsInput(customer="Acme Corp", as_of=AS_OF))
    path = tmp_path / "acme.csv"
    path.write_text("customer,metric,period,value\nAcme Corp,training_hours,2026-11,50\n")
    out = load_file(demo_ws, path)
    assert any("Raise Training Hours to 43.2" in line and "achieved" in line for line in out.goals_measured)
