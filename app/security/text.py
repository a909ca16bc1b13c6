"""What free text may not hold: a personnummer, invisible or bidi control characters.

`PERSONNUMMER_SPELLING` finds every spelling `app.identifiers.normalise_personnummer`
accepts (python-stdnum's `compact` drops spaces and colons anywhere, and '-' or '+'
anywhere before the last four digits), also percent-encoded as in a logged URL path:
runs of digits joined by those separators. The log redactor blanks every such run of 10
or 12 digits; the input guard refuses a string holding one that is a valid personnummer
(outside the `personnummer` fields, where it belongs).

A date with a time of day in ISO 8601 form (`2025-03-14 10:00`, `2026-12-07T05:19:26.811075
+00:00`) is a timestamp, and the guard does not read its digits as a personnummer: about
one in ten "date hh:mm" in a note, and one in 250 timestamps with microseconds and an
offset, would otherwise spell a valid one (YYYYMMDD-hhmm, or fraction and offset as
YYMMDD+NNNN) and be refused. No one writes a personnummer in that shape; a personnummer
written beside a timestamp is still found. The log redactor keeps blanking them (a
timestamp in a log message loses nothing that matters).
"""

from __future__ import annotations

import re
import unicodedata

from app.identifiers import InvalidIdentifier, normalise_personnummer

_SEPARATOR = r"(?:[ :+\-]|%20|%3[aA]|%2[bBdD])"
PERSONNUMMER_SPELLING = re.compile(
    rf"(?<![0-9A-Za-z])\d(?:{_SEPARATOR}*\d)*(?![0-9A-Za-z])", re.IGNORECASE
)
# A date (valid month and day) with a time of day, seconds, a fraction and an offset as
# ISO 8601 and RFC 3339 write them; `T` or a space between date and time.
# Only real-world offsets (hours to 14, minutes 00, 30 or 45 or none, as PostgreSQL writes
# "+01"), or the end of a time range, and at most nine fraction digits, and no digit may
# follow after a '-', '+', ':', '.' or ',': so a personnummer
# cannot hide as a long fraction or an offset ("10:00:00.19850712-0007" is read). What
# remains exempt, a fraction ending in YYMMDD followed by an offset such as "-01:30" or
# by a space and four digits, is no way anyone writes a personnummer (review of run L).
ISO_TIMESTAMP = re.compile(
    r"(?<![0-9A-Za-z])\d{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])[Tt ]"
    r"(?:[01]\d|2[0-3]):[0-5]\d(?::[0-5]\d(?:[.,]\d{1,9})?)?"
    r"(?:[Zz]|[+-](?:0\d|1[0-4])(?::?(?:00|30|45))?)?"
    # ... or the end of a time range ("15:45-17:00")
    r"(?:-(?:[01]\d|2[0-3]):[0-5]\d)?(?![0-9A-Za-z]|[:+\-.,]+\d)"
)
# What a timestamp is read as: no digit, no separator, so it joins no neighbouring run.
_TIMESTAMP_MASK = "_"
_PERCENT = re.compile(r"%(20|3a|2b|2d)", re.IGNORECASE)
_DECODED = {"20": " ", "3a": ":", "2b": "+", "2d": "-"}

# Bidi controls reorder what a reader sees (names, refs, log lines): refused everywhere.
BIDI_CONTROLS = frozenset(
    "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)
# Joiners are part of writing some names (Persian, Indic scripts); not of a ref.
JOINERS = frozenset("\u200c\u200d")


_TOKEN = re.compile(r"%(?:20|3a|2b|2d)|[ :+\-]|\d+", re.IGNORECASE)


def _groups(run: str) -> list[tuple[int, int, int]]:
    """(start, end, number of digits) of each group of digits in a run."""
    return [
        (m.start(), m.end(), m.end() - m.start())
        for m in _TOKEN.finditer(run)
        if m.group(0).isdigit()
    ]


def _valid(spelling: str) -> bool:
    decoded = _PERCENT.sub(lambda m: _DECODED[m.group(1).lower()], spelling)
    try:
        normalise_personnummer(decoded)
    except InvalidIdentifier:
        return False
    return True


def _spans(run: str) -> list[tuple[int, int]]:
    """Spans of a run (whole groups) that spell a valid personnummer."""
    groups = _groups(run)
    found: list[tuple[int, int]] = []
    for i in range(len(groups)):
        digits = 0
        for j in range(i, len(groups)):
            digits += groups[j][2]
            if digits > 12:
                break
            span = (groups[i][0], groups[j][1])
            if digits in (10, 12) and _valid(run[span[0] : span[1]]):
                found.append(span)
    return found


def redact_personnummer(text: str, replacement: str) -> str:
    """Blank every run of 10 or 12 digits in an accepted spelling (a personnummer or an
    organisationsnummer), and every valid personnummer inside a longer run."""

    def blank(match: re.Match[str]) -> str:
        run = match.group(0)
        if sum(n for _, _, n in _groups(run)) in (10, 12):
            return replacement
        out, last = [], 0
        for start, end in _spans(run):
            if start >= last:
                out += [run[last:start], replacement]
                last = end
        return "".join(out) + run[last:]

    return PERSONNUMMER_SPELLING.sub(blank, text)


def holds_personnummer(text: str) -> bool:
    """Whether `text` holds a valid personnummer in any spelling the service accepts,
    outside ISO 8601 timestamps."""
    if ":" in text:
        text = ISO_TIMESTAMP.sub(_TIMESTAMP_MASK, text)
    return any(_spans(m.group(0)) for m in PERSONNUMMER_SPELLING.finditer(text))


def invisible_character(text: str, *, allow_joiners: bool) -> str | None:
    """Why `text` is refused (an invisible or bidi control character), or None."""
    if text.isascii():
        return None
    for char in text:
        if char in BIDI_CONTROLS:
            return "bidirectional control character"
        if unicodedata.category(char) == "Cf" and not (allow_joiners and char in JOINERS):
            return "invisible character"
    return None


def nfc(text: str) -> str:
    return text if unicodedata.is_normalized("NFC", text) else unicodedata.normalize("NFC", text)


# Whether a JSON body must be walked for a personnummer in free text (the input guard):
# ten digits in a row, perhaps spelled with separators, outside the identifier fields.
_IDENTIFIER_FIELDS = re.compile(rb'"(?:personnummer|orgnr)"\s*:\s*"[^"]*"')
# That is the regex `\d(?:[ :+\-]*\d){9}`, asked faster: with the separators deleted
# and every digit read as "0", ten "0"s in a row remain exactly where it matches (it
# backtracks at every digit: 78 ms on a 4.5 MB import document, against 8 ms;
# `tests/security/test_digit_run.py`).
_SEPARATORS = b" :+-"
_DIGITS_AS_ZERO = bytes.maketrans(b"0123456789", b"0" * 10)
_TEN_ZEROS = b"0" * 10


def holds_digit_run(body: bytes) -> bool:
    """Whether `body` holds ten digits in a row, perhaps spelled with separators, outside
    the identifier fields."""
    bare = _IDENTIFIER_FIELDS.sub(b"", body).translate(_DIGITS_AS_ZERO, _SEPARATORS)
    return _TEN_ZEROS in bare
