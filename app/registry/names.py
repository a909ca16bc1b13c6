"""Swedish-aware name keys for search and name matching.

Case- and diacritic-insensitive: "Åsa Öberg", "asa oberg" and "ÅSA  ÖBERG" share one key.
The letters are folded by `app.textfold.fold_letters` (shared with party matching).
"""

from __future__ import annotations

import re

from app.textfold import fold_letters

_SEPARATORS = re.compile(r"[\s\-‐-―_.,]+")


def name_key(name: str) -> str:
    """Normalised search key: casefolded, without diacritics, single spaces."""
    return _SEPARATORS.sub(" ", fold_letters(name)).strip()
