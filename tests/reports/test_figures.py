"""The numbers check: planted wrong figures are all caught, faithful narratives pass.

The tool results below are shaped like the real outputs (compare_customer, compute_roi,
portfolio_success, build_cohort summaries); the narratives are what a model would write.
All four results form one pool, denser than a real turn's: a wrong figure that happens to
equal another figure in scope (say 12 days when a goal's target is 12 hours) cannot be told
apart, which is the check's known limit; the planted figures avoid such coincidences.
"""

from __future__ import annotations

import pytest

from agent.numbers import VerifiedStream
from reports.figures import check, collect_numbers, extract_figures, matches, unmatched

COMPARE = {
    "customer": "Acme Corp", "segment": "Enterprise", "industry": "SaaS", "arr": 285000.0,
    "cohort": {"type": "custom", "size": 42, "description": "Enterprise SaaS accounts with ARR >= $100,000"},
    "benchmark": {"name": "SaaS Industry 2026", "source": "Pavilion survey", "year": 2026, "sample_size": 500},
    "overall_percentile": 72.4, "composite": 61.37, "benchmark_composite": 58.25,
    "columns": ["metric", "value", "percentile", "cohort_median", "benchmark_median", "benchmark_percentile",
                "status", "trend"],
    "metrics": [
        ["nps", 38.0, 81.2, 31.0, 30.0, "84th", "above_median", "improving"],
        ["dau_mau", 0.42, 64.5, 0.38, 0.4, "58th", "above_median", "stable"],
        ["feature_adoption", 46.5, 22.1, 55.0, 58.0, "<25th", "lagging", "declining"],
        ["time_to_value_days", 14.0, 91.3, 28.0, 30.0, ">90th", "top_performer", "improving"],
        ["renewal_rate", 104.2, 95.0, 92.5, 90.0, ">90th", "top_performer", "stable"],
        ["support_tickets_per_user", 0.85, 33.3, 0.6, 0.55, "31st", "below_median", "declining"],
        ["integrations", 7.0, 48.0, 8.0, 9.0, "40th", "below_median", "stable"],
        ["csat", 4.3, 77.7, 4.1, 4.0, "80th", "above_median", "stable"],
    ],
    "strengths": ["time_to_value_days", "renewal_rate", "nps"],
    "gaps": ["feature_adoption", "support_tickets_per_user"],
}
ROI = {
    "customer": "Acme Corp", "success_score": 87.5, "goal_achievement_rate": 66.7,
    "value_delivered": {"total": 285000.0, "monthly_total": 23750.0, "period_value": 71250.0,
                        "by_type": {"time_saved": 180000.0, "cost_reduction": 105000.0}},
    "investment": 68000.0, "investment_source": "given", "roi_multiplier": 4.2, "net_roi_pct": 319.1,
    "goals": [
        {"name": "Reduce ticket resolution time", "baseline": 24.0, "target": 12.0, "current": 11.5,
         "achievement_pct": 104.2, "status": "achieved", "target_date": "2026-09-30"},
        {"name": "Improve NPS", "metric": "nps", "baseline": 30.0, "target": 50.0, "current": 38.0, "achievement_pct": 40.0,
         "status": "at_risk", "elapsed_pct": 75.0, "target_date": "2026-12-31"},
        {"name": "Increase activation", "metric": "user_activation", "baseline": 55.0, "target": 80.0, "current": 70.0,
         "achievement_pct": 60.0, "status": "on_track", "elapsed_pct": 50.0, "target_date": "2027-03-31"},
    ],
    "at_risk": [{"goal": "Improve NPS", "achievement_pct": 40.0, "elapsed_pct": 75.0,
                 "signals": ["NPS at the 31st percentile of Enterprise peers"],
                 "actions": ["Run a detractor call-back programme within 30 days"]}],
}
PORTFOLIO = {
    "accounts_with_goals": 140, "goals": 312,
    "status_counts": {"achieved": 98, "on_track": 121, "at_risk": 57, "missed": 21, "not_started": 15},
    "average_success_score": 71.3, "average_roi_multiplier": 3.1, "total_value_delivered": 12450000.0,
    "at_risk_goals": [{"customer": "TechCorp", "goal": "Increase adoption", "arr_at_stake": 1250000.0,
                       "achievement_pct": 35.5, "elapsed_pct": 80.0, "target_date": "2026-12-31"}],
}
COHORT = {"size": 42, "description": "Enterprise SaaS accounts with ARR >= $100,000",
          "message": "Large enough to benchmark against.",
          "composition": {"arr_band": {"$100K-$250K": 25, "$250K-$1M": 15, ">$1M": 2}}}
SOURCES = [COMPARE, ROI, PORTFOLIO, COHORT, "How does Acme Corp compare to Enterprise SaaS peers over $100K ARR?"]

FAITHFUL = [
    "Acme Corp ranks at the 72nd percentile overall among 42 Enterprise SaaS peers.",
    "NPS is +38 against a peer median of 31, the 81st percentile.",
    "DAU/MAU of 0.42 sits at the 64.5th percentile (peer median 0.38).",
    "DAU/MAU is 42%, above the 38% median.",
    "Feature adoption is 46.5%, below the peer median of 55% and in the bottom quartile (22nd percentile).",
    "Time to value is 14 days versus 28 days for the median peer: a top performer (above the 90th percentile).",
    "Renewal rate of 104% puts Acme above P90 of the benchmark.",
    "Renewal rate is 104.2%, the 95th percentile.",
    "Support tickets per user are 0.85 vs 0.6 for peers (33rd percentile).",
    "Acme has 7 integrations against a median of 8.",
    "CSAT 4.3 / 5 compares with 4.1 for the peer group.",
    "The goals delivered $285K of value on a $68K investment: a 4.2x ROI.",
    "Value delivered is $285,000 a year, net ROI 319%.",
    "Success score 87.5; 66.7% of goals achieved.",
    "Ticket resolution time fell from 24 to 11.5 hours against a target of 12: 104.2% achieved.",
    "The NPS goal is at risk: 40% achieved with 75% of the time elapsed (target 2026-12-31).",
    "Activation is on track at 70 against a target of 80 by March 31, 2027.",
    "Across 140 accounts with goals (312 goals), 57 are at risk and 98 achieved.",
    "Average success score is 71.3 and average ROI 3.1x.",
    "Total value delivered across the book: $12.45M, or about $12.5M.",
    "TechCorp's adoption goal puts $1.25M ARR at stake (35.5% achieved, 80% elapsed).",
    "The peer group has 42 accounts: 25 in the $100K-$250K band and 15 in $250K-$1M.",
    "Compared with Enterprise SaaS peers over $100K ARR, Acme is a strength in 3 areas and has 2 gaps.",
    "In Q3 2026 the composite score was 61.4 (benchmark composite 58.3).",
    "Benchmark: SaaS Industry 2026 (Pavilion survey, sample of 500).",
    "1. Run a detractor call-back programme within 30 days\n2. Raise feature adoption towards the 55% median",
    "Monthly value is $23,750; $71,250 was realised this period.",
    "Time saved accounts for $180K and cost reduction for $105K.",
    "Acme sits in the top quartile for CSAT (78th percentile) and the 3rd quartile overall.",
    "By FY2027 the activation goal targets 80%; step 1 is the onboarding review on 2026-09-30.",
    "Net revenue retention is not available for this account.",
    "NPS rose to +38 (up from 30) and should reach 50 by the end of 2026.",
]

PLANTED = [
    "Acme Corp ranks at the 78th percentile overall among 42 peers.",
    "NPS is +45 against a peer median of 31.",
    "DAU/MAU of 0.52 is above the peer median.",
    "DAU/MAU is 47%, above the median.",
    "Feature adoption is 36.5%, well below the median.",
    "Time to value is 19 days versus the median peer.",
    "Renewal rate of 106% is best in class.",
    "Support tickets per user are 0.95, above peers.",
    "Acme has 13 integrations.",
    "CSAT of 4.6 / 5 leads the group.",
    "The goals delivered $295K of value.",
    "ROI is 4.8x on the investment.",
    "Value delivered is $258,000 a year.",
    "Net ROI is 419%.",
    "The success score is 91.2.",
    "Resolution time hit 10.5 hours.",
    "The NPS goal is 45% achieved.",
    "The NPS goal has used 85% of its time.",
    "Across 150 accounts with goals, many are at risk.",
    "63 goals are at risk across the book.",
    "Average success score is 74.1.",
    "Total value delivered is $14.2M.",
    "TechCorp has $2.1M ARR at stake.",
    "The peer group has 48 accounts.",
    "Acme's composite score is 65.2.",
    "Peers average 3.6x ROI.",
    "Acme beats 93% of peers on NPS.",
    "Churn risk is 17% lower than peers.",
    "Expansion revenue grew 23% year over year.",
    "Raising adoption could add $50K in expansion.",
    "Acme is in the 69th percentile for DAU/MAU.",
    "Monthly value is $27,500.",
]


@pytest.mark.parametrize("text", FAITHFUL)
def test_faithful_narratives_pass(text):
    assert check(text, SOURCES) == [], [f.text for f in check(text, SOURCES)]


@pytest.mark.parametrize("text", PLANTED)
def test_planted_wrong_figures_are_caught(text):
    assert check(text, SOURCES), text


def test_counts():
    assert len(FAITHFUL) >= 30 and len(PLANTED) >= 30


def test_the_wrong_figure_is_the_one_reported():
    bad = check("NPS is +38 (81st percentile) but DAU/MAU is 0.52 and ROI 4.8x.", SOURCES)
    assert [f.text for f in bad] == ["0.52", "4.8x"]


@pytest.mark.parametrize("text,values", [
    ("ROI 4.2x on $285K in Q3 2026", [4.2, 285000.0]),
    ("due March 31, 2026 or 2026-06-30 or 31/12/2026", []),
    ("the 90th percentile, P75, FY26, B2B, 3D", [90.0]),
    ("$1.2M, 1,250 users, 12.5 percent, 7 pp", [1_200_000.0, 1250.0, 12.5, 7.0]),
    ("from 24 to -12 points", [24.0, -12.0]),
    ("range 25-75", [25.0, 75.0]),
])
def test_extract(text, values):
    assert [f.value for f in extract_figures(text)] == values


def test_rounding_and_formats():
    pool = collect_numbers([{"a": 0.42, "b": 285000, "c": 104.2, "d": 4.19, "e": 1234567}])
    ok = ["42%", "$285K", "285,000", "104%", "104.2%", "4.2x", "$1.2M", "$1.23M", "0.42"]
    bad = ["43%", "$286K", "105%", "104.3%", "4.3x", "$1.3M", "0.43"]
    assert all(matches(extract_figures(t)[0], pool) for t in ok)
    assert not any(matches(extract_figures(t)[0], pool) for t in bad)


def test_threshold_ordinals_allowed_but_not_as_plain_numbers():
    assert unmatched("above the 90th percentile, below the 25th", []) == []
    assert [f.text for f in unmatched("90 accounts", [])] == ["90"]


def test_pool_walks_strings_and_list_lengths():
    pool = collect_numbers([{"notes": ["NPS rose from 30 to 45 after QBRs"], "items": [1, 2, 3]}])
    assert {30.0, 45.0, 3.0} <= set(pool)


async def test_verified_stream_emits_checked_sentences_and_closes_on_a_bad_one():
    shown: list[str] = []

    async def emit(t: str) -> None:
        shown.append(t)

    pool = collect_numbers([COMPARE])
    gate = VerifiedStream(emit, lambda: pool)
    for chunk in ["Acme is at the 72nd per", "centile. NPS is +38. ", "DAU/MAU is 0.99. ", "More text."]:
        await gate.feed(chunk)
    await gate.flush()
    assert "".join(shown) == "Acme is at the 72nd percentile. NPS is +38. "
    assert gate.closed
