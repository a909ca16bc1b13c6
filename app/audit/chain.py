"""The tamper-evident audit chain: append under a lock on the chain head, verify end to end.

Each entry stores `payload`: the canonical JSON text of {sequence, created_at, kind,
actor, data}, and `hash` = SHA-256(prev_hash + payload). Storing the exact hashed text
means verification never depends on how a database round-trips JSON.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from app.db_types import utcnow
from app.models import AuditEntry, AuditHead, AuditSubject
from app.screening.facts_integrity import check_screening_facts

GENESIS_HASH = "0" * 64
HEAD_ID = 1
VERIFY_BATCH = 1000


def _json_default(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, set | frozenset):
        return sorted(value)
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def canonical_json(value: Any) -> str:
    return json.dumps(
        value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=_json_default
    )


def entry_hash(prev_hash: str, payload_text: str) -> str:
    return hashlib.sha256((prev_hash + payload_text).encode("utf-8")).hexdigest()


@dataclass(frozen=True, slots=True)
class Actor:
    key_id: int | None
    name: str | None


def _lock_head(session: Session) -> AuditHead:
    # FOR UPDATE serialises appenders on PostgreSQL; on SQLite the session already holds
    # the write lock from BEGIN IMMEDIATE (see app.db), and FOR UPDATE is a no-op.
    head = session.scalar(select(AuditHead).where(AuditHead.id == HEAD_ID).with_for_update())
    if head is None:
        raise RuntimeError("audit head row missing: run the migrations")
    return head


@dataclass(frozen=True, slots=True)
class PreparedEntry:
    """An entry's content, serialised before the chain head is locked."""

    kind: str
    actor: Actor
    data_json: str
    subjects: tuple[tuple[str, str], ...]


def prepare(
    *, kind: str, actor: Actor, data: dict[str, Any], subjects: Iterable[tuple[str, str]] = ()
) -> PreparedEntry:
    """Serialise the payload now, so that the head lock is held only to link the entry."""
    unique_subjects = tuple(sorted({(k, r) for k, r in subjects if r}))
    return PreparedEntry(kind, actor, canonical_json(data), unique_subjects)


def payload_text(prepared: PreparedEntry, sequence: int, created_at: datetime) -> str:
    """canonical_json({actor, created_at, data, kind, sequence}) with the data pre-serialised.

    Keys in sorted order and the same separators as canonical_json, so the text equals
    canonical_json of the whole entry (a test holds the two together).
    """
    actor = canonical_json({"key_id": prepared.actor.key_id, "name": prepared.actor.name})
    return (
        f'{{"actor":{actor},"created_at":{canonical_json(created_at.isoformat())},'
        f'"data":{prepared.data_json},"kind":{canonical_json(prepared.kind)},'
        f'"sequence":{sequence}}}'
    )


def link(session: Session, prepared: PreparedEntry) -> AuditEntry:
    """Lock the head, chain the entry to it and move the head; the caller commits next.

    Callers write their own rows first and call this last, so the lock is held only for
    these few statements and the commit.
    """
    head = _lock_head(session)
    sequence = head.sequence + 1
    created_at = utcnow()
    text = payload_text(prepared, sequence, created_at)
    digest = entry_hash(head.hash, text)
    entry = AuditEntry(
        sequence=sequence,
        created_at=created_at,
        kind=prepared.kind,
        actor_key_id=prepared.actor.key_id,
        actor_name=prepared.actor.name,
        payload=text,
        prev_hash=head.hash,
        hash=digest,
    )
    session.add(entry)
    session.flush()
    if prepared.subjects:
        # One executemany, not one INSERT ... RETURNING per subject (which SQLite gets for a
        # BigInteger-with-variant key): an append costs the same for 3 subjects or 300.
        rows = [
            {"sequence": sequence, "subject_kind": subject_kind, "subject_ref": ref}
            for subject_kind, ref in prepared.subjects
        ]
        session.execute(insert(AuditSubject), rows)
    head.sequence = sequence
    head.hash = digest
    session.flush()
    return entry


def append(
    session: Session,
    *,
    kind: str,
    actor: Actor,
    data: dict[str, Any],
    subjects: Iterable[tuple[str, str]] = (),
) -> AuditEntry:
    """Append one entry in the caller's transaction; the caller commits."""
    return link(session, prepare(kind=kind, actor=actor, data=data, subjects=subjects))


@dataclass(frozen=True, slots=True)
class VerifyResult:
    ok: bool
    entries: int
    head_sequence: int
    first_broken_sequence: int | None = None
    reason: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "entries": self.entries,
            "head_sequence": self.head_sequence,
            "first_broken_sequence": self.first_broken_sequence,
            "reason": self.reason,
        }


def _entries(session: Session) -> Iterator[AuditEntry]:
    last = 0
    while True:
        batch = session.scalars(
            select(AuditEntry)
            .where(AuditEntry.sequence > last)
            .order_by(AuditEntry.sequence)
            .limit(VERIFY_BATCH)
        ).all()
        if not batch:
            return
        yield from batch
        last = batch[-1].sequence
        session.expunge_all()


def _check_entry(entry: AuditEntry, expected_seq: int, prev_hash: str) -> str | None:
    if entry.sequence != expected_seq:
        return f"sequence {expected_seq} is missing (next stored entry is {entry.sequence})"
    if entry.prev_hash != prev_hash:
        return "prev_hash does not match the hash of the entry before"
    if entry_hash(prev_hash, entry.payload) != entry.hash:
        return "hash does not match the entry's content"
    try:
        body = json.loads(entry.payload)
    except ValueError:
        return "payload is not valid JSON"
    if body.get("sequence") != entry.sequence or body.get("kind") != entry.kind:
        return "entry columns do not match the hashed payload (moved or swapped entry)"
    # The columns readers filter and display by must say what was hashed.
    actor = body.get("actor") or {}
    if (
        actor.get("key_id") != entry.actor_key_id
        or actor.get("name") != entry.actor_name
        or _parse_time(body.get("created_at")) != entry.created_at
    ):
        return "entry columns do not match the hashed payload (actor or time changed)"
    return None


def _parse_time(value: Any) -> datetime | None:
    try:
        return datetime.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


def verify(session: Session) -> VerifyResult:
    """Recompute the whole chain; report the first sequence that breaks it."""
    head = session.get(AuditHead, HEAD_ID)
    head_sequence = head.sequence if head else 0
    prev_hash, expected, count = GENESIS_HASH, 1, 0
    for entry in _entries(session):
        problem = _check_entry(entry, expected, prev_hash)
        if problem:
            return VerifyResult(False, count, head_sequence, expected, problem)
        prev_hash, expected, count = entry.hash, expected + 1, count + 1
    if head is not None and (head.sequence != expected - 1 or head.hash != prev_hash):
        return VerifyResult(
            False, count, head_sequence, expected, "the chain ends before the recorded head"
        )
    # The chain holds, so each screening entry's facts_hash is what was written: check the
    # stored facts against it (app/screening/facts_integrity.py names a tampered row).
    facts = check_screening_facts(session)
    if facts is not None:
        return VerifyResult(False, count, head_sequence, facts.sequence, facts.reason)
    return VerifyResult(True, count, head_sequence)
