"""SQL literals for `EXECUTE name(...)` (app/prepared.py), written without psycopg's
adapters for the plain types a screening sends.

A screening's EXECUTEs carry about 45 arguments, among them its stored texts (some 64 KB
a national screening: the facts, the result, the audit payload) and lists of refs.
`psycopg.sql.Literal` dumps each through its adapters and libpq's escaping: 0.84 ms of a
screening's 11 ms of app CPU (run P). Here an int, a bool, None, a date and a list of
ints are written as PostgreSQL reads them; a string as a standard SQL literal (in single
quotes, a quote doubled, nothing else escaped); a list of strings as an array's text form
(each element in double quotes, its backslashes and double quotes escaped by a
backslash) in such a literal. That is the whole escaping only while the session's
`standard_conforming_strings` is on (PostgreSQL's default since 9.1: a backslash in a
plain literal is then an ordinary character) and the client encoding is UTF-8. When the
server reports it off, or another client encoding, and for
any other value (a datetime, a float, a string with a NUL, which PostgreSQL cannot
store), the literal is psycopg's, as before. tests/foundation/test_sql_literals.py reads
hostile strings back through PostgreSQL, with the setting on and off.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from psycopg import Connection, sql


def _standard_strings(connection: Connection[Any]) -> bool:
    """Quote doubling is the whole escaping: standard strings, and a UTF-8 client, in
    which no character encodes to a byte the server reads as a backslash (in SJIS or
    EUC_JP "¥" is 0x5C, and an escaped array element would end early: a review of run P)."""
    info = connection.info
    return info.encoding == "utf-8" and info.parameter_status("standard_conforming_strings") == "on"


def _array_element(text: str) -> str:
    """An element of an array's text form: in double quotes, `\\` and `"` escaped."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def literal(value: Any, connection: Connection[Any]) -> str:
    """`value` as an SQL literal for this connection (cast by the caller)."""
    kind = type(value)
    if kind is int:  # a negative one in parentheses: no `--` after a minus sign
        return str(value) if value >= 0 else f"({value})"
    if value is None:
        return "NULL"
    if kind is bool:
        return "true" if value else "false"
    if kind is str and "\x00" not in value and _standard_strings(connection):
        text: str = value
        return "'" + text.replace("'", "''") + "'"
    if kind is date:  # not a datetime (a subclass): psycopg writes its zone
        return f"'{value.isoformat()}'"
    if kind is list and all(type(v) is int for v in value):
        return "'{" + ",".join(map(str, value)) + "}'"
    strings = kind is list and all(type(v) is str and "\x00" not in v for v in value)
    if strings and _standard_strings(connection):
        return "'{" + ",".join(map(_array_element, value)).replace("'", "''") + "}'"
    written: str = sql.Literal(value).as_string(connection)
    return written
