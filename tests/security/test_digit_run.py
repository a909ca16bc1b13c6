"""The input guard's fast test for a digit run (a personnummer spelled in free text)
answers exactly as the regex it replaces, on any bytes."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from app.security.text import holds_digit_run

# The definition: a digit, then nine more, each after any number of separators.
DIGIT_RUN = re.compile(rb"\d(?:[ :+\-]*\d){9}")
IDENTIFIER_FIELDS = re.compile(rb'"(?:personnummer|orgnr)"\s*:\s*"[^"]*"')


def by_regex(body: bytes) -> bool:
    return DIGIT_RUN.search(IDENTIFIER_FIELDS.sub(b"", body)) is not None


# Mostly digits and separators, so that runs of every length occur, with the identifier
# fields' spelling and a few other bytes between them.
pieces = st.sampled_from(
    [b"0", b"1", b"9", b" ", b":", b"+", b"-", b'"', b"a", b"\xc3\xa5", b"\n", b"\t", b"x1"]
    + [b'"personnummer": "', b'"orgnr":"', b"19121212-1212", b"2024-01-15"]
)


@settings(max_examples=3000)
@given(st.lists(pieces, max_size=60).map(b"".join))
def test_same_answer_as_the_regex(body: bytes) -> None:
    assert holds_digit_run(body) == by_regex(body)


@given(st.binary(max_size=200))
def test_same_answer_on_any_bytes(body: bytes) -> None:
    assert holds_digit_run(body) == by_regex(body)


def test_examples() -> None:
    assert holds_digit_run(b'{"note": "19 12 12 - 121"}') is False  # nine digits
    assert holds_digit_run(b'{"note": "121212-1212"}') is True
    assert holds_digit_run(b'{"note": "1212:12+1212"}') is True
    assert holds_digit_run(b'{"personnummer": "121212-1212"}') is False  # its own field
    assert holds_digit_run(b'{"a": "2024-01-15", "b": "2023-12-01"}') is False
    assert holds_digit_run(b'{"a": "12345", "b": "67890"}') is False  # quotes between
