"""The tamper-evident audit log: one hash chain per organisation plus a system chain.

Each entry stores `payload`: the canonical JSON text of {sequence, chain, created_at, kind,
actor, nonce, organisations, data}, and `hash` = SHA-256(prev_hash + payload), where prev_hash is
the hash of the entry before it in the same chain. Storing the exact hashed text means
verification never depends on how a database round-trips JSON.

An entry goes to the chain of the organisation that owns the write (the handling
committee's organisation for a screening); entries of no single organisation (API keys,
checkpoints, an import across kommuner) go to the system chain. Appenders lock only their
chain's head row, so screenings in different organisations never wait for each other.
Verification is app.audit.verify; checkpoints over all heads are app.audit.heads.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cache
from typing import Any, Final

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from app.db_types import utcnow
from app.models import AuditChain, AuditEntry, AuditEntryOrganisation, AuditSubject
from app.prepared import PreparedStatement
from app.registry.repository import bulk_insert, table_of

GENESIS_HASH = "0" * 64
_ORGANISATIONS = table_of(AuditEntryOrganisation)
_SUBJECTS = table_of(AuditSubject)
# The system chain: the single chain of old installations continues as this one.
SYSTEM_CHAIN_ID: Final = 1


class _Unset:
    """Marker for "chain not named": the chain follows from the organisations."""


UNSET: Final = _Unset()


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


def entry_data(payload: str) -> dict[str, Any] | None:
    """An entry's `data` object, or None when the payload is not what every writer hashes
    (verification reports such an entry; the checks that read data skip it)."""
    try:
        body = json.loads(payload)
    except ValueError:
        return None
    data = body.get("data") if isinstance(body, dict) else None
    return data if isinstance(data, dict) else None


def hashed_time(value: Any) -> datetime | None:
    """A time as a payload holds it (ISO 8601 text), or None where it is not one: the
    checks compare it with a column, and a malformed one is a difference, not a crash."""
    try:
        return datetime.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


@dataclass(frozen=True, slots=True)
class Actor:
    key_id: int | None
    name: str | None


@dataclass(frozen=True, slots=True)
class PreparedEntry:
    """An entry's content, serialised before its chain head is locked."""

    kind: str
    actor: Actor
    data_json: str
    subjects: tuple[tuple[str, str], ...]
    # Sorted organisation ids the entry belongs to (who may read it), chain's included.
    organisations: tuple[int, ...]
    # The organisation whose chain takes the entry; None: the system chain.
    chain_organisation: int | None
    # 128 random bits in the hashed payload (run O). A chain holds entries that one reader
    # may read and others it may not (a gemensam nämnd's on its host's chain, beside the
    # host's own): the hash of the entry before a hidden one and the prev_hash after it
    # bracket it, and without the nonce they confirmed a guess of it offline. A reader is
    # shown the nonce only of an entry it reads whole (`auditlog.service.entry_view`).
    nonce: str = field(default_factory=lambda: secrets.token_hex(16))


def prepare(
    *,
    kind: str,
    actor: Actor,
    data: dict[str, Any],
    organisations: Iterable[int | None],
    chain_organisation: int | None | _Unset = UNSET,
    subjects: Iterable[tuple[str, str]] = (),
) -> PreparedEntry:
    """Serialise the payload now, so that the chain head is locked only to link the entry.

    `organisations`: ids of the organisations the entry belongs to (None items are
    skipped); a key limited to organisations reads it only through one of them. Empty:
    only unlimited keys read it. `chain_organisation`: whose chain takes it; by default
    the one organisation when there is exactly one, else the system chain.
    """
    orgs = {o for o in organisations if o is not None}
    if isinstance(chain_organisation, _Unset):
        chain_organisation = next(iter(orgs)) if len(orgs) == 1 else None
    if chain_organisation is not None:
        orgs.add(chain_organisation)
    unique_subjects = tuple(sorted({(k, r) for k, r in subjects if r}))
    return PreparedEntry(
        kind, actor, canonical_json(data), unique_subjects, tuple(sorted(orgs)),
        chain_organisation,
    )  # fmt: skip


def payload_text(
    prepared: PreparedEntry, *, chain: int, sequence: int, created_at: datetime
) -> str:
    """canonical_json of the whole entry with the data pre-serialised.

    Keys in sorted order and the same separators as canonical_json, so the text equals
    canonical_json of {actor, chain, created_at, data, kind, nonce, organisations,
    sequence} (a test holds the two together).
    """
    actor = canonical_json({"key_id": prepared.actor.key_id, "name": prepared.actor.name})
    return (
        f'{{"actor":{actor},"chain":{chain},'
        f'"created_at":{canonical_json(created_at.isoformat())},'
        f'"data":{prepared.data_json},"kind":{canonical_json(prepared.kind)},'
        f'"nonce":{canonical_json(prepared.nonce)},'
        f'"organisations":{canonical_json(list(prepared.organisations))},'
        f'"sequence":{sequence}}}'
    )


def _lock_chain(session: Session, organisation_id: int | None) -> AuditChain:
    """The chain's head row, locked (FOR UPDATE on PostgreSQL; on SQLite the session holds
    the write lock from BEGIN IMMEDIATE). An organisation's first entry creates its chain;
    two first entries at once meet on the unique organisation id, and the second waits."""
    if organisation_id is None:
        stmt = select(AuditChain).where(AuditChain.id == SYSTEM_CHAIN_ID)
    else:
        stmt = select(AuditChain).where(AuditChain.organisation_id == organisation_id)
    head = session.scalar(stmt.with_for_update())
    if head is None and organisation_id is not None:
        dialect_insert = (
            postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
        )
        session.execute(
            dialect_insert(AuditChain)
            .values(organisation_id=organisation_id, sequence=0, hash=GENESIS_HASH)
            .on_conflict_do_nothing(index_elements=["organisation_id"])
        )
        head = session.scalar(stmt.with_for_update())
    if head is None:
        raise RuntimeError("audit system chain missing: run the migrations")
    return head


@dataclass(frozen=True, slots=True)
class LockedHead:
    """A chain's head, locked, and the id drawn for the entry that will follow it."""

    chain_id: int
    sequence: int
    hash: str
    entry_id: int


@dataclass(frozen=True, slots=True)
class LinkedEntry:
    """The columns of an entry chained to a locked head (not yet written)."""

    id: int
    chain_id: int
    sequence: int
    created_at: datetime
    payload: str
    prev_hash: str
    hash: str

    @property
    def ref(self) -> dict[str, Any]:
        """What `entry_ref` says about the entry once written."""
        return {"id": self.id, "chain": self.chain_id, "sequence": self.sequence, "hash": self.hash}


_HEAD_COLUMNS = "SELECT id, sequence, hash, nextval(pg_get_serial_sequence('audit_entries', 'id'))"
_ORGANISATION_HEAD = " FROM audit_chains WHERE organisation_id = :organisation FOR UPDATE"
_SYSTEM_HEAD = " FROM audit_chains WHERE id = :chain FOR UPDATE"


@cache
def lock_head_statement(
    system: bool, also: str | None, also_types: tuple[tuple[str, str], ...]
) -> PreparedStatement:
    """The head's lock (prepared once per connection, app/prepared.py), one name per
    variant: system or organisation chain, and which `also` select."""
    columns = _HEAD_COLUMNS + (f", ARRAY({also})" if also else "")
    # One name per statement text and parameter types (two callers of the same `also`
    # with other types would otherwise EXECUTE each other's statement).
    digest = hashlib.sha256(repr((also, also_types)).encode()).hexdigest()[:12]
    variant = digest if also else "only"
    key = ("chain", "bigint") if system else ("organisation", "bigint")
    return PreparedStatement(
        f"javskoll_head_{'system' if system else 'organisation'}_{variant}",
        columns + (_SYSTEM_HEAD if system else _ORGANISATION_HEAD),
        (key, *also_types),
    )


def lock_head(
    session: Session,
    organisation_id: int | None,
    *,
    also: str | None = None,
    also_types: tuple[tuple[str, str], ...] = (),
    params: dict[str, Any] | None = None,
) -> tuple[LockedHead, list[Any] | None]:
    """PostgreSQL: `_lock_chain` in one statement that also draws the entry's id from its
    sequence (so everything the entry's row and its answer say is known before it is
    written). An organisation's first entry creates its chain as `_lock_chain` does.

    `also`: a constant select (with `params`, of `also_types`: name and PostgreSQL type
    of each) whose rows come back as a list in the same round trip (a screening reads its
    entry's organisations so); None when not given."""
    system = organisation_id is None
    stmt = lock_head_statement(system, also, also_types)
    values = {**(params or {}), **({"chain": SYSTEM_CHAIN_ID} if system else {})}
    if not system:
        values["organisation"] = organisation_id
    row = stmt.execute(session, values).first()
    if row is None:
        _lock_chain(session, organisation_id)  # creates it, or raises for the system chain
        row = stmt.execute(session, values).one()
    head = LockedHead(int(row[0]), int(row[1]), str(row[2]), int(row[3]))
    return head, (list(row[4]) if also else None)


def linked_entry(prepared: PreparedEntry, head: LockedHead) -> LinkedEntry:
    """The entry `link` would write after this head: the next sequence, its payload and
    its hash chained to the head's."""
    sequence = head.sequence + 1
    created_at = utcnow()
    payload = payload_text(prepared, chain=head.chain_id, sequence=sequence, created_at=created_at)
    digest = entry_hash(head.hash, payload)
    return LinkedEntry(
        head.entry_id, head.chain_id, sequence, created_at, payload, head.hash, digest
    )


def link(session: Session, prepared: PreparedEntry) -> AuditEntry:
    """Lock the entry's chain head, chain the entry to it and move the head; the caller
    commits next, so the entry is in the same transaction as the write it records.

    Callers write their own rows first and call this last, so the lock is held only for
    these few statements and the commit.
    """
    head = _lock_chain(session, prepared.chain_organisation)
    sequence = head.sequence + 1
    created_at = utcnow()
    text = payload_text(prepared, chain=head.id, sequence=sequence, created_at=created_at)
    digest = entry_hash(head.hash, text)
    entry = AuditEntry(
        chain_id=head.id,
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
    # One bulk insert each (Core executemany, COPY on PostgreSQL for large ones), not one
    # INSERT ... RETURNING per row: an append costs the same for 3 subjects or 300, and an
    # import's 50,000 subjects do not go through the ORM's bulk path (1 s of CPU).
    bulk_insert(
        session,
        _ORGANISATIONS,
        [{"entry_id": entry.id, "organisation_id": o} for o in prepared.organisations],
    )
    bulk_insert(
        session,
        _SUBJECTS,
        [
            {"entry_id": entry.id, "subject_kind": kind, "subject_ref": ref}
            for kind, ref in prepared.subjects
        ],
    )
    head.sequence = sequence
    head.hash = digest
    session.flush()
    return entry


def link_many(session: Session, prepared: Sequence[PreparedEntry]) -> list[AuditEntry]:
    """`link` for several entries, in order: each chain head is locked once, the entries
    are inserted together (one batched INSERT), then their organisations and subjects (one
    executemany each), and each head moves once. The entries are the ones `link` would
    write one by one (the same sequences, prev_hash chaining and payloads)."""
    heads: dict[int | None, AuditChain] = {}
    entries: list[AuditEntry] = []
    for p in prepared:
        head = heads.get(p.chain_organisation)
        if head is None:
            head = heads[p.chain_organisation] = _lock_chain(session, p.chain_organisation)
        sequence = head.sequence + 1
        created_at = utcnow()
        text = payload_text(p, chain=head.id, sequence=sequence, created_at=created_at)
        digest = entry_hash(head.hash, text)
        entries.append(
            AuditEntry(
                chain_id=head.id,
                sequence=sequence,
                created_at=created_at,
                kind=p.kind,
                actor_key_id=p.actor.key_id,
                actor_name=p.actor.name,
                payload=text,
                prev_hash=head.hash,
                hash=digest,
            )
        )
        head.sequence = sequence
        head.hash = digest
    session.add_all(entries)
    session.flush()
    organisations = [
        {"entry_id": e.id, "organisation_id": o}
        for p, e in zip(prepared, entries, strict=True)
        for o in p.organisations
    ]
    bulk_insert(session, _ORGANISATIONS, organisations)
    subjects = [
        {"entry_id": e.id, "subject_kind": kind, "subject_ref": ref}
        for p, e in zip(prepared, entries, strict=True)
        for kind, ref in p.subjects
    ]
    bulk_insert(session, _SUBJECTS, subjects)
    return entries


def append(
    session: Session,
    *,
    kind: str,
    actor: Actor,
    data: dict[str, Any],
    organisations: Iterable[int | None],
    chain_organisation: int | None | _Unset = UNSET,
    subjects: Iterable[tuple[str, str]] = (),
) -> AuditEntry:
    """Append one entry in the caller's transaction; the caller commits."""
    prepared = prepare(
        kind=kind, actor=actor, data=data, organisations=organisations,
        chain_organisation=chain_organisation, subjects=subjects,
    )  # fmt: skip
    return link(session, prepared)


def entry_ref(entry: AuditEntry) -> dict[str, Any]:
    """What an answer says about its audit entry: the entry's id (GET /v1/audit/{id}), its
    chain, its sequence in the chain and its hash."""
    return {"id": entry.id, "chain": entry.chain_id, "sequence": entry.sequence, "hash": entry.hash}
