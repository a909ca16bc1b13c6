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


class _WithoutMarks(dict[int, int | None]):
    """A `str.translate` table dropping combining marks, filled as characters are met
    (a character at a time in Python was most of the cost of folding a name)."""

    def __missing__(self, code: int) -> int | None:
        kept = None if unicodedata.combining(chr(code)) else code
        if len(self) < 10_000:  # bounded, whatever text comes in
            self[code] = kept
        return kept


_WITHOUT_MARKS = _WithoutMarks()


def fold_letters(text: str) -> str:
    """`text` casefolded, without diacritics, the undecomposable letters spelt out."""
    lowered = text.casefold().translate(_UNDECOMPOSED)
    if lowered.isascii():  # NFKD leaves ASCII as it is, and it has no combining marks
        return lowered
    return unicodedata.normalize("NFKD", lowered).translate(_WITHOUT_MARKS)
