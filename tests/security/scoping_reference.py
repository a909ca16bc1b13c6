"""The organisation-scope predicates as they were written before run J (commit 082b207):
every set built whole (`IN (subquery)`, `NOT IN (subquery)`, ORs of them), and the table
of predicates compared (`PREDICATES`).

The oracle of tests/security/test_scoping_shapes.py and bench/scope_compare.py:
app/security/scoping.py now builds the small sets as UNIONs of indexed selects and asks
some questions per row (correlated EXISTS), for PostgreSQL's planner; what each
predicate selects must not change. The key's organisations and the shared organisations
as sets did not change shape: they are the service's own
(`scope_sets.visible_organisation_ids`, which also took run J's one rule change: a key
sees the companies of the companies its organisations own; `shared_organisation_ids`).
Not used by the service.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import ColumnElement, SQLColumnExpression, and_, or_, select
from sqlalchemy.sql import Select

from app.models import (
    Administration,
    AdministrationServes,
    Agreement,
    AgreementPrincipal,
    Appointment,
    Committee,
    CommitteeParticipant,
    Interest,
    Operation,
    Organisation,
    Person,
    Relation,
)
from app.security import scoping
from app.security.deps import Principal
from app.security.scope_sets import shared_organisation_ids, visible_organisation_ids


def visible_committee_ids(principal: Principal) -> Select[int]:
    orgs = visible_organisation_ids(principal)
    shared = select(CommitteeParticipant.committee_id).where(
        CommitteeParticipant.organisation_id.in_(orgs)
    )
    return select(Committee.id).where(
        or_(Committee.organisation_id.in_(orgs), Committee.id.in_(shared))
    )


def visible_administration_ids(principal: Principal) -> Select[int]:
    serving = select(AdministrationServes.administration_id).where(
        AdministrationServes.committee_id.in_(visible_committee_ids(principal))
    )
    return select(Administration.id).where(
        or_(
            Administration.organisation_id.in_(visible_organisation_ids(principal)),
            Administration.id.in_(serving),
        )
    )


def visible_person_ids(principal: Principal) -> Select[int]:
    return select(Appointment.person_id).where(
        or_(
            Appointment.committee_id.in_(visible_committee_ids(principal)),
            Appointment.administration_id.in_(visible_administration_ids(principal)),
            Appointment.organisation_id.in_(visible_organisation_ids(principal)),
        )
    )


def appointment_predicate(principal: Principal) -> ColumnElement[bool] | None:
    """An appointment belongs to the scope of the body it is to, not of its person: a
    person appointed in two kommuner shows each kommun only its own appointments. One to
    a private organisation (shared reference data) belongs to the scope of its person."""
    if not principal.scoped:
        return None
    return or_(
        Appointment.committee_id.in_(visible_committee_ids(principal)),
        Appointment.administration_id.in_(visible_administration_ids(principal)),
        Appointment.organisation_id.in_(visible_organisation_ids(principal)),
        and_(
            Appointment.organisation_id.in_(shared_organisation_ids()),
            Appointment.person_id.in_(visible_person_ids(principal)),
        ),
    )


def _appointed_elsewhere(principal: Principal) -> Select[int]:
    """Persons with at least one appointment to a body outside the key's scope."""
    committees = visible_committee_ids(principal)
    administrations = visible_administration_ids(principal)
    orgs = visible_organisation_ids(principal)
    return select(Appointment.person_id).where(
        or_(
            and_(
                Appointment.committee_id.is_not(None),
                Appointment.committee_id.not_in(committees),
            ),
            and_(
                Appointment.administration_id.is_not(None),
                Appointment.administration_id.not_in(administrations),
            ),
            and_(
                Appointment.organisation_id.is_not(None),
                Appointment.organisation_id.not_in(orgs),
            ),
        )
    )


def writable_person_predicate(
    principal: Principal, person_id_column: ColumnElement[int]
) -> ColumnElement[bool] | None:
    """Persons a limited key may change (name, personnummer, interests, relations): in its
    scope and appointed nowhere else. A person also appointed in another kommun is read by
    both, but only an unlimited key changes what the other kommun sees of them."""
    if not principal.scoped:
        return None
    return and_(
        person_id_column.in_(visible_person_ids(principal)),
        person_id_column.not_in(_appointed_elsewhere(principal)),
    )


def organisation_predicate(principal: Principal) -> ColumnElement[bool] | None:
    """Organisations a key reads and may point at: its own, and the shared private ones."""
    if not principal.scoped:
        return None
    return or_(
        Organisation.id.in_(visible_organisation_ids(principal)),
        Organisation.id.in_(shared_organisation_ids()),
    )


def writable_organisation_predicate(principal: Principal) -> ColumnElement[bool] | None:
    """Organisations a limited key may change: its own (and those they own or are members
    of), and shared private ones that this key created (issue 10, item 6)."""
    if not principal.scoped:
        return None
    return or_(
        Organisation.id.in_(visible_organisation_ids(principal)),
        and_(
            Organisation.id.in_(shared_organisation_ids()),
            Organisation.created_by_key_id == principal.key_id,
        ),
    )


def own_organisation_predicate(principal: Principal) -> ColumnElement[bool] | None:
    """Organisations a key's own organisations are (or own, or are members of)."""
    if not principal.scoped:
        return None
    return Organisation.id.in_(visible_organisation_ids(principal))


def committee_predicate(principal: Principal) -> ColumnElement[bool] | None:
    if not principal.scoped:
        return None
    return Committee.id.in_(visible_committee_ids(principal))


def administration_predicate(principal: Principal) -> ColumnElement[bool] | None:
    if not principal.scoped:
        return None
    return Administration.id.in_(visible_administration_ids(principal))


def operation_predicate(principal: Principal) -> ColumnElement[bool] | None:
    if not principal.scoped:
        return None
    orgs = visible_organisation_ids(principal)
    return or_(
        Operation.operator_committee_id.in_(visible_committee_ids(principal)),
        Operation.operator_organisation_id.in_(orgs),
        Operation.municipality_id.in_(orgs),
    )


def agreement_predicate(principal: Principal) -> ColumnElement[bool] | None:
    if not principal.scoped:
        return None
    orgs = visible_organisation_ids(principal)
    principals = select(AgreementPrincipal.agreement_id).where(
        AgreementPrincipal.organisation_id.in_(orgs)
    )
    return or_(Agreement.performer_id.in_(orgs), Agreement.id.in_(principals))


def person_id_predicate(
    principal: Principal, person_id_column: SQLColumnExpression[int]
) -> ColumnElement[bool] | None:
    """For any table with a person id column (persons, appointments, interests, relations)."""
    if not principal.scoped:
        return None
    return person_id_column.in_(visible_person_ids(principal))


def interest_predicate(principal: Principal) -> ColumnElement[bool] | None:
    """An interest is seen with its person, when what it is in is seen too: a person
    shared with another kommun does not show that kommun's companies or people."""
    if not principal.scoped:
        return None
    people = visible_person_ids(principal)
    orgs = select(Organisation.id).where(organisation_predicate(principal))  # type: ignore[arg-type]
    return and_(
        Interest.person_id.in_(people),
        or_(Interest.organisation_id.is_(None), Interest.organisation_id.in_(orgs)),
        or_(Interest.on_behalf_of_id.is_(None), Interest.on_behalf_of_id.in_(people)),
    )


def relation_predicate(principal: Principal) -> ColumnElement[bool] | None:
    """A relation is seen when both its persons are."""
    if not principal.scoped:
        return None
    people = visible_person_ids(principal)
    return and_(Relation.person_id.in_(people), Relation.related_id.in_(people))


Predicate = Callable[[Any, Principal], Any]

# name -> (table, the predicate of a module: `scoping` or this one)
PREDICATES: dict[str, tuple[Any, Predicate]] = {
    "organisation": (Organisation, lambda m, p: m.organisation_predicate(p)),
    "writable organisation": (Organisation, lambda m, p: m.writable_organisation_predicate(p)),
    "own organisation": (Organisation, lambda m, p: m.own_organisation_predicate(p)),
    "committee": (Committee, lambda m, p: m.committee_predicate(p)),
    "administration": (Administration, lambda m, p: m.administration_predicate(p)),
    "operation": (Operation, lambda m, p: m.operation_predicate(p)),
    "agreement": (Agreement, lambda m, p: m.agreement_predicate(p)),
    "person": (Person, lambda m, p: m.person_id_predicate(p, Person.__table__.c.id)),
    "writable person": (
        Person,
        lambda m, p: m.writable_person_predicate(p, Person.__table__.c.id),
    ),
    "appointment": (Appointment, lambda m, p: m.appointment_predicate(p)),
    "interest": (Interest, lambda m, p: m.interest_predicate(p)),
    "relation": (Relation, lambda m, p: m.relation_predicate(p)),
}


def _organisation_point(m: Any, p: Principal) -> Any:
    # The lookup form has no earlier twin: it must select what the list form selected.
    if m is scoping:
        return scoping.organisation_point_predicate(p)
    return organisation_predicate(p)


def _person_point(m: Any, p: Principal) -> Any:
    if m is scoping:
        return scoping.person_point_predicate(p, Person.__table__.c.id)
    return person_id_predicate(p, Person.__table__.c.id)


PREDICATES["organisation, looked up"] = (Organisation, _organisation_point)
PREDICATES["person, looked up"] = (Person, _person_point)
