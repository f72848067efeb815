"""The metric catalog (DESIGN.md §4).

Keys are a public contract (CSV headers, ``--json`` output): more may be added,
none renamed. Aliases map uploaded headers and metric names onto keys; matching
is case and punctuation insensitive (see :func:`normalise_label`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

HIGHER = "higher_is_better"
LOWER = "lower_is_better"

CATEGORIES = ("satisfaction", "engagement", "value", "growth", "efficiency", "relationship")


@dataclass(frozen=True)
class Metric:
    key: str
    label: str
    category: str
    unit: str  # score | ratio | percent | minutes | count | days | tickets | hours
    unit_label: str
    direction: str
    lo: float | None = None  # plausible range, used to reject impossible values
    hi: float | None = None
    aliases: tuple[str, ...] = field(default_factory=tuple)

    @property
    def higher_is_better(self) -> bool:
        return self.direction == HIGHER

    @property
    def is_percent(self) -> bool:
        return self.unit == "percent"


def _m(key, label, category, unit, unit_label, direction, lo, hi, *aliases) -> Metric:
    return Metric(key, label, category, unit, unit_label, direction, lo, hi, tuple(aliases))


METRICS: tuple[Metric, ...] = (
    _m("health_score", "Health Score", "satisfaction", "score", "score 0-100", HIGHER, 0, 100,
       "customer health score", "health", "health index"),
    _m("nps", "NPS", "satisfaction", "score", "score -100..100", HIGHER, -100, 100,
       "net promoter score", "nps score", "promoter score"),
    _m("csat", "CSAT", "satisfaction", "score", "score 1-5", HIGHER, 1, 5,
       "customer satisfaction", "csat score", "satisfaction score"),
    _m("adoption_score", "Adoption Score", "engagement", "score", "score 0-100", HIGHER, 0, 100,
       "product adoption", "adoption", "product adoption score"),
    _m("engagement_score", "Engagement Score", "engagement", "score", "score 0-100", HIGHER, 0, 100,
       "engagement", "user engagement", "user engagement score"),
    _m("dau_mau", "DAU/MAU", "engagement", "ratio", "ratio 0-1", HIGHER, 0, 1,
       "dau mau ratio", "dau/mau ratio", "stickiness", "daily active users monthly active users",
       "dau to mau"),
    _m("feature_adoption", "Feature Adoption", "engagement", "percent", "% of features", HIGHER, 0, 100,
       "feature adoption rate", "feature breadth", "features adopted", "feature usage"),
    _m("user_activation", "User Activation", "engagement", "percent", "% of users", HIGHER, 0, 100,
       "user activation rate", "activation rate", "activation", "license utilization",
       "seat utilization"),
    _m("session_minutes", "Session Length", "engagement", "minutes", "minutes", HIGHER, 0, 1440,
       "session duration", "avg session duration", "average session length",
       "session length minutes", "session duration minutes", "time in app"),
    _m("integrations", "Integrations", "engagement", "count", "integrations", HIGHER, 0, 1000,
       "api integrations", "integration depth", "api integration depth", "number of integrations",
       "integrations count"),
    _m("time_to_value_days", "Time to Value", "value", "days", "days", LOWER, 0, 3650,
       "time to value", "time-to-value (days)", "ttv", "time to value days", "ttv days",
       "onboarding time", "time to first value"),
    _m("roi", "Reported ROI", "value", "percent", "% of investment", HIGHER, -100, 100000,
       "roi", "return on investment", "roi percent", "customer roi", "reported roi"),
    _m("outcomes_achieved", "Outcomes Achieved", "value", "percent", "% of goals", HIGHER, 0, 100,
       "goals achieved", "outcome achievement", "success outcomes achieved", "goal attainment"),
    _m("expansion_rate", "Expansion Rate", "growth", "percent", "% per year", HIGHER, -100, 1000,
       "expansion", "expansion revenue rate", "upsell rate"),
    _m("seat_growth", "Seat Growth", "growth", "percent", "% per year", HIGHER, -100, 1000,
       "license growth", "user growth", "seat growth rate"),
    _m("renewal_rate", "Renewal Rate", "growth", "percent", "% of contracts", HIGHER, 0, 100,
       "gross renewal rate", "renewal", "gross revenue retention", "grr", "logo retention",
       "gross dollar retention", "gdr"),
    _m("net_revenue_retention", "Net Revenue Retention", "growth", "percent", "%", HIGHER, 0, 500,
       "nrr", "net dollar retention", "ndr", "net retention"),
    _m("support_tickets_per_user", "Support Tickets per User", "efficiency", "tickets",
       "tickets / user / month", LOWER, 0, 1000,
       "support tickets/user", "tickets per user", "support tickets per user",
       "tickets/user", "support tickets per user per month"),
    _m("self_service_rate", "Self-Service Rate", "efficiency", "percent", "% of issues", HIGHER, 0, 100,
       "self service rate", "self-service resolution", "self service resolution rate",
       "ticket deflection"),
    _m("stakeholders", "Stakeholders", "relationship", "count", "contacts", HIGHER, 0, 1000,
       "stakeholder count", "executive sponsors", "stakeholders engaged", "number of stakeholders"),
    _m("meetings_per_month", "Meetings per Month", "relationship", "count", "meetings / month",
       HIGHER, 0, 100, "meeting frequency", "meetings", "touchpoints per month",
       "meetings/month"),
    _m("training_hours", "Training Hours", "relationship", "hours", "hours / year", HIGHER, 0, 10000,
       "training", "training hours per year", "hours of training", "enablement hours"),
)

BY_KEY: dict[str, Metric] = {m.key: m for m in METRICS}
KEYS: tuple[str, ...] = tuple(BY_KEY)


def normalise_label(text: str) -> str:
    """Lower-case, '&'/'/' kept as words, every other punctuation run a single space.

    >>> normalise_label("  Time-to-Value (days) ")
    'time to value days'
    """
    text = text.replace("\ufeff", "").strip().lower()
    text = text.replace("/", " ").replace("&", " and ")
    return re.sub(r"[^0-9a-z%]+", " ", text).strip()


def _alias_table() -> dict[str, str]:
    table: dict[str, str] = {}
    for m in METRICS:
        for name in (m.key, m.label, *m.aliases):
            table[normalise_label(name)] = m.key
    return table


_ALIASES = _alias_table()


def metric_for(name: str) -> Metric | None:
    """The catalog metric a header or metric name refers to, or None.

    >>> metric_for("DAU/MAU Ratio").key
    'dau_mau'
    >>> metric_for("NPS Score").key
    'nps'
    >>> metric_for("favourite colour") is None
    True
    """
    norm = normalise_label(name)
    if norm in _ALIASES:
        return BY_KEY[_ALIASES[norm]]
    # "Support Tickets/User (monthly)" or "NPS (%)": drop a trailing unit note and retry.
    stripped = re.sub(r"\s*(%|percent|pct|days|hours|hrs|minutes|mins|per month|monthly|annual)$", "", norm)
    stripped = stripped.strip()
    return BY_KEY.get(_ALIASES.get(stripped, ""), None) if stripped != norm else None


SEGMENTS = ("Enterprise", "Mid-Market", "SMB")
SEGMENT_ARR = {"Enterprise": (100_000, None), "Mid-Market": (25_000, 100_000), "SMB": (None, 25_000)}

_SEGMENT_ALIASES = {
    "enterprise": "Enterprise", "ent": "Enterprise", "large": "Enterprise", "large enterprise": "Enterprise",
    "mid market": "Mid-Market", "midmarket": "Mid-Market", "mm": "Mid-Market", "mid": "Mid-Market",
    "mid size": "Mid-Market", "midsize": "Mid-Market", "commercial": "Mid-Market",
    "smb": "SMB", "small business": "SMB", "small": "SMB", "small and medium business": "SMB",
    "small medium business": "SMB", "sme": "SMB", "startup": "SMB",
    "all": "All", "overall": "All", "all segments": "All", "total": "All",
}


def segment_for(name: str) -> str | None:
    """Map a segment label to Enterprise / Mid-Market / SMB / All, or None.

    >>> segment_for("Enterprise (>$100K ARR)"), segment_for("MM"), segment_for("Mid Market")
    ('Enterprise', 'Mid-Market', 'Mid-Market')
    """
    return lookup_label(_SEGMENT_ALIASES, name)


def lookup_label(table: dict[str, str], text: str) -> str | None:
    """``table``'s entry for a label (keys normalised), retrying without a parenthesised note.

    >>> lookup_label({"arr": "arr"}, "ARR ($)"), lookup_label({"arr": "arr"}, "Revenue")
    ('arr', None)
    """
    norm = normalise_label(text)
    if norm in table:
        return table[norm]
    # Drop a parenthesised note such as "(>$100K ARR)" or "($)" and retry.
    return table.get(normalise_label(re.sub(r"\(.*?\)", "", text)))


def segment_for_arr(arr: float | None) -> str | None:
    """Enterprise (>$100K ARR), Mid-Market ($25K-$100K), SMB (<$25K)."""
    if arr is None or arr != arr:
        return None
    if arr > 100_000:
        return "Enterprise"
    if arr >= 25_000:
        return "Mid-Market"
    return "SMB"


ARR_BANDS = (
    ("<$25K", 0, 25_000),
    ("$25K-$100K", 25_000, 100_000),
    ("$100K-$250K", 100_000, 250_000),
    ("$250K-$1M", 250_000, 1_000_000),
    (">$1M", 1_000_000, float("inf")),
)


def arr_band(arr: float | None) -> str | None:
    """The ARR band label used for size cohorts and cohort composition."""
    if arr is None or arr != arr:
        return None
    for label, lo, hi in ARR_BANDS:
        if lo <= arr < hi:
            return label
    return None
