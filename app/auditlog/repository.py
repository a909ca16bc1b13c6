"""Audit log selects."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, exists, func, select
from sqlalchemy.orm import Session

from app.models import (
    AuditChain,
    AuditEntry,
    AuditEntryOrganisation,
    AuditSubject,
    Case,
    Committee,
    Organisation,
    Person,
)
from app.security import scope_sets, scoping
from app.security.deps import Principal


@dataclass(frozen=True, slots=True)
class AuditFilters:
    kinds: tuple[str, ...] = ()
    created_from: datetime | None = None
    created_before: datetime | None = None  # exclusive
    case: str | None = None
    person: str | None = None
    committee: str | None = None
    organisation: str | None = None
    chain: int | None = None

    def subjects(self) -> list[tuple[str, str]]:
        named = (
            ("case", self.case),
            ("person", self.person),
            ("committee", self.committee),
            ("organisation", self.organisation),
        )
        return [(kind, ref) for kind, ref in named if ref is not None]


def _has_subject(kind: str, ref: str) -> Select[int]:
    return select(AuditSubject.entry_id).where(
        and_(AuditSubject.subject_kind == kind, AuditSubject.subject_ref == ref)
    )


def _readable(principal: Principal, kind: str, ref: str) -> ColumnElement[bool] | None:
    """For a limited key, a filter on a subject it may not read (for an organisation: that
    is not its own) matches nothing, as one on a ref nobody has: an entry in its scope may
    name another kommun's objects among its subjects (an import's parts), and a count by
    them told that they exist (before run N; the parts themselves were redacted)."""
    if not principal.scoped:
        return None
    model: Any
    if kind == "organisation":
        # Its own organisations only: a shared company is read by every kommun, and an
        # import part of another kommun's that names it is hidden from this reader, but
        # matched by the filter it told that such a part exists (a fourth review, run N).
        model, predicate = Organisation, scoping.own_organisation_predicate(principal)
    elif kind == "committee":
        model, predicate = Committee, scoping.committee_predicate(principal)
    elif kind == "person":
        model = Person
        predicate = scoping.person_id_predicate(principal, Person.__table__.c.id)
    else:
        model = Case
        predicate = scoping.committee_id_predicate(principal, Case.__table__.c.committee_id)
    assert predicate is not None  # noqa: S101 - scoped principal
    return exists(select(model.id).where(model.ref == ref, predicate))


def entries_query(principal: Principal, filters: AuditFilters) -> Select[AuditEntry]:
    """Entries in the key's scope (organisations fixed at write time), filtered, in the
    order they were written (entry id; each chain's sequence follows it)."""
    stmt = select(AuditEntry)
    if filters.kinds:
        stmt = stmt.where(AuditEntry.kind.in_(filters.kinds))
    if filters.created_from is not None:
        stmt = stmt.where(AuditEntry.created_at >= filters.created_from)
    if filters.created_before is not None:
        stmt = stmt.where(AuditEntry.created_at < filters.created_before)
    if filters.chain is not None:
        stmt = stmt.where(AuditEntry.chain_id == filters.chain)
    for kind, ref in filters.subjects():
        stmt = stmt.where(AuditEntry.id.in_(_has_subject(kind, ref)))
        readable = _readable(principal, kind, ref)
        if readable is not None:
            stmt = stmt.where(readable)
    stmt = scoping.apply(stmt, scoping.audit_entry_predicate(principal, AuditEntry.__table__.c.id))
    return stmt.order_by(AuditEntry.id)


def visible_organisations(session: Session, principal: Principal) -> dict[int, datetime] | None:
    """Organisation ids the key reads entries of, each with its creation time (it reads
    entries written since); None for an unlimited key."""
    if not principal.scoped:
        return None
    rows = session.execute(
        select(Organisation.id, Organisation.created_at).where(
            Organisation.id.in_(scope_sets.visible_organisation_ids(principal))
        )
    )
    return {organisation_id: created for organisation_id, created in rows}


def count_visible(session: Session, principal: Principal) -> int:
    stmt = entries_query(principal, AuditFilters()).order_by(None)
    return session.scalar(select(func.count()).select_from(stmt.subquery())) or 0


def subjects_by_entry(
    session: Session, entry_ids: Sequence[int]
) -> dict[int, list[tuple[str, str]]]:
    found: dict[int, list[tuple[str, str]]] = defaultdict(list)
    if not entry_ids:
        return found
    rows = session.execute(
        select(AuditSubject.entry_id, AuditSubject.subject_kind, AuditSubject.subject_ref)
        .where(AuditSubject.entry_id.in_(entry_ids))
        .order_by(AuditSubject.entry_id, AuditSubject.subject_kind, AuditSubject.subject_ref)
    )
    for entry_id, kind, ref in rows:
        found[entry_id].append((kind, ref))
    return found


def organisations_by_entry(session: Session, entry_ids: Sequence[int]) -> dict[int, list[int]]:
    found: dict[int, list[int]] = defaultdict(list)
    if not entry_ids:
        return found
    rows = session.execute(
        select(AuditEntryOrganisation.entry_id, AuditEntryOrganisation.organisation_id)
        .where(AuditEntryOrganisation.entry_id.in_(entry_ids))
        .order_by(AuditEntryOrganisation.entry_id, AuditEntryOrganisation.organisation_id)
    )
    for entry_id, organisation_id in rows:
        found[entry_id].append(organisation_id)
    return found


def chains_without_organisation(session: Session, chain_ids: set[int]) -> set[int]:
    """Of these chains, those of no organisation (the system chain)."""
    if not chain_ids:
        return set()
    stmt = select(AuditChain.id).where(
        AuditChain.id.in_(sorted(chain_ids)), AuditChain.organisation_id.is_(None)
    )
    return set(session.scalars(stmt))
