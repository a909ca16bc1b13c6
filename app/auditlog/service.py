"""Listing audit entries for auditors and verifying the chain."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy.orm import Session

from app.audit import chain
from app.auditlog import repository
from app.auditlog.repository import AuditFilters
from app.auditlog.schemas import AuditActor, AuditEntryOut, AuditPage, AuditSubjectOut, VerifyOut
from app.errors import NotFound, query_error
from app.models import AuditEntry
from app.pagination import PageParams, paginate
from app.security.deps import Principal


def parse_instant(parameter: str, value: str | None, *, end: bool) -> datetime | None:
    """A `from`/`to` bound: a date (whole day, UTC) or an ISO datetime (naive = UTC).

    Returns the inclusive lower bound, or for `end` the exclusive upper bound.
    """
    if value is None:
        return None
    try:
        if len(value) == len("YYYY-MM-DD"):
            day = date.fromisoformat(value)
            start = datetime.combine(day, time.min, tzinfo=UTC)
            return start + timedelta(days=1) if end else start
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise query_error(parameter, "use YYYY-MM-DD or an ISO 8601 datetime") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment + timedelta(microseconds=1) if end else moment


def _entry_out(entry: AuditEntry, subjects: list[tuple[str, str]]) -> AuditEntryOut:
    return AuditEntryOut(
        sequence=entry.sequence,
        created_at=entry.created_at,
        kind=entry.kind,
        actor=AuditActor(key_id=entry.actor_key_id, name=entry.actor_name),
        payload=json.loads(entry.payload),
        prev_hash=entry.prev_hash,
        hash=entry.hash,
        subjects=[AuditSubjectOut(kind=k, ref=r) for k, r in subjects],
    )


def list_entries(
    session: Session, principal: Principal, *, filters: AuditFilters, page: PageParams
) -> AuditPage:
    """Entries in sequence order, filtered and limited to the key's scope."""
    if (
        filters.created_from is not None
        and filters.created_before is not None
        and filters.created_before <= filters.created_from
    ):
        raise query_error("to", "the period ends before it starts", "period_reversed")
    entries: list[AuditEntry]
    entries, total = paginate(session, repository.entries_query(principal, filters), page)
    subjects = repository.subjects_by_sequence(session, [e.sequence for e in entries])
    items = [_entry_out(e, subjects.get(e.sequence, [])) for e in entries]
    return AuditPage(items=items, total=total, limit=page.limit, offset=page.offset)


def get_entry(session: Session, principal: Principal, sequence: int) -> AuditEntryOut:
    """One entry by sequence; 404 when it does not exist or is out of the key's scope."""
    stmt = repository.entries_query(principal, AuditFilters()).where(
        AuditEntry.sequence == sequence
    )
    entry = session.scalars(stmt).first()
    if entry is None:
        raise NotFound(f"no audit entry {sequence}")
    subjects = repository.subjects_by_sequence(session, [sequence])
    return _entry_out(entry, subjects.get(sequence, []))


def verify(session: Session) -> VerifyOut:
    """Recompute the whole chain (app.audit.chain.verify)."""
    return VerifyOut.model_validate(chain.verify(session).as_dict())
