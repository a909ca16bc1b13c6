"""One letter folding for every name comparison: registry search keys and party matching.

Case- and diacritic-insensitive: casefolded, decomposed (NFKD) and stripped of combining
marks, so å/ä → a and ö → o (a search typed without them still finds the person). The
Nordic and other letters that Unicode does not decompose are spelt out: ø → o, æ → ae,
ð and đ → d, þ → th, ł → l, ß → ss. (There used to be two copies; one mapped ð, the
other đ.)
"""

from __future__ import annotations

import unicodedata

_UNDECOMPOSED = str.maketrans(
    {"ø": "o", "æ": "ae", "ð": "d", "đ": "d", "þ": "th", "ł": "l", "ß": "ss"}
)


def fold_letters(text: str) -> str:
    """`text` casefolded, without diacritics, the undecomposable letters spelt out."""
    lowered = text.casefold().translate(_UNDECOMPOSED)
    decomposed = unicodedata.normalize("NFKD", lowered)
    return "".join(c for c in decomposed if not unicodedata.combining(c))
