"""Slot finders: metrics, peer-group filters, benchmark set, report kind and format, numbers.

Each finder reads the lower-case message (account names already replaced by ``{account}``)
and replaces what it found by a placeholder, so the intent matcher sees "{account} {metric}
vs {segment} peers" whatever the metric and segment were.
"""

from __future__ import annotations

import re
from typing import Any

from analytics.catalog import metric_for

# Catalog aliases the planner does not read as a metric: in a question they mean the value ROI or goals.
NOT_METRICS = {"roi", "return on investment", "goals achieved", "goal attainment", "outcome achievement",
               "success outcomes achieved", "expansion", "meetings", "training"}
# ... unless they are clearly the metric ("renewal rate" is caught first, being longer).
_BEFORE_RISK = re.compile(r"\brenewal\s+risks?\b")
SEGMENTS = (("mid-market", "Mid-Market"), ("mid market", "Mid-Market"), ("midmarket", "Mid-Market"),
            ("mid-size", "Mid-Market"), ("midsize", "Mid-Market"), ("enterprises", "Enterprise"),
            ("enterprise", "Enterprise"), ("smbs", "SMB"), ("smb", "SMB"), ("small businesses", "SMB"),
            ("small business", "SMB"), ("smes", "SMB"), ("sme", "SMB"))
REGION_ALIASES = {"north american": "North America", "europe": "EMEA", "european": "EMEA", "asia": "APAC",
                  "asia pacific": "APAC", "asia-pacific": "APAC", "latin america": "LATAM",
                  "south america": "LATAM"}
FORMATS = (("word document", "docx"), ("word doc", "docx"), ("pdf", "pdf"), ("docx", "docx"), ("word", "docx"),
           ("pptx", "pptx"), ("powerpoint", "pptx"), ("xlsx", "xlsx"), ("excel", "xlsx"), ("spreadsheet", "xlsx"),
           ("workbook", "xlsx"), ("markdown", "md"))


def sub_placeholder(pattern: str, placeholder: str, text: str) -> tuple[re.Match | None, str]:
    m = re.search(pattern, text)
    if not m:
        return None, text
    return m, text[:m.start()] + f" {placeholder} " + text[m.end():]


def find_metrics(text: str) -> tuple[list[str], str]:
    """Catalog metrics named, in order (longest phrase wins at each position), and the masked text."""
    text = _BEFORE_RISK.sub(" renewal_risk ", text)
    words = text.split()
    out_words, found, i = [], [], 0
    while i < len(words):
        for n in (5, 4, 3, 2, 1):
            if i + n > len(words):
                continue
            phrase = " ".join(words[i:i + n])
            if phrase.startswith("{") or phrase in NOT_METRICS:
                continue
            m = metric_for(phrase)
            if m is not None:
                if m.key not in found:
                    found.append(m.key)
                out_words.append("{metric}" if found.index(m.key) == 0 else "{metric2}")
                i += n
                break
        else:
            out_words.append(words[i])
            i += 1
    return found, " ".join(out_words).replace("renewal_risk", "renewal risk")


def find_segment(text: str) -> tuple[str | None, str]:
    for phrase, seg in SEGMENTS:
        m, text2 = sub_placeholder(rf"(?<![\w-]){re.escape(phrase)}(?![\w-])", "{segment}", text)
        if m:
            return seg, text2
    return None, text


def find_value(text: str, values: list[str], placeholder: str,
               aliases: dict[str, str] | None = None) -> tuple[str | None, str]:
    """A workspace value (industry, region, benchmark set) named in the text, longest first."""
    table = {v.lower(): v for v in values}
    for alias, value in (aliases or {}).items():
        if value in values:
            table.setdefault(alias, value)
    for key in sorted(table, key=len, reverse=True):
        m, text2 = sub_placeholder(rf"(?<![\w-]){re.escape(key)}s?(?![\w-])", placeholder, text)
        if m:
            return table[key], text2
    return None, text


def _amount(num: str, suffix: str | None) -> float:
    return float(num.replace(",", "")) * {"k": 1e3, "m": 1e6}.get((suffix or "").lower(), 1.0)


_MONEY = (r"(?:\$\s*(\d[\d,]*(?:\.\d+)?)\s*([km])?|(\d[\d,]*(?:\.\d+)?)\s*([km])\b"
          r"|(\d[\d,]*(?:\.\d+)?)()(?=\s*(?:in\s+)?arr))")


def find_arr(text: str) -> tuple[dict[str, float], str]:
    """ARR bounds: "over $100K ARR", "between $50K and $250K", "under 50k"."""
    m = re.search(rf"between\s+{_MONEY}\s+and\s+{_MONEY}", text) or \
        re.search(rf"{_MONEY}\s*(?:-|–|to)\s*{_MONEY}(?=\s*(?:in\s+)?arr|\s*(?:accounts|customers|peers))", text)
    if m:
        g = m.groups()
        lo = next(_amount(g[i], g[i + 1]) for i in (0, 2, 4) if g[i])
        hi = next(_amount(g[i], g[i + 1]) for i in (6, 8, 10) if g[i])
        return {"arr_min": lo, "arr_max": hi}, text[:m.start()] + " {money} " + text[m.end():]
    out: dict[str, float] = {}
    for words, key in ((r"over|above|more than|greater than|at least|>=?|\bmin(?:imum)?", "arr_min"),
                       (r"under|below|less than|at most|up to|<=?|\bmax(?:imum)?", "arr_max")):
        m = re.search(rf"(?:{words})\s*{_MONEY}", text)
        if m and (m.group(1) or m.group(3) or m.group(5)):
            g = m.groups()
            out[key] = next(_amount(g[i], g[i + 1]) for i in (0, 2, 4) if g[i])
            text = text[:m.start()] + " {money} " + text[m.end():]
    return out, text


def find_age(text: str) -> tuple[dict[str, int], str]:
    m = re.search(r"(?:contract|tenure|customers? for|been (?:a customer|with us)|signed|age)\D{0,25}?"
                  r"(over|more than|at least|longer than|under|less than|fewer than|shorter than|within)\s*"
                  r"(\d+)\s*(months?|mos?|years?|yrs?)", text)
    if not m:
        return {}, text
    months = int(m.group(2)) * (12 if m.group(3).startswith("y") else 1)
    key = "contract_age_min_months" if m.group(1) in ("over", "more than", "at least", "longer than") \
        else "contract_age_max_months"
    return {key: months}, text[:m.start(1)] + " {age} " + text[m.end():]


def cohort_type(text: str) -> str | None:
    """A peer dimension named in words ("its industry peers", "similar size", "all customers")."""
    rules = ((r"\b(same|similar|its|their|his|her) industry|\bindustry peers|\bby industry|"
              r"\bcompare \S+ to its industry|\bto its industry\b", "industry"),
             (r"\b(same|similar) size|\bsize peers|\bby size|\barr band|\bsimilar arr|\bof a similar size", "size"),
             (r"\b(same|similar|its|their) region|\bregional peers|\bby region", "region"),
             (r"contract age|\btenure|\bsimilar age|\bsame age", "contract_age"),
             (r"\ball (accounts|customers|peers)|\bwhole portfolio|\bentire portfolio|\beveryone|\ball of them"
              r"|\ball accounts as peers", "all"),
             (r"\b(same|its|their) segment\b", "segment"))
    return next((kind for pattern, kind in rules if re.search(pattern, text)), None)


def find_format(text: str) -> tuple[str | None, str]:
    for word, fmt in FORMATS:
        m, text2 = sub_placeholder(rf"\b{word}\b", "{format}", text)
        if m:
            return fmt, text2
    return None, text


def report_kind(text: str) -> str | None:
    """The report kind the words ask for (a success report for a QBR is a success report)."""
    rules = ((r"\b(success|roi|value|goals?)\b[\w\s'{}]{0,20}\b(report|summary|document|export)\b"
              r"|\breport (on|about) [\w\s'{}]{0,20}\bgoals?\b", "success"),
             (r"\b(qbr|business review|ebr|slides?|deck|presentation|powerpoint|pptx)\b", "qbr"),
             (r"\b(account summary|internal|account report|one-pager)\b", "account"),
             (r"\b(portfolio|full analysis|all (my )?customers|book of business|whole book)\b", "portfolio"),
             (r"\b(benchmark|comparison|peer)\b", "benchmark"),
             (r"\b(success|roi|value|goals?)\b", "success"))
    return next((kind for pattern, kind in rules if re.search(pattern, text)), None)


def find_numbers(text: str) -> tuple[list[float], str]:
    found = [float(x.replace(",", "")) for x in re.findall(r"(?<![\w.{])-?\d[\d,]*(?:\.\d+)?(?![\w}])", text)]
    return found, re.sub(r"(?<![\w.{])-?\d[\d,]*(?:\.\d+)?%?(?![\w}])", " {num} ", text)


def goal_figures(lower: str) -> dict[str, Any]:
    """Baseline and target of a goal in words: "from 30 to 50", "to 45", "target of 60", "hit 60 on"."""
    out: dict[str, Any] = {}
    num = r"\$?(-?\d[\d,]*(?:\.\d+)?)"
    m = re.search(rf"\bfrom\s+{num}", lower)
    if m:
        out["baseline"] = float(m.group(1).replace(",", ""))
    m = (re.search(rf"\btarget(?:\s+value)?(?:\s+of|\s+to|\s*:|\s*=)?\s+{num}", lower)
         or re.search(rf"\b(?:to|reach(?:es|ing)?|hit|get to|at)\s+(?:(?:reach|hit|get to)\s+)?{num}", lower)
         or re.search(rf"(?:{{metric}}|score|nps|csat)\s+{num}\b", lower))
    if m:
        out["target"] = float(m.group(1).replace(",", ""))
    return out
