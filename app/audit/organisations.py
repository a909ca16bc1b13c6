"""Which organisations an audit entry belongs to, decided when it is written (issue 9.4).

Callers of app.audit.chain pass organisation ids; these helpers compute them the same way
everywhere: a case belongs to its committee's organisation, to the kommuner taking part
in a gemensam nämnd, and to the organisations that appointed its participants; a registry
object to the organisations it names.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import (
    ARRAY,
    ColumnElement,
    CompoundSelect,
    Select,
    String,
    any_,
    bindparam,
    select,
    text,
    union,
)
from sqlalchemy.orm import Session

from app.models import (
    Administration,
    Appointment,
    Committee,
    CommitteeParticipant,
    Organisation,
    Person,
)

LOOKUP_BATCH = 500


# `case_organisations` on PostgreSQL: a constant text (no statement built per screening),
# also read with the audit head's lock by a screening (app/screening/pg_store.py).
# No `appointed_by_id IS NOT NULL` in the last branch: that condition matches the partial
# index on appointed_by (revision imppar_0001), and the generic plan then walked all
# appointments that have an appointer (1,211 buffers at national scale, 0.8 ms per
# screening, under the chain head's lock) instead of the committee's few. Callers drop
# the NULL that a participant without an appointer adds (52 buffers; BENCHMARKS run G).
PG_CASE_ORGANISATIONS_SQL = """
SELECT organisation_id FROM committees WHERE id = :committee
UNION
SELECT organisation_id FROM committee_participants WHERE committee_id = :committee
UNION
SELECT a.appointed_by_id FROM appointments a JOIN persons p ON p.id = a.person_id
WHERE a.committee_id = :committee AND p.ref = ANY (CAST(:refs AS varchar[]))
"""
PG_CASE_ORGANISATIONS = text(PG_CASE_ORGANISATIONS_SQL)
# Its parameters' PostgreSQL types (prepared with the chain head's lock, app/audit/chain.py).
PG_CASE_ORGANISATIONS_TYPES = (("committee", "bigint"), ("refs", "varchar[]"))


def case_organisations(
    session: Session, committee_id: int, person_refs: Iterable[str] = ()
) -> set[int]:
    """The handling committee's organisation, the organisations taking part in it (a
    gemensam nämnd), and those that appointed the named participants to it."""
    refs = sorted(set(person_refs))
    if session.get_bind().dialect.name == "postgresql":
        params = {"committee": committee_id, "refs": refs}
        return {org for org in session.scalars(PG_CASE_ORGANISATIONS, params) if org is not None}
    stmt = built_case_organisations(committee_id, refs)
    return {org for org in session.scalars(stmt) if org is not None}


def built_case_organisations(committee_id: int, refs: list[str]) -> CompoundSelect[Any]:
    """`case_organisations`' statement built with SQLAlchemy (SQLite's)."""
    parts: list[Select[Any]] = [
        select(Committee.organisation_id).where(Committee.id == committee_id),
        select(CommitteeParticipant.organisation_id).where(
            CommitteeParticipant.committee_id == committee_id
        ),
    ]
    if refs:
        parts.append(
            select(Appointment.appointed_by_id)
            .join(Person, Person.id == Appointment.person_id)
            .where(
                Appointment.committee_id == committee_id,
                Appointment.appointed_by_id.is_not(None),
                Person.ref.in_(refs),
            )
        )
    return union(*parts)


def organisation_ids(session: Session, refs: Iterable[str]) -> set[int]:
    wanted = sorted({r for r in refs if r})
    if not wanted:
        return set()
    return set(session.scalars(select(Organisation.id).where(Organisation.ref.in_(wanted))))


def person_organisations(session: Session, person_refs: Iterable[str]) -> dict[str, set[int]]:
    """Per person ref, the organisations the person belongs to now: those of the bodies
    they are appointed to (a gemensam nämnd's participants included) and the
    organisations that appointed them. A person with no appointment belongs to none.

    One union serves every audited write, the import's tags included: on PostgreSQL one
    statement with an array parameter (`= ANY(:refs)`; for the persons of a 50,000-item
    import, IN-lists of 500 bound parameters cost a hundred statements whose rendering and
    parsing took more CPU than the rest of the audit), elsewhere IN-lists of 500."""
    wanted = sorted({r for r in person_refs if r})
    found: dict[str, set[int]] = {ref: set() for ref in wanted}
    if not wanted:
        return found
    if session.get_bind().dialect.name == "postgresql":
        refs = bindparam("refs", wanted, type_=ARRAY(String))
        batches = [Person.ref == any_(refs)]
    else:
        batches = [
            Person.ref.in_(wanted[start : start + LOOKUP_BATCH])
            for start in range(0, len(wanted), LOOKUP_BATCH)
        ]
    for match in batches:
        for ref, organisation_id in session.execute(_person_organisation_rows(match)):
            if organisation_id is not None:
                found[ref].add(organisation_id)
    return found


def _person_organisation_rows(match: ColumnElement[bool]) -> CompoundSelect[Any]:
    """(person ref, organisation id) of the persons `match` selects, by every way a person
    belongs to an organisation (the id may be NULL: an appointment without it)."""

    def appointed(column: Any) -> Select[Any]:
        return (
            select(Person.ref, column)
            .join(Appointment, Appointment.person_id == Person.id)
            .where(match)
        )

    return union(
        appointed(Committee.organisation_id).join(
            Committee, Committee.id == Appointment.committee_id
        ),
        appointed(CommitteeParticipant.organisation_id).join(
            CommitteeParticipant, CommitteeParticipant.committee_id == Appointment.committee_id
        ),
        appointed(Administration.organisation_id).join(
            Administration, Administration.id == Appointment.administration_id
        ),
        appointed(Appointment.organisation_id),
        appointed(Appointment.appointed_by_id),
    )
