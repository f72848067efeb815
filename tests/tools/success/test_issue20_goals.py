"""Issue 20 (success metrics) on the demo workspace: key results, categories, goal detail, quotes,
starter goals, the measurement form and the goals import's key result rows."""

from __future__ import annotations

import datetime as dt
import math

import pytest

from analytics.goals import achievement_pct
from tools.base import NotFound, ToolError
from tools.ingest.goals import import_goals
from tools.ingest.problems import ImportFailed
from tools.success.categories import canonical
from tools.success.compute_roi import ComputeRoiInput, compute_roi
from tools.success.define_goals import DefineGoalsInput, define_goals, starter_target
from tools.success.goal_detail import ShowGoalInput, goal_chart, show_goal
from tools.success.key_result_tool import AddKeyResultInput, add_key_result
from tools.success.manage_goals import ManageGoalsInput, manage_goals
from tools.success.measurements import (
    MeasurementFormInput,
    RecordMeasurementsInput,
    goal_measurement_form,
    record_measurements,
)
from tools.success.portfolio_success import PortfolioSuccessInput, portfolio_success
from tools.success.quotes import AddGoalQuoteInput, add_goal_quote

AS_OF = dt.date(2026, 11, 1)


def roi(ws, name="Acme Corp", **kw):
    return compute_roi(ws, ComputeRoiInput(customer=name, as_of=AS_OF, **kw))


# ---- key results --------------------------------------------------------------------------------

def test_demo_key_results_keep_every_figure(demo_ws):
    """Acme's tooling goal (all key results achieved) and onboarding goal (its key result at the headline's
    66.0%) show the figures the headline alone gives: the demo's pinned figures hold."""
    out = roi(demo_ws)
    by = {g.name: g for g in out.goals}
    tooling, onboarding = by["Consolidate support tooling"], by["Cut onboarding time for new teams"]
    assert [k.name for k in tooling.key_results] == ["Help-desk tools in use", "Agents trained on the unified workflow"]
    assert (tooling.achievement_pct, tooling.status) == (100.0, "achieved")
    assert onboarding.achievement_pct == round(achievement_pct(30, 15, 20.1), 1) == 66.0
    assert out.success_score == 76.2 and out.success_label == "On track"  # (100 + 15.1 + 100 + 66.0) / 4


def test_key_result_moves_the_goal_achievement_by_the_rule(demo_ws):
    out = add_key_result(demo_ws, AddKeyResultInput(customer="Acme", goal="onboarding", name="Playbook steps automated",
                                                    baseline=0, target=8, current=2, date=AS_OF))
    # headline 66.0, teams 66.0, steps 25.0 -> mean of the three, each capped at 100
    expected = (2 * achievement_pct(30, 15, 20.1) + 25.0) / 3
    assert out.achievement_pct == round(expected, 1) == 52.3 and out.status == "on_track"
    after = roi(demo_ws)
    weights = [g.weight for g in after.goals if g.achievement_pct is not None]
    capped = [min(g.achievement_pct, 100) for g in after.goals if g.achievement_pct is not None]
    assert after.success_score < 76.2
    assert math.isclose(after.success_score, sum(a * w for a, w in zip(capped, weights)) / sum(weights), abs_tol=0.06)


def test_a_goal_is_achieved_only_when_every_key_result_is(demo_ws):
    add_key_result(demo_ws, AddKeyResultInput(customer="Acme", goal="tooling", name="Licences retired", baseline=0,
                                              target=5, current=4, date=AS_OF))
    g = next(g for g in roi(demo_ws).goals if g.name == "Consolidate support tooling")
    assert g.status != "achieved" and g.achievement_pct == round((100 + 100 + 100 + 80) / 4, 1)


def test_key_result_validation(demo_ws):
    with pytest.raises(ToolError, match="target equals the baseline"):
        add_key_result(demo_ws, AddKeyResultInput(customer="Acme", goal="tooling", name="x", baseline=1, target=1))
    with pytest.raises(ToolError, match="frequency"):
        add_key_result(demo_ws, AddKeyResultInput(customer="Acme", goal="tooling", name="x", baseline=1, target=2,
                                                  frequency="hourly"))


# ---- categories ---------------------------------------------------------------------------------

@pytest.mark.parametrize("word,expected", [("operational", "efficiency"), ("Operations", "efficiency"),
                                           ("financial", "financial"), ("strategic", "strategic"),
                                           ("adoption", "adoption"), ("customer satisfaction", "satisfaction"),
                                           ("revenue growth", "revenue"), ("cost savings", "cost"), ("warp", None)])
def test_both_documents_words_map_to_one_vocabulary(word, expected):
    assert canonical(word) == expected


def test_category_filters_goals_roi_and_portfolio(demo_ws):
    listed = manage_goals(demo_ws, ManageGoalsInput(action="list", customer="Acme", category="operational",
                                                    as_of=AS_OF))
    assert {g.name for g in listed.goals} == {"Reduce ticket resolution time", "Cut onboarding time for new teams"}
    financial = manage_goals(demo_ws, ManageGoalsInput(action="list", customer="Acme", category="financial", as_of=AS_OF))
    assert {g.category for g in financial.goals} == {"cost", "revenue"}
    only = roi(demo_ws, category="operational")
    w = {g.name: g.weight for g in only.goals}
    assert {g.category for g in only.goals} == {"efficiency"}
    assert only.success_score == round((100 * w["Reduce ticket resolution time"] + 66.0 * w["Cut onboarding time for new "
                                                                                          "teams"]) / sum(w.values()), 1)
    book = portfolio_success(demo_ws, PortfolioSuccessInput(category="adoption", as_of=AS_OF))
    everything = portfolio_success(demo_ws, PortfolioSuccessInput(as_of=AS_OF))
    assert 0 < book.goals < everything.goals
    with pytest.raises(ToolError, match="Unknown goal category"):
        roi(demo_ws, category="teleportation")


def test_created_goal_takes_the_canonical_category(demo_ws):
    out = manage_goals(demo_ws, ManageGoalsInput(action="create", customer="Acme", name="Exec sponsor QBRs",
                                                 category="Strategic", baseline=0, target=4, unit="count",
                                                 target_date=dt.date(2027, 6, 30), as_of=AS_OF))
    assert out.goal.category == "strategic"


# ---- goal detail --------------------------------------------------------------------------------

def test_goal_detail_has_everything_the_issue_lists(demo_ws):
    out = show_goal(demo_ws, ShowGoalInput(customer="TechCorp", goal="reporting-time", as_of=AS_OF))
    g = out.goal
    assert g.name == "Automate month-end reporting" and (g.baseline, g.target, g.current) == (600, 200, 180)
    assert out.trend.trend == "improving" and out.trend.moving == "falling" and out.trend.streak == 9
    assert out.trend.observation.startswith("The measured value has fallen for 9 consecutive months")
    assert out.value.annual == 378_000 and out.value.confidence == "estimated"
    assert [m.goal_id for m in out.milestones] == [g.id] * 3
    assert [q.person for q in out.quotes] == ["Priya Nair, CFO"]
    text = out.to_markdown()
    for part in ("**Baseline** 600 h / month", "**Target** 200 h / month", "**Trend:**", "**Value:** $378,000",
                 "estimated", "**Milestones:**", "What the customer said"):
        assert part in text
    (title, png), = goal_chart(out)
    assert png.startswith(b"\x89PNG") and "Automate month-end reporting" in title


def test_goal_detail_unknown_goal_lists_the_account_goals(demo_ws):
    with pytest.raises(NotFound) as exc:
        show_goal(demo_ws, ShowGoalInput(customer="Acme", goal="teleportation", as_of=AS_OF))
    assert any("Reduce ticket resolution time" in s for s in exc.value.suggestions)


# ---- quotes -------------------------------------------------------------------------------------

def test_quote_is_cleaned_and_belongs_to_its_goal(demo_ws):
    from pydantic import ValidationError

    from tools.success.quotes import clean_quote
    assert clean_quote('  "Teams\u202e are\n live\x07 in a week"  ') == "Teams are live in a week"  # as imported
    with pytest.raises(ValidationError):  # typed in chat or the CLI: refused, said why
        AddGoalQuoteInput(customer="Acme", goal="onboarding", text="live\x07")
    out = add_goal_quote(demo_ws, AddGoalQuoteInput(customer="Acme", goal="onboarding",
                                                    text='  "Teams are   live in a week"  ', person=" Jo Li ",
                                                    date=dt.date(2026, 10, 30)))
    assert (out.quote.text, out.quote.person, out.quote.date) == ("Teams are live in a week", "Jo Li", "2026-10-30")
    assert out.goal == "Cut onboarding time for new teams"
    with pytest.raises(ToolError, match="needs its text"):
        add_goal_quote(demo_ws, AddGoalQuoteInput(customer="Acme", goal="onboarding", text="  \u200b "))


def test_quote_markdown_is_escaped(demo_ws):
    out = add_goal_quote(demo_ws, AddGoalQuoteInput(customer="Acme", goal="onboarding",
                                                    text="![x](http://evil.example/p.png) <script>", person="*Eve*"))
    md = show_goal(demo_ws, ShowGoalInput(customer="Acme", goal="onboarding", as_of=AS_OF)).to_markdown()
    assert "![x](http" not in md and r"\<script>" in md and r"\*Eve\*" in md
    assert out.quote.text == "![x](http://evil.example/p.png) <script>"  # stored as said; escaped when shown


# ---- starter goals and the measurement form ------------------------------------------------------

def test_define_goals_from_the_account_category_templates(demo_ws):
    name = demo_ws.query("SELECT c.name FROM customers c WHERE c.industry = 'FinTech' AND NOT EXISTS "
                         "(SELECT 1 FROM goals g WHERE g.customer_id = c.id) ORDER BY c.id LIMIT 1")[0]["name"]
    empty = roi(demo_ws, name)
    assert not empty.goals
    from tools.success.compute_roi import follow_ups
    assert [f.label for f in follow_ups(empty)] == ["Define goals"]
    out = define_goals(demo_ws, DefineGoalsInput(customer=name, as_of=AS_OF))
    assert out.templates == ["improve_csat", "reduce_tickets", "increase_activation"]
    assert len(out.goals) + len(out.skipped) == 3 and out.goals
    for g in out.goals:
        assert g.target == starter_target(g.metric, g.baseline) and g.target_date == "2027-05-31"


def test_measurement_form_and_record_only_the_account_goals(demo_ws):
    form = goal_measurement_form(demo_ws, MeasurementFormInput(customer="Acme", as_of=AS_OF))
    keys = [f.key for f in form.fields]
    assert len([k for k in keys if k.startswith("goal:")]) == 5 and len([k for k in keys if k.startswith("kr:")]) == 3
    onboarding = next(f for f in form.fields if f.label == "Cut onboarding time for new teams")
    out = record_measurements(demo_ws, RecordMeasurementsInput(customer="Acme", values=[
        {"key": onboarding.key, "value": 18.0}], date=dt.date(2026, 11, 15)))
    assert out.recorded == ["Cut onboarding time for new teams: 18 days"]
    g = show_goal(demo_ws, ShowGoalInput(customer="Acme", goal="onboarding", as_of=dt.date(2026, 11, 15))).goal
    assert g.current == 18.0
    techcorp = goal_measurement_form(demo_ws, MeasurementFormInput(customer="TechCorp", as_of=AS_OF)).fields[0].key
    with pytest.raises(ToolError, match="not a goal or key result of Acme Corp"):
        record_measurements(demo_ws, RecordMeasurementsInput(customer="Acme", values=[{"key": techcorp, "value": 1}]))


# ---- import -------------------------------------------------------------------------------------

HEADER = ("customer,goal,category,metric,baseline,target,current,unit,start_date,target_date,key_result,frequency,"
          "quote,quote_by,quote_date\n")


def test_import_key_result_rows_and_quotes(demo_ws, tmp_path):
    path = tmp_path / "goals.csv"
    path.write_text(HEADER + 'BetaInc,Speed up approvals,operational,,10,4,7,days,2026-06-01,2026-12-31,,,'
                    '"Approvals no longer wait for Friday.",Ana Ruiz,2026-10-20\n'
                    "BetaInc,Speed up approvals,,,0,200,120,,,,Invoices auto-approved,weekly,,,\n")
    out = import_goals(demo_ws, path, as_of=AS_OF)
    assert (out.goals_created, out.key_results, out.quotes) == (1, 1, 1)
    detail = show_goal(demo_ws, ShowGoalInput(customer="BetaInc", goal="approvals", as_of=AS_OF))
    assert detail.goal.category == "efficiency" and detail.key_results[0].frequency == "weekly"
    assert detail.goal.achievement_pct == 55.0  # (50 + 60) / 2
    assert detail.quotes[0].text == "Approvals no longer wait for Friday."


def test_import_key_result_of_an_unknown_goal_fails_whole_naming_row_and_column(demo_ws, tmp_path):
    path = tmp_path / "goals.csv"
    path.write_text(HEADER + "BetaInc,Speed up approvals,operational,,10,4,7,days,2026-06-01,2026-12-31,,,,,\n"
                    "BetaInc,No such goal,,,0,200,120,,,,Invoices auto-approved,monthly,,,\n")
    with pytest.raises(ImportFailed) as exc:
        import_goals(demo_ws, path, as_of=AS_OF)
    assert "row 3" in str(exc.value) and "goal" in str(exc.value)
    assert not demo_ws.query("SELECT 1 FROM goals WHERE name = 'Speed up approvals'")  # all or nothing


def test_deleting_a_goal_removes_its_key_results_and_quotes(demo_ws):
    gid = demo_ws.query("SELECT id FROM goals WHERE name = 'Cut onboarding time for new teams'")[0]["id"]
    manage_goals(demo_ws, ManageGoalsInput(action="delete", customer="Acme", goal=str(gid), as_of=AS_OF))
    for table, where in (("key_results", "goal_id"), ("goal_quotes", "goal_id")):
        assert not demo_ws.query(f"SELECT 1 FROM {table} WHERE {where} = ?", (gid,))
    assert not demo_ws.query("SELECT 1 FROM key_result_measurements m LEFT JOIN key_results k "
                             "ON k.id = m.key_result_id WHERE k.id IS NULL")
