"""The organisations of the persons an import changed facts about (the audit tags).

`app.audit.organisations.person_organisations` answers this with IN-lists of 500 bound
parameters in five subqueries; for the persons of a 50,000-item document that is a
hundred statements whose rendering and parsing cost more CPU than the rest of the audit
(py-spy of the national import: 13 % of the server's samples). On PostgreSQL the same
union is asked here with one array parameter (`= ANY(:refs)`); elsewhere the audit's own
function is used. Keep the two unions alike: the audit module defines what a person's
organisations are.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import ARRAY, String, any_, bindparam, select, union
from sqlalchemy.orm import Session

from app.audit.organisations import person_organisations as audit_person_organisations
from app.models import Administration, Appointment, Committee, CommitteeParticipant, Person
from app.registry.repository import is_postgresql


def person_organisations(session: Session, person_refs: Iterable[str]) -> dict[str, set[int]]:
    """Per person ref, the organisations the person belongs to now (see the audit's)."""
    if not is_postgresql(session):
        return audit_person_organisations(session, person_refs)
    wanted = sorted({r for r in person_refs if r})
    found: dict[str, set[int]] = {ref: set() for ref in wanted}
    if not wanted:
        return found
    refs = bindparam("refs", wanted, type_=ARRAY(String))

    def appointed(column: Any) -> Any:
        return (
            select(Person.ref, column)
            .join(Appointment, Appointment.person_id == Person.id)
            .where(Person.ref == any_(refs))
        )

    body_orgs = union(
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
    for ref, organisation_id in session.execute(body_orgs):
        if organisation_id is not None:
            found[ref].add(organisation_id)
    return found
