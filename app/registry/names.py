"""Swedish-aware name keys for search and name matching.

Case- and diacritic-insensitive: "Åsa Öberg", "asa oberg" and "ÅSA  ÖBERG" share one key.
Swedish å/ä/ö fold to a/a/o (so a search typed on a keyboard without them still finds
the person), and the Nordic letters that Unicode does not decompose are spelt out.
"""

from __future__ import annotations

import re
import unicodedata

_SPECIAL = str.maketrans({"ø": "o", "æ": "ae", "ð": "d", "þ": "th", "ł": "l", "ß": "ss"})
_SEPARATORS = re.compile(r"[\s\-‐-―_.,]+")


def name_key(name: str) -> str:
    """Normalised search key: casefolded, without diacritics, single spaces."""
    folded = unicodedata.normalize("NFKD", name.casefold()).translate(_SPECIAL)
    stripped = "".join(c for c in folded if not unicodedata.combining(c))
    return _SEPARATORS.sub(" ", stripped).strip()
