"""Scoring a read message against the phrase bank: which intent is it closest to, and how close.

Each phrase of lexicon.toml is read into concept tokens the same way a message is. A token's
weight is its inverse document frequency over the bank (a word every intent uses, like
``{account}``, counts little; ``learn`` or ``churn`` count a lot). A message's score for a
phrase is the cosine of the two weighted token sets; an intent's score is that of its closest
phrase. Scores run from 0 (nothing in common) to 1 (the same tokens).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

from agent.understand.lexicon import PLACEHOLDER, lexicon, words_of

# Tokens that alone do not say what is wanted ("acme nps", "show me"): a match on them only counts half.
GENERIC = frozenset({"show", "accounts", "which", "and", "only", "ref"})


@dataclass(frozen=True)
class Match:
    intent: str
    score: float
    phrase: str


@dataclass(frozen=True)
class _Bank:
    phrases: tuple[tuple[str, str, frozenset[str]], ...]   # (intent, phrase, tokens)
    idf: dict[str, float]


@lru_cache(maxsize=1)
def bank() -> _Bank:
    lex = lexicon()
    phrases = tuple((name, p, frozenset(lex.concept_tokens(words_of(p))))
                    for name, intent in lex.intents.items() for p in intent.phrases)
    df: dict[str, int] = {}
    for _, _, tokens in phrases:
        for t in tokens:
            df[t] = df.get(t, 0) + 1
    n = len(phrases)
    return _Bank(phrases, {t: math.log((n + 1) / (d + 1)) + 1.0 for t, d in df.items()})


def _norm(tokens: frozenset[str], idf: dict[str, float]) -> float:
    return math.sqrt(sum(idf[t] ** 2 for t in tokens))


def _generic(token: str) -> bool:
    return token in GENERIC or (PLACEHOLDER.match(token) is not None and token != "{format}")


def rank(tokens: frozenset[str]) -> list[Match]:
    """Every intent with its best score for these tokens, best first."""
    b = bank()
    known = frozenset(t for t in tokens if t in b.idf)
    best: dict[str, Match] = {}
    norm = _norm(known, b.idf)
    for intent, phrase, ptokens in b.phrases:
        common = known & ptokens
        if not common or norm == 0:
            score = 0.0
        else:
            score = sum(b.idf[t] ** 2 for t in common) / (norm * _norm(ptokens, b.idf))
            if all(_generic(t) for t in common):
                score /= 2
        if intent not in best or score > best[intent].score:
            best[intent] = Match(intent, round(score, 4), phrase)
    return sorted(best.values(), key=lambda m: -m.score)
