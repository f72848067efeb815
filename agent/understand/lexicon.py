"""The lexicon (lexicon.toml): concepts, the phrase bank per intent, and the known vocabulary.

Words and phrases listed under a concept read as that concept ("what they got from us" ->
``value``); phrases are matched longest first. Misspelt words are corrected against the
vocabulary with rapidfuzz (:func:`correct`), so "improvment" reads as "improvement".
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from rapidfuzz import fuzz, process

from analytics.catalog import METRICS, normalise_label

LEXICON = Path(__file__).with_name("lexicon.toml")
PLACEHOLDER = re.compile(r"^\{[a-z0-9]+\}$")

# Everyday words that carry no intent: known (never mistaken for a name or corrected), not scored.
COMMON = set("""
a an the of in on at by for from with without into onto about as is are was were be been being am do does did
doing done has have had having i me my mine we us our ours you your yours he him his she her hers it its they
them their theirs this that these those there here what which who whom whose when where why how all any each
every some no not only just also too very more most less least much many few other same such own again once
please pls thanks thank hi hello hey ok okay yes now can could would should will shall may might must let lets
tell show give list get find see look make create or but if then than so to up out over under per via vs
one two three four five six seven eight nine ten twelve first last next past previous prior current this
year years month months quarter quarters week weeks day days today end start q1 q2 q3 q4 fy ytd qtd
jan feb mar apr may jun jul aug sep sept oct nov dec january february march april june july august
september october november december arr revenue acv mrr k m $ % s i'd i'm we're they're
""".split())


@dataclass(frozen=True)
class Intent:
    name: str
    needs: str | None          # "account", "accounts" or None
    option: str | None         # the button text offered when asking back
    phrases: tuple[str, ...]


@dataclass(frozen=True)
class Lexicon:
    concepts: dict[str, str]             # phrase (words joined by spaces) -> concept
    longest: int                         # words in the longest concept phrase
    intents: dict[str, Intent]
    vocabulary: frozenset[str]           # every word known here (not a name, not misspelt)
    phrase_words: frozenset[str] = frozenset()   # plain words the phrase bank scores on

    def concept_tokens(self, words: list[str]) -> list[str]:
        """Words -> concepts (longest phrase first); placeholders kept; other known words kept."""
        out, i = [], 0
        while i < len(words):
            for n in range(min(self.longest, len(words) - i), 0, -1):
                concept = self.concepts.get(" ".join(words[i:i + n]))
                if concept is not None:
                    out.append(concept)
                    i += n
                    break
            else:
                w = words[i]
                if PLACEHOLDER.match(w) or (w in self.vocabulary and w not in COMMON
                                            and (not self.phrase_words or w in self.phrase_words)):
                    out.append(w)
                i += 1
        return out


def words_of(text: str) -> list[str]:
    """Lower-case words of a phrase or message (placeholders like ``{account}`` kept whole)."""
    return re.findall(r"\{[a-z0-9]+\}|[a-z0-9$][a-z0-9$%&'/._\-]*[a-z0-9%]|[a-z0-9$%]", text.lower())


def _metric_words() -> set[str]:
    out: set[str] = set()
    for m in METRICS:
        for name in (m.key.replace("_", " "), m.label, *m.aliases):
            out.update(normalise_label(name).split())
    return out


@lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    data = tomllib.loads(LEXICON.read_text(encoding="utf-8"))
    concepts = {" ".join(words_of(p)): name.rstrip("_") for name, phrases in data["concepts"].items()
                for p in phrases}
    intents = {name: Intent(name, spec.get("needs"), spec.get("option"), tuple(spec["phrases"]))
               for name, spec in data["intents"].items()}
    vocab = set(COMMON) | _metric_words()
    vocab.update(w for phrase in concepts for w in phrase.split())
    vocab.update(w for i in intents.values() for p in i.phrases for w in words_of(p) if not PLACEHOLDER.match(w))
    vocab.update("enterprise mid-market mid market midmarket smb small business segment segments industry "
                 "industries region regions size contract age tenure pdf docx word pptx powerpoint xlsx excel "
                 "spreadsheet workbook markdown md".split())
    lex = Lexicon(concepts, max(len(p.split()) for p in concepts), intents, frozenset(vocab))
    plain = {t for i in intents.values() for p in i.phrases for t in lex.concept_tokens(words_of(p))
             if t not in concepts.values() and not PLACEHOLDER.match(t)}
    return Lexicon(lex.concepts, lex.longest, intents, lex.vocabulary, frozenset(plain))


@lru_cache(maxsize=4096)
def correct(word: str) -> str | None:
    """The known word a misspelt ``word`` stands for ("improvment" -> "improvement"), or None.

    Only words of 4+ letters are corrected, and only to a close match (one or two letters
    off), so a customer's name is not bent into a vocabulary word.
    """
    if len(word) < 4 or not word.isalpha():
        return None
    vocab = _correctable()
    cutoff = 88.0 if len(word) == 4 else 84.0
    hit = process.extractOne(word, vocab, scorer=fuzz.ratio, score_cutoff=cutoff)
    return hit[0] if hit else None


@lru_cache(maxsize=1)
def _correctable() -> list[str]:
    return sorted(w for w in lexicon().vocabulary if len(w) >= 4 and w.isalpha())
