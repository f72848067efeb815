"""Benchmark scopes: which accounts a benchmark row applies to.

A published benchmark row describes one population: all companies, a segment
(Enterprise / Mid-Market / SMB), an industry, a region, an ARR or ACV band
(``<$25K``, ``$25K-$100K``, ``>$250k``, ``Enterprise $50k+``), an employee band
(``51-200``), or several of these at once. A :class:`Scope` is that population as
conditions on an account's attributes; ``Scope(())`` is everyone.

- :func:`parse_scope` reads a scope cell (with the dimension its column or a
  "segment dimension" cell names); the ingest stores :meth:`Scope.key`,
  :meth:`Scope.to_json` and :attr:`Scope.label`.
- :func:`scope_mask` says which accounts (a customers frame) a scope contains.
- :meth:`Scope.specificity` orders scopes from most to least specific, so an account
  is compared with the narrowest population that contains it (DESIGN §4): more
  conditions first; then size bands (ARR, ACV, employees; the narrowest band first),
  then industry, then segment, then region; ``All`` last.

ACV bands are matched with the account's ARR (one contract per account), which the
load summary says. Bands are ``[lo, hi)``: ``$25K-$100K`` holds 25,000 but not 100,000.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from analytics.catalog import normalise_label, segment_for

DIMENSIONS = ("arr", "acv", "employees", "industry", "segment", "region")
BAND_DIMS = ("arr", "acv", "employees")
DIM_WORDS = {"arr": "ARR band", "acv": "ACV band", "employees": "employees", "industry": "industry",
             "segment": "segment", "region": "region"}
_DIM_RANK = {"arr": 4, "acv": 4, "employees": 4, "industry": 3, "segment": 2, "region": 1}

_DIM_ALIASES = {
    "arr": ("arr", "arr band", "arr range", "arr tier", "arr segment", "arr size", "revenue band", "company arr",
            "annual recurring revenue", "annual recurring revenue band", "arr bucket", "arr cohort", "revenue"),
    "acv": ("acv", "acv band", "acv range", "acv tier", "acv segment", "average contract value", "contract value",
            "deal size", "contract size", "average deal size", "acv bucket"),
    "employees": ("employees", "employee band", "employee count", "employee range", "headcount",
                  "company headcount", "number of employees", "employee size", "company size employees",
                  "fte", "ftes"),
    "industry": ("industry", "vertical", "sector"),
    "segment": ("segment", "customer segment", "market segment", "size segment", "tier", "company size",
                "company segment", "customer size", "size"),
    "region": ("region", "geo", "geography", "territory", "market"),
}
_DIM_OF = {normalise_label(a): d for d, names in _DIM_ALIASES.items() for a in names}
_ALL_WORDS = {"all", "overall", "all segments", "total", "all companies", "all respondents", "everyone", "any",
              "all sizes", "all industries", "all regions", "global", "worldwide", "blended", "aggregate"}
_REGIONS = {"north america": "North America", "na": "North America", "namer": "North America",
            "us and canada": "North America", "usa and canada": "North America",
            "emea": "EMEA", "europe middle east and africa": "EMEA",
            "apac": "APAC", "asia pacific": "APAC", "asia pac": "APAC",
            "latam": "LATAM", "latin america": "LATAM"}


def dimension_for(text: str) -> str | None:
    """The scope dimension a column header or a "segment dimension" cell names, or None.

    >>> dimension_for("ARR Band"), dimension_for("Company headcount"), dimension_for("Vertical")
    ('arr', 'employees', 'industry')
    """
    norm = normalise_label(re.sub(r"\(.*?\)", " ", text)) or normalise_label(text)
    if norm in _DIM_OF:
        return _DIM_OF[norm]
    return _DIM_OF.get(normalise_label(text))


@dataclass(frozen=True)
class Cond:
    """One condition: ``dim`` equals ``text`` (segment, industry, region) or lies in ``[lo, hi)`` (bands)."""

    dim: str
    text: str | None = None
    lo: float | None = None
    hi: float | None = None

    def key(self) -> str:
        if self.dim in BAND_DIMS:
            return f"{self.dim}={_num(self.lo)}:{_num(self.hi)}"
        return f"{self.dim}={normalise_label(self.text or '')}"

    def width(self) -> float:
        if self.dim not in BAND_DIMS:
            return math.inf
        lo, hi = self.lo or 0.0, self.hi if self.hi is not None else math.inf
        return hi - lo


def _num(x: float | None) -> str:
    return "" if x is None else f"{x:g}"


@dataclass(frozen=True)
class Scope:
    """A population: every condition holds (``conds`` empty = all companies). ``label`` is for people."""

    conds: tuple[Cond, ...] = ()
    label: str = "All"

    @property
    def is_all(self) -> bool:
        return not self.conds

    def key(self) -> str:
        """Canonical text, equal for equal populations ("" for all)."""
        return ";".join(sorted(c.key() for c in self.conds))

    def specificity(self) -> tuple:
        """Bigger is more specific (see the module docstring)."""
        ranks = sorted((_DIM_RANK[c.dim] for c in self.conds), reverse=True)
        narrow = min((c.width() for c in self.conds), default=math.inf)
        return (len(self.conds), ranks, -narrow)

    def display_order(self) -> tuple:
        """For lists people read: segments (Enterprise first), bands from small to large, then
        industries and regions alphabetically, combined scopes after, All last."""
        dims = ("segment", "arr", "acv", "employees", "industry", "region")
        seg = {"Enterprise": 0, "Mid-Market": 1, "SMB": 2}
        if not self.conds:
            return (9,)
        c = self.conds[0]
        return (len(self.conds), dims.index(c.dim), seg.get(c.text or "", 3), c.lo or 0.0, self.label.casefold())

    def to_json(self) -> str:
        return json.dumps([{k: v for k, v in vars(c).items() if v is not None} for c in self.conds])

    @classmethod
    def from_json(cls, text: str | None, label: str) -> Scope:
        conds = tuple(Cond(**c) for c in json.loads(text or "[]"))
        return cls(conds, label or "All")


ALL = Scope()


class ScopeError(ValueError):
    """A scope cell that cannot be read; ``str(exc)`` completes "expected ..."."""


_MONEY = r"[$€£]?\s*(\d+(?:[.,]\d+)?)\s*([kmb]|mm|bn)?"
_SUFFIX = {None: 1.0, "": 1.0, "k": 1e3, "m": 1e6, "mm": 1e6, "b": 1e9, "bn": 1e9}
_RANGE = re.compile(rf"^{_MONEY}\s*(?:-|to|–|—)\s*{_MONEY}$")
_ABOVE = re.compile(rf"^(?:>=?|≥|over|above|more than|greater than|at least)\s*{_MONEY}$|^{_MONEY}\s*(?:\+|or more|and above|and up|plus)$")
_BELOW = re.compile(rf"^(?:<=?|≤|under|below|less than|up to|fewer than)\s*{_MONEY}$")


def parse_band(text: str) -> tuple[float | None, float | None] | None:
    """``[lo, hi)`` of a band written as ``<$25K``, ``$25K-$100K``, ``25-100K``, ``$1M+``, ``51-200``; else None.

    A suffix written once applies to both ends (``$5-10M`` is 5M to 10M); a name before
    the band is dropped (``Enterprise $50k+``).

    >>> parse_band("<$25K"), parse_band("$25K-$100K"), parse_band("$100k-$250k")
    ((None, 25000.0), (25000.0, 100000.0), (100000.0, 250000.0))
    >>> parse_band(">$250k"), parse_band("25-100K"), parse_band("Enterprise $50k+"), parse_band("1,001-5,000")
    ((250000.0, None), (25000.0, 100000.0), (50000.0, None), (1001.0, 5000.0))
    >>> parse_band("Under $1M"), parse_band("SaaS")
    ((None, 1000000.0), None)
    """
    s = re.sub(r"\(.*?\)", " ", text).lower()
    s = re.sub(r"\b(arr|acv|employees?|ftes?|headcount|usd|band|range|revenue|companies|company)\b", " ", s)
    s = re.sub(r"(?<=\d),(?=\d{3}\b)", "", s)  # thousands separators
    s = " ".join(s.split())
    found = _band_of(s)
    if found is None:
        named = re.sub(r"^[a-z][a-z -]*?(?=[$€£<>≥≤]|\d)", "", s).strip()
        found = _band_of(named) if named != s else None
    return found


def _band_of(s: str) -> tuple[float | None, float | None] | None:
    if m := _RANGE.match(s):
        lo_suf, hi_suf = m[2] or m[4], m[4] or m[2]
        lo, hi = _amount(m[1], lo_suf), _amount(m[3], hi_suf)
        return (lo, hi) if lo < hi else None
    if m := _ABOVE.match(s):
        return (_amount(m[1], m[2]) if m[1] else _amount(m[3], m[4])), None
    if m := _BELOW.match(s):
        return None, _amount(m[1], m[2])
    return None


def looks_like_money(text: str) -> bool:
    """A band written with a currency sign or a K/M/B suffix (``$25K``, ``25-100K``), not a head count."""
    return bool(re.search(r"[$€£]|\d\s*(k|m|mm|b|bn)\b", text.lower()))


def _amount(digits: str, suffix: str | None) -> float:
    return float(digits.replace(",", ".")) * _SUFFIX[(suffix or "").lower()]


def parse_scope(text: str, dim: str | None = None) -> Scope:
    """The scope a cell names; ``dim`` is the dimension its column (or a dimension cell) gives.

    Without a dimension the text decides: a segment name, a money band (ARR), else
    :class:`ScopeError`. Blank or "All" is everyone. Raises :class:`ScopeError`.

    >>> parse_scope("Enterprise (>$100K ARR)").label, parse_scope("$25K-$100K", "arr").label
    ('Enterprise', '$25K-$100K ARR band')
    >>> parse_scope("$25K-$100K").conds[0].dim, parse_scope("SaaS", "industry").label
    ('arr', 'SaaS')
    """
    shown = " ".join(text.split())
    norm = normalise_label(shown)
    if not norm or norm in _ALL_WORDS or segment_for(shown) == "All":
        return ALL
    if dim in (None, "segment"):
        seg = segment_for(shown)
        if seg is not None:
            return Scope((Cond("segment", seg),), seg)
        band = parse_band(shown)
        if band is not None:  # "$25K-$100K" is an ARR band; "51-200" or "51-200 employees" a head count
            money = looks_like_money(shown) and not re.search(r"employee|fte|headcount|staff", shown.lower())
            return _band_scope("arr" if money else "employees", band, shown)
        if dim is None:
            raise ScopeError("a segment (Enterprise, Mid-Market, SMB), an ARR band such as $25K-$100K, or All")
        return Scope((Cond("segment", shown),), shown)
    if dim in BAND_DIMS:
        band = parse_band(shown)
        if band is None:
            seg = segment_for(shown) if dim != "employees" else None
            if seg is not None:  # "ARR band: Enterprise" reads as the segment
                return Scope((Cond("segment", seg),), seg)
            example = "51-200 or 1,000+" if dim == "employees" else "<$25K, $25K-$100K or $250K+"
            raise ScopeError(f"a band such as {example}")
        return _band_scope(dim, band, shown)
    if dim == "region":
        name = _REGIONS.get(norm, shown)
        return Scope((Cond("region", name),), name)
    return Scope((Cond(dim, shown),), shown)


def _band_scope(dim: str, band: tuple[float | None, float | None], shown: str) -> Scope:
    lo, hi = band
    words = {"arr": "ARR band", "acv": "ACV band", "employees": "employees"}[dim]
    label = shown if normalise_label(words.split()[0]) in normalise_label(shown) else f"{shown} {words}"
    return Scope((Cond(dim, None, lo, hi),), label)


def combine(scopes: list[Scope]) -> Scope:
    """Several conditions at once ("SaaS" and "$25K-$100K ARR band"); All parts drop out."""
    parts = [s for s in scopes if not s.is_all]
    if not parts:
        return ALL
    if len(parts) == 1:
        return parts[0]
    conds = tuple(c for s in parts for c in s.conds)
    return Scope(conds, " \u00b7 ".join(s.label for s in parts))


# --- which accounts a scope contains -------------------------------------------------------------

def _matches(values, want: str, canon: dict[str, str] | None, cache: dict | None, key: str) -> np.ndarray:
    """Which values equal ``want`` once normalised: one normalisation per distinct value, and one
    factorisation per column when ``cache`` is shared across scopes (fast at 1M rows)."""
    found = cache.get(key) if cache is not None else None
    if found is None:
        codes, uniques = pd.factorize(values if isinstance(values, pd.Series) else pd.Series(values, dtype=object))
        norm = [normalise_label(u) if isinstance(u, str) else "" for u in uniques]
        if canon:
            norm = [normalise_label(canon.get(n, n)) for n in norm]
        found = (codes, np.array(norm + [""], dtype=object))
        if cache is not None:
            cache[key] = found
    codes, norm = found
    hit = norm == want
    hit[-1] = False  # code -1 (missing) picks the trailing entry: never a match
    return hit[codes]


def scope_mask(scope: Scope, customers: pd.DataFrame, cache: dict | None = None) -> np.ndarray:
    """Which rows of ``customers`` (columns segment, industry, region, arr, optional employees) it contains.

    Pass one ``cache`` dict for several scopes over the same frame.

    >>> df = pd.DataFrame({"segment": ["Enterprise", "SMB"], "industry": ["SaaS", "Retail"],
    ...                    "region": ["EMEA", "North America"], "arr": [300_000.0, 20_000.0]})
    >>> scope_mask(parse_scope("<$25K", "arr"), df).tolist(), scope_mask(parse_scope("NA", "region"), df).tolist()
    ([False, True], [False, True])
    """
    mask = np.ones(len(customers), dtype=bool)
    for c in scope.conds:
        if c.dim in BAND_DIMS:
            col = "employees" if c.dim == "employees" else "arr"
            if col not in customers:
                mask &= False
                continue
            x = pd.to_numeric(customers[col], errors="coerce").to_numpy(dtype="float64")
            ok = ~np.isnan(x)
            if c.lo is not None:
                ok &= x >= c.lo
            if c.hi is not None:
                ok &= x < c.hi
            mask &= ok
        else:
            canon = {normalise_label(k): v for k, v in _REGIONS.items()} if c.dim == "region" else None
            want = normalise_label(c.text or "")
            want = normalise_label(canon.get(want, c.text or "")) if canon else want
            have = customers[c.dim] if c.dim in customers else [None] * len(customers)
            mask &= _matches(have, want, canon, cache, c.dim)
    return mask
