"""Metric names in a benchmark file, mapped to the catalog and said out loud.

A name maps to a catalog metric in one of four ways, and every way but the exact
one is listed in the load summary so the user can confirm it:

- exact: the catalog key or label ("nps", "Net Revenue Retention");
- alias: a catalog alias ("Gross Revenue Retention" -> Renewal Rate);
- the user's mapping (``--map "Gross Revenue Retention=renewal_rate"``), which wins over aliases;
- none: unknown names are listed and not stored; a name within a typo of a catalog
  name is a *near miss*, offered as a question ("did you mean Net Revenue Retention?")
  rather than guessed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from rapidfuzz import fuzz, process

from analytics.catalog import BY_KEY, METRICS, Metric, metric_for, normalise_label
from tools.base import ToolError

NEAR_MISS_SCORE = 85  # rapidfuzz ratio (0-100) of a name to a catalog name or alias
_CHOICES = {normalise_label(n): m.key for m in METRICS for n in (m.key.replace("_", " "), m.label, *m.aliases)}
SKIP = "ignore"  # "--map 'Logo churn=ignore'": leave that metric out without listing it as unknown


def parse_mapping(items: list[str] | dict[str, str] | None) -> dict[str, str]:
    """``["Gross Revenue Retention=renewal_rate", ...]`` or a dict -> {normalised name: metric key or SKIP}.

    Raises :class:`ToolError` naming a bad item.

    >>> parse_mapping(["Gross Revenue Retention=renewal_rate", "Logo churn = ignore"])
    {'gross revenue retention': 'renewal_rate', 'logo churn': 'ignore'}
    """
    pairs = list(items.items()) if isinstance(items, dict) else [_split(i) for i in (items or [])]
    out: dict[str, str] = {}
    for name, target in pairs:
        key = normalise_label(name)
        if not key:
            raise ToolError(f"A mapping needs the name as written in the file before '=' (got '{name}={target}').")
        out[key] = _target(target, name)
    return out


def mapping_items(items: list[str] | dict[str, str] | None) -> dict[str, str]:
    """The user's mapping as written, {name: target} (for a button that reloads with one more)."""
    pairs = list(items.items()) if isinstance(items, dict) else [_split(i) for i in (items or [])]
    return {" ".join(n.split()): t.strip() for n, t in pairs}


def _split(item: str) -> tuple[str, str]:
    if "=" not in item:
        raise ToolError(f"A mapping is NAME=METRIC, e.g. \"Gross Revenue Retention=renewal_rate\" (got '{item}').")
    name, _, target = item.rpartition("=")
    return name, target


def _target(target: str, name: str) -> str:
    t = target.strip()
    if normalise_label(t) in (SKIP, "skip", "none", "drop"):
        return SKIP
    metric = BY_KEY.get(t) or BY_KEY.get(t.lower().replace(" ", "_")) or metric_for(t)
    if metric is None:
        close = [c for c, *_ in process.extract(t, list(BY_KEY), limit=3)]
        raise ToolError(f"'{t}' (mapping for '{name.strip()}') is not a catalog metric; use a key such as "
                        + ", ".join(close) + f", or '{SKIP}'.", suggestions=close)
    return metric.key


@dataclass
class NameMapper:
    """Maps a file's metric names once each and remembers how (for the summary)."""

    mapping: dict[str, str] = field(default_factory=dict)
    mappings: list[str] = field(default_factory=list)       # "Gross Revenue Retention -> Renewal Rate (alias)"
    unrecognised: list[str] = field(default_factory=list)
    near_misses: list[dict] = field(default_factory=list)   # name, metric, label, score
    used: set[str] = field(default_factory=set)             # user mappings that matched a name
    _seen: dict[str, Metric | None] = field(default_factory=dict)

    def metric(self, name: str) -> Metric | None:
        """The catalog metric ``name`` means, or None (recorded as unknown, near miss or skipped)."""
        norm = normalise_label(name)
        if norm in self._seen:
            return self._seen[norm]
        shown = " ".join(name.split())[:80]  # untrusted cell text: kept short in the output
        metric = self._resolve(norm, shown)
        self._seen[norm] = metric
        return metric

    def _resolve(self, norm: str, shown: str) -> Metric | None:
        hit = next((k for k in (norm, normalise_label(re.sub(r"\(.*?\)", " ", shown))) if k in self.mapping), None)
        user = self.mapping.get(hit) if hit else None
        if user is not None:
            self.used.add(hit)
            if user == SKIP:
                self.mappings.append(f"{shown}: left out (your mapping)")
                return None
            self.mappings.append(f"{shown} -> {BY_KEY[user].label} (your mapping)")
            return BY_KEY[user]
        metric = metric_for(shown) or (metric_for(re.sub(r"\(.*?\)", " ", shown)) if "(" in shown else None)
        if metric is not None:
            if norm not in (normalise_label(metric.key.replace("_", " ")), normalise_label(metric.label),
                            normalise_label(metric.key)):
                self.mappings.append(f"{shown} -> {metric.label} (alias)")
            return metric
        best = process.extractOne(norm, list(_CHOICES), scorer=fuzz.ratio)
        if best and best[1] >= NEAR_MISS_SCORE:
            key = _CHOICES[best[0]]
            self.near_misses.append({"name": shown, "metric": key, "label": BY_KEY[key].label,
                                     "score": round(best[1], 1)})
        elif shown not in self.unrecognised:
            self.unrecognised.append(shown)
        return None

    def unused(self) -> list[str]:
        """User mappings whose name is not in the file (a typo in --map must not pass silently)."""
        return [n for n in self.mapping if n not in self.used]
