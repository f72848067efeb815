"""The demo's fixed inputs and value model, shared by the demo portfolio and the sample benchmark file.

A metric's standard score ``z`` (``z > 0`` always the good direction) becomes a
value through the metric's segment centre and spread: linear, or log-normal for
counts, minutes, days and tickets (:func:`metric_value`).
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from analytics.catalog import BY_KEY

DATA_DIR = Path(__file__).resolve().parents[2] / "data"
PROFILES_PATH = DATA_DIR / "demo_profiles.json"

AS_OF = dt.date(2026, 11, 1)
AS_OF_TS = "2026-11-01T00:00:00+00:00"
PERIODS = tuple(f"{y}-{m:02d}" for y, m in [(2025, 11), (2025, 12)] + [(2026, m) for m in range(1, 11)])


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


def metric_value(key: str, z: np.ndarray, seg_idx: np.ndarray, shift: float = 0.0, scale: float = 1.0) -> np.ndarray:
    """Standard scores (good direction) -> values in catalog units, unrounded and unclipped."""
    spec = SPECS[key]
    sign = 1.0 if BY_KEY[key].higher_is_better else -1.0
    centre = np.asarray(spec.centre, dtype=float)[seg_idx]
    zz = sign * (z + shift) * scale
    return centre * np.exp(spec.spread * zz) if spec.log else centre + spec.spread * zz


def round_to(x, decimals: int):
    """``np.round``, where negative ``decimals`` round to tens, hundreds, ... (-2: 1234 -> 1200)."""
    return np.round(x, decimals) if decimals >= 0 else np.round(x / 10 ** -decimals) * 10 ** -decimals
