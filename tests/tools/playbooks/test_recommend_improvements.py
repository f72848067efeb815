"""recommend_improvements: target / stretch / timeline rules, playbook actions, peer to copy, 12-week plan."""

from __future__ import annotations

import json

import numpy as np
import pytest

from agent.cli import main
from analytics import recommend as rc
from analytics.catalog import KEYS
from tests.factories import add_customers, add_quantile_benchmark, set_metric
from tools.playbooks.recommend_improvements import (
    ACTIONS,
    LEARN_FROM_SHOWN,
    PLAYBOOK,
    RecommendImprovementsInput,
    follow_ups,
    recommend_improvements,
)
from tools.store.frames import latest_metrics
from tools.store.workspace import now_iso

POINTS = {"nps": {10: 0.0, 25: 20.0, 50: 40.0, 75: 60.0, 90: 70.0},
          "time_to_value_days": {10: 20.0, 25: 30.0, 50: 45.0, 75: 60.0, 90: 80.0},
          "health_score": {25: 30.0, 50: 50.0, 75: 70.0, 90: 80.0},
          "csat": {25: 1.0, 50: 2.0, 75: 3.0, 90: 4.0}}


# ---------------------------------------------------------------- pure rules

@pytest.mark.parametrize("pct,bound,size,days,week", [
    (45.0, None, "small", 30, 4), (40.5, None, "small", 30, 4), (40.0 + 1e-12, None, "medium", 60, 8),
    (26.0, None, "medium", 60, 8), (25.0, None, "large", 90, 12), (25.0, "below", "large", 90, 12),
    (50.0, None, None, None, None), (50.0 - 1e-12, None, None, None, None)])
def test_gap_size_and_timeline(pct, bound, size, days, week):
    t = rc.plan_target(pct, rc.Levels(10.0, 20.0, 30.0), bound)
    assert (t.size, t.timeline_days, t.due_week) == (size, days, week)


def test_target_and_stretch_rules():
    levels = rc.Levels(median=50.0, p75=70.0, p90=80.0)
    below = rc.plan_target(30.0, levels)
    assert (below.target, below.target_met, below.stretch, below.stretch_percentile, below.gap_points) == \
        (50.0, False, 70.0, 75.0, 20.0)
    above = rc.plan_target(60.0, levels)
    assert (above.target, above.target_met, above.stretch, above.stretch_percentile) == (50.0, True, 80.0, 90.0)
    top = rc.plan_target(95.0, levels)
    assert top.target_met and top.stretch is None and top.stretch_percentile is None


def test_reference_choice():
    assert rc.choose_reference(60.0, 30.0) == "benchmark"     # below the benchmark median
    assert rc.choose_reference(30.0, 60.0) == "cohort"        # below the peer median only
    assert rc.choose_reference(30.0, 60.0, prefer="benchmark") == "benchmark"
    assert rc.choose_reference(30.0, None) == "cohort"
    assert rc.choose_reference(None, 30.0) == "benchmark"
    assert rc.choose_reference(70.0, 25.0, "below") == "benchmark"


def test_playbook_covers_every_metric_with_known_actions():
    assert set(PLAYBOOK) == set(KEYS)
    for metric, actions in PLAYBOOK.items():
        assert len(actions) >= 2 and all(a in ACTIONS for a in actions), metric
    titles = {t for t, _, _ in ACTIONS.values()}
    for must in ("Role-based training programme", "Proactive success calls", "User reactivation campaign",
                 "Guided onboarding track", "Executive sponsor alignment", "Integration workshop",
                 "Self-service knowledge base"):
        assert must in titles


def test_plan_phases_launch_cap_and_checkpoints():
    uses = [rc.ActionUse(k, ["m"], w) for k, w in (("a", 12), ("b", 4), ("c", 8), ("d", 4))]
    phases = rc.plan_phases([("m", 12, "large"), ("n", 4, "small")], uses)
    assert [p.title for p in phases] == ["Baseline and alignment", "Launch quick wins", "Scale adoption", "Embed and review"]
    assert phases[1].start == ["b", "d", "c"] and phases[2].start == ["a"]
    assert phases[1].checkpoints == [("n", 4, "target")]
    assert phases[2].checkpoints == [("m", 8, "halfway")] and phases[3].checkpoints == [("m", 12, "target")]


# ---------------------------------------------------------------- the tool

@pytest.fixture
def book(ws):
    ids = add_customers(ws, 15, names=["Acme Corp"] + [f"Peer Co {i:02d}" for i in range(14)], seed=31)
    add_quantile_benchmark(ws, "SaaS 2026", POINTS)
    acme = ids[0]
    set_metric(ws, acme, "nps", 30.0)                  # benchmark 25th..50th: 37.5th -> medium gap
    set_metric(ws, acme, "time_to_value_days", 70.0)   # lower is better: 17.5th -> large
    set_metric(ws, acme, "health_score", 48.0)         # 47.5th -> small
    set_metric(ws, acme, "csat", 4.5)                   # above the benchmark P90
    for i, cid in enumerate(ids[1:4]):
        set_metric(ws, cid, "nps", 90.0 + i)           # top performers on NPS
    with ws.write() as db:
        db["practices"].insert({"customer_id": ids[2], "metric": "nps", "note": "Calls every detractor in 48h",
                                "created_at": now_iso()})
    return ws, ids


def item(out, key):
    return next(i for i in out.improvements if i.metric == key)


def test_targets_stretch_and_timelines_against_the_benchmark(book):
    ws, ids = book
    out = recommend_improvements(ws, RecommendImprovementsInput(customer="Acme Corp"))
    nps = item(out, "nps")
    assert (nps.reference, nps.percentile, nps.target, nps.stretch, nps.stretch_percentile) == \
        ("benchmark", 37.5, 40.0, 60.0, 75.0)
    assert (nps.gap, nps.gap_size, nps.timeline_days, nps.due_week) == (10.0, "medium", 60, 8)
    ttv = item(out, "time_to_value_days")  # target 45 days, stretch = the 25th value quantile (good direction P75)
    assert (ttv.percentile, ttv.target, ttv.stretch, ttv.gap, ttv.gap_size, ttv.timeline_days) == \
        (17.5, 45.0, 30.0, 25.0, "large", 90)  # 70 days: 75 + 15 * 10/20 = 82.5 -> 100 - 82.5
    health = item(out, "health_score")
    assert (health.percentile, health.gap_size, health.timeline_days, health.gap) == (47.5, "small", 30, 2.0)
    assert nps.actions == PLAYBOOK["nps"][:2] and ttv.actions == PLAYBOOK["time_to_value_days"][:2]


def test_peer_reference_when_above_the_benchmark_median(book):
    ws, ids = book
    out = recommend_improvements(ws, RecommendImprovementsInput(customer="Acme Corp"))
    latest = latest_metrics(ws).loc[ids]
    peer_gaps = [i for i in out.improvements if i.reference == "cohort"]
    assert peer_gaps, "the fixture has metrics without benchmark rows"
    for i in peer_gaps:
        vals = latest[i.metric].dropna().to_numpy()
        higher = i.direction == "higher_is_better"
        assert i.peer_percentile < 50
        assert i.target == pytest.approx(np.percentile(vals, 50), abs=1e-4)
        assert i.stretch == pytest.approx(np.percentile(vals, 75 if higher else 25), abs=1e-4)


def test_metric_already_above_median_gets_p90_stretch(book):
    ws, ids = book
    set_metric(ws, ids[0], "health_score", 60.0)  # 55th against the benchmark
    out = recommend_improvements(ws, RecommendImprovementsInput(customer="Acme Corp", metric="Health Score",
                                                                target_basis="benchmark"))
    (h,) = out.improvements
    assert (h.target, h.target_met, h.stretch, h.stretch_percentile, h.gap, h.gap_size) == \
        (50.0, True, 80.0, 90.0, 0.0, None)
    csat = recommend_improvements(ws, RecommendImprovementsInput(customer="Acme Corp", metric="csat",
                                                                 target_basis="benchmark")).improvements[0]
    assert csat.target_met and csat.stretch is None and csat.percentile_label == ">90th"


def test_peer_to_copy_is_anonymised_and_ahead(book):
    ws, ids = book
    out = recommend_improvements(ws, RecommendImprovementsInput(customer="Acme Corp"))
    copy = item(out, "nps").copy_from
    assert copy.label.startswith("Top performer ") and copy.value >= 90 and copy.percentile >= 90
    assert [p.text for p in copy.practices] == ["Calls every detractor in 48h"]  # the one with a note first
    assert "Peer Co" not in json.dumps(out.model_dump())
    named = recommend_improvements(ws, RecommendImprovementsInput(customer="Acme Corp", anonymise=False))
    assert item(named, "nps").copy_from.label == "Peer Co 01"


def test_twelve_week_plan(book):
    ws, ids = book
    out = recommend_improvements(ws, RecommendImprovementsInput(customer="Acme Corp", max_gaps=3))
    assert [p.weeks for p in out.plan] == ["1-2", "3-4", "5-8", "9-12"]
    planned = out.improvements[:3]
    checks = [(c.metric, c.week, c.kind) for p in out.plan for c in p.checkpoints]
    for i in planned:
        assert (i.metric, i.due_week, "target") in checks
        if i.gap_size == "large":
            half = next(c for p in out.plan for c in p.checkpoints if c.metric == i.metric and c.kind == "halfway")
            assert half.week == 8 and half.value == pytest.approx((i.value + i.target) / 2)
    assert {c[0] for c in checks} == {i.metric for i in planned}
    started = [k for a in out.actions for k in [a.key]]
    assert len(started) == len(set(started)) and sum(1 for a in out.actions if a.start_week == 3) <= rc.MAX_LAUNCH
    assert any("left out of the 12-week plan" in n for n in out.notes) or len(out.improvements) <= 3
    assert "Acme Corp" in out.plan[0].steps[0]
    assert len(json.dumps(out.summary_for_model())) < 8_000


def test_no_gap_gives_stretch_goals(ws):
    ids = add_customers(ws, 12, seed=32)
    for key in KEYS:
        set_metric(ws, ids[0], key, 1000.0 if key not in ("time_to_value_days", "support_tickets_per_user") else -1.0)
    out = recommend_improvements(ws, RecommendImprovementsInput(customer="Enterprise SaaS 00"))
    assert out.improvements and all(i.target_met for i in out.improvements)
    assert any("stretch goals" in n for n in out.notes) and out.benchmark is None


def test_cli_recommend_json_and_text(book, capsys):
    ws, ids = book
    assert main(["--db", str(ws.path), "recommend", "Acme Corp", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["customer"] == "Acme Corp" and len(data["plan"]) == 4 and data["improvements"]
    for key in ("target", "stretch", "gap", "gap_size", "timeline_days", "actions", "copy_from"):
        assert key in data["improvements"][0]
    assert main(["--db", str(ws.path), "recommend", "acme corp"]) == 0
    text = capsys.readouterr().out
    assert "12-week benchmark achievement plan" in text and "Weeks 1-2" in text


def test_learn_from_view_shows_the_peers_to_copy_for_the_gaps(demo_ws):
    plan = recommend_improvements(demo_ws, RecommendImprovementsInput(customer="OldCorp"))
    learn = recommend_improvements(demo_ws, RecommendImprovementsInput(customer="OldCorp", view="learn_from"))
    assert learn.improvements == plan.improvements and learn.view == "learn_from"  # same figures, other view
    text = learn.to_markdown()
    rows = [line for line in text.splitlines() if line.startswith("| ") and "---" not in line][1:]
    assert text.startswith("**Who OldCorp can learn from**") and len(rows) == LEARN_FROM_SHOWN
    first = next(i for i in learn.improvements if i.copy_from)
    assert rows[0].startswith(f"| {first.label} |") and first.copy_from.label in rows[0]
    assert "12-week" not in text and "never follow" not in text.lower()
    assert [f.label for f in follow_ups(learn)] == ["Show the full improvement plan"]
