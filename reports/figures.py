"""Figures in prose read back and matched against tool outputs: the numbers check's rule.

Used by the agent (every figure in Claude's prose must come from this turn's tool
results; see :mod:`agent.numbers`) and by draft_report (narrative slots). It lives in
reports/ because it is the inverse of :mod:`reports.format`: it must accept every way a
figure is written there ("$285K", "4.2x", "49th").

A *figure* is a number as written in prose: ``62%``, ``$285K``, ``4.2x``, ``72nd``,
``+38``, ``14 days``, ``1,250``. The *pool* is every number in the tool outputs
(walked as JSON; numbers inside strings and list lengths included) plus the numbers
the user wrote. A figure matches when some pool value equals it after rounding to
the precision the prose shows, in any of its readings:

- ``104%`` matches 104.2 (rounded), ``42%`` matches 0.42 (ratio), ``0.42`` matches 42;
- ``$285K`` matches 285000 (±500: the written precision), ``$1.2M`` matches 1,234,567;
- the sign is ignored ("declined by 12" for a delta of -12).

Not figures (never checked): years (a bare 1900-2100 integer), dates ("2026-03-31",
"March 31, 2026", "Mar 2026"), times, identifiers glued to letters ("Q3", "P90",
"FY26", "B2B"), Markdown list markers ("1. "), and the ordinals of the status and
quantile thresholds ("25th", "50th", "75th", "90th", "10th").
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from analytics.catalog import KEYS, metric_for

THRESHOLD_ORDINALS = {10.0, 25.0, 50.0, 75.0, 90.0}
_SCALE = {"k": 1e3, "m": 1e6, "mn": 1e6, "b": 1e9, "bn": 1e9}

_MONTH = (r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
          r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)")
_NOT_FIGURES = re.compile(
    "|".join([
        r"\b\d{4}-\d{1,2}(?:-\d{1,2})?\b",                      # 2026-03-31, 2026-03
        r"\b\d{1,2}/\d{1,2}/\d{2,4}\b",                          # 31/03/2026
        rf"\b{_MONTH}\.?\s+\d{{1,2}}(?:st|nd|rd|th)?(?:,?\s+\d{{4}})?\b",   # March 31, 2026
        rf"\b\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH}\b(?:\.?,?\s+\d{{4}})?",  # 31 March 2026
        rf"\b{_MONTH}\.?\s+\d{{4}}\b",                           # Mar 2026
        r"\b\d{1,2}:\d{2}(?::\d{2})?\b",                         # 10:30
        r"(?:/\s*|\bout of\s+)(?:5|10|100)\b(?![.,]\d)",            # a scale: "4.3 / 5", "out of 100"
        r"\b(?:0|1)\s*(?:-|–|to)\s*(?:5|10|100)\s+scale\b",         # "a 0-100 scale"
        r"^\s*(?:[-*]\s+)?\d{1,2}[.)]\s",                    # "1. " list markers
        r"\b(?:step|phase|week|month|day|option|tier|level)\s+\d{1,2}\b(?![%.,]\d)",  # "Step 1"
    ]),
    re.IGNORECASE | re.MULTILINE,
)
_NUMBER = re.compile(r"(?<![\w.,/])(\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+)")
_SUFFIX = re.compile(
    r"\s?(?P<suf>%|percentile|percent|pct|pp|pts?|points?|x(?![a-z])|×|(?:bn|mn|[kmb])(?![a-z])|"
    r"(?:st|nd|rd|th)(?![a-z]))",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Figure:
    """One number as written in prose."""

    text: str
    value: float          # signed, scaled ($285K -> 285000)
    decimals: int         # digits after the point as written
    scale: float = 1.0
    kind: str = "plain"   # plain | percent | money | multiple | ordinal

    @property
    def tolerance(self) -> float:
        return 0.5 * 10 ** -self.decimals * self.scale + 1e-9

    def readings(self) -> list[tuple[float, float]]:
        """(value, tolerance) pairs this figure may stand for, all as absolute values."""
        v, tol = abs(self.value), self.tolerance
        out = [(v, tol)]
        if self.kind == "ordinal":
            out.append((v + 0.5, 0.5 + 1e-9))   # "49th" is also 49.6 rounded down (percentiles.ordinal)
        if self.kind == "percent" or (self.kind == "plain" and v <= 100):
            out.append((v / 100, tol / 100))      # 42% <-> 0.42
        if self.kind == "plain" and v <= 1 and self.decimals:
            out.append((v * 100, tol * 100))      # 0.42 <-> 42%
        return out


def extract_figures(text: str) -> list[Figure]:
    """The figures in ``text``, skipping dates, years, identifiers and list markers.

    >>> [f.value for f in extract_figures("NPS +38 (72nd percentile), ROI 4.2x on $285K in Q3 2026")]
    [38.0, 72.0, 4.2, 285000.0]
    """
    clean = _NOT_FIGURES.sub(lambda m: " " * len(m.group(0)), text)
    figures = []
    for m in _NUMBER.finditer(clean):
        fig = _figure(clean, m)
        if fig is not None:
            figures.append(fig)
    return figures


def _figure(text: str, m: re.Match) -> Figure | None:
    raw = m.group(1)
    start, end = m.span(1)
    before = text[max(0, start - 2):start]
    after = text[end:end + 12]
    if after[:1].isalpha() and not _SUFFIX.match(after):
        return None  # glued to a word: "3D", "4G", "2FA"
    money = "$" in before or "€" in before or "£" in before
    sign_at = start - 1 - (1 if money else 0)
    negative = (sign_at >= 0 and text[sign_at] in "-−"
                and (sign_at == 0 or text[sign_at - 1] in " \t\n(~"))  # "-12", not "25-75"
    number = float(raw.replace(",", ""))
    decimals = len(raw.split(".")[1]) if "." in raw else 0
    suf_match = _SUFFIX.match(after)
    suf = suf_match.group("suf").lower() if suf_match else ""
    kind, scale = ("money" if money else "plain"), 1.0
    if suf in _SCALE:
        if suf in ("m", "b") and not money and suf_match.group(0).startswith(" "):
            suf = ""  # "5 m" is more likely metres/minutes than millions; read as plain
        else:
            scale = _SCALE[suf]
    if suf in ("%", "percent", "pct", "pp"):
        kind = "percent"
    elif suf in ("x", "×"):
        kind = "multiple"
    elif suf in ("st", "nd", "rd", "th", "percentile"):
        kind = "ordinal"
    if kind == "plain" and scale == 1.0 and decimals == 0 and 1900 <= number <= 2100 and "," not in raw:
        return None  # a year
    value = -number * scale if negative else number * scale
    shown = text[start - (1 if money else 0):end + (suf_match.end() if suf_match and suf else 0)]
    return Figure(text=shown.strip(), value=value, decimals=decimals, scale=scale, kind=kind)


def _after_ordinal_is_quartile(text: str, fig: Figure) -> bool:
    return bool(re.search(rf"\b{re.escape(fig.text)}\s+(quartile|quarter|half)", text, re.IGNORECASE))


# ---------------------------------------------------------------------------
# the pool of allowed numbers, scoped by metric

OVERALL = re.compile(r"\b(overall|composite)\b", re.IGNORECASE)
COUNTED = re.compile(r"\s+(?:[A-Za-z-]+\s+){0,3}?(accounts|peers|customers|companies|goals)\b", re.IGNORECASE)


@dataclass
class Pools:
    """The numbers of the tool results: per catalog metric (the numbers inside a record about
    that metric) and general (everything else: cohort sizes, overall percentiles, ROI, ...)."""

    general: list[float]
    by_metric: dict[str, list[float]]
    all: list[float]

    def scoped(self, metrics: set[str], overall: bool = False) -> list[float]:
        """The numbers a sentence about ``metrics`` may use (all of them when unscoped)."""
        known = [m for m in metrics if m in self.by_metric]
        if known:
            return sorted(set(self.general).union(*(self.by_metric[m] for m in known)))
        return self.general if overall and not metrics else self.all


def _keys() -> frozenset[str]:
    return frozenset(KEYS)


def collect(items: Iterable[Any]) -> Pools:
    """Every number in ``items`` (JSON-like data, pydantic models, strings), scoped by metric."""
    acc: dict[str | None, set[float]] = {None: set()}
    keys = _keys()
    for item in items:
        _walk(_plain(item), acc, None, keys)
    by_metric = {k: sorted(v) for k, v in acc.items() if k is not None}
    every = set().union(*acc.values())
    return Pools(general=sorted(acc[None]), by_metric=by_metric, all=sorted(every))


def collect_numbers(items: Iterable[Any]) -> list[float]:
    """Every number in ``items``, sorted, absolute (unscoped)."""
    return collect(items).all


def _plain(item: Any) -> Any:
    if hasattr(item, "model_dump"):
        data = item.model_dump(mode="json")
        summary = getattr(item, "summary_for_model", None)
        return [data, summary()] if callable(summary) else data
    return item


def _walk(node: Any, acc: dict[str | None, set[float]], metric: str | None, keys: frozenset[str]) -> None:
    bucket = acc.setdefault(metric, set())
    if isinstance(node, bool) or node is None:
        return
    if isinstance(node, (int, float)):
        if node == node and abs(node) != float("inf"):
            bucket.add(abs(float(node)))
    elif isinstance(node, str):
        bucket.update(abs(f.value) for f in extract_figures(node))
    elif isinstance(node, dict):
        inner = node.get("metric") if node.get("metric") in keys else metric
        for key, value in node.items():
            if isinstance(key, str) and key not in keys:
                bucket.update(abs(f.value) for f in extract_figures(key))  # "$100K-$250K": 25
            _walk(value, acc, key if key in keys else inner, keys)
    elif isinstance(node, (list, tuple)):
        bucket.add(float(len(node)))
        first = node[0] if node else None
        inner = first if isinstance(first, str) and first in keys else metric
        for value in node:
            _walk(value, acc, inner, keys)


def metrics_named(text: str) -> set[str]:
    """Catalog metrics a sentence names ("DAU/MAU", "time to value", "NPS")."""
    words = re.findall(r"[a-z0-9]+", text.lower().replace("/", " "))
    found = set()
    for n in (5, 4, 3, 2, 1):
        for i in range(len(words) - n + 1):
            m = metric_for(" ".join(words[i:i + n]))
            if m is not None:
                found.add(m.key)
    return found


def matches(fig: Figure, pool: list[float]) -> bool:
    """Whether some pool value is this figure after rounding (pool sorted, absolute)."""
    for value, tol in fig.readings():
        i = bisect.bisect_left(pool, value - tol)
        if i < len(pool) and pool[i] <= value + tol:
            return True
    return False


_SENTENCES = re.compile(r"(?<=[.!?;:])\s+|\n+")


def unmatched(text: str, pools: Pools | list[float]) -> list[Figure]:
    """The figures in ``text`` that no tool produced (threshold ordinals allowed).

    With :class:`Pools`, a sentence that names metrics (or follows one that did) may
    use the numbers of those metrics' records and the general numbers; a sentence
    about the "overall" position, or a count of accounts, only the general numbers.
    """
    if isinstance(pools, list):
        pools = Pools(general=pools, by_metric={}, all=pools)
    bad, previous = [], set()
    for sentence in _SENTENCES.split(text):
        named = metrics_named(sentence)
        scope = named or previous
        for fig in extract_figures(sentence):
            if fig.kind == "ordinal" and (abs(fig.value) in THRESHOLD_ORDINALS or
                                          (abs(fig.value) <= 4 and _after_ordinal_is_quartile(sentence, fig))):
                continue
            counted = bool(COUNTED.match(sentence, sentence.find(fig.text) + len(fig.text))) and not named
            pool = pools.general if counted else pools.scoped(scope, bool(OVERALL.search(sentence)))
            if not matches(fig, pool):
                bad.append(fig)
        previous = named
    return bad


def check(text: str, sources: Iterable[Any]) -> list[Figure]:
    """Unmatched figures of ``text`` against ``sources`` (tool outputs, user text, ...)."""
    return unmatched(text, collect(sources))
