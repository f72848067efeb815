"""Errors are RFC 9457 problem details with the chat's messages, never a traceback."""

from __future__ import annotations

import pytest

from agent.api import benchmarks
from tests.agent.api.conftest import problem


async def test_unknown_customer_has_close_matches(api):
    body = problem(await api.get("/api/benchmarks/Acme%20Crop/compare"), 404)
    assert body["type"] == "urn:peerbench:problem:not-found" and body["suggestions"][0] == "Acme Corp"
    assert body["instance"] == "/api/benchmarks/Acme Crop/compare" and "Did you mean: Acme Corp" in body["detail"]
    # an API never guesses: a near name is a 404 with suggestions, not another account's figures
    assert problem(await api.get("/api/benchmarks/acme/compare"), 404)["suggestions"][0] == "Acme Corp"
    nobody = problem(await api.get("/api/reports/success-metrics/zzqqxx"), 404)
    assert nobody["detail"] == "No customer with the id or name 'zzqqxx' in this workspace."


async def test_unknown_goal_report_set_and_cohort_are_404(api):
    problem(await api.put("/api/success-goals/999999", json={"target": 1}), 404)
    problem(await api.get("/api/reports/999999/download"), 404)
    assert "No benchmark set 'Nope'" in problem(await api.get("/api/benchmarks/Acme%20Corp/compare?benchmark=Nope"), 404)["detail"]
    assert "No saved cohort named 'mine'" in problem(await api.get("/api/benchmarks/Acme%20Corp/compare?cohort=mine"), 404)["detail"]


async def test_validation_errors_name_the_field(api):
    body = problem(await api.get("/api/benchmarks/Acme%20Corp/recommendations?maxGaps=99"), 422)
    assert body["type"] == "urn:peerbench:problem:validation"
    assert body["errors"][0]["loc"] == ["query", "maxGaps"] and "maxGaps" in body["detail"]
    unknown = problem(await api.get("/api/reports/success-metrics?segmnet=SMB"), 422)
    assert unknown["errors"][0]["loc"] == ["query", "segmnet"]  # never silently ignored (csm_id is a field: issue 17)
    nan = problem(await api.post("/api/success-goals", content=b'{"customer": "Acme Corp", "target": NaN}',
                                 headers={**api.auth(), "content-type": "application/json"}), 422)
    assert nan["errors"][0]["loc"] == ["body", "target"]
    assert problem(await api.post("/api/success-goals", content=b"{", headers={
        **api.auth(), "content-type": "application/json"}), 422)["errors"]
    for body, field in (({"customer": "Acme Corp", "target": "60"}, "target"),      # a number as text
                        ({"customer": "Acme Corp", "weight": True}, "weight"),      # a flag as a number
                        ({"customer": "Acme Corp", "target_date": 0}, "target_date"),  # not 1970-01-01
                        ({"customer": "Acme Corp", "name": "bell\x07"}, "name")):  # a control character
        bad = problem(await api.post("/api/success-goals", json=body), 422)
        assert [e["loc"] for e in bad["errors"]] == [["body", field]], bad
    assert problem(await api.get("/api/reports/success-metrics?asOf=0"), 422)["errors"][0]["loc"] == ["query", "asOf"]
    metrics = problem(await api.get("/api/benchmarks/Acme%20Corp/compare?metrics=nps,bogus"), 422)
    assert "Unknown metric: bogus" in metrics["detail"]


async def test_tool_messages_reach_the_caller(api):
    body = problem(await api.post("/api/success-goals", json={"customer": "Acme Corp", "name": "x", "baseline": 5,
                                                              "target": 5, "target_date": "2027-01-01"}), 422)
    assert body["type"] == "urn:peerbench:problem:tool-error" and "baseline" in body["detail"].lower()


async def test_unknown_paths_and_methods(api):
    body = problem(await api.get("/api/nothing/here"), 404)
    assert "/api/docs" in body["detail"]
    response = await api.delete("/api/benchmarks")
    problem(response, 405)
    assert response.headers["allow"] == "GET"
    assert (await api.client.patch("/api/success-goals/1", headers=api.auth())).headers["allow"] == "GET, PUT, DELETE"  # GET: the goal in detail (issue 20)


async def test_request_body_limit(api):
    body = problem(await api.post("/api/benchmarks/peer-groups", json={"industry": "x" * (2 * 1024 * 1024)}), 413)
    assert "1 MB" in body["detail"]


async def test_a_bug_is_a_500_problem_with_a_reference_never_a_traceback(api, monkeypatch, caplog):
    def broken(*args, **kwargs):
        raise RuntimeError("secret internals /srv/peerbench")

    monkeypatch.setattr(benchmarks, "compare_customer", broken)
    response = await api.get("/api/benchmarks/Acme%20Corp/compare")
    body = problem(response, 500)
    assert body["reference"] and "secret" not in response.text and "RuntimeError" not in response.text
    assert body["reference"] in caplog.text and "secret internals" in caplog.text  # the log has it all


@pytest.mark.parametrize("path", ["/api/openapi.json", "/api/docs"])
async def test_documented(api, path):
    response = await api.client.get(path)
    assert response.status_code == 200
    if path.endswith(".json"):
        doc = response.json()
        assert doc["components"]["securitySchemes"]["bearer"] == {
            "type": "http", "scheme": "bearer", "description": doc["components"]["securitySchemes"]["bearer"]["description"]}
        compare = doc["paths"]["/api/benchmarks/{customerId}/compare"]["get"]
        assert compare["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].endswith("CompareCustomerOutput")
        assert "application/problem+json" in compare["responses"]["404"]["content"]
