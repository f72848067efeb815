"""One message read for the planner: its slots, and the concept tokens its intent is scored on.

The steps (see lexicon.toml): account names -> ``{account}``; misspelt words corrected;
dates, periods, amounts, metrics, segment/industry/region, benchmark set, format and numbers
-> placeholders; then words -> concepts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from agent.understand import slots as sl
from agent.understand.dates import find_date, find_months, find_period
from agent.understand.goal_words import goal_tokens, mask_quote
from agent.understand.grouping import find_group_by, wants_distribution
from agent.understand.lexicon import correct, lexicon, words_of
from agent.understand.names import find_names
from tools.store.workspace import Workspace


@dataclass
class Reading:
    text: str
    masked: str = ""                                      # the message with placeholders
    tokens: frozenset[str] = frozenset()                  # concepts, placeholders and known words
    accounts: list[str] = field(default_factory=list)     # resolved names, in order of mention
    unknown_name: str | None = None                       # a name that matches no account
    ambiguous_name: str | None = None
    name_options: list[str] = field(default_factory=list)
    metrics: list[str] = field(default_factory=list)
    criteria: dict[str, Any] = field(default_factory=dict)   # CohortCriteria fields
    cohort_type: str | None = None
    benchmark: str | None = None
    period: str | None = None                             # success period code ("this_quarter", "2026-Q3")
    months: int | None = None                             # history months ("last 6 months")
    date: str | None = None
    numbers: list[float] = field(default_factory=list)
    report_format: str | None = None
    report_kind: str | None = None
    goal: dict[str, Any] = field(default_factory=dict)    # baseline / target in words
    quoted: str | None = None                             # a quoted name ("the 'Reduce ...' goal")
    group_by: str | None = None                           # portfolio peer groups by ("by industry")
    distribution: bool = False                            # every peer quantile per metric asked for

    def has(self, *concepts: str) -> bool:
        return any(c in self.tokens for c in concepts)

    @property
    def segment(self) -> str | None:
        return self.criteria.get("segment")

    @property
    def metric(self) -> str | None:
        return self.metrics[0] if self.metrics else None

    def content(self) -> frozenset[str]:
        """The tokens that say what is wanted (not slots, follow-up markers or references)."""
        return frozenset(t for t in self.tokens if not t.startswith("{") and t not in ("and", "only", "ref"))


def _workspace_values(ws: Workspace, column: str) -> list[str]:
    return ws.column(f"SELECT DISTINCT {column} FROM customers WHERE {column} IS NOT NULL AND {column} != ''")


def _names(ws: Workspace, table: str) -> list[str]:
    return ws.column(f"SELECT name FROM {table} ORDER BY name")


def read(message: str, ws: Workspace) -> Reading:
    """Read ``message`` against the workspace's accounts, industries, regions and benchmark sets."""
    r = Reading(text=message)
    text = mask_quote(message.replace("’", "'").replace("“", '"').replace("”", '"'))  # a quote's words are data
    quoted = re.search(r"[\"']([^\"']{3,80})[\"']", text)
    r.quoted = quoted.group(1) if quoted and " " in quoted.group(1) else None
    ws_words = [*_workspace_values(ws, "industry"), *_workspace_values(ws, "region"), *_names(ws, "benchmark_sets"),
                *_names(ws, "cohorts")]
    known = frozenset(w for v in ws_words for w in words_of(v))
    names = find_names(text, _names(ws, "customers"), known)
    r.accounts, r.unknown_name = names.accounts, names.unknown
    r.ambiguous_name, r.name_options = names.ambiguous, names.candidates
    lower = _masked_words(names)
    today = ws.today()
    r.date, lower = find_date(lower, today)
    lower = lower if r.date is None else f"{lower} {{date}}"
    r.months, lower = find_months(lower)
    r.period, lower = find_period(lower, today)
    if r.period is None and r.months is None and re.search(r"\b(?:last|previous)\s+year\b", lower):
        r.period = str(today.year - 1)
    arr, lower = sl.find_arr(lower)
    age, lower = sl.find_age(lower)
    r.benchmark, lower = sl.find_value(lower, _names(ws, "benchmark_sets"), "{benchset}")
    r.metrics, lower = sl.find_metrics(lower)
    r.cohort_type = sl.cohort_type(lower)
    r.group_by, lower = find_group_by(lower, mask=not r.accounts)  # an account's "by industry" is its peers
    r.distribution = wants_distribution(lower)
    segment, lower = sl.find_segment(lower)
    industry, lower = sl.find_value(lower, _workspace_values(ws, "industry"), "{industry}")
    region, lower = sl.find_value(lower, _workspace_values(ws, "region"), "{region}", sl.REGION_ALIASES)
    saved, lower = sl.find_value(lower, _names(ws, "cohorts"), "{cohort}")
    r.criteria = {k: v for k, v in (("segment", segment), ("industry", industry), ("region", region),
                                    ("saved", saved)) if v} | arr | age
    r.report_format, lower = sl.find_format(lower)
    r.report_kind = sl.report_kind(lower)
    r.goal = sl.goal_figures(lower)
    r.numbers, lower = sl.find_numbers(lower)
    r.masked = " ".join(lower.split())
    r.tokens = frozenset(lexicon().concept_tokens(words_of(r.masked))) | goal_tokens(message)
    return r


def _masked_words(names) -> str:
    """The message in lower case: each account's words -> {account} / {account2}, misspellings corrected."""
    out, seen = [], []
    for tok in names.tokens:
        if tok.account is not None:
            if tok.account not in seen:
                seen.append(tok.account)
            holder = "{account}" if seen.index(tok.account) == 0 else "{account2}"
            if not out or out[-1] != holder:
                out.append(holder)
            continue
        word = tok.text.lower()
        if word not in lexicon().vocabulary and re.fullmatch(r"[a-z]+", word):
            word = correct(word) or word
        out.append(word)
    return " ".join(out)
