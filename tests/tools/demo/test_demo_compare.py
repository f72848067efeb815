"""The foundation flow on the demo workspace: the named accounts tell their story."""

from __future__ import annotations

import json

from agent.cli import main
from tools.compare.compare_customer import CompareCustomerInput, compare_customer


def test_acme_is_mid_pack_and_techcorp_leads(demo_ws):
    acme = compare_customer(demo_ws, CompareCustomerInput(customer="acme"))
    tech = compare_customer(demo_ws, CompareCustomerInput(customer="TechCorp"))
    old = compare_customer(demo_ws, CompareCustomerInput(customer="oldcorp"))
    assert acme.customer == "Acme Corp" and acme.cohort.size >= 100
    assert 30 <= acme.overall_percentile <= 70
    assert tech.overall_percentile >= 90 and old.overall_percentile < 25
    assert tech.metric("adoption_score").status == "top_performer"
    assert acme.benchmark and acme.benchmark.name == "SaaS Industry 2026" and acme.benchmark.sample_size == 500
    assert all(m.benchmark_median is not None for m in acme.metrics)


def test_industry_cohort_and_where_criteria(demo_ws, capsys):
    path = str(demo_ws.path)
    assert main(["--db", path, "compare", "Acme Corp", "--cohort", "industry", "--json"]) == 0
    industry = json.loads(capsys.readouterr().out)
    assert industry["cohort"]["type"] == "industry" and industry["cohort"]["size"] >= 10
    assert main(["--db", path, "compare", "Acme Corp", "--where", "industry=SaaS", "--where", "segment=Enterprise",
                 "--where", "arr_min=100000", "--json"]) == 0
    narrowed = json.loads(capsys.readouterr().out)
    assert 10 <= narrowed["cohort"]["size"] < industry["cohort"]["size"]
    assert main(["--db", path, "compare", "Acme Corp"]) == 0
    text = capsys.readouterr().out
    assert "| Metric |" in text and "Peer percentile" in text


def test_cohort_command_composition(demo_ws, capsys):
    assert main(["--db", str(demo_ws.path), "cohort", "--where", "segment=Enterprise", "--where", "arr_min=100000",
                 "--save", "big-ent", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["size"] == sum(out["composition"]["segment"].values()) and out["saved_as"] == "big-ent"
    assert set(out["composition"]["segment"]) == {"Enterprise"}
    assert demo_ws.query("SELECT name FROM cohorts") == [{"name": "big-ent"}]
