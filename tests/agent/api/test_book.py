"""Issue 17 endpoints: improvement goals from gaps (preview, then confirm), csmId on the portfolio and
success views, the CSM list."""

from __future__ import annotations

from tests.agent.api.conftest import cli_json, problem


async def test_improvement_goals_preview_then_confirm(api):
    n = api.ws.query("SELECT count(*) AS n FROM goals")[0]["n"]
    preview = await api.post("/api/customers/Acme Corp/improvement-goals", json={"as_of": "2026-11-01"})
    assert preview.status_code == 200, preview.text
    body = preview.json()
    assert body["saved"] is False and len(body["goals"]) == 4 and body["goals"][0]["id"] is None
    assert "Goal 'Raise Training Hours to 43.2': 24.4 -> 43.2 by 2027-01-30 (stretch 61.3, P75)" in body["would_create"]
    assert api.ws.query("SELECT count(*) AS n FROM goals")[0]["n"] == n
    saved = await api.post("/api/customers/Acme Corp/improvement-goals", json={"as_of": "2026-11-01", "confirm": True})
    assert saved.json()["saved"] is True and all(g["id"] for g in saved.json()["goals"])
    assert api.ws.query("SELECT count(*) AS n FROM goals")[0]["n"] == n + 4
    again = await api.post("/api/customers/Acme Corp/improvement-goals", json={"confirm": True})
    assert "No new goal" in problem(again, 422)["detail"]
    problem(await api.post("/api/customers/Nobody Inc/improvement-goals", json={}), 404)
    problem(await api.post("/api/customers/Acme Corp/improvement-goals", json={"confirm": "yes"}), 422)


async def test_csm_id_by_name_or_id_matches_the_cli(api, capsys):
    csms = (await api.get("/api/csms")).json()
    sarah = next(c for c in csms if c["name"] == "Sarah Chen")
    by_id = (await api.get(f"/api/portfolio/compare?segment=Enterprise&csmId={sarah['id']}")).json()
    by_name = (await api.get("/api/portfolio/compare?segment=Enterprise&csm_id=Sarah")).json()
    assert by_id["csm"] == by_name["csm"] == "Sarah Chen" and by_id["accounts"] == by_name["accounts"]
    cli = cli_json(api.ws, capsys, "portfolio", "--segment", "Enterprise", "--csm", "Sarah Chen")
    assert cli["accounts"] == by_id["accounts"] and cli["peer_groups"][0]["accounts"] == by_id["peer_groups"][0]["accounts"]
    success = (await api.get(f"/api/reports/success-metrics?segment=Enterprise&csmId={sarah['id']}&byCsm=true")).json()
    assert success["csm"] == "Sarah Chen" and [r["csm"] for r in success["by_csm"]] == ["Sarah Chen"]
    assert "Dana" in problem(await api.get("/api/portfolio/compare?csmId=Dana"), 404)["detail"]
