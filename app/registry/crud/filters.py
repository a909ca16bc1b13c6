"""List filters of the registry endpoints: query parameters to SQL conditions.

Refs are matched through sub-selects, so an unknown ref simply matches nothing.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, or_, select

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
    OrganisationMember,
    OrganisationOwner,
    Person,
    Relation,
)
from app.registry.names import name_key
from app.registry.repository import valid_on

Conditions = list[ColumnElement[bool]]


def _ids(model: Any, ref: str) -> Any:
    """The id of the `model` object with that ref (none when the ref is unknown)."""
    return select(model.id).where(model.ref == ref)


def _points_at(column: Any, model: Any, ref: str | None) -> Conditions:
    """`column` holds the id of the `model` object named by `ref` (no condition without one)."""
    return [column.in_(_ids(model, ref))] if ref else []


def _linked(column: Any, link: Any, link_column: Any, model: Any, ref: str | None) -> Conditions:
    """`column` is among the `link` rows whose `link_column` points at the object `ref`."""
    return [column.in_(select(link).where(link_column.in_(_ids(model, ref))))] if ref else []


def _equal(column: Any, value: str | None) -> Conditions:
    return [column == value] if value else []


def _dated(model: Any, day: date | None) -> Conditions:
    return [valid_on(model.valid_from, model.valid_to, day)] if day else []


def organisations(kind: str | None, owner: str | None, member: str | None) -> Conditions:
    return [
        *_equal(Organisation.kind, kind),
        *_linked(
            Organisation.id,
            OrganisationOwner.organisation_id,
            OrganisationOwner.owner_id,
            Organisation,
            owner,
        ),
        *_linked(
            Organisation.id,
            OrganisationMember.organisation_id,
            OrganisationMember.member_id,
            Organisation,
            member,
        ),
    ]


def committees(
    organisation: str | None, participant: str | None, kind: str | None, parent: str | None
) -> Conditions:
    return [
        *_points_at(Committee.organisation_id, Organisation, organisation),
        *_linked(
            Committee.id,
            CommitteeParticipant.committee_id,
            CommitteeParticipant.organisation_id,
            Organisation,
            participant,
        ),
        *_equal(Committee.kind, kind),
        *_points_at(Committee.parent_id, Committee, parent),
    ]


def administrations(organisation: str | None, serves: str | None) -> Conditions:
    return [
        *_points_at(Administration.organisation_id, Organisation, organisation),
        *_linked(
            Administration.id,
            AdministrationServes.administration_id,
            AdministrationServes.committee_id,
            Committee,
            serves,
        ),
    ]


def operations(organisation: str | None, committee: str | None, area: str | None) -> Conditions:
    as_operator = _points_at(Operation.operator_organisation_id, Organisation, organisation)
    as_municipality = _points_at(Operation.municipality_id, Organisation, organisation)
    return [
        *([or_(*as_operator, *as_municipality)] if organisation else []),
        *_points_at(Operation.operator_committee_id, Committee, committee),
        *_equal(Operation.area, area),
    ]


def agreements(organisation: str | None, area: str | None, day: date | None) -> Conditions:
    as_performer = _points_at(Agreement.performer_id, Organisation, organisation)
    as_principal = _linked(
        Agreement.id,
        AgreementPrincipal.agreement_id,
        AgreementPrincipal.organisation_id,
        Organisation,
        organisation,
    )
    return [
        *_dated(Agreement, day),
        *([or_(*as_performer, *as_principal)] if organisation else []),
        *_equal(Agreement.area, area),
    ]


def _like(text: str) -> str:
    return "%" + re.sub(r"([\\%_])", r"\\\1", text) + "%"


def persons(name: str | None) -> Conditions:
    """Every word of `name` must occur in the person's name (case and diacritics ignored)."""
    if not name:
        return []
    return [Person.name_key.like(_like(word), escape="\\") for word in name_key(name).split()]


def appointments(
    person: str | None,
    committee: str | None,
    administration: str | None,
    organisation: str | None,
    role: str | None,
    day: date | None,
) -> Conditions:
    return [
        *_dated(Appointment, day),
        *_points_at(Appointment.person_id, Person, person),
        *_points_at(Appointment.committee_id, Committee, committee),
        *_points_at(Appointment.administration_id, Administration, administration),
        *_points_at(Appointment.organisation_id, Organisation, organisation),
        *_equal(Appointment.role, role),
    ]


def interests(
    person: str | None,
    organisation: str | None,
    on_behalf_of: str | None,
    kind: str | None,
    day: date | None,
) -> Conditions:
    return [
        *_dated(Interest, day),
        *_points_at(Interest.person_id, Person, person),
        *_points_at(Interest.organisation_id, Organisation, organisation),
        *_points_at(Interest.on_behalf_of_id, Person, on_behalf_of),
        *_equal(Interest.kind, kind),
    ]


def relations(person: str | None, kind: str | None, day: date | None) -> Conditions:
    """`kind` is the stored (canonical) kind; `person` matches either side."""
    either = [
        *_points_at(Relation.person_id, Person, person),
        *_points_at(Relation.related_id, Person, person),
    ]
    return [
        *_dated(Relation, day),
        *([or_(*either)] if person else []),
        *_equal(Relation.kind, kind),
    ]


def relation_dates(day: date | None) -> Conditions:
    return _dated(Relation, day)
