"""Audit log selects."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, and_, select
from sqlalchemy.orm import Session

from app.models import AuditEntry, AuditSubject
from app.security import scoping
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

    def subjects(self) -> list[tuple[str, str]]:
        named = (
            ("case", self.case),
            ("person", self.person),
            ("committee", self.committee),
            ("organisation", self.organisation),
        )
        return [(kind, ref) for kind, ref in named if ref is not None]


def _has_subject(kind: str, ref: str) -> Select[int]:
    return select(AuditSubject.sequence).where(
        and_(AuditSubject.subject_kind == kind, AuditSubject.subject_ref == ref)
    )


def entries_query(principal: Principal, filters: AuditFilters) -> Select[AuditEntry]:
    stmt = select(AuditEntry)
    if filters.kinds:
        stmt = stmt.where(AuditEntry.kind.in_(filters.kinds))
    if filters.created_from is not None:
        stmt = stmt.where(AuditEntry.created_at >= filters.created_from)
    if filters.created_before is not None:
        stmt = stmt.where(AuditEntry.created_at < filters.created_before)
    for kind, ref in filters.subjects():
        stmt = stmt.where(AuditEntry.sequence.in_(_has_subject(kind, ref)))
    stmt = scoping.apply(
        stmt, scoping.audit_sequence_predicate(principal, AuditEntry.__table__.c.sequence)
    )
    return stmt.order_by(AuditEntry.sequence)


def subjects_by_sequence(
    session: Session, sequences: Sequence[int]
) -> dict[int, list[tuple[str, str]]]:
    found: dict[int, list[tuple[str, str]]] = defaultdict(list)
    if not sequences:
        return found
    rows = session.execute(
        select(AuditSubject.sequence, AuditSubject.subject_kind, AuditSubject.subject_ref)
        .where(AuditSubject.sequence.in_(sequences))
        .order_by(AuditSubject.sequence, AuditSubject.subject_kind, AuditSubject.subject_ref)
    )
    for sequence, kind, ref in rows:
        found[sequence].append((kind, ref))
    return found
