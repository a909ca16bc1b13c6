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


def _org(ref: str) -> Any:
    return select(Organisation.id).where(Organisation.ref == ref)


def _committee(ref: str) -> Any:
    return select(Committee.id).where(Committee.ref == ref)


def _administration(ref: str) -> Any:
    return select(Administration.id).where(Administration.ref == ref)


def _person(ref: str) -> Any:
    return select(Person.id).where(Person.ref == ref)


def _dated(model: Any, day: date | None) -> Conditions:
    return [valid_on(model.valid_from, model.valid_to, day)] if day else []


def organisations(kind: str | None, owner: str | None, member: str | None) -> Conditions:
    out: Conditions = []
    if kind:
        out.append(Organisation.kind == kind)
    if owner:
        owned = select(OrganisationOwner.organisation_id).where(
            OrganisationOwner.owner_id.in_(_org(owner))
        )
        out.append(Organisation.id.in_(owned))
    if member:
        forbund = select(OrganisationMember.organisation_id).where(
            OrganisationMember.member_id.in_(_org(member))
        )
        out.append(Organisation.id.in_(forbund))
    return out


def committees(
    organisation: str | None, participant: str | None, kind: str | None, parent: str | None
) -> Conditions:
    out: Conditions = []
    if organisation:
        out.append(Committee.organisation_id.in_(_org(organisation)))
    if participant:
        shared = select(CommitteeParticipant.committee_id).where(
            CommitteeParticipant.organisation_id.in_(_org(participant))
        )
        out.append(Committee.id.in_(shared))
    if kind:
        out.append(Committee.kind == kind)
    if parent:
        out.append(Committee.parent_id.in_(_committee(parent)))
    return out


def administrations(organisation: str | None, serves: str | None) -> Conditions:
    out: Conditions = []
    if organisation:
        out.append(Administration.organisation_id.in_(_org(organisation)))
    if serves:
        serving = select(AdministrationServes.administration_id).where(
            AdministrationServes.committee_id.in_(_committee(serves))
        )
        out.append(Administration.id.in_(serving))
    return out


def operations(organisation: str | None, committee: str | None, area: str | None) -> Conditions:
    out: Conditions = []
    if organisation:
        out.append(
            or_(
                Operation.operator_organisation_id.in_(_org(organisation)),
                Operation.municipality_id.in_(_org(organisation)),
            )
        )
    if committee:
        out.append(Operation.operator_committee_id.in_(_committee(committee)))
    if area:
        out.append(Operation.area == area)
    return out


def agreements(organisation: str | None, area: str | None, day: date | None) -> Conditions:
    out: Conditions = _dated(Agreement, day)
    if organisation:
        principal = select(AgreementPrincipal.agreement_id).where(
            AgreementPrincipal.organisation_id.in_(_org(organisation))
        )
        out.append(or_(Agreement.performer_id.in_(_org(organisation)), Agreement.id.in_(principal)))
    if area:
        out.append(Agreement.area == area)
    return out


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
    out: Conditions = _dated(Appointment, day)
    if person:
        out.append(Appointment.person_id.in_(_person(person)))
    if committee:
        out.append(Appointment.committee_id.in_(_committee(committee)))
    if administration:
        out.append(Appointment.administration_id.in_(_administration(administration)))
    if organisation:
        out.append(Appointment.organisation_id.in_(_org(organisation)))
    if role:
        out.append(Appointment.role == role)
    return out


def interests(
    person: str | None,
    organisation: str | None,
    on_behalf_of: str | None,
    kind: str | None,
    day: date | None,
) -> Conditions:
    out: Conditions = _dated(Interest, day)
    if person:
        out.append(Interest.person_id.in_(_person(person)))
    if organisation:
        out.append(Interest.organisation_id.in_(_org(organisation)))
    if on_behalf_of:
        out.append(Interest.on_behalf_of_id.in_(_person(on_behalf_of)))
    if kind:
        out.append(Interest.kind == kind)
    return out


def relations(person: str | None, kind: str | None, day: date | None) -> Conditions:
    """`kind` is the stored (canonical) kind; `person` matches either side."""
    out: Conditions = _dated(Relation, day)
    if person:
        out.append(
            or_(Relation.person_id.in_(_person(person)), Relation.related_id.in_(_person(person)))
        )
    if kind:
        out.append(Relation.kind == kind)
    return out


def relation_dates(day: date | None) -> Conditions:
    return _dated(Relation, day)
