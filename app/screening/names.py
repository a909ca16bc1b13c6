"""Swedish-aware name normalisation and scoring for matching unregistered parties.

Names are compared after folding case and diacritics (å, ä → a; ö, ø → o; é → e), dropping
punctuation and legal-form words ("AB", "(publ)", "HB", "KB", "ekonomisk förening",
"i likvidation", ...), and sorting the remaining words, so that "Berg, Anna" and
"ANNA BERG" compare equal and "Hultarps Snickeri Aktiebolag i likvidation" equals
"Hultarps snickeri AB". The fuzzy score is rapidfuzz's token-sort ratio on the
normalised forms (0-100).
"""

from __future__ import annotations

import re
import unicodedata

from rapidfuzz import fuzz

# Letters NFKD does not decompose into a base letter + combining mark.
_EXTRA_FOLD = str.maketrans({"ø": "o", "æ": "ae", "ß": "ss", "đ": "d", "ł": "l", "þ": "th"})
_NON_WORD = re.compile(r"[^0-9a-z]+")

# Legal forms and status phrases, as folded word sequences; longest first.
_LEGAL_PHRASES: tuple[tuple[str, ...], ...] = tuple(
    sorted(
        (
            tuple(p.split())
            for p in (
                "ab", "aktiebolag", "aktiebolaget", "publ", "hb", "handelsbolag",
                "handelsbolaget", "kb", "kommanditbolag", "kommanditbolaget",
                "ek for", "ekonomisk forening", "ekonomiska foreningen", "ideell forening",
                "ideella foreningen", "enskild firma", "ef", "i likvidation",
                "under likvidation", "i konkurs", "konkursbo", "inc", "ltd", "oy", "as",
                "asa", "aps", "gmbh",
            )
        ),
        key=len,
        reverse=True,
    )
)
# Words that carry no identity of their own: never used to find candidates.
_STOP_TOKENS = frozenset({"och", "i", "for", "av", "pa", "the", "of", "and"})
MIN_TOKEN = 2
PREFIX = 4


def fold(text: str) -> str:
    """Lower-case, strip diacritics, keep only [0-9a-z] words separated by single spaces."""
    lowered = text.casefold().translate(_EXTRA_FOLD)
    decomposed = unicodedata.normalize("NFKD", lowered)
    ascii_only = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _NON_WORD.sub(" ", ascii_only).strip()


def _strip_legal_forms(words: list[str]) -> list[str]:
    out: list[str] = []
    i = 0
    while i < len(words):
        for phrase in _LEGAL_PHRASES:
            if tuple(words[i : i + len(phrase)]) == phrase:
                i += len(phrase)
                break
        else:
            out.append(words[i])
            i += 1
    # A name that is nothing but a legal form keeps its words.
    return out or words


def words(name: str) -> list[str]:
    """The normalised words of a name, legal forms removed, in their original order."""
    return _strip_legal_forms(fold(name).split())


def name_key(name: str) -> str:
    """Order-independent normalised form: the words sorted and joined by one space."""
    return " ".join(sorted(words(name)))


def has_legal_form(name: str) -> bool:
    """True when the name carries a company form (AB, HB, ...): an organisation, not a person."""
    return len(words(name)) < len(fold(name).split())


def index_tokens(name: str) -> set[str]:
    """Tokens stored in the name index: each word and a short prefix of longer words.

    The prefixes let a misspelt ending ("Granne"/"Grane") still find the candidate.
    """
    tokens: set[str] = set()
    for word in words(name):
        if len(word) < MIN_TOKEN or word in _STOP_TOKENS:
            continue
        tokens.add(word)
        if len(word) > PREFIX:
            tokens.add(word[:PREFIX] + "*")
    return tokens


def score(query: str, candidate: str) -> float:
    """Similarity 0-100 of two names after normalisation (word order does not count)."""
    a, b = name_key(query), name_key(candidate)
    if not a or not b:
        return 0.0
    return round(float(fuzz.token_sort_ratio(a, b)), 1)
