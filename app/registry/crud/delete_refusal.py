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

from sqlalchemy import ColumnElement, Table, false, select

from app.models import Case, JavDecision, Meeting, Screening
from app.registry import referencing
from app.registry.crud.resources import RESOURCES
from app.registry.repository import table_of
from app.security import scoping
from app.security.deps import Principal


def _case_tables(principal: Principal) -> dict[Table, ColumnElement[bool] | None]:
    """Cases, meetings, screenings and decisions: read by a limited key as its committees'
    (`scoping.committee_id_predicate`), as their own routes read them."""
    in_scope = scoping.committee_id_predicate
    cases, meetings = table_of(Case), table_of(Meeting)
    screenings, decisions = table_of(Screening), table_of(JavDecision)
    own_cases = scoping.apply(select(cases.c.id), in_scope(principal, cases.c.committee_id))
    return {
        cases: in_scope(principal, cases.c.committee_id),
        meetings: in_scope(principal, meetings.c.committee_id),
        screenings: in_scope(principal, screenings.c.committee_id),
        decisions: decisions.c.case_id.in_(own_cases),
    }


def readable_tables(principal: Principal) -> Callable[[Table], ColumnElement[bool]] | None:
    """For a limited key, the read predicate of each table a delete may find referring to
    its row (what the key's `GET` shows); any other table reads as nothing. None:
    unlimited."""
    if not principal.scoped:
        return None
    predicates = {table_of(r.model): r.scope(principal) for r in RESOURCES.values()}
    predicates |= _case_tables(principal)

    def readable(table: Table) -> ColumnElement[bool]:
        predicate = predicates.get(table)
        return false() if predicate is None else predicate

    return readable


def summary(users: list[dict[str, Any]]) -> str:
    return ", ".join(
        "objects outside this key's scope"
        if u["type"] == referencing.OUTSIDE_SCOPE
        else f"{u['count']} {u['type']}"
        for u in users
    )


def one_outside_scope(users: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """At most one `outside_scope` entry, last: two would say that both hidden rows and
    hidden keys refer to the object."""
    hidden = [u for u in users if u["type"] == referencing.OUTSIDE_SCOPE]
    return [u for u in users if u["type"] != referencing.OUTSIDE_SCOPE] + hidden[:1]
