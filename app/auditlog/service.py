"""Listing audit entries for auditors, limited to what the key may read (issue 9.4)."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy.orm import Session

from app.audit.chain import canonical_json
from app.audit.parts import redact
from app.auditlog import repository
from app.auditlog.repository import AuditFilters
from app.auditlog.schemas import AuditEntryOut, AuditPage
from app.errors import NotFound, query_error
from app.models import AuditEntry
from app.pagination import PageParams, paginate
from app.security.deps import Principal

# Beyond any id a database hands out; a larger path id is simply not found (issue 9.7).
MAX_ENTRY_ID = 2**63 - 1


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
    except (ValueError, OverflowError):
        raise query_error(parameter, "use YYYY-MM-DD or an ISO 8601 datetime") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    try:
        return moment + timedelta(microseconds=1) if end else moment
    except OverflowError:
        raise query_error(parameter, "the date is out of range") from None


def check_period(filters: AuditFilters) -> None:
    if (
        filters.created_from is not None
        and filters.created_before is not None
        and filters.created_before <= filters.created_from
    ):
        raise query_error("to", "the period ends before it starts", "period_reversed")


def entry_view(
    entry: AuditEntry,
    organisations: list[int],
    subjects: list[tuple[str, str]],
    readers: dict[int, datetime] | None,
) -> dict[str, Any]:
    """The entry as this reader may see it: parts of other organisations removed (and the
    subjects and organisation ids that only those parts named)."""
    visible = (
        None
        if readers is None
        else {o for o, created in readers.items() if created <= entry.created_at}
    )
    payload = json.loads(entry.payload)
    data, redacted = redact(payload.get("data"), visible)
    shown_orgs = organisations if visible is None else sorted(visible.intersection(organisations))
    if redacted:
        shown_text = canonical_json(data)
        # Without its nonce (app/audit/chain.py) the entry's hash confirms no guess of
        # the parts removed; its hash is withheld too (`_withhold_hashes_of_redacted`).
        payload = {k: v for k, v in payload.items() if k != "nonce"}
        payload = {**payload, "data": data, "organisations": shown_orgs}
        subjects = [(k, r) for k, r in subjects if canonical_json(r) in shown_text]
    return {
        "id": entry.id,
        "chain": entry.chain_id,
        "sequence": entry.sequence,
        "created_at": entry.created_at,
        "kind": entry.kind,
        "actor": {"key_id": entry.actor_key_id, "name": entry.actor_name},
        "organisations": shown_orgs,
        "payload": payload,
        "redacted": redacted,
        "prev_hash": entry.prev_hash,
        "hash": entry.hash,
        "subjects": [{"kind": k, "ref": r} for k, r in subjects],
    }


def entry_views(
    session: Session, entries: list[AuditEntry], readers: dict[int, datetime] | None
) -> list[dict[str, Any]]:
    ids = [e.id for e in entries]
    subjects = repository.subjects_by_entry(session, ids)
    organisations = repository.organisations_by_entry(session, ids)
    views = [
        entry_view(e, organisations.get(e.id, []), subjects.get(e.id, []), readers) for e in entries
    ]
    if readers is not None:
        _withhold_hashes_of_redacted(session, entries, views, readers)
    return views


def _withhold_hashes_of_redacted(
    session: Session,
    entries: list[AuditEntry],
    views: list[dict[str, Any]],
    readers: dict[int, datetime],
) -> None:
    """A limited reader is shown no hash on the system chain, where the entries of several
    organisations go (an import's, with parts the reader may not see): a hash is over the
    whole payload, so beside the shown parts it confirmed guesses of hidden ones, and so
    did any later hash of the chain, which covers it (a review of run N: another kommun's
    company found among 72 guesses). An organisation's own chain holds only that
    organisation's entries, whole, and keeps its hashes. Verifying the system chain is for
    an unlimited key (`GET /v1/audit/verify` still checks every entry)."""
    shared = repository.chains_without_organisation(session, {e.chain_id for e in entries})
    for entry, view in zip(entries, views, strict=True):
        if view["redacted"] or entry.chain_id in shared:
            view["hash"] = None
            view["prev_hash"] = None


def _out(view: dict[str, Any]) -> AuditEntryOut:
    return AuditEntryOut.model_validate(view)


def list_entries(
    session: Session, principal: Principal, *, filters: AuditFilters, page: PageParams
) -> AuditPage:
    """Entries in the order written, filtered and limited to the key's scope."""
    check_period(filters)
    entries: list[AuditEntry]
    entries, total = paginate(session, repository.entries_query(principal, filters), page)
    visible = repository.visible_organisations(session, principal)
    items = [_out(v) for v in entry_views(session, entries, visible)]
    return AuditPage(items=items, total=total, limit=page.limit, offset=page.offset)


def get_entry(session: Session, principal: Principal, entry_id: int) -> AuditEntryOut:
    """One entry by id; 404 when it does not exist or is outside the key's scope."""
    if not 0 < entry_id <= MAX_ENTRY_ID:
        raise NotFound(f"no audit entry {entry_id}")
    stmt = repository.entries_query(principal, AuditFilters()).where(AuditEntry.id == entry_id)
    entry = session.scalars(stmt).first()
    if entry is None:
        raise NotFound(f"no audit entry {entry_id}")
    visible = repository.visible_organisations(session, principal)
    return _out(entry_views(session, [entry], visible)[0])
