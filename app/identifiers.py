"""Swedish identifiers: validation and normalisation (python-stdnum), keyed hashing, masking.

A personnummer is never stored or logged in clear: callers keep only `pnr_hash()` for
matching and `mask_personnummer()` for display.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from datetime import date

from stdnum import luhn
from stdnum.exceptions import InvalidLength, ValidationError
from stdnum.se import orgnr as se_orgnr
from stdnum.se import personnummer as se_pnr


class InvalidIdentifier(ValueError):
    """Raised with a message that never contains the offending value."""


# The forms an import usually sends, checked without python-stdnum (whose `compact` and
# `clean` ran four times per number: ~130 µs a personnummer, 1.2 s of a 50,000-person
# document); anything else, and any number these fast paths do not accept, takes the
# stdnum path, which gives the same answer and the same error.
_PNR_12 = re.compile(r"([0-9]{8})[-+]?([0-9]{4})")
_ORGNR = re.compile(r"([0-9]{6})-?([0-9]{4})")
_LUHN_DOUBLED = (0, 2, 4, 6, 8, 1, 3, 5, 7, 9)


def _luhn_ok(digits: str) -> bool:
    """The Luhn check digit of a string of ASCII digits (as `stdnum.luhn.validate`)."""
    total = 0
    for i, char in enumerate(reversed(digits)):
        total += _LUHN_DOUBLED[ord(char) - 48] if i % 2 else ord(char) - 48
    return total % 10 == 0


def _fast_personnummer(value: str) -> str | None:
    """The 12-digit form of a valid `YYYYMMDD-NNNN` (or `+`, or no separator) number;
    None when it is not in that form or not valid (the caller then asks stdnum)."""
    match = _PNR_12.fullmatch(value)
    if match is None:
        return None
    digits = match[1] + match[2]
    if not _luhn_ok(digits[2:]):
        return None
    day = int(digits[6:8])
    try:
        date(int(digits[:4]), int(digits[4:6]), day - 60 if day > 60 else day)
    except ValueError:
        return None
    return digits


def normalise_personnummer(value: str) -> str:
    """Return the 12-digit form YYYYMMDDNNNN.

    Accepts 10 or 12 digits with '-' or '+' (the '+' marks a person aged 100 or more),
    and samordningsnummer (birth day + 60). python-stdnum checks format, control digit
    and date; it does not know samordningsnummer, so those are checked with the day
    shifted back and the Luhn digit verified on the number as given.
    """
    fast = _fast_personnummer(value)
    if fast is not None:
        return fast
    try:
        compact = se_pnr.compact(value)
        digits = compact.replace("-", "").replace("+", "")
        if len(digits) not in (10, 12) or not (digits.isascii() and digits.isdigit()):
            raise InvalidLength()
        luhn.validate(digits[-10:])
        day_at = len(digits) - 6
        day = int(digits[day_at : day_at + 2])
        if day > 60:  # samordningsnummer
            shifted = digits[:day_at] + f"{day - 60:02d}" + digits[day_at + 2 :]
            separator = compact[-5]  # stdnum's compact form always keeps '-' or '+'
            shifted_compact = shifted[:-4] + separator + shifted[-4:]
            birth = se_pnr.get_birth_date(shifted_compact)
        else:
            birth = se_pnr.get_birth_date(se_pnr.validate(compact))
    except ValidationError as exc:
        raise InvalidIdentifier(f"not a valid personnummer ({type(exc).__name__})") from None
    return f"{birth.year:04d}{digits[-8:]}"


def normalise_orgnr(value: str) -> str:
    """Return the canonical NNNNNN-NNNN form."""
    match = _ORGNR.fullmatch(value)
    if match is not None and _luhn_ok(match[1] + match[2]):
        return f"{match[1]}-{match[2]}"
    try:
        return se_orgnr.format(se_orgnr.validate(value))
    except ValidationError as exc:
        raise InvalidIdentifier(f"not a valid organisationsnummer ({type(exc).__name__})") from None


def pnr_hash(normalised: str, secret: str) -> str:
    """HMAC-SHA256 of the normalised personnummer: stable for matching, useless without the key."""
    return hmac.new(secret.encode(), normalised.encode(), hashlib.sha256).hexdigest()


def mask_personnummer(normalised: str) -> str:
    """19700101-1233 -> 19700101-****: enough to tell people apart in a UI, no more."""
    return f"{normalised[:8]}-****"


def hash_and_mask(value: str, secret: str) -> tuple[str, str]:
    normalised = normalise_personnummer(value)
    return pnr_hash(normalised, secret), mask_personnummer(normalised)
