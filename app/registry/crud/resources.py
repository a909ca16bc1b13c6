"""The nine registry object types as API resources: how each is loaded and shown.

The output of every object has the import document's shape (refs, not ids) plus `id`,
`version` (the ETag), `created_at` and `updated_at`, so that what a client reads can be
written back. A person shows `personnummer_masked`, never a hash.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, or_
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.interfaces import LoaderOption

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
    Responsibility,
    ResponsibilityScope,
)
from app.security import scoping
from app.security.deps import Principal
from app.vocabularies import INVERSE_RELATION


def _ref(obj: Any) -> str | None:
    return obj.ref if obj is not None else None


def _meta(obj: Any) -> dict[str, Any]:
    return {
        "id": obj.id,
        "version": obj.version,
        "created_at": obj.created_at.isoformat(),
        "updated_at": obj.updated_at.isoformat(),
    }


def _dates(obj: Any) -> dict[str, Any]:
    return {"valid_from": obj.valid_from, "valid_to": obj.valid_to}


def organisation_out(o: Organisation) -> dict[str, Any]:
    return {
        "ref": o.ref,
        "kind": o.kind,
        "name": o.name,
        "orgnr": o.orgnr,
        "owners": [
            {"organisation": w.owner.ref, "share_percent": w.share_percent} for w in o.owners
        ],
        "members": [m.member.ref for m in o.members],
        **_meta(o),
    }


def committee_out(c: Committee) -> dict[str, Any]:
    return {
        "ref": c.ref,
        "organisation": c.organisation.ref,
        "kind": c.kind,
        "name": c.name,
        "parent": _ref(c.parent),
        "participants": [p.organisation.ref for p in c.participants],
        "responsibilities": [
            {"area": r.area, "role": r.role, "for": [s.organisation.ref for s in r.scopes]}
            for r in c.responsibilities
        ],
        "seats": c.seats,
        "substitution_order": c.substitution_order,
        **_meta(c),
    }


def administration_out(a: Administration) -> dict[str, Any]:
    return {
        "ref": a.ref,
        "organisation": a.organisation.ref,
        "name": a.name,
        "serves": [s.committee.ref for s in a.serves],
        **_meta(a),
    }


def operation_out(o: Operation) -> dict[str, Any]:
    return {
        "ref": o.ref,
        "name": o.name,
        "area": o.area,
        "operator": {
            "committee": _ref(o.operator_committee),
            "organisation": _ref(o.operator_organisation),
        },
        "municipality": _ref(o.municipality),
        **_meta(o),
    }


def agreement_out(a: Agreement) -> dict[str, Any]:
    return {
        "ref": a.ref,
        "performer": a.performer.ref,
        "principals": [p.organisation.ref for p in a.principals],
        "area": a.area,
        "role": a.role,
        **_dates(a),
        **_meta(a),
    }


def person_out(p: Person) -> dict[str, Any]:
    return {"ref": p.ref, "name": p.name, "personnummer_masked": p.personnummer_masked, **_meta(p)}


def appointment_out(a: Appointment) -> dict[str, Any]:
    return {
        "ref": a.ref,
        "person": a.person.ref,
        "body": {
            "committee": _ref(a.committee),
            "administration": _ref(a.administration),
            "organisation": _ref(a.organisation),
        },
        "role": a.role,
        "appointed_by": _ref(a.appointed_by),
        "works_with": list(a.works_with or []),
        "party": a.party,
        "order": a.order,
        "substitutes": a.substitutes,
        **_dates(a),
        **_meta(a),
    }


def interest_out(i: Interest) -> dict[str, Any]:
    return {
        "ref": i.ref,
        "person": i.person.ref,
        "organisation": _ref(i.organisation),
        "on_behalf_of": _ref(i.on_behalf_of),
        "kind": i.kind,
        "share_percent": i.share_percent,
        **_dates(i),
        **_meta(i),
    }


def relation_out(r: Relation) -> dict[str, Any]:
    return {
        "ref": r.ref,
        "person": r.person.ref,
        "related": r.related.ref,
        "kind": r.kind,
        **_dates(r),
        **_meta(r),
    }


def relation_from(r: Relation, person_id: int) -> dict[str, Any]:
    """A relation as seen from one of its two persons (`forelder` of A is `barn` of B)."""
    out = relation_out(r)
    if r.person_id != person_id:
        out["person"], out["related"] = r.related.ref, r.person.ref
        out["kind"] = INVERSE_RELATION.get(r.kind, r.kind)
    return out


@dataclass(frozen=True)
class Resource:
    section: str  # URL segment and import document section
    model: Any
    label: str  # singular, for messages
    out: Callable[[Any], dict[str, Any]]
    options: tuple[LoaderOption, ...]
    scope: Callable[[Principal], ColumnElement[bool] | None]
    has_required_ref: bool = True

    @property
    def kind(self) -> str:
        return self.label


def _person_scope(*columns: Any) -> Callable[[Principal], ColumnElement[bool] | None]:
    """In scope when any of the person columns is a person in scope."""

    def predicate(principal: Principal) -> ColumnElement[bool] | None:
        parts = [scoping.person_id_predicate(principal, c) for c in columns]
        present = [p for p in parts if p is not None]
        if len(present) < len(parts):  # one side unlimited: the whole row is visible
            return None
        return or_(*present) if len(present) > 1 else present[0]

    return predicate


RESOURCES: dict[str, Resource] = {
    r.section: r
    for r in (
        Resource(
            "organisations",
            Organisation,
            "organisation",
            organisation_out,
            (
                selectinload(Organisation.owners).selectinload(OrganisationOwner.owner),
                selectinload(Organisation.members).selectinload(OrganisationMember.member),
            ),
            scoping.organisation_predicate,
        ),
        Resource(
            "committees",
            Committee,
            "committee",
            committee_out,
            (
                selectinload(Committee.organisation),
                selectinload(Committee.parent),
                selectinload(Committee.participants).selectinload(
                    CommitteeParticipant.organisation
                ),
                selectinload(Committee.responsibilities)
                .selectinload(Responsibility.scopes)
                .selectinload(ResponsibilityScope.organisation),
            ),
            scoping.committee_predicate,
        ),
        Resource(
            "administrations",
            Administration,
            "administration",
            administration_out,
            (
                selectinload(Administration.organisation),
                selectinload(Administration.serves).selectinload(AdministrationServes.committee),
            ),
            scoping.administration_predicate,
        ),
        Resource(
            "operations",
            Operation,
            "operation",
            operation_out,
            (
                selectinload(Operation.operator_committee),
                selectinload(Operation.operator_organisation),
                selectinload(Operation.municipality),
            ),
            scoping.operation_predicate,
        ),
        Resource(
            "agreements",
            Agreement,
            "agreement",
            agreement_out,
            (
                selectinload(Agreement.performer),
                selectinload(Agreement.principals).selectinload(AgreementPrincipal.organisation),
            ),
            scoping.agreement_predicate,
        ),
        Resource(
            "persons",
            Person,
            "person",
            person_out,
            (),
            _person_scope(Person.id),
        ),
        Resource(
            "appointments",
            Appointment,
            "appointment",
            appointment_out,
            (
                selectinload(Appointment.person),
                selectinload(Appointment.committee),
                selectinload(Appointment.administration),
                selectinload(Appointment.organisation),
                selectinload(Appointment.appointed_by),
            ),
            # By the body, not the person: each kommun sees its own appointments of a
            # person appointed in several (docs/security.md).
            scoping.appointment_predicate,
            has_required_ref=False,
        ),
        Resource(
            "interests",
            Interest,
            "interest",
            interest_out,
            (
                selectinload(Interest.person),
                selectinload(Interest.organisation),
                selectinload(Interest.on_behalf_of),
            ),
            scoping.interest_predicate,
            has_required_ref=False,
        ),
        Resource(
            "relations",
            Relation,
            "relation",
            relation_out,
            (selectinload(Relation.person), selectinload(Relation.related)),
            scoping.relation_predicate,
            has_required_ref=False,
        ),
    )
}
