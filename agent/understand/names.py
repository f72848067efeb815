"""Account names in a message, typed as people type them ("acme", "techcrop", "legacy co").

Full names are found first (longest first). The remaining runs of words the lexicon does not
know are then resolved against the workspace's names with :func:`tools.store.resolve.resolve_name`
(exact, unique prefix, then a clear rapidfuzz match); a run that matches nothing is kept as an
unknown name when it looks like one (capitalised, or where a name usually stands), and a run
that matches several names keeps the candidates, so the planner can ask which one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from rapidfuzz import fuzz, process, utils

from agent.understand.lexicon import correct, lexicon
from reports.format import clean_text
from tools.base import ToolError
from tools.store.resolve import resolve_name

# Words after which a name usually follows.
NAME_SLOT = {"for", "does", "is", "about", "of", "compare", "and", "with", "account", "customer", "at", "did",
             "has", "vs", "versus", "benchmark", "to", "can", "should", "could", "show", "list", "log"}
CLOSE = 85.0  # a name this similar to an unknown word is offered as a "did you mean"
TOKEN = re.compile(r"[A-Za-z0-9$][A-Za-z0-9$%&'’._/\-]*[A-Za-z0-9%]|[A-Za-z0-9$%]|[,;:!?()\"“”]")


@dataclass
class Token:
    text: str          # as typed (possessive "'s" removed)
    start: int
    end: int
    account: str | None = None     # the resolved name this token belongs to


@dataclass
class Names:
    tokens: list[Token]
    accounts: list[str] = field(default_factory=list)        # in order of mention, each once
    unknown: str | None = None                                 # a name-like run that matches no account
    candidates: list[str] = field(default_factory=list)       # the close matches of an ambiguous run
    ambiguous: str | None = None


def tokenise(text: str) -> list[Token]:
    out = []
    for m in TOKEN.finditer(text):
        word = re.sub(r"['’]s$", "", m.group(0))
        out.append(Token(word, m.start(), m.end()))
    return out


def _is_known(word: str) -> bool:
    low = word.lower()
    if re.fullmatch(r"[$]?[\d.,]+[kmb%x]?|q[1-4]|p\d{2}|fy\d+|\d{4}-\d{2}-\d{2}|[,;:!?()\"“”]", low):
        return True
    vocab = lexicon().vocabulary
    return low in vocab or (low.endswith("s") and low[:-1] in vocab)


def find_names(text: str, names: list[str], known: frozenset[str] = frozenset()) -> Names:
    """The accounts ``text`` mentions (see the module docstring); ``known``: more words that are
    not names (the workspace's industries, regions, benchmark sets)."""
    tokens = tokenise(text)
    found = Names(tokens)
    _full_names(text, tokens, names)
    name_words = {w for n in names for w in re.findall(r"[a-z0-9]+", n.lower())}
    run: list[Token] = []
    prev = ""
    for tok in [*tokens, None]:
        if tok is not None and tok.account is None and tok.text.lower() not in known and (
                not _known_here(tok.text, name_words) or _named_in_slot(tok.text, prev, name_words)):
            run.append(tok)
            continue
        if run:
            _resolve_run(run, names, prev, found)
            run = []
        if tok is not None:
            prev = tok.text.lower()
    found.accounts = list(dict.fromkeys(t.account for t in tokens if t.account))
    return found


def _known_here(word: str, name_words: set[str]) -> bool:
    """Known vocabulary (a short word that is also part of a name counts as the name's), or a
    misspelt vocabulary word that is not a name's word."""
    if _is_known(word):
        low = word.lower()
        return low not in name_words or (low in lexicon().vocabulary and len(low) > 3)
    fixed = correct(word.lower())
    return fixed is not None and word.lower() not in name_words


def _named_in_slot(word: str, prev: str, name_words: set[str]) -> bool:
    """A known word standing where a name stands and starting a name ("how does data compare")."""
    low = word.lower()
    return (prev in NAME_SLOT and len(low) >= 4 and low not in lexicon().concepts
            and any(w.startswith(low) and w != low for w in name_words))


def _full_names(text: str, tokens: list[Token], names: list[str]) -> None:
    taken = [False] * len(text)
    for name in sorted(_may_occur(text, names), key=len, reverse=True):
        typed = clean_text(name)  # a stored name may hold invisible characters no one types
        for m in re.finditer(rf"(?<![\w]){re.escape(typed)}(?![\w])", text, re.IGNORECASE):
            if any(taken[m.start():m.end()]):
                continue
            taken[m.start():m.end()] = [True] * (m.end() - m.start())
            for tok in tokens:
                if tok.start >= m.start() and tok.end <= m.end() + 2:
                    tok.account = name


def _may_occur(text: str, names: list[str]) -> list[str]:
    """The names that can match in ``text``: a plain substring test first, so a book of 100k
    accounts does not compile 100k patterns per message. An ASCII name cannot match an ASCII
    text case-insensitively unless its lower case is in the text's; anything else (non-ASCII
    text or name, invisible characters) keeps the full pattern test."""
    if not text.isascii():
        return names
    low = text.lower()
    return [n for n in names if not n.isascii() or not n.isprintable() or n.lower() in low]


def _resolve_run(run: list[Token], names: list[str], prev: str, found: Names) -> None:
    span = " ".join(t.text for t in run)
    looks_like_name = prev in NAME_SLOT or any(t.text[:1].isupper() for t in run)
    if not names:
        if looks_like_name and found.unknown is None:
            found.unknown = span
        return
    for candidate in _sub_runs(run):
        try:
            match = resolve_name(names, " ".join(t.text for t in candidate))
        except ToolError as exc:
            close = _close(names, span) if exc.suggestions else []
            if close and len(candidate) == len(run) and not found.candidates and looks_like_name:
                found.ambiguous, found.candidates = span, close
            continue
        if len(candidate) < len(run) and not _word_of(match, candidate[0].text):
            continue
        for t in candidate:
            t.account = match
        found.candidates, found.ambiguous = ([], None) if found.ambiguous == span else (found.candidates,
                                                                                         found.ambiguous)
        return
    if looks_like_name and found.unknown is None and not found.candidates:
        found.unknown = span


def _sub_runs(run: list[Token]) -> list[list[Token]]:
    """The whole run first, then each word of 4+ letters alone (longest first)."""
    if len(run) == 1:
        return [run]
    return [run, *([t] for t in sorted(run, key=lambda t: -len(t.text)) if len(t.text) >= 4)]


def _close(names: list[str], span: str) -> list[str]:
    """Up to 4 names ``span`` could mean: names it starts, else clearly similar names."""
    low = utils.default_process(span)
    starts = [n for n in names if utils.default_process(n).startswith(low)]
    if starts:
        return starts[:4]
    return [n for n, _, _ in process.extract(span, names, scorer=fuzz.WRatio, processor=utils.default_process,
                                             limit=4, score_cutoff=CLOSE)]


def _word_of(name: str, word: str) -> bool:
    """``word`` starts one of the name's words, or is a close spelling of one ("techcrop")."""
    low = word.lower()
    return any(w.startswith(low) or fuzz.ratio(w, low) >= 80 for w in re.findall(r"[a-z0-9]+", name.lower()))
