"""Goal categories: one vocabulary for both requirement documents, in one place.

The first requirements document names efficiency, revenue, cost, quality, adoption and
satisfaction goals; the second adoption, efficiency, financial, operational, satisfaction and
strategic ones. Each word either of them (or a CSM) uses maps to one canonical category here:

========================  ==============================================================
canonical                 aliases
========================  ==============================================================
adoption                  usage, engagement, activation, product adoption
efficiency                operational, operations, ops, process, productivity, time savings
revenue                   growth, revenue growth, expansion revenue, sales
cost                      cost savings, cost reduction, savings
financial                 finance, money (a money goal that is neither only revenue nor cost)
quality                   reliability, incidents, support quality
satisfaction              customer satisfaction, experience, cx, sentiment
strategic                 strategy, business, executive, expansion, transformation
custom                    other, general
========================  ==============================================================

Filtering by ``financial`` also finds revenue and cost goals (:func:`matches`).
"""

from __future__ import annotations

import re

CATEGORIES = ("adoption", "efficiency", "revenue", "cost", "financial", "quality", "satisfaction", "strategic",
              "custom")

ALIASES: dict[str, str] = {
    "usage": "adoption", "engagement": "adoption", "activation": "adoption", "product adoption": "adoption",
    "operational": "efficiency", "operation": "efficiency", "operations": "efficiency", "ops": "efficiency",
    "process": "efficiency", "productivity": "efficiency", "time savings": "efficiency",
    "operational efficiency": "efficiency",
    "growth": "revenue", "revenue growth": "revenue", "expansion revenue": "revenue", "sales": "revenue",
    "cost savings": "cost", "cost reduction": "cost", "savings": "cost", "costs": "cost",
    "finance": "financial", "money": "financial",
    "reliability": "quality", "incidents": "quality", "support quality": "quality",
    "customer satisfaction": "satisfaction", "experience": "satisfaction", "cx": "satisfaction",
    "sentiment": "satisfaction",
    "strategy": "strategic", "business": "strategic", "executive": "strategic", "expansion": "strategic",
    "transformation": "strategic",
    "other": "custom", "general": "custom",
}

# A filter word that covers several categories.
FAMILIES: dict[str, tuple[str, ...]] = {"financial": ("financial", "revenue", "cost")}


def canonical(word: str | None) -> str | None:
    """The canonical category for a word of either document, or None when it names none.

    >>> canonical("Operational"), canonical("financial"), canonical("CX"), canonical("teleport")
    ('efficiency', 'financial', 'satisfaction', None)
    """
    if word is None:
        return None
    key = " ".join(re.sub(r"[_\-]", " ", word).lower().split())
    if key in CATEGORIES:
        return key
    return ALIASES.get(key) or ALIASES.get(key.removesuffix(" goals").removesuffix(" goal"))


def matches(category: str | None, wanted: str) -> bool:
    """Does a goal's stored category fall under the filter ``wanted`` (canonical)?

    >>> matches("revenue", "financial"), matches("cost", "financial"), matches("cost", "revenue")
    (True, True, False)
    """
    return (category or "custom") in FAMILIES.get(wanted, (wanted,))


def every_word() -> list[str]:
    """Every category word understood, longest first (for finding one in a sentence)."""
    return sorted({*CATEGORIES, *ALIASES}, key=len, reverse=True)
