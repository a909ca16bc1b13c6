"""Membership tests whose SQL text does not change with the number of values.

`column IN (a, b, c)` is re-rendered for every length: SQLAlchemy expands the list at
execution (`_process_parameters_for_postcompile`) and psycopg re-parses the new text each
time. On PostgreSQL, `column = ANY(:values)` sends one array parameter under one constant
statement text (about half the CPU per statement for a 300-id list, BENCHMARKS.md). SQLite
has no arrays and keeps `IN`; an empty list is a constant false there (SQLAlchemy's empty
IN is a subquery that SQLite may answer by scanning the table).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import Integer, String, any_, false, func, literal
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql import ColumnElement
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.sqltypes import BOOLEANTYPE
from sqlalchemy.sql.visitors import InternalTraversal


class _ByDialect(ColumnElement[bool]):
    """`postgresql` on PostgreSQL, `other` elsewhere; both are part of the cache key, so the
    statement is compiled once per dialect and shape, and each keeps its own parameters."""

    __visit_name__ = "javskoll_by_dialect"
    inherit_cache = True
    _traverse_internals = [
        ("postgresql", InternalTraversal.dp_clauseelement),
        ("other", InternalTraversal.dp_clauseelement),
    ]
    type = BOOLEANTYPE
    _is_implicitly_boolean = True  # no `= 1` around it where booleans are not native

    def __init__(self, postgresql: ColumnElement[bool], other: ColumnElement[bool]) -> None:
        self.postgresql = postgresql
        self.other = other


@compiles(_ByDialect)
def _compile_other(element: _ByDialect, compiler: SQLCompiler, **kw: Any) -> str:
    return compiler.process(element.other, **kw)


@compiles(_ByDialect, "postgresql")
def _compile_postgresql(element: _ByDialect, compiler: SQLCompiler, **kw: Any) -> str:
    return compiler.process(element.postgresql, **kw)


def ids(values: Iterable[int | None]) -> list[int]:
    """The distinct non-null ids, sorted."""
    return sorted({v for v in values if v is not None})


def in_ids(column: Any, values: Iterable[int | None]) -> ColumnElement[bool]:
    """`column = ANY(:ids)` on PostgreSQL, `column IN (...)` elsewhere; matches nothing
    for no ids (the statement still runs, so the statement count stays constant)."""
    wanted = ids(values)
    return _ByDialect(
        column == any_(literal(wanted, ARRAY(Integer))),
        column.in_(wanted) if wanted else false(),
    )


def in_values(column: Any, values: Iterable[str]) -> ColumnElement[bool]:
    """`in_ids` for text values (orgnr, personnummer hashes, name tokens, areas)."""
    wanted = sorted(set(values))
    return _ByDialect(
        column == any_(literal(wanted, ARRAY(String))),
        column.in_(wanted) if wanted else false(),
    )


def in_subquery(column: Any, subquery: Any) -> ColumnElement[bool]:
    """`column = ANY(ARRAY(subquery))` on PostgreSQL, `column IN (subquery)` elsewhere.

    PostgreSQL runs ARRAY(...) once (an InitPlan) and then looks `column` up by its index,
    whereas `column IN (subquery)` ORed with other conditions becomes a hashed SubPlan
    checked against every row of a sequential scan: a cost that grows with the table, not
    with the case."""
    return _ByDialect(
        column == any_(func.array(subquery.scalar_subquery())),
        column.in_(subquery),
    )
