"""Organisation scope: the ONLY place where a key's organisation limit is applied.

A key limited to some organisations sees what belongs to them: the organisations
themselves, the kommunalförbund they are members of, companies and foundations they own,
their committees and the gemensamma nämnder they take part in, administrations and
operations of those, and people appointed to any of them. Every function returns a SQL
predicate (or None for an unscoped key) for the repositories to add to their queries.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, SQLColumnExpression, and_, or_, select
from sqlalchemy.orm import aliased
from sqlalchemy.orm.util import AliasedClass
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
    Interest,
    Operation,
    Organisation,
    OrganisationMember,
    OrganisationOwner,
    Relation,
)
from app.security.deps import Principal
from app.security.roles import Role


def _own_org_ids(principal: Principal) -> Select[int]:
    refs = sorted(principal.organisation_refs or ())
    return select(Organisation.id).where(Organisation.ref.in_(refs))


def visible_organisation_ids(principal: Principal) -> Select[int]:
    own = _own_org_ids(principal)
    forbund = select(OrganisationMember.organisation_id).where(
        OrganisationMember.member_id.in_(own)
    )
    owned = select(OrganisationOwner.organisation_id).where(OrganisationOwner.owner_id.in_(own))
    return own.union(forbund, owned)  # type: ignore[return-value]


# Private organisations are shared reference data (docs/security.md): every key may read
# and point at them, unless a public body owns them (a kommunal bolag, directly or through
# its parent company; for a stiftelse, owners are who appoint its board).
PUBLIC_KINDS = ("kommun", "region", "kommunalforbund", "myndighet")
PRIVATE_KINDS = (
    "aktiebolag",
    "handelsbolag",
    "ekonomisk_forening",
    "ideell_forening",
    "stiftelse",
    "enskild_firma",
)

# The shapes below are chosen for PostgreSQL's planner, which cannot turn an OR of
# `IN (subquery)` tests, or a `NOT IN (subquery)`, into joins: it computes each subquery's
# whole result once and probes it (a hashed SubPlan), and scans the outer table when an OR
# hides its indexes. A small set (a kommun's organisations, committees, administrations,
# people) is therefore built as a UNION of indexed selects; the large one (the shared
# private organisations: 95,755 of the national registry's 100,000) is never built, but
# tested per row with correlated EXISTS. Built whole, that set cost a limited key 68-78 ms
# per statement at national scale, and a screening 220 ms (BENCHMARKS.md run J).
# tests/security/test_scoping_shapes.py holds every predicate to the earlier set forms.


def _publicly_owned(organisation_id: SQLColumnExpression[Any]) -> ColumnElement[bool]:
    """Whether a public body owns this organisation, directly or through its owner."""
    link, owner = aliased(OrganisationOwner), aliased(Organisation)
    parent_link, parent_owner = aliased(OrganisationOwner), aliased(Organisation)
    owner_is_public = (
        select(owner.id).where(owner.id == link.owner_id, owner.kind.in_(PUBLIC_KINDS)).exists()
    )
    owner_publicly_owned = (
        select(parent_link.id)
        .join(parent_owner, parent_owner.id == parent_link.owner_id)
        .where(parent_link.organisation_id == link.owner_id, parent_owner.kind.in_(PUBLIC_KINDS))
        .exists()
    )
    return (
        select(link.id)
        .where(link.organisation_id == organisation_id, or_(owner_is_public, owner_publicly_owned))
        .exists()
    )


def _shared_organisation(
    organisation: type[Organisation] | AliasedClass[Organisation],
) -> ColumnElement[bool]:
    """The organisation row is shared reference data: private and not publicly owned."""
    return and_(organisation.kind.in_(PRIVATE_KINDS), ~_publicly_owned(organisation.id))


def shared_organisation_ids() -> Select[int]:
    """The shared private organisations as a set: for reading many rows (a list, a
    report), where PostgreSQL builds it once and probes it."""
    public = select(Organisation.id).where(Organisation.kind.in_(PUBLIC_KINDS))
    public_owned = select(OrganisationOwner.organisation_id).where(
        OrganisationOwner.owner_id.in_(public)
    )
    publicly_owned = select(OrganisationOwner.organisation_id).where(
        or_(OrganisationOwner.owner_id.in_(public), OrganisationOwner.owner_id.in_(public_owned))
    )
    return select(Organisation.id).where(
        Organisation.kind.in_(PRIVATE_KINDS), Organisation.id.not_in(publicly_owned)
    )


def visible_committee_ids(principal: Principal) -> Select[int]:
    orgs = visible_organisation_ids(principal)
    own = select(Committee.id).where(Committee.organisation_id.in_(orgs))
    shared = select(CommitteeParticipant.committee_id).where(
        CommitteeParticipant.organisation_id.in_(orgs)
    )
    return own.union(shared)  # type: ignore[return-value]


def visible_administration_ids(principal: Principal) -> Select[int]:
    own = select(Administration.id).where(
        Administration.organisation_id.in_(visible_organisation_ids(principal))
    )
    serving = select(AdministrationServes.administration_id).where(
        AdministrationServes.committee_id.in_(visible_committee_ids(principal))
    )
    return own.union(serving)  # type: ignore[return-value]


def visible_person_ids(principal: Principal) -> Select[int]:
    """The persons appointed in the key's scope, as a set (`appointed_in_scope` per row)."""
    committees = select(Appointment.person_id).where(
        Appointment.committee_id.in_(visible_committee_ids(principal))
    )
    administrations = select(Appointment.person_id).where(
        Appointment.administration_id.in_(visible_administration_ids(principal))
    )
    organisations = select(Appointment.person_id).where(
        Appointment.organisation_id.in_(visible_organisation_ids(principal))
    )
    return committees.union(administrations, organisations)  # type: ignore[return-value]


def appointed_in_scope(
    principal: Principal, person_id_column: SQLColumnExpression[Any]
) -> ColumnElement[bool]:
    """The person has an appointment in the key's scope (to one of its committees,
    administrations or organisations). Correlated: as a condition of its own PostgreSQL
    makes it a semi-join and chooses how to run it; under an OR it is asked per row,
    reading only that person's appointments. (An alias: asked of an appointment, the
    person's other appointments are meant, not the row itself.)"""
    return _appointments_in_scope(principal, person_id_column).exists()


def _appointments_in_scope(
    principal: Principal, person_id_column: SQLColumnExpression[Any]
) -> Select[int]:
    other = aliased(Appointment)
    return select(other.id).where(
        other.person_id == person_id_column,
        or_(
            other.committee_id.in_(visible_committee_ids(principal)),
            other.administration_id.in_(visible_administration_ids(principal)),
            other.organisation_id.in_(visible_organisation_ids(principal)),
        ),
    )


def person_point_predicate(
    principal: Principal, person_id_column: SQLColumnExpression[Any]
) -> ColumnElement[bool] | None:
    """`person_id_predicate` for a few persons picked by ref or id (references to check):
    the same rows, asked per person, reading that person's appointments. The subquery
    has an OFFSET, which PostgreSQL takes as a fence: a bare EXISTS it turns into a
    semi-join or a hashed set, and for a kommun's key it chose to filter every
    appointment in the country (16-25 ms for 15 refs at national scale)."""
    if not principal.scoped:
        return None
    return _appointments_in_scope(principal, person_id_column).offset(0).exists()


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


def _appointed_elsewhere(
    principal: Principal, person_id_column: SQLColumnExpression[Any]
) -> ColumnElement[bool]:
    """The person has at least one appointment to a body outside the key's scope (tested
    per person: the persons appointed outside a kommun are nearly all of them)."""
    committees = visible_committee_ids(principal)
    administrations = visible_administration_ids(principal)
    orgs = visible_organisation_ids(principal)
    other = aliased(Appointment)
    return (
        select(other.id)
        .where(
            other.person_id == person_id_column,
            or_(
                and_(other.committee_id.is_not(None), other.committee_id.not_in(committees)),
                and_(
                    other.administration_id.is_not(None),
                    other.administration_id.not_in(administrations),
                ),
                and_(other.organisation_id.is_not(None), other.organisation_id.not_in(orgs)),
            ),
        )
        .exists()
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
        appointed_in_scope(principal, person_id_column),
        ~_appointed_elsewhere(principal, person_id_column),
    )


def organisation_predicate(principal: Principal) -> ColumnElement[bool] | None:
    """Organisations a key reads and may point at: its own, and the shared private ones."""
    if not principal.scoped:
        return None
    return or_(
        Organisation.id.in_(visible_organisation_ids(principal)),
        Organisation.id.in_(shared_organisation_ids()),
    )


def organisation_point_predicate(principal: Principal) -> ColumnElement[bool] | None:
    """`organisation_predicate` for a few organisations picked by ref or id (a reference
    to check, one organisation to read): the same rows, but whether one is shared is
    asked of that row (`_shared_organisation`), where `organisation_predicate` builds the
    whole shared set, which a list or a count needs once and a lookup never."""
    if not principal.scoped:
        return None
    return or_(
        Organisation.id.in_(visible_organisation_ids(principal)),
        _shared_organisation(Organisation),
    )


def writable_organisation_predicate(principal: Principal) -> ColumnElement[bool] | None:
    """Organisations a limited key may change: its own (and those they own or are members
    of), and shared private ones that this key created (issue 10, item 6). Asked of a few
    rows at a time (app/registry/scope.py), so whether one is shared is asked per row."""
    if not principal.scoped:
        return None
    return or_(
        Organisation.id.in_(visible_organisation_ids(principal)),
        and_(
            _shared_organisation(Organisation),
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
    return appointed_in_scope(principal, person_id_column)


def interest_predicate(principal: Principal) -> ColumnElement[bool] | None:
    """An interest is seen with its person, when what it is in is seen too: a person
    shared with another kommun does not show that kommun's companies or people."""
    if not principal.scoped:
        return None
    return and_(
        appointed_in_scope(principal, Interest.person_id),
        or_(
            Interest.organisation_id.is_(None),
            Interest.organisation_id.in_(visible_organisation_ids(principal)),
            Interest.organisation_id.in_(shared_organisation_ids()),
        ),
        or_(
            Interest.on_behalf_of_id.is_(None),
            Interest.on_behalf_of_id.in_(visible_person_ids(principal)),
        ),
    )


def relation_predicate(principal: Principal) -> ColumnElement[bool] | None:
    """A relation is seen when both its persons are."""
    if not principal.scoped:
        return None
    people = visible_person_ids(principal)
    return and_(Relation.person_id.in_(people), Relation.related_id.in_(people))


def committee_id_predicate(
    principal: Principal, committee_id_column: ColumnElement[int]
) -> ColumnElement[bool] | None:
    """For tables owned through a committee (cases, screenings)."""
    if not principal.scoped:
        return None
    return committee_id_column.in_(visible_committee_ids(principal))


def visible_organisation_refs(principal: Principal) -> Select[str]:
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

    An organisation reads only entries written since it was created: a second wall
    behind ids that are never handed out twice (SQLite AUTOINCREMENT since walls_0001;
    before, the next organisation created could get a deleted one's id)."""
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
