"""Idempotency records: claim a key in its own short transaction, store or release it after.

A record's `status_code` tells its state:
- NULL: claimed, the request is in flight and has committed nothing yet;
- 0 (COMMITTED): the request's own transaction committed, in the same transaction that
  set this marker (see `mark_committed`), and its answer is not stored yet;
- an HTTP status: the finished answer, replayed for the same key and body.

Claims are taken with a plain INSERT against the unique (api_key_id, idempotency_key)
constraint, so two racing requests cannot both win, on PostgreSQL or SQLite. A claim
still NULL after the in-flight timeout may be taken over: nothing of it was committed,
and if its request is in fact still running, its commit fails on the marker (the claim
time no longer matches), so the work is never done twice.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from sqlalchemy import delete, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.db_types import utcnow
from app.models import ApiKey, IdempotencyRecord

logger = logging.getLogger(__name__)

CLAIM_ATTEMPTS = 3
COMMITTED = 0


@dataclass(frozen=True, slots=True)
class Claim:
    """We own the key: run the request, then `complete` or `release` with these values."""

    record_id: int
    claimed_at: datetime


@dataclass(frozen=True, slots=True)
class Stored:
    status_code: int
    body: str
    headers: dict[str, str]


Outcome = Claim | Stored | Literal["mismatch", "in_flight", "answer_lost"]


def api_key_id(session: Session, key_hash: str) -> int | None:
    """The id of a live (not revoked) key with this hash."""
    return session.scalar(
        select(ApiKey.id).where(ApiKey.key_hash == key_hash, ApiKey.revoked_at.is_(None))
    )


def claim(
    session: Session,
    *,
    key_id: int,
    key: str,
    method: str,
    path: str,
    request_hash: str,
    ttl: timedelta,
    in_flight_timeout: timedelta,
) -> Outcome:
    """Claim `key` for this request, or say what already holds it. Commits on its own."""
    for _ in range(CLAIM_ATTEMPTS):
        now = utcnow()
        record = IdempotencyRecord(
            api_key_id=key_id,
            idempotency_key=key,
            method=method,
            path=path[:1000],
            request_hash=request_hash,
            created_at=now,
        )
        session.add(record)
        try:
            session.commit()
            return Claim(record.id, now)
        except IntegrityError:
            session.rollback()
        existing = session.scalar(
            select(IdempotencyRecord).where(
                IdempotencyRecord.api_key_id == key_id,
                IdempotencyRecord.idempotency_key == key,
            )
        )
        session.commit()
        if existing is None:  # released between our INSERT and SELECT: try again
            continue
        expired = existing.created_at < now - ttl
        abandoned = existing.status_code is None and existing.created_at < now - in_flight_timeout
        if expired or abandoned:
            taken = _take_over(session, existing, method, path, request_hash, now)
            if taken is not None:
                if abandoned:
                    logger.warning("idempotency_claim_abandoned", extra={"record": existing.id})
                return taken
            continue
        if existing.request_hash != request_hash:
            return "mismatch"
        if existing.status_code is None:
            return "in_flight"
        if existing.status_code == COMMITTED:
            # Done, but the answer was not stored: in a moment it will be, unless the
            # process died between its commit and storing the answer.
            lost = existing.created_at < now - in_flight_timeout
            return "answer_lost" if lost else "in_flight"
        return Stored(
            existing.status_code, existing.response_body or "", existing.response_headers or {}
        )
    return "in_flight"


def _take_over(
    session: Session,
    existing: IdempotencyRecord,
    method: str,
    path: str,
    request_hash: str,
    now: datetime,
) -> Claim | None:
    """Re-claim an expired record or an abandoned claim; only one racer can win.

    The UPDATE matches the `created_at` we read: a competing take-over changes it, so
    the loser's UPDATE finds no row (PostgreSQL re-checks the WHERE after the wait).
    """
    result = session.execute(
        update(IdempotencyRecord)
        .where(
            IdempotencyRecord.id == existing.id,
            IdempotencyRecord.created_at == existing.created_at,
        )
        .values(
            method=method,
            path=path[:1000],
            request_hash=request_hash,
            status_code=None,
            response_body=None,
            response_headers=None,
            created_at=now,
        )
        .execution_options(synchronize_session=False)
    )
    session.commit()
    return Claim(existing.id, now) if result.rowcount == 1 else None  # type: ignore[attr-defined]


def mark_committed(session: Session, claim_: Claim) -> bool:
    """In the request's own transaction, just before it commits: the work is done.

    False if the claim is no longer ours (taken over as abandoned): the caller must then
    abort its commit, since the request that took over runs the same work.
    """
    result = session.execute(
        update(IdempotencyRecord)
        .where(
            IdempotencyRecord.id == claim_.record_id,
            IdempotencyRecord.created_at == claim_.claimed_at,
            IdempotencyRecord.status_code.is_(None),
        )
        .values(status_code=COMMITTED)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1  # type: ignore[attr-defined,no-any-return]


def complete(
    session: Session, claim_: Claim, *, status_code: int, body: str, headers: dict[str, str]
) -> bool:
    """Store the final response on our claim; False if the claim was taken over meanwhile."""
    result = session.execute(
        update(IdempotencyRecord)
        .where(
            IdempotencyRecord.id == claim_.record_id,
            IdempotencyRecord.created_at == claim_.claimed_at,
            or_(
                IdempotencyRecord.status_code.is_(None),
                IdempotencyRecord.status_code == COMMITTED,
            ),
        )
        .values(status_code=status_code, response_body=body, response_headers=headers)
        .execution_options(synchronize_session=False)
    )
    session.commit()
    return result.rowcount == 1  # type: ignore[attr-defined,no-any-return]


def release(session: Session, claim_: Claim) -> None:
    """Give the key back (the request failed in a way worth retrying).

    Only a claim that committed nothing is deleted: once the work is committed, a retry
    must not run it again, whatever the answer was.
    """
    session.execute(
        delete(IdempotencyRecord)
        .where(
            IdempotencyRecord.id == claim_.record_id,
            IdempotencyRecord.created_at == claim_.claimed_at,
            IdempotencyRecord.status_code.is_(None),
        )
        .execution_options(synchronize_session=False)
    )
    session.commit()


def purge(session: Session, *, ttl: timedelta) -> int:
    """Delete records older than the retention; returns how many went."""
    result = session.execute(
        delete(IdempotencyRecord)
        .where(IdempotencyRecord.created_at < utcnow() - ttl)
        .execution_options(synchronize_session=False)
    )
    session.commit()
    return result.rowcount or 0  # type: ignore[attr-defined]
