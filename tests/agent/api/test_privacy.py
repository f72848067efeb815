"""Privacy exactly as in the chat: anonymised peers, no aggregate under 10, the differencing guard per token."""

from __future__ import annotations

from tests.agent.api.conftest import problem


async def test_peers_are_anonymised_by_default(api):
    names = {r["name"] for r in api.ws.query("SELECT name FROM customers")} - {"Acme Corp"}
    compare = await api.get("/api/benchmarks/Acme%20Corp/compare")
    peers = compare.json()["peers"]
    assert peers and all(p["label"].startswith("Peer ") or p["is_customer"] for p in peers)
    assert not any(name in compare.text for name in names)
    leaders = await api.get("/api/benchmarks/leaders?metric=nps")
    performers = leaders.json()["metrics"][0]["performers"]
    assert performers and all(p["label"].startswith("Top performer ") for p in performers)
    named = (await api.get("/api/benchmarks/leaders?metric=nps&anonymise=false")).json()["metrics"][0]["performers"]
    assert any(p["label"] in names for p in named)  # only when asked for, as in the chat's settings


async def test_no_aggregate_for_a_group_under_10(api):
    body = problem(await api.post("/api/intelligence/benchmark/Acme%20Corp/custom-cohort",
                                  json={"industry": "SaaS", "arrMin": 280000, "arrMax": 300000}), 422)
    assert "at least 10 are needed" in body["detail"] and body["suggestions"]
    cohort = (await api.post("/api/benchmarks/peer-groups", json={"industry": "SaaS", "arr_min": 280000, "arr_max": 300000})).json()
    assert cohort["sufficient"] is False and cohort["composition"] == {}


async def test_differencing_guard_is_per_token(api):
    wide = {"segment": "Enterprise"}
    total = (await api.post("/api/benchmarks/peer-groups", json=wide)).json()["size"]
    arr = sorted(r["arr"] for r in api.ws.query("SELECT arr FROM customers WHERE segment = 'Enterprise'"))
    narrow = {"segment": "Enterprise", "arrMax": arr[-2]}  # leaves out the largest account(s) only
    body = problem(await api.post("/api/intelligence/benchmark/Acme%20Corp/custom-cohort", json=narrow), 422)
    assert "differs from one already shown" in body["detail"] and total >= 10
    # another token has its own memory: the same request is answered for it
    other = api.new_token("other-integration")
    fine = await api.post("/api/intelligence/benchmark/Acme%20Corp/custom-cohort", json=narrow, headers=api.auth(other))
    assert fine.status_code == 200, fine.text
    assert fine.json()["cohort"]["size"] < total
    # and that token is now refused the wide group
    problem(await api.post("/api/benchmarks/peer-groups", json=wide, headers=api.auth(other)), 422)
