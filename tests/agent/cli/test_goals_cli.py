"""The goals CLI: roi / goals / goal ... / success, human output and the --json contract."""

from __future__ import annotations

import argparse
import json

import pytest

from agent.cli import goals as cli

AS_OF = ["--as-of", "2026-11-01"]


@pytest.fixture
def acme(ws):
    with ws.write() as db:
        db["customers"].insert({"id": 1, "name": "Acme Corp", "segment": "Enterprise", "arr": 68_000.0,
                                "contract_start": "2025-06-01"})
        db["metric_values"].insert({"customer_id": 1, "metric": "nps", "period": "2026-10", "value": 32.0})
    return ws


def run(ws, capsys, *argv) -> tuple[int, str, str]:
    parser = argparse.ArgumentParser(prog="peerbench")
    cli.register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(list(argv))
    rc = args.func(args, ws) or 0
    out = capsys.readouterr()
    return rc, out.out, out.err


def add_tickets_goal(ws, capsys):
    return run(ws, capsys, "goal", "add", "Acme Corp", "--name", "Ticket resolution time", "--category",
               "efficiency", "--baseline", "24", "--target", "12", "--unit", "hours", "--start", "2026-01-01",
               "--due", "2026-12-31", "--value-type", "time_saved", "--hours-saved-per-unit", "12.5",
               "--units-per-month", "150", "--hourly-rate", "50", "--unit-name", "ticket", *AS_OF)


def test_goal_lifecycle_from_the_cli(acme, capsys):
    rc, out, _ = add_tickets_goal(acme, capsys)
    assert rc == 0 and "Created goal 'Ticket resolution time' for Acme Corp" in out
    rc, out, _ = run(acme, capsys, "goal", "measure", "acme", "ticket", "11.5", "--date", "2026-10-15", *AS_OF)
    assert "**Alert:** Goal achieved: 'Ticket resolution time'" in out and "104.2%" in out
    rc, out, _ = run(acme, capsys, "goal", "add", "acme", "--template", "improve_nps", "--target", "50",
                     "--due", "2027-06-30", *AS_OF)
    assert "Improve NPS to 50" in out and "Baseline set from the account's current NPS: 32" in out
    rc, out, _ = run(acme, capsys, "goal", "update", "acme", "nps", "--target", "55", *AS_OF)
    assert "Updated name, target of goal 'Improve NPS to 55'" in out
    rc, out, _ = run(acme, capsys, "goal", "milestone", "acme", "Pilot live", "--date", "2026-03-01", "--done",
                     *AS_OF)
    assert "Added milestone 'Pilot live' (2026-03-01)" in out
    rc, out, _ = run(acme, capsys, "goals", "acme", *AS_OF)
    assert "| 1 | Ticket resolution time | 24 h | 12 h | 11.5 h | 104.2% | achieved (exceeding) |" in out
    rc, out, _ = run(acme, capsys, "goal", "delete", "acme", "nps", *AS_OF)
    assert "Deleted goal 'Improve NPS to 55'" in out


def test_roi_human_output_has_units(acme, capsys):
    add_tickets_goal(acme, capsys)
    run(acme, capsys, "goal", "measure", "acme", "1", "11.5", *AS_OF)
    rc, out, _ = run(acme, capsys, "roi", "Acme Corp", *AS_OF)
    assert "# Success metrics: Acme Corp (Enterprise, ARR $68K)" in out
    assert "12.5 h saved per ticket x 150 tickets/month x $50/h = $93,750/month" in out
    assert "**Value delivered:** $1,125,000 a year" in out
    assert "**Value ROI:** 16.5x (value delivered / investment); net value ROI 1,554.4%" in out
    assert "**Success score:** 100.0 / 100" in out


def test_roi_json_contract(acme, capsys):
    add_tickets_goal(acme, capsys)
    run(acme, capsys, "goal", "measure", "acme", "1", "11.5", *AS_OF)
    rc, out, _ = run(acme, capsys, "roi", "Acme Corp", "--period", "2026-Q4", "--json", *AS_OF)
    data = json.loads(out)
    for key in ("goals", "success_score", "value_delivered", "investment", "roi_multiplier", "net_roi_pct"):
        assert key in data, key
    goal = data["goals"][0]
    assert {k: goal[k] for k in ("name", "baseline", "target", "current", "achievement_pct", "status")} == {
        "name": "Ticket resolution time", "baseline": 24.0, "target": 12.0, "current": 11.5,
        "achievement_pct": 104.2, "status": "achieved"}
    assert data["value_delivered"]["total"] == 1_125_000
    assert data["investment"] == 68_000 and data["roi_multiplier"] == 16.5 and data["period"]["label"] == "2026-Q4"


def test_goals_and_success_json(acme, capsys):
    add_tickets_goal(acme, capsys)
    _, out, _ = run(acme, capsys, "goals", "Acme Corp", "--json", *AS_OF)
    assert json.loads(out)["goals"][0]["status"] == "not_started"
    _, out, _ = run(acme, capsys, "success", "--segment", "Enterprise", "--json", *AS_OF)
    data = json.loads(out)
    assert data["segment"] == "Enterprise" and data["goals"] == 1 and data["status_counts"]["not_started"] == 1
    _, out, _ = run(acme, capsys, "success", *AS_OF)
    assert "| Enterprise | 1 | 1 |" in out


def test_no_goals_messages(acme, capsys):
    _, out, _ = run(acme, capsys, "roi", "Acme Corp", *AS_OF)
    assert "No success goals defined for Acme Corp." in out
    _, out, _ = run(acme, capsys, "goals", "Acme Corp", *AS_OF)
    assert "No success goals defined for Acme Corp." in out


def test_errors_exit_2_through_main(acme, capsys):
    from agent.cli import main

    rc = main(["--db", str(acme.path), "goal", "add", "Acme Corp", "--name", "x", "--baseline", "5",
               "--target", "5", "--due", "2027-01-01"])
    err = capsys.readouterr().err
    assert rc == 2 and "error: Target equals the baseline (5): a goal must move the metric." in err
