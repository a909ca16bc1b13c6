"""Display names for the refs a page shows (people, organisations, committees, ...).

Only refs that already appear in something the key may read (a screening it can open, a
registry object in scope) are looked up here, and only objects the key reads are named:
the name adds nothing its own reads do not show.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session

from app.models import Administration, Appointment, Committee, Operation, Organisation, Person
from app.pagination import PageParams
from app.registry.crud import service as crud
from app.registry.crud.resources import RESOURCES
from app.screening.repository import valid_on_day
from app.security import scoping
from app.security.deps import Principal


def _named(principal: Principal) -> tuple[tuple[Any, ColumnElement[bool] | None], ...]:
    """The named registry objects, each with the key's read predicate (the point forms:
    a page names a few refs)."""
    return (
        (Person, scoping.person_point_predicate(principal, Person.id)),
        (Organisation, scoping.organisation_point_predicate(principal)),
        (Committee, scoping.committee_predicate(principal)),
        (Administration, scoping.administration_predicate(principal)),
        (Operation, scoping.operation_predicate(principal)),
    )


def names(session: Session, principal: Principal, refs: Iterable[str | None]) -> dict[str, str]:
    """ref -> name for every ref found among the named registry objects the key reads; a
    ref it may not read keeps no name (the page shows the ref). Before run L any kommun's
    object was named: a ref Ankeby gave its own organisation showed Cederby's person of
    that ref by name, and a gemensam nämnd's page named Borby kommun (review of run L)."""
    wanted = sorted({r for r in refs if r})
    found: dict[str, str] = {}
    if not wanted:
        return found
    for model, predicate in _named(principal):
        stmt = select(model.ref, model.name).where(model.ref.in_(wanted))
        for ref, name in session.execute(scoping.apply(stmt, predicate)).all():
            found.setdefault(ref, name)
    return found


def committee_choices(session: Session, principal: Principal) -> list[tuple[str, str]]:
    """(ref, name) of the committees the key may see, for a form's "Nämnd" list."""
    listed = crud.list_objects(
        session, principal, RESOURCES["committees"], [], PageParams(limit=500, offset=0)
    )
    return [(c["ref"], c["name"]) for c in listed["items"]]


def committee_parties(
    session: Session, principal: Principal, committee_ref: str, refs: Iterable[str], day: date
) -> dict[str, str]:
    """person ref -> the party of their appointment in this committee on `day` (one
    statement; appointments the key reads, as the committee's page shows them)."""
    wanted = sorted(set(refs))
    if not wanted:
        return {}
    stmt = (
        select(Person.ref, Appointment.party)
        .join(Person, Person.id == Appointment.person_id)
        .join(Committee, Committee.id == Appointment.committee_id)
        .where(
            Committee.ref == committee_ref,
            Person.ref.in_(wanted),
            Appointment.party.is_not(None),
            valid_on_day(Appointment, day),
        )
        .order_by(Appointment.id)
    )
    found: dict[str, str] = {}
    for ref, party in session.execute(
        scoping.apply(stmt, scoping.appointment_predicate(principal))
    ):
        found.setdefault(ref, party)
    return found
