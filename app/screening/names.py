"""Swedish-aware name normalisation, index tokens and scoring for unregistered parties.

Names are compared after folding case and diacritics (å, ä → a; ö, ø → o; é → e), reading
"&" as "och", dropping punctuation and legal-form words ("AB", "(publ)", "HB", "KB",
"ekonomisk förening", "i likvidation", ...), and sorting the remaining words, so that
"Berg, Anna" and "ANNA BERG" compare equal and "Hultarps Snickeri Aktiebolag i
likvidation" equals "Hultarps snickeri AB". The score is rapidfuzz's ratio of the sorted
forms (0-100).

Index tokens: for a name of two or more words, every pair of its words reduced to their
first four letters ("ingr|samb" for "Ingrid Sambo"): selective (a pair is rare where a
single first name is not), independent of word order, and tolerant of a misspelt ending;
for a one-word name, the word itself.
"""

from __future__ import annotations

import re
from functools import lru_cache
from itertools import combinations

from rapidfuzz import fuzz

from app.textfold import fold_letters

_NON_WORD = re.compile(r"[^0-9a-z]+")

_LEGAL_PHRASES = (
    "ab",
    "aktiebolag",
    "aktiebolaget",
    "publ",
    "hb",
    "handelsbolag",
    "handelsbolaget",
    "kb",
    "kommanditbolag",
    "kommanditbolaget",
    "ek for",
    "ekonomisk forening",
    "ekonomiska foreningen",
    "ideell forening",
    "ideella foreningen",
    "enskild firma",
    "ef",
    "i likvidation",
    "under likvidation",
    "i konkurs",
    "konkursbo",
    "inc",
    "ltd",
    "oy",
    "as",
    "asa",
    "aps",
    "gmbh",
)
# First word -> the legal-form phrases starting with it, longest first.
_BY_FIRST: dict[str, list[tuple[str, ...]]] = {}
for _phrase in sorted((tuple(p.split()) for p in _LEGAL_PHRASES), key=len, reverse=True):
    _BY_FIRST.setdefault(_phrase[0], []).append(_phrase)

# Words that carry no identity of their own: never index tokens.
_STOP_WORDS = frozenset({"och", "i", "for", "av", "pa", "the", "of", "and"})
PREFIX = 4
MAX_PAIR_WORDS = 6  # the first six words of a long name make its pairs (at most 15)


def fold(text: str) -> str:
    """Lower-case, strip diacritics, keep only [0-9a-z] words separated by single spaces.
    An ampersand is the word "och" ("Bygg & Mark AB" is "Bygg och Mark AB"; before run Q
    the "&" was dropped while "och" stayed, so the two scored 81.8, under the match
    minimum). "och" is a stop word, so the index tokens of a stored name do not change."""
    return _NON_WORD.sub(" ", fold_letters(text).replace("&", " och ")).strip()


def _strip_legal_forms(items: list[str]) -> list[str]:
    out: list[str] = []
    i = 0
    while i < len(items):
        for phrase in _BY_FIRST.get(items[i], ()):
            if tuple(items[i : i + len(phrase)]) == phrase:
                i += len(phrase)
                break
        else:
            out.append(items[i])
            i += 1
    # A name that is nothing but a legal form keeps its words.
    return out or items


def _words(name: str) -> tuple[str, ...]:
    return tuple(_strip_legal_forms(fold(name).split()))


@lru_cache(maxsize=65_536)
def words(name: str) -> tuple[str, ...]:
    """The normalised words of a name, legal forms removed, in their original order."""
    return _words(name)


def name_key(name: str) -> str:
    """Order-independent normalised form: the words sorted and joined by one space."""
    return " ".join(sorted(words(name)))


def has_legal_form(name: str) -> bool:
    """True when the name carries a company form (AB, HB, ...): an organisation, not a person."""
    return len(words(name)) < len(fold(name).split())


def index_tokens(name: str) -> set[str]:
    """Tokens stored in the name index, and looked up for a query (see the module doc)."""
    return _tokens(words(name))


def index_tokens_once(name: str) -> set[str]:
    """`index_tokens` without the `words` cache: for indexing many names once each (an
    import's 50,000), whose words the cache would keep alive, scattered over the heap,
    long after the import (the worker's memory stayed ~30 MB higher)."""
    return _tokens(_words(name))


def _tokens(name_words: tuple[str, ...]) -> set[str]:
    significant = [w for w in name_words if w not in _STOP_WORDS]
    if len(significant) == 1:
        return {significant[0]}
    prefixes = sorted({w[:PREFIX] for w in significant[:MAX_PAIR_WORDS]})
    return {f"{a}|{b}" for a, b in combinations(prefixes, 2)} or set(prefixes)


def score_keys(query_key: str, candidate_key: str) -> float:
    """Similarity 0-100 of two name keys (see `name_key`)."""
    if not query_key or not candidate_key:
        return 0.0
    return round(float(fuzz.ratio(query_key, candidate_key)), 1)


def score(query: str, candidate: str) -> float:
    """Similarity 0-100 of two names after normalisation (word order does not count)."""
    return score_keys(name_key(query), name_key(candidate))
