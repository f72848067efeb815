"""What a message names, for the offline planner: customers, peer group, metric, report, goal figures.

:func:`extract` reads the entities: customer names fuzzy-matched against the
workspace (an unknown or ambiguous name becomes a question back), peer-group
words (segment, industry, region, ARR band, contract age, a saved cohort), the
first catalog metric named, a benchmark set, the report kind and format, and the
numbers and date of a goal.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from agent.session import Session
from analytics.catalog import METRICS, metric_for, segment_for
from tools.base import ToolError
from tools.store.resolve import resolve_name
from tools.store.workspace import Workspace

# Words that are never part of a customer name (lower case).
_STOP = set("""
a an the and or but if then than so to of in on at by for from with without into onto about as is are was
were be been being am do does did doing done has have had having i me my mine we us our ours you your yours
he him his she her hers it its they them their theirs this that these those there here what which who whom
whose when where why how all any each every some no not only just also too very more most less least much
many few other same such own again once please pls thanks thank hi hello hey ok okay yes now can could
would should will shall may might must let lets let's tell show give list get find see look make create
generate produce build draft export download send save want need like help me one two three vs versus
against compare compared comparing comparison benchmark benchmarks benchmarked benchmarking peer peers
cohort cohorts group groups similar customers customer accounts account portfolio book doing perform
performing performance stack up stacks rank ranks ranked ranking percentile percentiles median average
over under above below between less greater least most arr revenue report reports qbr slide slides deck
pdf docx word pptx powerpoint xlsx excel spreadsheet markdown md file format summary analysis full
best practice practices top performers performer leaders leader playbook playbooks recommend recommends
recommendation recommendations improve improvement improvements improving plan plans action actions
achievement next steps step first priority priorities should roi return investment value delivered
success metrics metric score scores goal goals risk at-risk track progress outcome outcomes history
historical time trend trends trending changed change changes position over-time quarter quarters year
years month months day days week weeks add set update record measurement measured new target baseline
current from to by reach raise cut lower reduce increase decrease only just segment segments industry
industries size region regions tenure age contract which sets loaded available kpi kpis table
numbers figures chart charts and what's whats how's who's where's gaps strengths weak weakness
weaknesses strong lagging laggards behind underperforming underperform worst leading ahead doing well
go going again instead same but rather look looks looking everyone everybody everything anything nothing
""".split())

_NAME_SLOT = {"for", "does", "is", "about", "of", "compare", "and", "with", "account", "customer", "at", "did",
              "has", "vs", "versus", "benchmark"}

@dataclass
class Entities:
    text: str
    lower: str
    customers: list[str] = field(default_factory=list)      # resolved names, in order of mention
    name_question: str | None = None                         # an unknown or ambiguous name, asked back
    metric: str | None = None
    criteria: dict[str, Any] = field(default_factory=dict)   # CohortCriteria fields
    cohort_type: str | None = None
    benchmark: str | None = None
    report_format: str | None = None
    report_kind: str | None = None
    numbers: list[float] = field(default_factory=list)
    date: str | None = None

    def has(self, pattern: str) -> bool:
        return re.search(pattern, self.lower) is not None


def _tokens(text: str) -> list[str]:
    return re.findall(r"[A-Za-z0-9][A-Za-z0-9&'._\-]*[A-Za-z0-9]|[A-Za-z0-9]", text)


def _norm_token(tok: str) -> str:
    return re.sub(r"'s$", "", tok.lower())


def _vocabulary(ws_words: set[str]) -> set[str]:
    words = set(_STOP) | ws_words
    for m in METRICS:
        for label in (m.key, m.label, *m.aliases):
            words.update(w.lower() for w in _tokens(label.replace("_", " ")))
    words.update(["enterprise", "mid-market", "mid", "market", "midmarket", "smb", "small", "business", "mm"])
    return words


def _spans(text: str, vocab: set[str]) -> list[tuple[str, bool]]:
    """Runs of non-vocabulary tokens: (span, looks like a name)."""
    spans, run, name_like, prev = [], [], False, ""
    for tok in _tokens(text) + [""]:
        word = _norm_token(tok)
        is_vocab = not tok or word in vocab or re.fullmatch(r"[\d.,]+[kmb%x]?|q[1-4]|p\d{2}|fy\d+", word)
        if not is_vocab:
            if not run:
                name_like = prev in _NAME_SLOT
            run.append(re.sub(r"'s$", "", tok))
            name_like = name_like or tok[:1].isupper()
        elif run:
            spans.append((" ".join(run), name_like))
            run = []
        prev = word
    return spans


def find_customers(ws: Workspace, text: str, vocab: set[str]) -> tuple[list[str], str | None]:
    """Customer names mentioned in ``text`` (fuzzy), and a question for a name not found."""
    names = [r["name"] for r in ws.query("SELECT name FROM customers ORDER BY name")]
    hits: list[tuple[int, str]] = []
    rest = text
    for name in sorted(names, key=len, reverse=True):  # exact mentions first, longest name wins
        pattern = re.compile(rf"(?<![\w]){re.escape(name)}(?![\w])", re.IGNORECASE)
        m = pattern.search(rest)
        if m:
            hits.append((m.start(), name))
            rest = pattern.sub(lambda x: " " * len(x.group(0)), rest)
    question = None
    for span, name_like in _spans(rest, vocab):
        if not names:
            if name_like:
                question = "The workspace has no customers yet: run `peerbench demo` or import a portfolio file."
            continue
        try:
            match = resolve_name(names, span)
        except ToolError as exc:
            if name_like and question is None:
                question = _name_question(span, exc)
            continue
        if match not in (n for _, n in hits):
            hits.append((text.find(span), match))
    return [n for _, n in sorted(hits)], question


def _name_question(span: str, exc: ToolError) -> str:
    if exc.suggestions:
        return (f"I'm not sure which customer you mean by '{span}'. Did you mean "
                + ", ".join(f"**{s}**" for s in exc.suggestions[:5]) + "?")
    return f"I couldn't find a customer called '{span}' in this workspace. Which account do you mean?"


def _amount(num: str, suffix: str | None) -> float:
    return float(num.replace(",", "")) * {"k": 1e3, "m": 1e6}.get((suffix or "").lower(), 1.0)


def _arr_criteria(text: str) -> dict[str, float]:
    out: dict[str, float] = {}
    # an amount: "$100K" | "100k" | "100000 ARR" (three alternatives, two groups each: number, K/M)
    money = (r"(?:\$\s*(\d[\d,]*(?:\.\d+)?)\s*([kKmM])?|(\d[\d,]*(?:\.\d+)?)\s*([kKmM])\b"
             r"|(\d[\d,]*(?:\.\d+)?)()(?=\s*(?:in\s+)?arr))")
    m = re.search(rf"between\s+{money}\s+and\s+{money}", text, re.I) or \
        re.search(rf"{money}\s*(?:-|–|to)\s*{money}(?=\s*(?:in\s+)?arr|\s*(?:accounts|customers|peers))", text, re.I)
    if m:
        g = m.groups()
        lo = next(_amount(g[i], g[i + 1]) for i in (0, 2, 4) if g[i])
        hi = next(_amount(g[i], g[i + 1]) for i in (6, 8, 10) if g[i])
        return {"arr_min": lo, "arr_max": hi}
    for words, key in ((r"over|above|more than|greater than|at least|>=?|\bmin(?:imum)?", "arr_min"),
                       (r"under|below|less than|at most|up to|<=?|\bmax(?:imum)?", "arr_max")):
        m = re.search(rf"(?:{words})\s*{money}", text, re.I)
        if m and (m.group(1) or m.group(3) or m.group(5)):
            g = m.groups()
            out[key] = next(_amount(g[i], g[i + 1]) for i in (0, 2, 4) if g[i])
    return out


def _age_criteria(lower: str) -> dict[str, int]:
    m = re.search(r"(?:contract|tenure|customers? for|been (?:a customer|with us)|signed|age)\D{0,25}?"
                  r"(over|more than|at least|longer than|under|less than|fewer than|shorter than|within)\s*"
                  r"(\d+)\s*(months?|mos?|years?|yrs?)", lower)
    if not m:
        return {}
    months = int(m.group(2)) * (12 if m.group(3).startswith("y") else 1)
    key = "contract_age_min_months" if m.group(1) in ("over", "more than", "at least", "longer than") \
        else "contract_age_max_months"
    return {key: months}


def _ws_values(ws: Workspace, column: str) -> list[str]:
    rows = ws.query(f"SELECT DISTINCT {column} AS v FROM customers WHERE {column} IS NOT NULL AND {column} != ''")
    return sorted((r["v"] for r in rows), key=len, reverse=True)


def _word_in(value: str, lower: str) -> bool:
    return re.search(rf"(?<![\w]){re.escape(value.lower())}(?![\w])", lower) is not None


def _segment(lower: str) -> str | None:
    for phrase in ("mid-market", "mid market", "midmarket", "enterprise", "smb", "small business"):
        if _word_in(phrase, lower):
            return segment_for(phrase)
    return None


def _metric(lower: str) -> str | None:
    """The first catalog metric named in the text (longest phrase wins at each position)."""
    words = _tokens(lower.replace("/", " "))
    for i in range(len(words)):
        for n in (5, 4, 3, 2, 1):
            if i + n <= len(words):
                m = metric_for(" ".join(words[i:i + n]))
                if m is not None:
                    return m.key
    return None


def _cohort(lower: str, ws: Workspace, e: Entities) -> None:
    seg = _segment(lower)
    if seg and seg != "All":
        e.criteria["segment"] = seg
    for value in _ws_values(ws, "industry"):
        if _word_in(value, lower):
            e.criteria["industry"] = value
            break
    for value in _ws_values(ws, "region"):
        if _word_in(value, lower):
            e.criteria["region"] = value
            break
    e.criteria.update(_arr_criteria(e.text))
    e.criteria.update(_age_criteria(lower))
    saved = [r["name"] for r in ws.query("SELECT name FROM cohorts")]
    for name in saved:
        if _word_in(name, lower):
            e.criteria["saved"] = name
    if e.criteria:
        e.cohort_type = "custom"
    elif re.search(r"\b(same|similar|its|their) industry|\bindustry peers|\bby industry", lower):
        e.cohort_type = "industry"
    elif re.search(r"\b(same|similar) size|\bsize peers|\bby size|\barr band|\bsimilar arr", lower):
        e.cohort_type = "size"
    elif re.search(r"\b(same|similar|its|their) region|\bregional|\bby region", lower):
        e.cohort_type = "region"
    elif re.search(r"contract age|\btenure|\bsimilar age|\bsame age", lower):
        e.cohort_type = "contract_age"
    elif re.search(r"\ball (accounts|customers|peers)|\bwhole portfolio|\bentire portfolio|\beveryone", lower):
        e.cohort_type = "all"


_FORMATS = (("pdf", "pdf"), ("docx", "docx"), ("word", "docx"), ("pptx", "pptx"), ("powerpoint", "pptx"),
            ("slides?", "pptx"), ("deck", "pptx"), ("xlsx", "xlsx"), ("excel", "xlsx"), ("spreadsheet", "xlsx"),
            ("markdown", "md"), ("md", "md"))
_KINDS = (("qbr", "qbr"), ("slide", "qbr"), ("deck", "qbr"), ("success", "success"), ("roi", "success"),
          ("value", "success"), ("goals?", "success"), ("portfolio", "portfolio"), ("full analysis", "portfolio"),
          ("all (?:my )?customers", "portfolio"), ("account", "account"), ("benchmark", "benchmark"))


_MONTHS = {m: i for i, m in enumerate(("january", "february", "march", "april", "may", "june", "july", "august",
                                        "september", "october", "november", "december"), 1)}
_MONTH_RE = r"(jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
_NATURAL_DATES = (re.compile(rf"\b{_MONTH_RE}\s+(\d{{1,2}})(?:st|nd|rd|th)?(?:,?\s+(\d{{4}}))?\b", re.I),
                  re.compile(rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH_RE}(?:,?\s+(\d{{4}}))?\b", re.I))


def _month(word: str) -> int:
    return next(i for name, i in _MONTHS.items() if name.startswith(word.lower().rstrip(".")[:3]))


def find_date(text: str, today: dt.date) -> tuple[str | None, str]:
    """An ISO date in ``text`` ("2026-12-31", "June 30", "30 June 2027") and the text without it.

    A day and month without a year mean the next such date on or after ``today``.
    """
    m = re.search(r"\b(\d{4}-\d{2}-\d{2})\b", text)
    if m:
        return m.group(1), text.replace(m.group(1), " ")
    for i, pattern in enumerate(_NATURAL_DATES):
        m = pattern.search(text)
        if not m:
            continue
        month, day = (_month(m.group(1)), int(m.group(2))) if i == 0 else (_month(m.group(2)), int(m.group(1)))
        try:
            year = int(m.group(3)) if m.group(3) else today.year
            date = dt.date(year, month, day)
            if not m.group(3) and date < today:
                date = dt.date(year + 1, month, day)
        except ValueError:
            return None, text
        return date.isoformat(), text.replace(m.group(0), " ")
    return None, text


def extract(message: str, ws: Workspace, session: Session) -> Entities:
    e = Entities(text=message, lower=message.lower())
    ws_words = {w.lower() for col in ("industry", "region") for v in _ws_values(ws, col) for w in _tokens(v)}
    ws_words |= {w.lower() for r in ws.query("SELECT name FROM benchmark_sets") for w in _tokens(r["name"])}
    vocab = _vocabulary(ws_words)
    e.customers, e.name_question = find_customers(ws, message, vocab)
    e.metric = _metric(e.lower)
    _cohort(e.lower, ws, e)
    for r in ws.query("SELECT name FROM benchmark_sets ORDER BY length(name) DESC"):
        if _word_in(r["name"], e.lower):
            e.benchmark = r["name"]
            break
    e.report_format = next((f for w, f in _FORMATS if re.search(rf"\b{w}\b", e.lower)), None)
    e.report_kind = next((k for w, k in _KINDS if re.search(rf"\b{w}\b", e.lower)), None)
    e.date, no_dates = find_date(message, ws.today())
    e.numbers = [float(x.replace(",", "")) for x in re.findall(r"(?<![\w.])-?\d[\d,]*(?:\.\d+)?", no_dates)]
    return e
