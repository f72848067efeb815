"""The API takes issue 20a's inputs: the portfolio's grouping and metric subset, the distribution flag."""

from __future__ import annotations

from tests.agent.api.conftest import cli_json


def _stable(d):
    return {k: v for k, v in d.items() if k not in ("run_id", "taken_at")}


async def test_portfolio_grouped_by_industry_matches_the_cli(api, capsys):
    expected = cli_json(api.ws, capsys, "portfolio", "--group-by", "industry", "--metrics", "nps,health_score")
    response = await api.get("/api/portfolio/compare?groupBy=industry&metrics=nps&metrics=health_score")
    assert response.status_code == 200, response.text
    got = response.json()
    assert _stable(got) == _stable(expected) and got["group_by"] == "industry"
    assert [m["metric"] for m in got["metrics"]] == ["health_score", "nps"]


async def test_an_unknown_grouping_is_a_problem_with_suggestions(api):
    response = await api.get("/api/portfolio/compare?groupBy=colour")
    assert response.status_code == 422 or response.status_code == 400, response.text
    assert "industry" in response.json().get("suggestions", [])


async def test_compare_with_the_full_distribution(api, capsys):
    expected = cli_json(api.ws, capsys, "compare", "Acme Corp", "--distribution")
    got = (await api.get("/api/benchmarks/Acme%20Corp/compare?distribution=true")).json()
    assert got == expected and got["show_distribution"] is True and got["position"].endswith("average")
