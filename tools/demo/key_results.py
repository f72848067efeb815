"""The demo's key results and customer quotes: a few named goals get more metrics, and a few a quote
from the last business review.

Chosen so every figure the demo already shows stays the same: a goal's achievement from its key
results equals its headline achievement (Acme's tooling goal: every key result achieved, 100%;
its onboarding goal: the key result at exactly the headline's 66.0%).
"""

from __future__ import annotations

from tools.demo.model import AS_OF_TS

# (account, goal name) -> key results: (name, unit, baseline, target, frequency, [(date, value), ...])
KEY_RESULTS = {
    ("Acme Corp", "Consolidate support tooling"): [
        ("Help-desk tools in use", None, 4.0, 2.0, "monthly",
         [("2026-04-30", 4.0), ("2026-07-31", 3.0), ("2026-10-31", 2.0)]),
        ("Agents trained on the unified workflow", None, 0.0, 40.0, "monthly",
         [("2026-04-30", 12.0), ("2026-07-31", 31.0), ("2026-10-31", 42.0)]),
    ],
    ("Acme Corp", "Cut onboarding time for new teams"): [
        ("Teams onboarded with the playbook", None, 0.0, 10.0, "monthly",
         [("2026-06-30", 1.2), ("2026-08-31", 3.9), ("2026-10-31", 6.6)]),
    ],
}

# (account, goal name) -> quotes: (text, person, date)
QUOTES = {
    ("Acme Corp", "Reduce ticket resolution time"): [
        ("Most tickets are closed the same day now; the routing rules did it.", "Dana Whitfield, Director of Support",
         "2026-10-14"),
    ],
    ("Acme Corp", "Cut onboarding time for new teams"): [
        ("New teams are productive in their third week instead of their second month.", "Marcus Lee, VP Operations",
         "2026-10-14"),
    ],
    ("TechCorp", "Automate month-end reporting"): [
        ("Month-end used to take the whole finance team a week; now it is two days.", "Priya Nair, CFO",
         "2026-10-21"),
    ],
    ("BetaInc", "Raise NPS to 40"): [
        ("Closing the loop on detractors changed how our users talk about the product.", "Tom Berg, Head of CX",
         "2026-09-30"),
    ],
}


def extra_rows(goals: list[dict], accounts: list[dict]) -> dict[str, list[dict]]:
    """Rows of key_results, key_result_measurements and goal_quotes for the demo's goals."""
    names = {a["id"]: a["name"] for a in accounts}
    by_key = {(names[g["customer_id"]], g["name"]): g["id"] for g in goals}
    krs, measurements, quotes = [], [], []
    for key, items in KEY_RESULTS.items():
        for name, unit, baseline, target, freq, points in items:
            kid = len(krs) + 1
            krs.append({"id": kid, "goal_id": by_key[key], "name": name, "metric": None, "baseline": baseline,
                        "target": target, "unit": unit, "direction": "increase" if target > baseline else "decrease",
                        "frequency": freq, "weight": 1.0, "created_at": AS_OF_TS})
            measurements += [{"key_result_id": kid, "date": d, "value": v} for d, v in points]
    for key, items in QUOTES.items():
        quotes += [{"goal_id": by_key[key], "text": text, "person": person, "date": date, "source": "demo",
                    "created_at": AS_OF_TS} for text, person, date in items]
    return {"key_results": krs, "key_result_measurements": measurements, "goal_quotes": quotes}
