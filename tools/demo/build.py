"""The deterministic demo portfolio (DESIGN §5).

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

import datetime as dt
import math
import re

import numpy as np

from analytics.catalog import BY_KEY, KEYS, SEGMENTS
from tools.demo.goals import goal_rows
from tools.demo.key_results import extra_rows
from tools.demo.model import (
    AS_OF,
    AS_OF_TS,
    PERIODS,
    SPECS,
    load_profiles,
    metric_value,
    round_to,
)
from tools.store.workspace import Workspace

INDUSTRIES = {"SaaS": .22, "FinTech": .14, "Healthcare": .13, "Retail": .13, "Manufacturing": .13,
              "Education": .12, "Media": .13}
SEGMENT_SHARE = {"Enterprise": .32, "Mid-Market": .38, "SMB": .30}
REGIONS = {"North America": .45, "EMEA": .30, "APAC": .15, "LATAM": .10}
DATA_TABLES = ("shares", "key_result_measurements", "key_results", "goal_quotes", "goal_measurements", "milestones",
               "goals", "practices", "stakeholders", "snapshots", "snapshot_runs",
               "metric_values", "reports", "cohorts", "customers")
MIN_EXTRA_ENTERPRISE_SAAS = 12  # Acme's industry cohort needs >= 10 peers besides the named ones


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
        values[:, j, :] = np.clip(round_to(metric_value(key, z[:, j, :], seg_idx), spec.decimals), spec.lo, spec.hi)
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

def demo_email(person: str, account: str) -> str:
    """A made-up address under the reserved ``.example`` domain (RFC 2606): never a real mailbox.

    >>> demo_email("Ana Ruiz", "Acme Corp")
    'ana.ruiz@acme-corp.example'
    """
    def slug(text: str, sep: str) -> str:
        return sep.join(re.findall(r"[a-z0-9]+", text.lower())) or "contact"
    return f"{slug(person, '.')}@{slug(account, '-')}.example"


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
                         "engagement": "high" if level > 0.6 else "medium" if level > -0.6 else "low",
                         "email": demo_email(person, a["name"])})
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
    goals, measurements, milestones = goal_rows(
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
        for table, rows in extra_rows(goals, accounts).items():  # key results and quotes (issue 20)
            db[table].insert_all(rows, batch_size=1000)
        # Goal statuses were built for this date; tools may use it instead of today.
        db["settings"].upsert({"key": "as_of", "value": AS_OF.isoformat()}, pk="key")
    return {table: len(rows) for table, rows in tables.items()}

