"""The deterministic demo portfolio (DESIGN §5) and the sample benchmark file.

:func:`build_demo` fills an empty workspace with a few hundred synthetic accounts,
12 monthly periods (2025-11 .. 2026-10) of every catalog metric, stakeholders,
practice notes, goals with monthly measurements and milestones. Nothing reads the
wall clock: the portfolio is "as of" 2026-11-01 and a seed fixes every draw.

How the values are made. Every account has a latent quality ``q`` and growth ``g``
(standard normal). A metric's latest standard score is
``z = lq*q + lg*g + sqrt(1 - lq^2 - lg^2) * e`` with the metric's loadings, so
health, adoption, engagement, NPS, renewal, NRR... move together; ``z > 0`` is
always the good direction (fewer tickets, faster time to value). The score becomes
a value through the metric's segment centre and spread (linear, or log-normal for
counts, minutes, days and tickets), clipped to a plausible range inside the
catalog's. History runs backwards from the latest score with a per-account,
per-metric monthly slope plus noise. The named accounts (data/demo_profiles.json)
have fixed latest scores, so their story holds for every seed.
"""

from __future__ import annotations

import calendar
import csv
import datetime as dt
import json
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from analytics.catalog import BY_KEY, KEYS, SEGMENTS
from tools.workspace import Workspace

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
PROFILES_PATH = DATA_DIR / "demo_profiles.json"
BENCHMARK_PATH = DATA_DIR / "saas_industry_benchmarks_2026.csv"

AS_OF = dt.date(2026, 11, 1)
AS_OF_TS = "2026-11-01T00:00:00+00:00"
PERIODS = tuple(f"{y}-{m:02d}" for y, m in [(2025, 11), (2025, 12)] + [(2026, m) for m in range(1, 11)])
INDUSTRIES = {"SaaS": .22, "FinTech": .14, "Healthcare": .13, "Retail": .13, "Manufacturing": .13,
              "Education": .12, "Media": .13}
SEGMENT_SHARE = {"Enterprise": .32, "Mid-Market": .38, "SMB": .30}
REGIONS = {"North America": .45, "EMEA": .30, "APAC": .15, "LATAM": .10}
SCENARIOS = ("achieved", "on_track", "at_risk", "missed", "not_started")
# Per scenario: (first, last) start month as an offset from 2025-11, (min, max) duration in months.
# on_track starts late enough to be < 80% elapsed; at_risk ends after the as-of date with >= 60%
# elapsed; missed ends by 2026-09-30.
GOAL_DATES = {"achieved": ((0, 6), (9, 12)), "on_track": ((4, 8), (10, 14)), "at_risk": ((0, 3), (13, 15)),
              "missed": ((0, 2), (7, 9)), "not_started": ((10, 11), (6, 12))}
VALUE_DECIMALS = {"hours_saved_per_unit": 1, "units_per_month": 0, "hourly_rate": 0, "monthly_amount": -2}
DATA_TABLES = ("goal_measurements", "milestones", "goals", "practices", "stakeholders", "snapshots",
               "metric_values", "reports", "cohorts", "customers")
BENCHMARK_COLUMNS = ("metric", "segment", "p10", "p25", "p50", "p75", "p90", "mean", "sample_size",
                     "unit", "source", "year")
BENCHMARK_SOURCE = "peerbench sample data (synthetic, not a real survey)"
BENCH_WIDTH = 1.15  # the sample "industry" is a little more spread out than the demo
RIGHT_SKEWED = {"roi", "expansion_rate", "seat_growth", "net_revenue_retention"}
MIN_EXTRA_ENTERPRISE_SAAS = 12  # Acme's industry cohort needs >= 10 peers besides the named ones


@dataclass(frozen=True)
class Spec:
    """How a standard score becomes a metric value (centres per Enterprise, Mid-Market, SMB)."""

    log: bool
    centre: tuple[float, float, float]
    spread: float
    decimals: int
    lo: float
    hi: float
    lq: float  # loading on account quality
    lg: float = 0.0  # loading on account growth
    industry_shift: float = 0.0  # the sample benchmark's offset, in z units (good direction)


SPECS: dict[str, Spec] = {
    "health_score": Spec(False, (72, 70, 67), 12, 1, 5, 99, .85, 0, .1),
    "nps": Spec(False, (38, 34, 30), 20, 0, -80, 95, .7, 0, -.1),
    "csat": Spec(False, (4.2, 4.1, 4.0), .35, 2, 1.5, 5, .6),
    "adoption_score": Spec(False, (66, 64, 60), 13, 1, 5, 99, .8, 0, .15),
    "engagement_score": Spec(False, (63, 61, 58), 13, 1, 5, 99, .8, 0, .1),
    "dau_mau": Spec(False, (.26, .24, .22), .08, 3, .03, .8, .7, 0, .2),
    "feature_adoption": Spec(False, (50, 46, 40), 13, 1, 5, 95, .65, 0, .2),
    "user_activation": Spec(False, (74, 71, 67), 12, 1, 10, 99.5, .7, 0, .1),
    "session_minutes": Spec(True, (24, 20, 16), .35, 1, 2, 180, .4, 0, -.1),
    "integrations": Spec(True, (9, 5, 2.5), .45, 0, 0, 80, .45, 0, .15),
    "time_to_value_days": Spec(True, (55, 38, 21), .4, 0, 3, 365, .5, 0, -.1),
    "roi": Spec(False, (260, 240, 220), 95, 0, -50, 1200, .55, 0, -.2),
    "outcomes_achieved": Spec(False, (64, 62, 58), 17, 1, 0, 100, .55),
    "expansion_rate": Spec(False, (12, 14, 16), 10, 1, -40, 150, .35, .6, .1),
    "seat_growth": Spec(False, (9, 12, 15), 12, 1, -50, 250, .3, .65),
    "renewal_rate": Spec(False, (91, 89, 85), 5.5, 1, 40, 100, .6, 0, .05),
    "net_revenue_retention": Spec(False, (110, 106, 102), 11, 1, 50, 200, .55, .55, .1),
    "support_tickets_per_user": Spec(True, (.45, .6, .8), .45, 2, .05, 3, .5, 0, -.05),
    "self_service_rate": Spec(False, (58, 55, 50), 14, 1, 5, 95, .45, 0, .1),
    "stakeholders": Spec(True, (9, 5, 3), .35, 0, 1, 40, .45, 0, -.1),
    "meetings_per_month": Spec(True, (4, 2.5, 1.5), .35, 1, .2, 20, .4, 0, -.2),
    "training_hours": Spec(True, (40, 24, 12), .45, 1, 0, 400, .45, 0, .15),
}


def load_profiles() -> dict:
    """The generator's fixed inputs: named accounts, name parts, practices, goal templates."""
    return json.loads(PROFILES_PATH.read_text(encoding="utf-8"))


def _values(key: str, z: np.ndarray, seg_idx: np.ndarray, shift: float = 0.0, scale: float = 1.0) -> np.ndarray:
    """Standard scores (good direction) -> values in catalog units, unrounded and unclipped."""
    spec = SPECS[key]
    sign = 1.0 if BY_KEY[key].higher_is_better else -1.0
    centre = np.asarray(spec.centre, dtype=float)[seg_idx]
    zz = sign * (z + shift) * scale
    return centre * np.exp(spec.spread * zz) if spec.log else centre + spec.spread * zz


def _round(x, decimals: int):
    return np.round(x, decimals) if decimals >= 0 else np.round(x / 10 ** -decimals) * 10 ** -decimals


# ---------------------------------------------------------------- accounts

def _allocate(n: int, shares: dict[str, float]) -> dict[str, int]:
    """Largest-remainder split of n by shares: exact, deterministic counts."""
    raw = {k: n * s / sum(shares.values()) for k, s in shares.items()}
    counts = {k: int(v) for k, v in raw.items()}
    for k in sorted(raw, key=lambda k: raw[k] - counts[k], reverse=True)[: n - sum(counts.values())]:
        counts[k] += 1
    return counts


def _slots(n: int, named: list[dict]) -> list[tuple[str, str]]:
    """(segment, industry) for the generated accounts, so every cell is well populated."""
    cells: dict[tuple[str, str], int] = {}
    for seg, n_seg in _allocate(n, SEGMENT_SHARE).items():
        for ind, k in _allocate(n_seg, INDUSTRIES).items():
            cells[(seg, ind)] = k
    for p in named:
        cells[(p["segment"], p["industry"])] = max(cells[(p["segment"], p["industry"])] - 1, 0)
    ent_saas = ("Enterprise", "SaaS")
    cells[ent_saas] = max(cells[ent_saas], MIN_EXTRA_ENTERPRISE_SAAS)
    others = [c for c in cells if c != ent_saas]
    for _ in range(abs(sum(cells.values()) - (n - len(named)))):  # keep the total exact
        step = 1 if sum(cells.values()) < n - len(named) else -1
        cells[max(others, key=cells.get)] += step
    return [cell for cell, k in cells.items() for _ in range(k)]


def _company_name(rng: np.random.Generator, parts: dict, industry: str, used: set[str]) -> str:
    for _ in range(1000):
        name = (f"{rng.choice(parts['prefix'])}{rng.choice(parts['root'])} "
                f"{rng.choice(parts['suffix'][industry])}")
        if name.casefold() not in used:
            used.add(name.casefold())
            return name
    raise ValueError(f"ran out of unique company names for {industry}")


def _arr(rng: np.random.Generator, segment: str) -> float:
    if segment == "Enterprise":
        return float(np.clip(round(230_000 * math.exp(0.6 * rng.standard_normal()), -3), 110_000, 2_500_000))
    lo, hi = (27_000, 98_000) if segment == "Mid-Market" else (4_000, 24_000)
    return float(round(math.exp(rng.uniform(math.log(lo), math.log(hi))) / 500) * 500)


def _accounts(rng: np.random.Generator, prof: dict, n: int) -> list[dict]:
    """Customer rows plus the generator's latent fields (q, g, trend, z) per account."""
    named = prof["named_accounts"]
    used = {p["name"].casefold() for p in named}
    accounts = [dict(p, named=True, g=p["quality"]) for p in named]
    slots = _slots(n, named)
    order = rng.permutation(len(slots))
    start0, days = dt.date(2021, 1, 1), (dt.date(2026, 9, 30) - dt.date(2021, 1, 1)).days
    regions = list(REGIONS)
    for i in order:
        seg, ind = slots[i]
        region = str(rng.choice(regions, p=list(REGIONS.values())))
        q, g = rng.standard_normal(2)
        accounts.append({
            "name": _company_name(rng, prof["name_parts"], ind, used), "segment": seg, "industry": ind,
            "region": region, "arr": _arr(rng, seg),
            "contract_start": (start0 + dt.timedelta(days=int(rng.integers(days)))).isoformat(),
            "csm": str(rng.choice(prof["people"]["csms"][region])), "named": False,
            "quality": float(q), "g": float(g), "trend": float(0.015 * g + 0.02 * rng.standard_normal()),
        })
    for i, a in enumerate(accounts, start=1):
        a["id"] = i
    return accounts


def _customer_row(a: dict) -> dict:
    return {"id": a["id"], "name": a["name"], "industry": a["industry"], "segment": a["segment"],
            "arr": float(a["arr"]), "region": a["region"], "contract_start": a["contract_start"],
            "csm": a["csm"], "created_at": f"{a['contract_start']}T00:00:00+00:00", "updated_at": AS_OF_TS}


# ---------------------------------------------------------------- metrics

def _scores(rng: np.random.Generator, accounts: list[dict]) -> np.ndarray:
    """Standard scores, shape (accounts, metrics, periods); the last period is the latest."""
    n_a, n_m, n_t = len(accounts), len(KEYS), len(PERIODS)
    lq = np.array([SPECS[k].lq for k in KEYS])
    lg = np.array([SPECS[k].lg for k in KEYS])
    q = np.array([a["quality"] for a in accounts])[:, None]
    g = np.array([a["g"] for a in accounts])[:, None]
    latest = lq * q + lg * g + np.sqrt(1 - lq**2 - lg**2) * rng.standard_normal((n_a, n_m))
    trend = np.array([a["trend"] for a in accounts])[:, None]
    slope = trend * (0.5 + lq + lg) + 0.015 * rng.standard_normal((n_a, n_m))
    for i, a in enumerate(accounts):
        if a["named"]:  # the story is fixed; only the earlier months carry noise
            latest[i] = [a["z"].get(k, a["base"]) for k in KEYS]
            slope[i] = [a.get("trends", {}).get(k, a["trend"]) for k in KEYS]
    back = np.arange(n_t - 1, -1, -1)  # months before the latest
    noise = 0.12 * rng.standard_normal((n_a, n_m, n_t))
    noise[:, :, -1] = 0.0
    return latest[:, :, None] - slope[:, :, None] * back + noise


def _metric_values(rng: np.random.Generator, accounts: list[dict]) -> np.ndarray:
    """Values in catalog units (NaN = missing), shape (accounts, metrics, periods)."""
    z = _scores(rng, accounts)
    seg_idx = np.array([SEGMENTS.index(a["segment"]) for a in accounts])[:, None]
    values = np.empty_like(z)
    for j, key in enumerate(KEYS):
        spec = SPECS[key]
        values[:, j, :] = np.clip(_round(_values(key, z[:, j, :], seg_idx), spec.decimals), spec.lo, spec.hi)
    generic = np.array([not a["named"] for a in accounts])
    values[(rng.random(values.shape) < 0.02) & generic[:, None, None]] = np.nan
    gaps = rng.choice(np.flatnonzero(generic), size=max(1, len(accounts) // 50), replace=False)
    for i in gaps:  # a few accounts never report a metric or two
        values[i, rng.choice(len(KEYS), size=int(rng.integers(1, 3)), replace=False), :] = np.nan
    return values


def _metric_rows(accounts: list[dict], values: np.ndarray) -> list[dict]:
    rows = []
    for i, a in enumerate(accounts):
        for j, key in enumerate(KEYS):
            for t, period in enumerate(PERIODS):
                v = values[i, j, t]
                if v == v:
                    rows.append({"customer_id": a["id"], "metric": key, "period": period, "value": float(v)})
    return rows


# ---------------------------------------------------------------- people and practices

def _stakeholders(rng: np.random.Generator, prof: dict, accounts: list[dict], values: np.ndarray) -> list[dict]:
    """Contacts per account: as many as its latest stakeholders metric says (capped at 20)."""
    people, j = prof["people"], KEYS.index("stakeholders")
    roles = people["roles"]
    rows = []
    for i, a in enumerate(accounts):
        latest = values[i, j, -1]
        n = int(np.clip(round(latest if latest == latest else 3), 1, 20))
        names: dict[str, None] = {}  # insertion-ordered: a set's order changes with PYTHONHASHSEED
        while len(names) < n:
            names[f"{rng.choice(people['first'])} {rng.choice(people['last'])}"] = None
        for k, person in enumerate(names):
            role, titles = roles[k] if k < len(roles) else roles[1 + k % 2 * 3]
            level = a["quality"] + 0.7 * rng.standard_normal()
            rows.append({"customer_id": a["id"], "name": person, "title": str(rng.choice(titles)), "role": role,
                         "engagement": "high" if level > 0.6 else "medium" if level > -0.6 else "low"})
    return rows


def _practices(rng: np.random.Generator, prof: dict, accounts: list[dict], values: np.ndarray) -> list[dict]:
    """Notes for the named strong accounts, and for generated accounts in a metric's top ~10%."""
    by_name = {a["name"]: a["id"] for a in accounts}
    rows = [{"customer_id": by_name[name], "metric": metric, "note": note, "created_at": AS_OF_TS}
            for name, notes in prof["named_practices"].items() for metric, note in notes]
    seg_idx = np.array([SEGMENTS.index(a["segment"]) for a in accounts])
    for j, key in enumerate(KEYS):
        latest = values[:, j, -1]
        for s in range(len(SEGMENTS)):
            in_seg = (seg_idx == s) & ~np.isnan(latest)
            good = latest[in_seg] if BY_KEY[key].higher_is_better else -latest[in_seg]
            cut = np.quantile(good, 0.9) if good.size else np.inf
            for i in np.flatnonzero(in_seg):
                value = latest[i] if BY_KEY[key].higher_is_better else -latest[i]
                if not accounts[i]["named"] and value >= cut and rng.random() < 0.75:
                    note = str(rng.choice(prof["metric_practices"][key]))
                    rows.append({"customer_id": accounts[i]["id"], "metric": key, "note": note,
                                 "created_at": AS_OF_TS})
    return rows


# ---------------------------------------------------------------- goals

def _month_end(d: dt.date) -> dt.date:
    return d.replace(day=calendar.monthrange(d.year, d.month)[1])


def _add_months(d: dt.date, months: int) -> dt.date:
    y, m = divmod(d.month - 1 + months, 12)
    return dt.date(d.year + y, m + 1, 1)


def _measurement_dates(start: dt.date) -> list[dt.date]:
    """Month-ends from the start's month up to the as-of date (monthly measurements)."""
    dates, d = [], _month_end(start)
    while d < AS_OF:
        dates.append(d)
        d = _month_end(_add_months(d, 1))
    return dates


SCALED_INPUTS = {"units_per_month", "monthly_amount"}


def _input_value(x: float, key: str) -> float | int:
    dec = VALUE_DECIMALS[key]
    return float(round(x, dec)) if dec > 0 else max(int(_round(x, dec)), 1)


def _generic_goal(rng: np.random.Generator, tpl: dict, account: dict) -> dict:
    """A goal from a template with dates and final achievement set by its scenario."""
    # Stronger accounts achieve more and miss less.
    tilt = np.array([1, 1, 0, -.6, 0]) * .12 * np.clip(account["quality"], -1.5, 1.5)
    weights = np.array([.25, .3, .15, .15, .15]) + tilt
    scenario = str(rng.choice(SCENARIOS, p=weights / weights.sum()))
    (s_lo, s_hi), (d_lo, d_hi) = GOAL_DATES[scenario]  # start month offset from 2025-11, duration in months
    start = _add_months(dt.date(2025, 11, 1), int(rng.integers(s_lo, s_hi + 1)))
    if scenario == "not_started":
        start = dt.date(2026, 9, 15) + dt.timedelta(days=int(rng.integers(0, 36)))
    target_date = _add_months(start.replace(day=1), int(rng.integers(d_lo, d_hi + 1))) - dt.timedelta(days=1)
    dec = tpl.get("decimals", 1)
    baseline = float(_round(rng.uniform(*tpl["baseline"]), dec))
    sign = 1 if tpl["direction"] == "increase" else -1
    target = float(tpl["target"]) if "target" in tpl else float(_round(baseline * (1 + sign * tpl["change"]), dec))
    elapsed = (AS_OF - start).days / max((target_date - start).days, 1)
    final = {"achieved": rng.uniform(100, 120), "on_track": min(92.0, 100 * elapsed + rng.uniform(12, 20)),
             "at_risk": rng.uniform(3, 22), "missed": rng.uniform(30, 75), "not_started": None}[scenario]
    size = {"Enterprise": 1.0, "Mid-Market": 0.4, "SMB": 0.15}[account["segment"]]
    goal = {k: tpl[k] for k in ("name", "category", "unit", "direction", "description") if k in tpl}
    goal.update(baseline=baseline, target=target, start=start.isoformat(), target_date=target_date.isoformat(),
                scenario=scenario, final=final, decimals=dec, value_type=tpl.get("value_type"))
    spec = tpl.get("value", {})
    if "value_amount" in spec:
        goal["value_amount"] = float(round(rng.uniform(*spec["value_amount"]) * size, -3))
    elif spec:
        goal["value_inputs"] = {k: _input_value(rng.uniform(*r) * (size if k in SCALED_INPUTS else 1), k)
                                for k, r in spec.items()}
    return goal


def _goal_path(rng: np.random.Generator, goal: dict, history: dict[str, np.ndarray]) -> tuple[float, list]:
    """(baseline, [(date, value), ...]) for a goal: explicit, from the metric history, or synthetic."""
    start = dt.date.fromisoformat(goal["start"])
    dates = [] if goal["scenario"] == "not_started" else _measurement_dates(start)
    if goal.get("from_history"):
        series = history[goal["metric"]]
        t0 = PERIODS.index(f"{start.year}-{start.month:02d}")
        return float(series[t0 - 1]), [(d, float(series[t0 + k])) for k, d in enumerate(dates)]
    if "measurements" in goal:
        return float(goal["baseline"]), list(zip(dates, map(float, goal["measurements"]), strict=True))
    base, span, n = float(goal["baseline"]), goal["target"] - goal["baseline"], len(dates)
    curve = rng.uniform(0.7, 1.3)
    path = []
    for k, d in enumerate(dates, start=1):
        p = goal["final"] * (k / n) ** curve * (1 if k == n else 1 + 0.05 * rng.standard_normal())
        path.append((d, float(_round(base + p / 100 * span, goal.get("decimals", 1)))))
    return base, path


def _goal_row(gid: int, account: dict, goal: dict, baseline: float, owner: str | None) -> dict:
    inputs = goal.get("value_inputs")
    return {"id": gid, "customer_id": account["id"], "name": goal["name"], "description": goal.get("description"),
            "category": goal["category"], "metric": goal.get("metric"), "baseline": baseline,
            "target": float(goal["target"]), "unit": goal["unit"], "direction": goal["direction"],
            "start_date": goal["start"], "target_date": goal["target_date"], "owner": owner,
            "weight": float(goal.get("weight", 1.0)), "value_type": goal.get("value_type"),
            "value_inputs_json": json.dumps(inputs) if inputs else None, "value_amount": goal.get("value_amount"),
            "created_at": f"{goal['start']}T09:00:00+00:00", "updated_at": AS_OF_TS}


def _milestones(gid: int, account: dict, goal: dict) -> list[dict]:
    """Kickoff, mid-point review and target for a goal; done as of the demo date."""
    start, end = dt.date.fromisoformat(goal["start"]), dt.date.fromisoformat(goal["target_date"])
    mid = start + (end - start) / 2
    return [{"customer_id": account["id"], "goal_id": gid, "name": f"{name}: {goal['name']}",
             "date": date.isoformat(), "description": None, "done": int(done)}
            for name, date, done in (("Kickoff", start, goal["scenario"] != "not_started"),
                                     ("Mid-point review", mid, mid < AS_OF),
                                     ("Target reached", end, goal["scenario"] == "achieved"))]


def _renewal(account: dict) -> dict:
    renew = dt.date.fromisoformat(account["contract_start"]).replace(year=AS_OF.year)
    renew = renew if renew > AS_OF else renew.replace(year=AS_OF.year + 1)
    return {"customer_id": account["id"], "goal_id": None, "name": "Contract renewal", "date": renew.isoformat(),
            "description": f"Annual renewal of {account['name']}", "done": 0}


def _goal_rows(rng, prof: dict, accounts: list[dict], values: np.ndarray, stakeholders: list[dict]):
    """Goals for the named accounts (fixed) and for a quarter of the others (from templates)."""
    owners: dict[int, str] = {}  # the account's first champion owns its goals
    for s in sorted(stakeholders, key=lambda s: s["role"] != "Champion"):
        owners.setdefault(s["customer_id"], s["name"])
    chosen = [(a, g) for a in accounts if a["named"] for g in prof["named_goals"].get(a["name"], [])]
    generic = [a for a in accounts if not a["named"]]
    for i in sorted(rng.choice(len(generic), size=len(generic) // 4, replace=False)):
        for t in rng.choice(len(prof["goal_templates"]), size=int(rng.integers(1, 3)), replace=False):
            chosen.append((generic[i], _generic_goal(rng, prof["goal_templates"][t], generic[i])))
    goals, measurements, milestones = [], [], []
    for gid, (a, goal) in enumerate(chosen, start=1):
        history = {k: values[a["id"] - 1, j, :] for j, k in enumerate(KEYS)}
        baseline, path = _goal_path(rng, goal, history)
        goals.append(_goal_row(gid, a, goal, baseline, owners.get(a["id"])))
        measurements += [{"goal_id": gid, "date": d.isoformat(), "value": v} for d, v in path]
        milestones += _milestones(gid, a, goal)
    milestones += [_renewal(a) for a in accounts if a["named"]]
    return goals, measurements, milestones


# ---------------------------------------------------------------- entry point

def build_demo(ws: Workspace, seed: int = 42, n_accounts: int = 320, replace: bool = False) -> dict[str, int]:
    """Fill the workspace with the deterministic demo portfolio, in one transaction.

    Raises ValueError when the workspace already has customers, unless ``replace``
    is true: then every portfolio table (customers, metrics, goals, practices,
    stakeholders, snapshots, cohorts, report records) is emptied first, in the same
    transaction. Benchmark sets, settings and the tool-call log are kept. Also sets
    the ``as_of`` setting (Workspace.today) (2026-11-01), the date the goal statuses were built for.
    Returns the number of rows written per table.
    """
    if not replace and ws.query("SELECT 1 FROM customers LIMIT 1"):  # fail fast; re-checked below
        raise ValueError("the workspace already has customers; pass replace=True to rebuild")
    prof = load_profiles()
    if n_accounts < len(prof["named_accounts"]) + 40:
        raise ValueError(f"n_accounts={n_accounts} is too small; the demo needs at least "
                         f"{len(prof['named_accounts']) + 40}")
    accounts = _accounts(np.random.default_rng([seed, 1]), prof, n_accounts)
    values = _metric_values(np.random.default_rng([seed, 2]), accounts)
    stakeholders = _stakeholders(np.random.default_rng([seed, 3]), prof, accounts, values)
    practices = _practices(np.random.default_rng([seed, 4]), prof, accounts, values)
    goals, measurements, milestones = _goal_rows(
        np.random.default_rng([seed, 5]), prof, accounts, values, stakeholders)
    tables = {"customers": [_customer_row(a) for a in accounts], "metric_values": _metric_rows(accounts, values),
              "stakeholders": stakeholders, "practices": practices, "goals": goals,
              "goal_measurements": measurements, "milestones": milestones}
    with ws.write() as db:
        existing = db.execute("SELECT COUNT(*) FROM customers").fetchone()[0]
        if existing and not replace:
            raise ValueError(f"the workspace already has {existing} customers; pass replace=True to rebuild")
        for table in DATA_TABLES:
            db.execute(f"DELETE FROM [{table}]")
        for table, rows in tables.items():
            db[table].insert_all(rows, batch_size=1000)
        # Goal statuses were built for this date; tools may use it instead of today.
        db["settings"].upsert({"key": "as_of", "value": AS_OF.isoformat()}, pk="key")
    return {table: len(rows) for table, rows in tables.items()}


# ---------------------------------------------------------------- sample benchmark file

def sample_benchmark_rows() -> list[dict]:
    """The rows of data/saas_industry_benchmarks_2026.csv (synthetic, labelled as such).

    The "industry" distribution is the demo's, shifted by each metric's
    ``industry_shift``, 15% wider and slightly skewed (split normal: bounded scores
    lean left, growth and ROI lean right), so the demo portfolio spreads
    realistically around it without matching it.
    """
    z = np.array([-1.2815515655446004, -0.6744897501960817, 0.0, 0.6744897501960817, 1.2815515655446004])
    rows = []
    for key in KEYS:
        spec, metric = SPECS[key], BY_KEY[key]
        dec = spec.decimals if spec.decimals >= 2 else max(spec.decimals, 1)
        sign = 1.0 if metric.higher_is_better else -1.0
        for s, segment in enumerate(SEGMENTS):
            if spec.log:
                q = _values(key, sign * z, np.full(5, s), shift=spec.industry_shift, scale=BENCH_WIDTH)
                mean = q[2] * math.exp((spec.spread * BENCH_WIDTH) ** 2 / 2)
            else:
                skew = 0.15 if key in RIGHT_SKEWED else -0.1
                width = spec.spread * BENCH_WIDTH
                centre = spec.centre[s] + width * sign * spec.industry_shift
                q = centre + width * z * (1 + skew * np.sign(z))
                mean = centre + math.sqrt(2 / math.pi) * 2 * skew * width
            q = np.clip(np.round(q, dec), spec.lo, spec.hi)
            if not np.all(np.diff(q) > 0):
                raise ValueError(f"sample benchmark quantiles for {key}/{segment} do not increase: {q}")
            rows.append({"metric": key, "segment": segment,
                         **{f"p{p}": float(v) for p, v in zip((10, 25, 50, 75, 90), q, strict=True)},
                         "mean": round(float(np.clip(mean, spec.lo, spec.hi)), dec), "sample_size": 500,
                         "unit": metric.unit_label, "source": BENCHMARK_SOURCE, "year": 2026})
    return rows


def write_sample_benchmarks(path: str | Path = BENCHMARK_PATH) -> Path:
    """Regenerate the sample benchmark CSV (``python -m tools.demo``)."""
    path = Path(path)
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=BENCHMARK_COLUMNS, lineterminator="\n")
        writer.writeheader()
        for row in sample_benchmark_rows():
            writer.writerow({k: (f"{v + 0.0:g}" if isinstance(v, float) else v) for k, v in row.items()})
    return path


if __name__ == "__main__":  # pragma: no cover
    print(write_sample_benchmarks())
