"""Benchmark sets in the chat (offline agent, real tools): a load says everything it did, the user
decides which set is active, maps a near miss, picks the primary source, renames the set."""

from __future__ import annotations

import shutil

from agent.core import answer
from agent.session import Session, Settings
from tests.factories import add_customers, add_quantile_benchmark
from tests.ingest_helpers import FIXTURES
from tools.registry import all_tools

KBCM = FIXTURES / "published" / "kbcm_style_acv_bands.csv"
COMPILATION = FIXTURES / "published" / "cs_compilation_multi_source.csv"


async def _ask(ws, message, session, attachments=()):
    # writes saved at once: these tests are about the sets (confirming a write: tests/agent/test_writes.py)
    return await answer(message, ws=ws, session=session, attachments=attachments, registry=all_tools(),
                        settings=Settings(confirm_writes=False))


def _staged(ws, source):
    """An attachment as the app stages it: a copy in its own folder under the workspace uploads."""
    folder = ws.uploads_dir / "a1b2c3d4e5f6"
    folder.mkdir(parents=True, exist_ok=True)
    return shutil.copy(source, folder / source.name)


def _active(ws) -> str:
    return ws.query("SELECT name FROM benchmark_sets WHERE active = 1")[0]["name"]


async def test_load_then_map_a_near_miss_then_make_it_active(ws):
    add_customers(ws, 12, seed=3)
    add_quantile_benchmark(ws, "Team Benchmarks", {"nps": {25: 10, 50: 30, 75: 45}})
    s = Session()
    first = await _ask(ws, "Compare my customers against these benchmarks", s, [_staged(ws, KBCM)])
    assert "It is not the active set; **Team Benchmarks** stays active." in first.text
    assert "'Gross Dolar Retention' looks like Renewal Rate" in first.text
    assert [n for n, _ in first.results] == ["load_benchmarks"]  # then step 2: the peer grouping
    assert "I propose **by ARR band** (the benchmark's rows are by ARR band)" in first.text
    labels = [a.label for a in first.actions]
    assert "By ARR band (proposed)" in labels
    assert "Map 'Gross Dolar Retention' to Renewal Rate" in labels
    assert "Make 'KBCM-style SaaS survey 2023\u2026' the active set" in labels
    assert _active(ws) == "Team Benchmarks"

    compared = await _ask(ws, "by industry", s)
    assert [n for n, _ in compared.results] == ["compare_portfolio"] and compared.results[0][1].group_by == "industry"
    assert compared.results[0][1].benchmark.name.startswith("KBCM-style")  # the question used the file it came with

    mapped = await _ask(ws, "map Gross Dolar Retention to renewal_rate", s)
    (name, out), = mapped.results
    assert name == "load_benchmarks" and "renewal_rate" in out.metrics_matched
    assert "- Gross Dolar Retention -> Renewal Rate (your mapping)" in mapped.text
    assert ws.query("SELECT count(*) AS n FROM benchmark_sets")[0]["n"] == 2  # replaced, not added

    made = await _ask(ws, "make it the active set", s)
    assert made.results[0][0] == "manage_benchmarks" and _active(ws).startswith("KBCM-style")
    assert "is now the active benchmark set" in made.text


async def test_prefer_a_source_and_rename_the_set(ws):
    add_customers(ws, 12, seed=3, arr=285_000)
    s = Session()
    first = await _ask(ws, "load these benchmarks", s, [_staged(ws, COMPILATION)])
    assert "Prefer KeyBanc as primary" in [a.label for a in first.actions]
    assert first.results[0][1].active  # the first set in the workspace becomes active: told in the summary
    assert "It is now the active set" in first.text

    prefer = await _ask(ws, "prefer KeyBanc as primary", s)
    assert "now uses KeyBanc as the primary reference" in prefer.text
    cmp = await _ask(ws, "How does Enterprise SaaS 00 compare to peers?", s)
    nrr = cmp.results[0][1].metric("net_revenue_retention")
    assert nrr.benchmark_basis == "all companies, KeyBanc 2023" and nrr.benchmark_median == 104

    renamed = await _ask(ws, "rename the benchmark set to CS Compilation 2024", s)
    assert "Renamed 'Cs compilation multi source' to **CS Compilation 2024**" in renamed.text
    listed = await _ask(ws, "which benchmark sets are loaded?", s)
    assert "Active set: **CS Compilation 2024**" in listed.text


async def test_a_failed_load_is_not_answered_from_older_data(ws, tmp_path):
    add_customers(ws, 12, seed=3)
    add_quantile_benchmark(ws, "Team Benchmarks", {"nps": {25: 10, 50: 30, 75: 45}})
    bad = tmp_path / "conflict.csv"
    bad.write_text("metric,stat,value,source,year\nNRR,median,104%,KeyBanc,2023\nNRR,median,106%,KeyBanc,2023\n")
    ans = await _ask(ws, "Compare my customers against these benchmarks", Session(), [_staged(ws, bad)])
    assert ans.results == [] and "the question was not answered" in ans.text
    assert "row 3, column 'value'" in " ".join(ans.notices)


async def test_a_reload_that_replaces_a_set_waits_for_confirmation(ws):
    """Issue 18 over issue 13: "map X to Y" reloads the file over the set it made, which replaces
    data, so by default it is previewed and saved only when confirmed."""
    add_customers(ws, 12, seed=3)
    add_quantile_benchmark(ws, "Team Benchmarks", {"nps": {25: 10, 50: 30, 75: 45}})
    s = Session()
    await _ask(ws, "Compare my customers against these benchmarks", s, [_staged(ws, KBCM)])
    before = ws.query("SELECT metric FROM benchmark_rows WHERE metric = 'renewal_rate'")
    held = await answer("map Gross Dolar Retention to renewal_rate", ws=ws, session=s, registry=all_tools(),
                        settings=Settings())
    assert s.pending is not None and "Save this change" in [a.label for a in held.actions]
    assert ws.query("SELECT metric FROM benchmark_rows WHERE metric = 'renewal_rate'") == before  # nothing saved
    saved = await answer("yes", ws=ws, session=s, registry=all_tools(), settings=Settings())
    assert saved.results[0][0] == "load_benchmarks" and "renewal_rate" in saved.results[0][1].metrics_matched
