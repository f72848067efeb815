"""Who may see what: the auth matrix (no token, bad token, revoked token, another user's token)."""

from __future__ import annotations

import sqlite3

import pytest

from agent.ui.auth import user_db_path
from tests.agent.api.conftest import problem
from tools.store.tokens import digest, list_tokens, revoke_token

PORTFOLIO = b"name,industry,segment,arr,region,nps\nZephyr Labs,SaaS,Enterprise,250000,EMEA,44\n"
PROTECTED = ["/api/benchmarks", "/api/customers", "/api/benchmarks/Acme%20Corp/compare", "/api/reports",
             "/api/reports/success-metrics", "/api/portfolio/compare"]


@pytest.fixture
async def alice_and_bob(api):
    """Two users' tokens; alice has an account, a goal and a report that bob must not reach."""
    alice, bob = api.new_token("alice-crm", user="alice"), api.new_token("bob-bi", user="bob")
    imported = await api.post("/api/imports", headers=api.auth(alice), files={"file": ("mine.csv", PORTFOLIO)})
    assert imported.status_code == 201, imported.text
    goal = await api.post("/api/success-goals", headers=api.auth(alice), json={
        "customer": "Acme Corp", "name": "Alice's goal", "category": "custom", "metric": "nps", "baseline": 30,
        "target": 50, "target_date": "2027-06-30"})
    report = await api.post("/api/reports/benchmark/Acme%20Corp/generate", headers=api.auth(alice), json={"format": "md"})
    assert goal.status_code == report.status_code == 201
    return alice, bob, goal.json()["goal"]["id"], report.json()


@pytest.mark.parametrize("path", PROTECTED)
async def test_no_token_or_a_bad_one_is_401(api, path):
    for headers in ({}, {"Authorization": "Basic dXNlcjpwYXNz"}, {"Authorization": "Bearer"},
                    {"Authorization": "Bearer pbk_not-a-real-token"}, {"Authorization": f"Bearer {api.token}x"}):
        response = await api.client.get(path, headers=headers)
        body = problem(response, 401)
        assert response.headers["www-authenticate"].startswith("Bearer")
        assert body["type"] == "urn:peerbench:problem:unauthorized"
    assert (await api.get(path)).status_code == 200


async def test_revoked_token_is_401_at_once(api):
    token = api.new_token("short-lived")
    assert (await api.get("/api/benchmarks", headers=api.auth(token))).status_code == 200
    revoke_token(api.ws, "short-lived")
    body = problem(await api.get("/api/benchmarks", headers=api.auth(token)), 401)
    assert body["title"] == "Invalid token"


async def test_health_needs_no_token(api):
    response = await api.client.get("/api/health")
    assert response.status_code == 200 and response.json()["status"] == "ok"


async def test_another_users_account_goal_and_file_are_404(api, alice_and_bob):
    alice, bob, goal_id, report = alice_and_bob
    as_alice, as_bob = api.auth(alice), api.auth(bob)
    # alice sees her own
    assert (await api.get("/api/customers?q=zephyr", headers=as_alice)).json()["total"] == 1
    assert (await api.get(report["download_url"], headers=as_alice)).status_code == 200
    assert (await api.get(f"/api/success-goals?customer=Acme%20Corp", headers=as_alice)).json()["goals"][-1]["id"] == goal_id
    # bob, and the main workspace, do not: 404, and nothing hints that they exist
    for headers in (as_bob, api.auth()):
        body = problem(await api.get("/api/benchmarks/Zephyr%20Labs/compare", headers=headers), 404)
        assert "Zephyr" not in " ".join(body.get("suggestions") or [])
        zephyr_id = (await api.get("/api/customers?q=zephyr", headers=as_alice)).json()["customers"][0]["id"]
        problem(await api.get(f"/api/benchmarks/{zephyr_id}/compare", headers=headers), 404)
        problem(await api.put(f"/api/success-goals/{goal_id}", headers=headers, json={"target": 60}), 404)
        problem(await api.post(f"/api/success-goals/{goal_id}/measurements", headers=headers, json={"value": 1}), 404)
        problem(await api.get(report["download_url"], headers=headers), 404)
        assert (await api.get("/api/customers?q=zephyr", headers=headers)).json()["total"] == 0
        assert (await api.get("/api/reports", headers=headers)).json()["reports"] == []
    # alice's goal is unchanged by bob's attempts
    goals = (await api.get("/api/success-goals?customer=Acme%20Corp", headers=as_alice)).json()["goals"]
    assert next(g for g in goals if g["id"] == goal_id)["target"] == 50


async def test_a_users_token_opens_the_chats_workspace_file(api, alice_and_bob):
    alice_db = user_db_path(api.ws.path, "alice")
    with sqlite3.connect(alice_db) as db:
        names = [r[0] for r in db.execute("SELECT name FROM customers WHERE name = 'Zephyr Labs'")]
        tokens = db.execute("SELECT COUNT(*) FROM api_tokens").fetchone()[0]
    assert names == ["Zephyr Labs"]
    assert tokens == 0  # the seeded copy carries no token hashes


def test_tokens_are_stored_hashed(api):
    token = api.new_token("hashed")
    rows = api.ws.query("SELECT * FROM api_tokens WHERE name = 'hashed'")
    assert rows[0]["token_hash"] == digest(token) and token not in str(rows)
    assert [t.name for t in list_tokens(api.ws)] == ["tests", "hashed"]
