"""The facts builder's enum lookups answer as the enum itself, unknown codes included."""

from __future__ import annotations

from enum import Enum

import pytest

from app.rules import vocab
from app.screening.codes import member_of

ENUMS = [
    value
    for value in vars(vocab).values()
    if isinstance(value, type) and issubclass(value, Enum) and value.__module__ == vocab.__name__
]


@pytest.mark.parametrize("enum", ENUMS, ids=lambda e: e.__name__)
def test_every_code_gives_the_enums_member(enum: type[Enum]) -> None:
    member = member_of(enum)
    for m in enum:
        assert member(m.value) is enum(m.value) is m


@pytest.mark.parametrize("enum", ENUMS, ids=lambda e: e.__name__)
def test_an_unknown_code_is_refused_as_by_the_enum(enum: type[Enum]) -> None:
    member = member_of(enum)
    for bad in ("no-such-code", None, ["unhashable"]):
        with pytest.raises(ValueError):
            enum(bad)
        with pytest.raises(ValueError):
            member(bad)
