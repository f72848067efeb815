"""Issue 20 over HTTP: a goal in detail, quotes and key results of a goal, `category` on goal lists and
success metrics; the same figures as the CLI."""

from __future__ import annotations

from tests.agent.api.conftest import cli_json, problem


async def test_goal_detail_equals_the_cli(api, capsys):
    goal_id = api.ws.query("SELECT id FROM goals WHERE name = 'Automate month-end reporting'")[0]["id"]
    body = (await api.get(f"/api/success-goals/{goal_id}?asOf=2026-11-01")).json()
    cli = cli_json(api.ws, capsys, "goal", "show", "TechCorp", str(goal_id), "--as-of", "2026-11-01")
    assert body == cli
    assert body["trend"]["streak"] == 9 and body["value"]["confidence"] == "estimated" and body["quotes"]
    problem(await api.get("/api/success-goals/999999"), 404)


async def test_category_param_filters_goals_and_success_metrics(api):
    acme = api.ws.query("SELECT id FROM customers WHERE name = 'Acme Corp'")[0]["id"]
    goals = (await api.get("/api/success-goals?customer=Acme%20Corp&category=operational")).json()["goals"]
    assert {g["category"] for g in goals} == {"efficiency"} and len(goals) == 2
    roi = (await api.get(f"/api/reports/success-metrics/{acme}?category=operational&asOf=2026-11-01")).json()
    assert len(roi["goals"]) == 2 and roi["success_label"] in ("Strong", "On track", "Needs attention", "At risk")
    problem(await api.get("/api/success-goals?customer=Acme%20Corp&category=warp"), 422)


async def test_post_quote_and_key_result(api):
    goal_id = api.ws.query("SELECT id FROM goals WHERE name = 'Cut onboarding time for new teams'")[0]["id"]
    r = await api.post(f"/api/success-goals/{goal_id}/quotes", json={"text": "Live in a week", "person": "Jo"})
    assert r.status_code == 201, r.text
    assert r.json()["quote"]["text"] == "Live in a week"
    r = await api.post(f"/api/success-goals/{goal_id}/key-results",
                       json={"name": "Steps automated", "baseline": 0, "target": 8, "current": 2, "date": "2026-11-01"})
    assert r.status_code == 201, r.text
    assert r.json()["achievement_pct"] == 52.3
    problem(await api.post(f"/api/success-goals/{goal_id}/quotes", json={"text": "x" * 5, "extra": 1}), 422)
