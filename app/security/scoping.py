"""Organisation scope: the ONLY place where a key's organisation limit is applied.

A key limited to some organisations sees what belongs to them: the organisations
themselves, the kommunalförbund they are members of, companies and foundations they own,
their committees and the gemensamma nämnder they take part in, administrations and
operations of those, and people appointed to any of them. Every function returns a SQL
predicate (or None for an unscoped key) for the repositories to add to their queries;
the sets they are built of are in app/security/scope_sets.py.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, SQLColumnExpression, and_, or_, select
from sqlalchemy.orm import aliased
from sqlalchemy.sql import Select

from app.models import (
    Administration,
    Agreement,
    AgreementPrincipal,
    Appointment,
    AuditEntry,
    AuditEntryOrganisation,
    Committee,
    Interest,
    Operation,
    Organisation,
    Relation,
)
from app.security import scope_sets
from app.security.deps import Principal
from app.security.roles import Role


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
    return scope_sets.appointments_in_scope(principal, person_id_column).offset(0).exists()


def appointment_predicate(principal: Principal) -> ColumnElement[bool] | None:
    """An appointment belongs to the scope of the body it is to, not of its person: a
    person appointed in two kommuner shows each kommun only its own appointments. One to
    a private organisation (shared reference data) belongs to the scope of its person."""
    if not principal.scoped:
        return None
    # Each test an array of the key's few ids, so that PostgreSQL reads the appointments
    # by their indexes (a BitmapOr) instead of filtering all 143,012 of the national
    # registry; the shared-organisation test is asked of the rows found (run K).
    in_set = scope_sets.InSmallSet
    return or_(
        in_set(Appointment.committee_id, scope_sets.visible_committee_ids(principal)),
        in_set(Appointment.administration_id, scope_sets.visible_administration_ids(principal)),
        in_set(Appointment.organisation_id, scope_sets.visible_organisation_ids(principal)),
        and_(
            in_set(Appointment.person_id, scope_sets.visible_person_ids(principal)),
            scope_sets.shared_organisation_id(Appointment.organisation_id),
        ),
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
        scope_sets.appointed_in_scope(principal, person_id_column),
        ~scope_sets.appointed_elsewhere(principal, person_id_column),
    )


def organisation_predicate(principal: Principal) -> ColumnElement[bool] | None:
    """Organisations a key reads and may point at: its own, and the shared private ones."""
    if not principal.scoped:
        return None
    return or_(
        Organisation.id.in_(scope_sets.visible_organisation_ids(principal)),
        Organisation.id.in_(scope_sets.shared_organisation_ids()),
    )


def organisation_point_predicate(principal: Principal) -> ColumnElement[bool] | None:
    """`organisation_predicate` for a few organisations picked by ref or id (a reference
    to check, one organisation to read): the same rows, but whether one is shared is
    asked of that row (`scope_sets.shared_organisation`), where `organisation_predicate` builds the
    whole shared set, which a list or a count needs once and a lookup never."""
    if not principal.scoped:
        return None
    return or_(
        Organisation.id.in_(scope_sets.visible_organisation_ids(principal)),
        scope_sets.shared_organisation(Organisation),
    )


def writable_organisation_predicate(principal: Principal) -> ColumnElement[bool] | None:
    """Organisations a limited key may change: its own (and those they own or are members
    of), and shared private ones that this key created (issue 10, item 6). Asked of a few
    rows at a time (app/registry/scope.py), so whether one is shared is asked per row."""
    if not principal.scoped:
        return None
    return or_(
        Organisation.id.in_(scope_sets.visible_organisation_ids(principal)),
        and_(
            scope_sets.shared_organisation(Organisation),
            Organisation.created_by_key_id == principal.key_id,
        ),
    )


def own_organisation_predicate(principal: Principal) -> ColumnElement[bool] | None:
    """Organisations a key's own organisations are (or own, or are members of)."""
    if not principal.scoped:
        return None
    return Organisation.id.in_(scope_sets.visible_organisation_ids(principal))


def committee_predicate(principal: Principal) -> ColumnElement[bool] | None:
    if not principal.scoped:
        return None
    return Committee.id.in_(scope_sets.visible_committee_ids(principal))


def administration_predicate(principal: Principal) -> ColumnElement[bool] | None:
    if not principal.scoped:
        return None
    return Administration.id.in_(scope_sets.visible_administration_ids(principal))


def operation_predicate(principal: Principal) -> ColumnElement[bool] | None:
    if not principal.scoped:
        return None
    orgs = scope_sets.visible_organisation_ids(principal)
    return or_(
        Operation.operator_committee_id.in_(scope_sets.visible_committee_ids(principal)),
        Operation.operator_organisation_id.in_(orgs),
        Operation.municipality_id.in_(orgs),
    )


def agreement_predicate(principal: Principal) -> ColumnElement[bool] | None:
    if not principal.scoped:
        return None
    orgs = scope_sets.visible_organisation_ids(principal)
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
    return scope_sets.appointed_in_scope(principal, person_id_column)


def interest_predicate(principal: Principal) -> ColumnElement[bool] | None:
    """An interest is seen with its person, when what it is in is seen too: a person
    shared with another kommun does not show that kommun's companies or people."""
    if not principal.scoped:
        return None
    return and_(
        # The key's people first, as an array: their interests are read by the person
        # index, a few thousand rows, and the tests below are asked of those rows only
        # (`scope_sets.InSmallSet`; BENCHMARKS.md run K).
        scope_sets.InSmallSet(Interest.person_id, scope_sets.visible_person_ids(principal)),
        or_(
            Interest.organisation_id.is_(None),
            Interest.organisation_id.in_(scope_sets.visible_organisation_ids(principal)),
            scope_sets.shared_organisation_id(Interest.organisation_id),
        ),
        or_(
            Interest.on_behalf_of_id.is_(None),
            Interest.on_behalf_of_id.in_(scope_sets.visible_person_ids(principal)),
        ),
    )


def relation_predicate(principal: Principal) -> ColumnElement[bool] | None:
    """A relation is seen when both its persons are."""
    if not principal.scoped:
        return None
    people = scope_sets.visible_person_ids(principal)
    return and_(Relation.person_id.in_(people), Relation.related_id.in_(people))


def committee_id_predicate(
    principal: Principal, committee_id_column: ColumnElement[int]
) -> ColumnElement[bool] | None:
    """For tables owned through a committee (cases, screenings)."""
    if not principal.scoped:
        return None
    return committee_id_column.in_(scope_sets.visible_committee_ids(principal))


def visible_organisation_refs(principal: Principal) -> Select[str]:
    """Organisation refs in scope, for matching audit subjects and report filters."""
    return select(Organisation.ref).where(
        Organisation.id.in_(scope_sets.visible_organisation_ids(principal))
    )


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
            Organisation.id.in_(scope_sets.visible_organisation_ids(principal)),
            Organisation.created_at <= entry.created_at,
        )
    )
    return entry_id_column.in_(belongs)


def apply(stmt: Select, predicate: ColumnElement[bool] | None) -> Select:  # type: ignore[type-arg]
    return stmt if predicate is None else stmt.where(predicate)
