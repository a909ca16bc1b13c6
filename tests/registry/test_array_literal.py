"""The array literals the importer sends PostgreSQL (`repository._array_literal`): the
fast path (joined in C) writes what the general one writes, and PostgreSQL reads every
literal back as the values it was made from."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import text
from sqlalchemy.orm import Session

from app.registry.repository import _array_literal
from app.registry.repository import general_array_literal as general

# Any text PostgreSQL can hold (no NUL, no lone surrogate), quotes and backslashes often.
texts = st.text(
    alphabet=st.one_of(
        st.sampled_from('"\\{}, åÄ\t'),
        st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
    ),
    max_size=12,
)
ints = st.integers(min_value=-(2**63), max_value=2**63 - 1)
dates = st.dates(min_value=date(1, 1, 1))


@given(st.lists(st.one_of(st.none(), texts), max_size=8))
def test_text_arrays_as_the_general_form(values: list[str | None]) -> None:
    assert _array_literal(values, True) == general(values, True)


@given(st.lists(st.one_of(st.none(), ints), max_size=8) | st.lists(dates, max_size=8))
def test_integer_and_date_arrays_as_the_general_form(values: list[Any]) -> None:
    assert _array_literal(values, False) == general(values, False)


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.lists(st.one_of(st.none(), texts), max_size=6),
    st.lists(st.one_of(st.none(), ints), max_size=6),
    st.lists(st.one_of(st.none(), dates), max_size=6),
)
def test_postgresql_reads_the_values_back(
    session: Session, strings: list[str | None], numbers: list[int | None], days: list[Any]
) -> None:
    if session.get_bind().dialect.name != "postgresql":
        pytest.skip("array literals are sent to PostgreSQL only")
    row = session.execute(
        text("SELECT CAST(:s AS text[]), CAST(:n AS bigint[]), CAST(:d AS date[])"),
        {
            "s": _array_literal(strings, True),
            "n": _array_literal(numbers, False),
            "d": _array_literal(days, False),
        },
    ).one()
    assert list(row) == [strings, numbers, days]
