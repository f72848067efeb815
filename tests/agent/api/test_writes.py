"""Endpoints that change the workspace: uploads, goals, milestones, reports (and their downloads)."""

from __future__ import annotations

import io
from pathlib import Path

import docx
from pypdf import PdfReader

from tests.agent.api.conftest import cli_json, problem

ROOT = Path(__file__).resolve().parents[3]
SAMPLE = ROOT / "data" / "saas_industry_benchmarks_2026.csv"
PORTFOLIO = ROOT / "tests" / "fixtures" / "ingest" / "portfolio_good.csv"


async def test_upload_benchmarks_is_the_load_summary(api, capsys, tmp_path):
    import shutil
    import sqlite3

    from tools.store.workspace import Workspace

    twin = Workspace(tmp_path / "twin" / "peerbench.db")  # the same workspace before the upload, for the CLI
    twin.path.parent.mkdir(parents=True)
    with sqlite3.connect(api.ws.path) as src, sqlite3.connect(twin.path) as dst:
        src.backup(dst)
    response = await api.post("/api/benchmarks/upload", data={"name": "Survey 2026", "year": "2026", "activate": "true"},
                              files={"file": ("survey.csv", SAMPLE.read_bytes(), "text/csv")})
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["name"] == "Survey 2026" and body["active"] is True and body["file_name"] == "survey.csv"
    assert body["rows_stored"] > 0 and len(body["metrics_matched"]) == 22 and body["year"] == 2026
    staged = list(api.ws.uploads_dir.glob("*/survey.csv"))
    assert len(staged) == 1  # kept in the workspace like a chat upload
    # the CLI importing the same file into the same workspace says the same
    cli = cli_json(twin, capsys, "load", str(staged[0]), "--name", "Survey 2026", "--kind", "benchmarks", "--activate")
    assert "upload" not in body  # the server's path is not the client's business
    assert {k: v for k, v in body.items() if k != "loaded_at"} == \
        {k: v for k, v in cli.items() if k not in ("loaded_at", "upload")}
    shutil.rmtree(twin.path.parent, ignore_errors=True)
    sets = (await api.get("/api/benchmarks")).json()["sets"]
    assert [s["name"] for s in sets if s["active"]] == ["Survey 2026"]


async def test_bad_file_lists_file_row_and_column_and_changes_nothing(api):
    before = api.ws.query("SELECT COUNT(*) AS n FROM benchmark_sets")[0]["n"]
    bad = b"metric,p25,p50,p75\nnps,10,20,30\ndau_mau,0.2,abc,0.5\ncsat,3,4,five\n"
    body = problem(await api.post("/api/benchmarks/upload", files={"file": ("bad.csv", bad)}), 422)
    assert body["type"] == "urn:peerbench:problem:import-failed" and body["total_problems"] == 2
    assert [(p["file"], p["row"], p["column"], p["value"]) for p in body["problems"]] == [
        ("bad.csv", 3, "p50", "abc"), ("bad.csv", 4, "p75", "five")]
    assert "Nothing was imported from bad.csv" in body["detail"]
    assert api.ws.query("SELECT COUNT(*) AS n FROM benchmark_sets")[0]["n"] == before
    assert not list(api.ws.uploads_dir.glob("*/bad.csv"))  # the rejected copy is removed


async def test_upload_limits_are_the_chats(api):
    pdf = problem(await api.post("/api/benchmarks/upload", files={"file": ("bench.csv", b"%PDF-1.7 not a table")}), 422)
    assert "not a CSV or Excel (.xlsx) file: it looks like a PDF" in pdf["detail"]
    empty = problem(await api.post("/api/benchmarks/upload", files={"file": ("e.csv", b"")}), 422)
    assert "is empty" in empty["detail"]
    # just over 10 MB: within the request limit (multipart overhead), refused while streaming to disk
    over = b"metric,p50\n" + b"x" * (10 * 1024 * 1024)
    too_big = problem(await api.post("/api/benchmarks/upload", files={"file": ("big.csv", over)}), 413)
    assert "limit for uploads" in too_big["detail"]
    # far over: refused from the request size alone
    huge = problem(await api.post("/api/benchmarks/upload", files={"file": ("huge.csv", over * 2)}), 413)
    assert "10 MB" in huge["detail"]
    assert not [p for p in api.ws.uploads_dir.rglob("*") if p.is_file()]
    missing = problem(await api.post("/api/benchmarks/upload", data={"name": "x"}), 422)
    assert missing["errors"][0]["loc"] == ["body", "file"]


async def test_generic_import_detects_a_portfolio(api):
    response = await api.post("/api/imports", files={"file": ("accounts.csv", PORTFOLIO.read_bytes())})
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["kind"] == "portfolio" and body["rows"] >= 2 and body["file"] == "accounts.csv"


async def test_goal_lifecycle(api, capsys):
    created = await api.post("/api/success-goals", json={
        "customer": "acme corp", "template": "improve_nps", "target": 60, "target_date": "2027-06-30"})
    assert created.status_code == 201, created.text
    goal = created.json()["goal"]
    assert (goal["customer"], goal["metric"], goal["target"], goal["name"]) == ("Acme Corp", "nps", 60, "Improve NPS to 60")
    gid = goal["id"]
    measured = await api.post(f"/api/success-goals/{gid}/measurements", json={"value": 61, "date": "2026-11-01"})
    assert measured.status_code == 201, measured.text
    assert measured.json()["goal"]["status"] == "achieved" and measured.json()["alerts"]
    updated = await api.put(f"/api/success-goals/{gid}", json={"target": 70})
    assert updated.status_code == 200 and updated.json()["goal"]["name"] == "Improve NPS to 70"
    listed = (await api.get("/api/success-goals?customer=Acme%20Corp")).json()
    assert listed == cli_json(api.ws, capsys, "goals", "Acme Corp")
    assert gid in [g["id"] for g in listed["goals"]]
    deleted = await api.delete(f"/api/success-goals/{gid}")
    assert deleted.status_code == 200 and "Deleted goal 'Improve NPS to 70'" in deleted.json()["message"]
    problem(await api.put(f"/api/success-goals/{gid}", json={"target": 80}), 404)


async def test_goal_via_intelligence_path_and_baseline_not_set(api):
    response = await api.post("/api/intelligence/success-metrics/TechCorp/goals", json={
        "name": "Launch partner portal", "category": "custom", "metric": "Partner logins", "target": 500,
        "unit": "count", "target_date": "2027-03-31"})
    assert response.status_code == 201, response.text
    out = response.json()
    assert out["customer"] == "TechCorp" and out["goal"]["status"] == "unknown"
    assert any(n.startswith("Baseline not set") for n in out["notes"])


async def test_no_success_goals_defined(api):
    bare = api.ws.query("SELECT name FROM customers WHERE id NOT IN (SELECT customer_id FROM goals) LIMIT 1")[0]
    out = (await api.get(f"/api/reports/success-metrics/{bare['name']}")).json()
    assert out["goals"] == [] and any("No success goals defined" in n for n in out["notes"])


async def test_milestone(api):
    response = await api.post("/api/customers/Acme%20Corp/milestones",
                              json={"milestone_name": "Pilot done", "date": "2027-01-15"})
    assert response.status_code == 201, response.text
    assert response.json()["milestone"]["name"] == "Pilot done"


async def test_report_generation_and_download(api):
    response = await api.post("/api/reports/success-metrics/Acme%20Corp/generate",
                              json={"format": "docx", "include_sections": ["overview", "goals", "value"]})
    assert response.status_code == 201, response.text
    link = response.json()
    assert (link["kind"], link["format"], link["customer"]) == ("success", "docx", "Acme Corp")
    assert link["sections"] == ["Executive summary", "Goals and progress", "Value delivered"]
    assert "path" not in link and link["download_url"] == f"/api/reports/{link['report_id']}/download"
    file = await api.get(link["download_url"])
    assert file.status_code == 200
    assert file.headers["content-type"].startswith("application/vnd.openxmlformats-officedocument.wordprocessingml")
    assert link["file_name"] in file.headers["content-disposition"]
    headings = [p.text for p in docx.Document(io.BytesIO(file.content)).paragraphs if p.style.name.startswith("Heading")]
    assert "Goals and progress" in headings and "Milestones and goals at risk" not in headings


async def test_every_report_kind(api):
    for kind, body in (("benchmark", {"format": "pdf"}), ("account", {"format": "md"}), ("qbr", {"format": "pptx"})):
        response = await api.post(f"/api/reports/{kind}/Acme%20Corp/generate", json=body)
        assert response.status_code == 201, response.text
        assert (await api.get(response.json()["download_url"])).status_code == 200
    portfolio = await api.post("/api/reports/portfolio/generate", json={})
    assert portfolio.status_code == 201 and portfolio.json()["format"] == "xlsx"
    reports = (await api.get("/api/reports")).json()["reports"]
    assert [r["kind"] for r in reports] == ["portfolio", "qbr", "account", "benchmark"]
    pdf = await api.get(reports[-1]["download_url"])
    text = PdfReader(io.BytesIO(pdf.content)).pages[0].extract_text()
    assert "Acme Corp" in text
    bad = problem(await api.post("/api/reports/benchmark/Acme%20Corp/generate", json={"include_sections": ["x"]}), 422)
    assert "Sections: summary, performance" in bad["detail"]
