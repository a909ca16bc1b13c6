"""Organisationsnummer and personnummer with valid Luhn check digits."""

from __future__ import annotations

import random

from stdnum import luhn

ORGNR_PREFIX = {
    "kommun": "212",
    "region": "232",
    "kommunalforbund": "222",
    "myndighet": "202",
    "aktiebolag": "556",
    "handelsbolag": "969",
    "ekonomisk_forening": "769",
    "ideell_forening": "802",
    "stiftelse": "817",
    "annan": "252",
}


def orgnr(kind: str, number: int) -> str:
    """The `number`-th organisationsnummer of an organisation kind, e.g. ``212000-0019``."""
    base = ORGNR_PREFIX[kind] + f"{number:06d}"
    digits = base + luhn.calc_check_digit(base)
    return f"{digits[:6]}-{digits[6:]}"


def personnummer(rng: random.Random, taken: set[str]) -> str:
    """A new ``YYYYMMDD-NNNC`` personnummer (2 % samordningsnummer) not yet in `taken`;
    adds it there."""
    while True:
        year = rng.randint(1940, 2004)
        month = rng.randint(1, 12)
        day = rng.randint(1, 28)
        if rng.random() < 0.02:
            day += 60  # samordningsnummer
        serial = rng.randint(1, 999)
        base = f"{year % 100:02d}{month:02d}{day:02d}{serial:03d}"
        full = f"{year:04d}{month:02d}{day:02d}-{serial:03d}{luhn.calc_check_digit(base)}"
        if full not in taken:
            taken.add(full)
            return full
