"""A workspace whose every data field carries a hostile payload, as an older workspace (from before
import cleaning) or a hand-edited database may hold it.

One account per payload (its name is the payload plus a unique tag, so a surface that shows it can
be recognised); each such account has a goal, a milestone, a practice note, a stakeholder, a
benchmark set and a saved cohort whose text fields carry the same payload. Fourteen ordinary
Enterprise accounts make the peer groups large enough to show aggregates. Each planted account is
the best of the book on one metric of its own (so it is a top performer there, with its note) and
low on health score (a gap to recommend on).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from analytics.catalog import BY_KEY, KEYS
from reports.format import clean_text
from tests.factories import PERIODS, add_customers, scope_columns
from tools.store.workspace import Workspace, now_iso

NPS_POINTS = {10: -10.0, 25: 10.0, 50: 30.0, 75: 50.0, 90: 65.0}
HEALTH_POINTS = {10: 40.0, 25: 55.0, 50: 68.0, 75: 80.0, 90: 88.0}


@dataclass
class Planted:
    """One payload's account: its stored name, the tag that marks it in any output, its set and cohort."""

    key: str
    text: str
    name: str
    tag: str
    set_name: str
    cohort: str
    goal: str
    metric: str

    # What a person can type for each: the stored text without invisible characters (typed input
    # refuses control characters, issue 12; older stored data may still hold them).
    @property
    def asked_name(self) -> str:
        return clean_text(self.name)

    @property
    def asked_set(self) -> str:
        return clean_text(self.set_name)

    @property
    def asked_cohort(self) -> str:
        return clean_text(self.cohort)

    @property
    def asked_goal(self) -> str:
        return clean_text(self.goal)

    @property
    def asked_text(self) -> str:
        return clean_text(self.text)


def tag_for(i: int) -> str:
    return f"Tq{i:02d}x"


def build(path: Path, payloads: dict[str, str], csm_name: str) -> tuple[Workspace, list[Planted]]:
    ws = Workspace(path)
    add_customers(ws, 14, names=[f"Ordinary {i:02d}" for i in range(14)], seed=5)
    best_at = [k for k in KEYS if k != "health_score"]
    planted = [Planted(key, text, f"{text} {tag_for(i)}", tag_for(i), f"{text} set {tag_for(i)}",
                       f"{text} cohort {tag_for(i)}", f"{text} goal {tag_for(i)}", best_at[i % len(best_at)])
               for i, (key, text) in enumerate(sorted(payloads.items()))]
    ids = add_customers(ws, len(planted), names=[p.name for p in planted], seed=6)
    with ws.write() as db:
        for p, cid in zip(planted, ids):
            db["customers"].update(cid, {"csm": p.text})
            _plant_history(db, cid, p.metric)
            _plant_goal(db, cid, p)
            db["practices"].insert({"customer_id": cid, "metric": p.metric, "note": f"{p.text} note {p.tag}",
                                    "created_at": now_iso()})
            db["stakeholders"].insert({"customer_id": cid, "name": p.text, "title": p.text,
                                       "role": "Executive Sponsor", "engagement": "high"})
            _plant_set(db, p)
            db["cohorts"].insert({"name": p.cohort, "criteria_json": json.dumps({"segment": "Enterprise"}),
                                  "size": 0, "created_at": now_iso()})
        db["settings"].upsert({"key": "csm_name", "value": csm_name}, pk="key")
        db["settings"].upsert({"key": "as_of", "value": "2026-10-31"}, pk="key")
    return ws, planted


def _plant_history(db, cid: int, metric: str) -> None:
    """The best of the book on ``metric`` (a top performer there, with its note), low on health (a gap)."""
    best = 99.0 if BY_KEY[metric].higher_is_better else 0.5
    rows = [{"customer_id": cid, "metric": m, "period": period, "value": v}
            for period in PERIODS for m, v in ((metric, best), ("health_score", 20.0))]
    db["metric_values"].upsert_all(rows, pk=("customer_id", "metric", "period"))


def _plant_goal(db, cid: int, p: Planted) -> None:
    text = p.text
    gid = db["goals"].insert({
        "customer_id": cid, "name": p.goal, "description": text, "category": "adoption", "metric": "user_activation",
        "baseline": 40.0, "target": 80.0, "unit": "percent", "direction": "increase", "start_date": "2026-01-01",
        "target_date": "2026-12-31", "owner": text, "weight": 1.0, "value_type": "time_saved",
        "value_inputs_json": json.dumps({"hours_saved_per_unit": 1.5, "units_per_month": 100, "hourly_rate": 50,
                                         "unit_name": text}),
        "created_at": now_iso(), "updated_at": now_iso()}).last_pk
    db["goal_measurements"].insert_all([{"goal_id": gid, "date": d, "value": v}
                                        for d, v in (("2026-01-01", 40.0), ("2026-09-01", 45.0))])
    db["milestones"].insert({"customer_id": cid, "goal_id": gid, "name": f"{text} step {p.tag}", "date": "2026-11-15",
                             "description": text, "done": 0})


def _plant_set(db, p: Planted) -> None:
    sid = db["benchmark_sets"].insert({"name": p.set_name, "source": p.text, "year": 2026, "kind": "quantiles",
                                       "file_name": p.text, "sample_size": 500, "active": 1, "owner": "",
                                       "loaded_at": now_iso()}).last_pk
    db.execute("UPDATE benchmark_sets SET active = 0 WHERE id != ?", [sid])
    db["benchmark_rows"].insert_all(
        {"set_id": sid, "metric": m, **scope_columns("Enterprise"), "stat": f"p{q}", "quantile": float(q),
         "value": v, "sample_size": 500, "source": p.text, "year": 2026}
        for m, pts in (("nps", NPS_POINTS), ("health_score", HEALTH_POINTS)) for q, v in pts.items())


