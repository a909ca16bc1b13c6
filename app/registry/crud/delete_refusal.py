"""What a refused delete (409) tells a key about what still refers to the object.

An unlimited key is told every referring table, its count and a few refs. A key limited
to some organisations is told only of what its own reads show: the read predicate of each
registry resource decides, and the rest is one `outside_scope` entry without count or
refs (`app.registry.referencing`; review of run L: an Ankeby key deleting a
shared company was shown Cederby's interest and operation in it).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import ColumnElement, Table, false

from app.registry import referencing
from app.registry.crud.resources import RESOURCES
from app.security.deps import Principal


def readable_tables(principal: Principal) -> Callable[[Table], ColumnElement[bool]] | None:
    """For a limited key, the read predicate of each registry table (what its `GET` shows);
    any other table (cases, screenings, meetings) reads as nothing. None: unlimited."""
    if not principal.scoped:
        return None
    by_table = {r.model.__table__: r for r in RESOURCES.values()}

    def readable(table: Table) -> ColumnElement[bool]:
        res = by_table.get(table)
        predicate = res.scope(principal) if res is not None else None
        return false() if predicate is None else predicate

    return readable


def summary(users: list[dict[str, Any]]) -> str:
    return ", ".join(
        "objects outside this key's scope"
        if u["type"] == referencing.OUTSIDE_SCOPE
        else f"{u['count']} {u['type']}"
        for u in users
    )
