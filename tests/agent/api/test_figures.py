"""Every read endpoint answers with the same figures as the CLI's --json for the same workspace."""

from __future__ import annotations

import pytest

from tests.agent.api.conftest import cli_json

VOLATILE = {"run_id", "taken_at", "seconds"}  # differ from one run to the next by design

# (API path, the equivalent CLI command)
SAME_AS_CLI = [
    ("/api/benchmarks/Acme%20Corp/compare", ["compare", "Acme Corp"]),
    ("/api/benchmarks/1/compare", ["compare", "Acme Corp"]),  # the account's id works as well as its name
    ("/api/benchmarks/ACME%20corp/compare?cohort=industry", ["compare", "Acme Corp", "--cohort", "industry"]),
    ("/api/intelligence/benchmark/Acme%20Corp", ["compare", "Acme Corp", "--cohort", "industry"]),
    ("/api/benchmarks/TechCorp/compare?cohort=all&benchmark=SaaS%20Industry%202026",
     ["compare", "TechCorp", "--cohort", "all", "--benchmark", "SaaS Industry 2026"]),
    ("/api/benchmarks/leaders?metric=nps", ["practices", "--metric", "nps"]),
    ("/api/benchmarks/leaders?segment=SMB", ["practices", "--segment", "SMB"]),
    ("/api/benchmarks/Acme%20Corp/recommendations", ["recommend", "Acme Corp"]),
    ("/api/benchmarks/Acme%20Corp/recommendations?targetBasis=cohort&maxGaps=3",
     ["recommend", "Acme Corp", "--basis", "cohort", "--max-gaps", "3"]),
    ("/api/benchmarks/Acme%20Corp/history?periods=6", ["history", "Acme Corp", "--periods", "6"]),
    ("/api/reports/success-metrics/Acme%20Corp", ["roi", "Acme Corp"]),
    ("/api/reports/success-metrics/Acme%20Corp?period=2026-Q3&peerGroup=all",
     ["roi", "Acme Corp", "--period", "2026-Q3", "--peers", "all"]),
    ("/api/reports/success-metrics", ["success"]),
    ("/api/reports/success-metrics?segment=Enterprise&limit=5", ["success", "--segment", "Enterprise", "--limit", "5"]),
    ("/api/success-goals?customer=Acme%20Corp", ["goals", "Acme Corp"]),
    ("/api/portfolio/compare", ["portfolio"]),
    ("/api/portfolio/compare?segment=SMB&metric=nps", ["portfolio", "--segment", "SMB", "--metric", "nps"]),
]


def _stable(data):
    if isinstance(data, dict):
        return {k: _stable(v) for k, v in data.items() if k not in VOLATILE}
    if isinstance(data, list):
        return [_stable(v) for v in data]
    return data


@pytest.mark.parametrize("path,argv", SAME_AS_CLI, ids=[p for p, _ in SAME_AS_CLI])
async def test_read_endpoints_match_the_cli_json(api, capsys, path, argv):
    expected = cli_json(api.ws, capsys, *argv)
    response = await api.get(path)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/json"
    assert _stable(response.json()) == _stable(expected)


async def test_the_done_means_request(api, capsys):
    """The issue's check: GET /api/benchmarks/Acme%20Corp/compare is what `peerbench compare "Acme Corp" --json` prints."""
    expected = cli_json(api.ws, capsys, "compare", "Acme Corp")
    got = (await api.get("/api/benchmarks/Acme%20Corp/compare")).json()
    assert got == expected
    assert got["customer"] == "Acme Corp" and got["cohort"]["size"] >= 10
    assert {m["metric"] for m in got["metrics"]} >= {"nps", "dau_mau", "time_to_value_days"}


async def test_custom_cohort_matches_the_cli_where(api, capsys):
    expected = cli_json(api.ws, capsys, "compare", "Acme Corp", "--where", "industry=SaaS",
                        "--where", "arr_min=$50K")
    response = await api.post("/api/intelligence/benchmark/Acme%20Corp/custom-cohort",
                              json={"industry": "SaaS", "arrMin": 50000})
    assert response.status_code == 200, response.text
    assert response.json() == expected
    assert response.json()["cohort"]["criteria"]["arr_min"] == 50000


async def test_peer_group_matches_the_cli_cohort(api, capsys):
    expected = cli_json(api.ws, capsys, "cohort", "--where", "segment=Enterprise", "--where", "arr_min=100000")
    response = await api.post("/api/benchmarks/peer-groups", json={"segment": "Enterprise", "arr_min": 100000})
    assert response.status_code == 200, response.text
    assert response.json() == expected and expected["size"] >= 10


async def test_metrics_filter_keeps_the_figures(api):
    full = (await api.get("/api/benchmarks/Acme%20Corp/compare")).json()
    some = (await api.get("/api/benchmarks/Acme%20Corp/compare?metrics=nps,DAU/MAU")).json()
    assert [m["metric"] for m in some["metrics"]] == ["nps", "dau_mau"]
    assert some["metrics"] == [m for m in full["metrics"] if m["metric"] in ("nps", "dau_mau")]
    assert some["overall_percentile"] == full["overall_percentile"]


async def test_success_intelligence_bundles_roi_and_benchmarks(api, capsys):
    roi = cli_json(api.ws, capsys, "roi", "Acme Corp")
    compare = cli_json(api.ws, capsys, "compare", "Acme Corp")
    body = (await api.get("/api/intelligence/success-metrics/Acme%20Corp?period=all&includeBenchmarks=true")).json()
    assert body["success"] == roi and body["benchmarks"] == compare
    alone = (await api.get("/api/intelligence/success-metrics/Acme%20Corp?includeBenchmarks=false")).json()
    assert alone["success"] == roi and alone["benchmarks"] is None


async def test_benchmark_sets_and_customers(api):
    sets = (await api.get("/api/benchmarks")).json()["sets"]
    assert [(s["name"], s["active"], s["metrics"]) for s in sets] == [("SaaS Industry 2026", True, 22)]
    total = api.ws.query("SELECT COUNT(*) AS n FROM customers")[0]["n"]
    first = (await api.get("/api/customers?limit=100")).json()
    rest = (await api.get(f"/api/customers?offset=100&limit={total}")).json()
    names = [c["name"] for c in first["customers"] + rest["customers"]]
    assert first["total"] == total and len(names) == total == len(set(names))
    assert names == sorted(names, key=str.casefold)
    acme = (await api.get("/api/customers?q=acme")).json()
    assert acme["total"] == 1 and acme["customers"][0] == {
        "id": 1, "name": "Acme Corp", "industry": "SaaS", "segment": "Enterprise", "arr": 285000.0,
        "region": "North America", "contract_start": "2022-03-15", "csm": "Sarah Chen"}
