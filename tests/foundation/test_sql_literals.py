"""`app.sql_literals`: what EXECUTE's arguments are written as, read back by PostgreSQL.

Every value a case or an import can carry ends up in a literal of a screening's write
(a case title, a party's name, the facts text): each must come back from the server
exactly as sent, and none may end the literal early.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from psycopg import Connection as PgConnection
from psycopg import sql
from sqlalchemy import Connection

from app.sql_literals import literal
from tests.support.databases import backend

pytestmark = pytest.mark.skipif(backend() != "postgresql", reason="PostgreSQL's EXECUTE")

HOSTILE = [
    "",
    "'",
    "''",
    "\\",
    "\\'",
    "it's",
    "'); DROP TABLE screenings; --",
    "E'\\x41'",
    "$$ $tag$ $$",
    "a\nb\r\tc",
    "Åsa Öberg – ärende §7 ✓ 🏛",
    "\u2028\u2029\ufeff",
    "-- a comment",
    "/* not closed",
]


def _driver(connection: Connection) -> PgConnection[Any]:
    driver = connection.connection.driver_connection
    assert isinstance(driver, PgConnection)
    return driver


def _back(connection: Connection, value: Any, type_: str) -> Any:
    written = literal(value, _driver(connection))
    return connection.exec_driver_sql(
        f"SELECT {written}::{type_}", execution_options={"no_parameters": True}
    ).scalar_one()


@pytest.mark.parametrize("value", HOSTILE)
def test_a_hostile_string_comes_back_as_sent(connection: Connection, value: str) -> None:
    assert _back(connection, value, "text") == value
    assert _back(connection, value, "varchar") == value


@settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00")))
def test_any_string_comes_back_as_sent(connection: Connection, value: str) -> None:
    assert _back(connection, value, "text") == value


@settings(
    max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.lists(
        st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"))
    )
)
def test_any_list_of_strings_comes_back_as_sent(connection: Connection, value: list[str]) -> None:
    assert _back(connection, value, "varchar[]") == value


def test_hostile_strings_in_a_list_come_back_as_sent(connection: Connection) -> None:
    value = [*HOSTILE, "NULL", '"', '\\"', "{a,b}", " padded ", "a,b"]
    assert _back(connection, value, "varchar[]") == value
    assert _back(connection, value, "text[]") == value


def test_plain_values_come_back_as_sent(connection: Connection) -> None:
    assert _back(connection, 0, "bigint") == 0
    assert _back(connection, -7, "bigint") == -7
    assert _back(connection, 2**62, "bigint") == 2**62
    assert _back(connection, None, "bigint") is None
    assert _back(connection, True, "boolean") is True
    assert _back(connection, False, "boolean") is False
    assert _back(connection, date(2026, 12, 7), "date") == date(2026, 12, 7)
    assert _back(connection, [], "bigint[]") == []
    assert _back(connection, [3, -1, 2**40], "bigint[]") == [3, -1, 2**40]


def test_other_values_are_psycopgs(connection: Connection) -> None:
    """What is not written directly goes through psycopg's own literal, as before."""
    moment = datetime(2026, 12, 7, 18, 0, tzinfo=UTC)
    assert _back(connection, moment, "timestamptz") == moment
    assert _back(connection, ["a", None], "varchar[]") == ["a", None]
    assert _back(connection, 1.5, "double precision") == 1.5


def test_without_standard_strings_a_backslash_is_still_read_as_sent(
    connection: Connection,
) -> None:
    """With `standard_conforming_strings` off a backslash escapes in a plain literal: the
    quote-doubling alone would let `\\'` end it. The server reports the change and the
    literal is psycopg's (an E'' string)."""
    connection.exec_driver_sql("SET standard_conforming_strings = off")
    try:
        for value in HOSTILE:
            assert _back(connection, value, "text") == value
        assert _back(connection, HOSTILE, "varchar[]") == HOSTILE
    finally:
        connection.exec_driver_sql("SET standard_conforming_strings = on")


def test_a_nul_is_refused_not_cut(connection: Connection) -> None:
    with pytest.raises(Exception, match="NUL|0x00|nul"):
        literal("a\x00b", _driver(connection))


def test_another_client_encoding_takes_psycopgs_literal(connection: Connection) -> None:
    """In SJIS (and EUC_JP) "¥" encodes to 0x5C, which the server reads as a backslash:
    escaped on the Python string, an array element would end at it and the list change
    shape (a review of run P). Outside UTF-8 every string is psycopg's literal."""
    connection.exec_driver_sql("SET client_encoding = 'SJIS'")
    try:
        driver = _driver(connection)
        for value in (["a¥", ",x,y¥"], "a¥'b", ["¥", "b"]):
            assert literal(value, driver) == sql.Literal(value).as_string(driver)
        assert len(_back(connection, ["a¥", ",x,y¥"], "text[]")) == 2
        assert _back(connection, [3, 4], "bigint[]") == [3, 4]
    finally:
        connection.exec_driver_sql("SET client_encoding = 'UTF8'")
