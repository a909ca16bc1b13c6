"""Organisation scope: the ONLY place where a key's organisation limit is applied.

A key limited to some organisations sees what belongs to them: the organisations
themselves, the kommunalförbund they are members of, companies and foundations they own,
their committees and the gemensamma nämnder they take part in, administrations and
operations of those, and people appointed to any of them. Every function returns a SQL
predicate (or None for an unscoped key) for the repositories to add to their queries.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, or_, select
from sqlalchemy.orm import aliased
from sqlalchemy.sql import Select

from app.models import (
    Administration,
    AdministrationServes,
    Agreement,
    AgreementPrincipal,
    Appointment,
    AuditEntry,
    AuditEntryOrganisation,
    Committee,
    CommitteeParticipant,
    Operation,
    Organisation,
    OrganisationMember,
    OrganisationOwner,
)
from app.security.deps import Principal
from app.security.roles import Role


def _own_org_ids(principal: Principal) -> Select[tuple[int]]:
    refs = sorted(principal.organisation_refs or ())
    return select(Organisation.id).where(Organisation.ref.in_(refs))


def visible_organisation_ids(principal: Principal) -> Select[tuple[int]]:
    own = _own_org_ids(principal)
    forbund = select(OrganisationMember.organisation_id).where(
        OrganisationMember.member_id.in_(own)
    )
    owned = select(OrganisationOwner.organisation_id).where(OrganisationOwner.owner_id.in_(own))
    return own.union(forbund, owned)  # type: ignore[return-value]


def visible_committee_ids(principal: Principal) -> Select[tuple[int]]:
    orgs = visible_organisation_ids(principal)
    shared = select(CommitteeParticipant.committee_id).where(
        CommitteeParticipant.organisation_id.in_(orgs)
    )
    return select(Committee.id).where(
        or_(Committee.organisation_id.in_(orgs), Committee.id.in_(shared))
    )


def visible_administration_ids(principal: Principal) -> Select[tuple[int]]:
    serving = select(AdministrationServes.administration_id).where(
        AdministrationServes.committee_id.in_(visible_committee_ids(principal))
    )
    return select(Administration.id).where(
        or_(
            Administration.organisation_id.in_(visible_organisation_ids(principal)),
            Administration.id.in_(serving),
        )
    )


def visible_person_ids(principal: Principal) -> Select[tuple[int]]:
    return select(Appointment.person_id).where(
        or_(
            Appointment.committee_id.in_(visible_committee_ids(principal)),
            Appointment.administration_id.in_(visible_administration_ids(principal)),
            Appointment.organisation_id.in_(visible_organisation_ids(principal)),
        )
    )


def organisation_predicate(principal: Principal) -> ColumnElement[bool] | None:
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
    principal: Principal, person_id_column: ColumnElement[int]
) -> ColumnElement[bool] | None:
    """For any table with a person id column (persons, appointments, interests, relations)."""
    if not principal.scoped:
        return None
    return person_id_column.in_(visible_person_ids(principal))


def committee_id_predicate(
    principal: Principal, committee_id_column: ColumnElement[int]
) -> ColumnElement[bool] | None:
    """For tables owned through a committee (cases, screenings)."""
    if not principal.scoped:
        return None
    return committee_id_column.in_(visible_committee_ids(principal))


def visible_organisation_refs(principal: Principal) -> Select[tuple[str]]:
    """Organisation refs in scope, for matching audit subjects and report filters."""
    return select(Organisation.ref).where(Organisation.id.in_(visible_organisation_ids(principal)))


def organisation_view(organisation_ref: str) -> Principal:
    """What one organisation takes part in, for report filters: the predicates above,
    applied to this principal, select exactly what a key limited to that organisation
    would see (its committees, the gemensamma nämnder and förbund it takes part in, ...)."""
    return Principal(0, "organisation-filter", Role.AUDITOR, frozenset({organisation_ref}))


def audit_entry_predicate(
    principal: Principal, entry_id_column: ColumnElement[int]
) -> ColumnElement[bool] | None:
    """Audit entries a limited key may read: those written as belonging to one of its
    organisations (ids fixed at write time, issue 9.4; never decided by ref at read
    time). Entries of no organisation (keys, checkpoints) are for unlimited keys.

    An organisation reads only entries written since it was created: SQLite hands a
    deleted organisation's id to the next one created, which must not inherit the
    history written under that id."""
    if not principal.scoped:
        return None
    entry = aliased(AuditEntry)
    belongs = (
        select(AuditEntryOrganisation.entry_id)
        .join(Organisation, Organisation.id == AuditEntryOrganisation.organisation_id)
        .join(entry, entry.id == AuditEntryOrganisation.entry_id)
        .where(
            Organisation.id.in_(visible_organisation_ids(principal)),
            Organisation.created_at <= entry.created_at,
        )
    )
    return entry_id_column.in_(belongs)


def apply(stmt: Select, predicate: ColumnElement[bool] | None) -> Select:  # type: ignore[type-arg]
    return stmt if predicate is None else stmt.where(predicate)
