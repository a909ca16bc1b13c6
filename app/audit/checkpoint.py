"""Checkpoints: a system-chain entry recording every chain's head, so that verification
covers the chains together (a chain deleted whole, or rewritten with its head row, no
longer agrees with the checkpoints taken after its entries) and one digest stands for the
state of the whole log (`javskoll audit head` prints the same digest to keep elsewhere).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from app.audit import chain
from app.audit.chain import GENESIS_HASH, SYSTEM_CHAIN_ID, canonical_json
from app.models import AuditChain, AuditEntry

KIND = "audit.checkpoint"
LOOKUP_BATCH = 300
ACTOR = chain.Actor(None, "system:checkpoint")


class HeadLike(Protocol):
    @property
    def id(self) -> int: ...
    @property
    def organisation(self) -> int | None: ...
    @property
    def sequence(self) -> int: ...
    @property
    def hash(self) -> str: ...


@dataclass(frozen=True, slots=True)
class Problem:
    chain: int
    organisation: int | None
    sequence: int
    reason: str


def heads_digest(heads: dict[str, dict[str, Any]]) -> str:
    """SHA-256 of canonical_json({chain id: {"sequence", "hash"}}) over every chain."""
    compact = {c: {"sequence": h["sequence"], "hash": h["hash"]} for c, h in heads.items()}
    return hashlib.sha256(canonical_json(compact).encode("utf-8")).hexdigest()


def current_heads(session: Session) -> dict[str, dict[str, Any]]:
    """Every chain's head as committed: {chain id: {"organisation", "sequence", "hash"}}."""
    rows = session.scalars(select(AuditChain).order_by(AuditChain.id))
    return {
        str(c.id): {"organisation": c.organisation_id, "sequence": c.sequence, "hash": c.hash}
        for c in rows
    }


def recorded_heads(payload: str) -> tuple[dict[str, dict[str, Any]], Any] | None:
    """The heads and digest a checkpoint's payload records, or None when they are not in
    the shape `write_checkpoint` writes ({chain id: {"sequence": int, "hash": str, ...}})."""
    data = chain.entry_data(payload)
    heads = data.get("heads") if data is not None else None
    if data is None or not isinstance(heads, dict):
        return None
    for key, head in heads.items():
        if not (
            isinstance(key, str)
            and key.isdecimal()
            and isinstance(head, dict)
            and type(head.get("sequence")) is int
            and isinstance(head.get("hash"), str)
        ):
            return None
    return heads, data.get("digest")


def _last_checkpoint(session: Session) -> AuditEntry | None:
    return session.scalars(
        select(AuditEntry)
        .where(AuditEntry.chain_id == SYSTEM_CHAIN_ID, AuditEntry.kind == KIND)
        .order_by(AuditEntry.sequence.desc())
        .limit(1)
    ).first()


def write_checkpoint(session: Session, *, force: bool = False) -> AuditEntry | None:
    """Append a checkpoint over all heads, unless nothing moved since the last one.

    The heads are read as committed before the system chain is locked: each recorded
    head is an entry that exists, which is all a checkpoint claims. The caller commits.
    """
    heads = current_heads(session)
    last = _last_checkpoint(session)
    found = recorded_heads(last.payload) if last is not None else None
    if last is not None and found is not None and not force:
        recorded = found[0]
        system = heads.get(str(SYSTEM_CHAIN_ID), {})
        others_same = all(
            recorded.get(c) == h for c, h in heads.items() if c != str(SYSTEM_CHAIN_ID)
        )
        if others_same and system.get("sequence") == last.sequence:
            return None
    data = {"heads": heads, "digest": heads_digest(heads)}
    return chain.append(
        session, kind=KIND, actor=ACTOR, data=data, organisations=(), chain_organisation=None
    )


def _checkpoints(session: Session, until: int | None) -> Iterator[AuditEntry]:
    last = 0
    while True:
        stmt = (
            select(AuditEntry)
            .where(
                AuditEntry.chain_id == SYSTEM_CHAIN_ID,
                AuditEntry.kind == KIND,
                AuditEntry.sequence > last,
            )
            .order_by(AuditEntry.sequence)
            .limit(100)
        )
        if until is not None:
            stmt = stmt.where(AuditEntry.sequence <= until)
        batch = session.scalars(stmt).all()
        if not batch:
            return
        yield from batch
        last = batch[-1].sequence
        session.expunge_all()


def _stored_hashes(
    session: Session, claims: Sequence[tuple[int, int]]
) -> dict[tuple[int, int], str]:
    found: dict[tuple[int, int], str] = {}
    for start in range(0, len(claims), LOOKUP_BATCH):
        part = claims[start : start + LOOKUP_BATCH]
        rows = session.execute(
            select(AuditEntry.chain_id, AuditEntry.sequence, AuditEntry.hash).where(
                or_(*(and_(AuditEntry.chain_id == c, AuditEntry.sequence == s) for c, s in part))
            )
        )
        for chain_id, sequence, digest in rows:
            found[(chain_id, sequence)] = digest
    return found


def check_claims(
    session: Session,
    heads: Iterable[HeadLike],
    claims: dict[str, dict[str, Any]],
    where: str,
) -> list[Problem]:
    """Each claimed head ({chain: {"organisation", "sequence", "hash"}}) must be an entry
    that is still stored with that hash, in a chain that still exists."""
    existing = {h.id for h in heads}
    problems: list[Problem] = []
    lookups: list[tuple[int, int]] = []
    for key, claim in claims.items():
        chain_id, sequence = int(key), int(claim["sequence"])
        organisation = claim.get("organisation")
        if chain_id not in existing:
            problems.append(
                Problem(chain_id, organisation, 1, f"the chain is missing; {where} recorded it")
            )
        elif sequence == 0:
            if claim["hash"] != GENESIS_HASH:
                problems.append(Problem(chain_id, organisation, 1, f"{where} is not genesis"))
        else:
            lookups.append((chain_id, sequence))
    stored = _stored_hashes(session, lookups)
    for chain_id, sequence in lookups:
        claim = claims[str(chain_id)]
        digest = stored.get((chain_id, sequence))
        if digest is None:
            reason = f"the chain ends before the head {where} recorded"
        elif digest != claim["hash"]:
            reason = f"the entry differs from the head {where} recorded (rewritten chain)"
        else:
            continue
        problems.append(Problem(chain_id, claim.get("organisation"), sequence, reason))
    return problems


def check_all(
    session: Session, heads: Sequence[HeadLike], *, trusted_until: int | None
) -> tuple[int, list[Problem]]:
    """Every checkpoint (up to the system chain's first break): its digest matches its
    heads, and each head it recorded that moved since the checkpoint before is still
    stored as recorded. Returns the number of checkpoints and the problems found."""
    state: dict[str, dict[str, Any]] = {}
    problems: list[Problem] = []
    count = 0
    for entry in _checkpoints(session, trusted_until):
        count += 1
        where = f"the checkpoint at system sequence {entry.sequence}"
        found = recorded_heads(entry.payload)
        if found is None:
            problems.append(Problem(SYSTEM_CHAIN_ID, None, entry.sequence, f"{where} is malformed"))
            continue
        recorded, digest = found
        if heads_digest(recorded) != digest:
            problems.append(Problem(SYSTEM_CHAIN_ID, None, entry.sequence, f"{where}: bad digest"))
        for gone in sorted(set(state) - set(recorded), key=int):
            reason = f"the chain is missing from {where}"
            problems.append(Problem(int(gone), state[gone].get("organisation"), 1, reason))
        moved = {c: h for c, h in recorded.items() if state.get(c) != h}
        problems.extend(check_claims(session, heads, moved, where))
        state.update(moved)
    return count, problems
