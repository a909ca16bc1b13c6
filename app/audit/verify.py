"""Verify every audit chain end to end, and the checkpoints over all chain heads.

Each chain is walked in sequence order from its genesis: a missing sequence, a broken
link, a hash that does not match the stored text, columns that disagree with the hashed
payload, organisation rows that disagree with it, or a chain that ends before its head
row are reported at the first sequence where they occur. Then every checkpoint (system
chain) must agree with the entries it names (app.audit.checkpoint), and the rows of
screenings and decisions must say what their entries say (app.audit.records).
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.audit import checkpoint, records
from app.audit.chain import GENESIS_HASH, SYSTEM_CHAIN_ID, entry_hash, hashed_time
from app.audit.checkpoint import Problem
from app.models import AuditChain, AuditEntry, AuditEntryOrganisation

VERIFY_BATCH = 1000


@dataclass(slots=True)
class ChainReport:
    chain: int
    organisation: int | None
    ok: bool
    entries: int
    head_sequence: int
    head_hash: str
    first_broken_sequence: int | None = None
    reason: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "chain": self.chain,
            "organisation": self.organisation,
            "ok": self.ok,
            "entries": self.entries,
            "head_sequence": self.head_sequence,
            "head_hash": self.head_hash,
            "first_broken_sequence": self.first_broken_sequence,
            "reason": self.reason,
        }


@dataclass(slots=True)
class VerifyResult:
    ok: bool
    entries: int
    chains: list[ChainReport] = field(default_factory=list)
    checkpoints: int = 0
    first_broken_chain: int | None = None
    first_broken_sequence: int | None = None
    reason: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "entries": self.entries,
            "checkpoints": self.checkpoints,
            "first_broken_chain": self.first_broken_chain,
            "first_broken_sequence": self.first_broken_sequence,
            "reason": self.reason,
            "chains": [c.as_dict() for c in self.chains],
        }


@dataclass(frozen=True, slots=True)
class _Head:
    id: int
    organisation: int | None
    sequence: int
    hash: str


def _entries(session: Session, chain: int) -> Iterator[tuple[AuditEntry, list[int]]]:
    """The chain's entries in sequence order, each with its organisation rows."""
    last = 0
    while True:
        batch = session.scalars(
            select(AuditEntry)
            .where(AuditEntry.chain_id == chain, AuditEntry.sequence > last)
            .order_by(AuditEntry.sequence)
            .limit(VERIFY_BATCH)
        ).all()
        if not batch:
            return
        organisations: dict[int, list[int]] = defaultdict(list)
        rows = session.execute(
            select(AuditEntryOrganisation.entry_id, AuditEntryOrganisation.organisation_id)
            .where(AuditEntryOrganisation.entry_id.in_([e.id for e in batch]))
            .order_by(AuditEntryOrganisation.organisation_id)
        )
        for entry_id, organisation_id in rows:
            organisations[entry_id].append(organisation_id)
        for entry in batch:
            yield entry, organisations.get(entry.id, [])
        last = batch[-1].sequence
        session.expunge_all()


def _check_payload(
    body: dict[str, Any], entry: AuditEntry, head: _Head, orgs: list[int]
) -> str | None:
    if body.get("sequence") != entry.sequence or body.get("kind") != entry.kind:
        return "entry columns do not match the hashed payload (moved or swapped entry)"
    actor = body.get("actor")
    if not isinstance(actor, dict) or not isinstance(body.get("data"), dict):
        # Every writer hashes an actor and data object: anything else was written by hand.
        return "payload is malformed (actor or data is not an object)"
    # The columns readers filter and display by must say what was hashed.
    if (
        actor.get("key_id") != entry.actor_key_id
        or actor.get("name") != entry.actor_name
        or hashed_time(body.get("created_at")) != entry.created_at
    ):
        return "entry columns do not match the hashed payload (actor or time changed)"
    if "chain" not in body:
        # Written before the per-organisation chains: only the system chain holds such
        # entries; their organisation rows were derived from their subjects on upgrade.
        if head.id != SYSTEM_CHAIN_ID or "organisations" in body:
            return "entry columns do not match the hashed payload (chain changed)"
        return None
    if body["chain"] != head.id:
        return "entry columns do not match the hashed payload (chain changed)"
    if body.get("organisations") != orgs:
        return "the entry's organisations do not match the hashed payload"
    if head.organisation is not None and head.organisation not in orgs:
        return "the entry does not belong to its chain's organisation"
    return None


def _check_entry(
    entry: AuditEntry, orgs: list[int], head: _Head, expected: int, prev_hash: str
) -> str | None:
    if entry.sequence != expected:
        return f"sequence {expected} is missing (next stored entry is {entry.sequence})"
    if entry.prev_hash != prev_hash:
        return "prev_hash does not match the hash of the entry before"
    if entry_hash(prev_hash, entry.payload) != entry.hash:
        return "hash does not match the entry's content"
    try:
        body = json.loads(entry.payload)
    except ValueError:
        return "payload is not valid JSON"
    if not isinstance(body, dict):
        return "payload is not a JSON object"
    return _check_payload(body, entry, head, orgs)


def verify_chain(session: Session, head: _Head) -> ChainReport:
    """Recompute one chain from its genesis; report the first sequence that breaks it."""
    prev_hash, expected, count = GENESIS_HASH, 1, 0

    def broken(sequence: int, reason: str) -> ChainReport:
        return ChainReport(
            head.id, head.organisation, False, count, head.sequence, head.hash, sequence, reason
        )

    if head.id != SYSTEM_CHAIN_ID and head.organisation is None:
        # Only the system chain has none; an organisation's chain made anonymous would
        # escape the check that its entries are the organisation's (review R).
        return broken(1, "the chain's head row names no organisation")
    for entry, orgs in _entries(session, head.id):
        problem = _check_entry(entry, orgs, head, expected, prev_hash)
        if problem:
            return broken(expected, problem)
        prev_hash, expected, count = entry.hash, expected + 1, count + 1
    if head.sequence != expected - 1 or head.hash != prev_hash:
        return broken(expected, "the chain ends before the recorded head")
    return ChainReport(head.id, head.organisation, True, count, head.sequence, head.hash)


def chain_heads(session: Session) -> list[_Head]:
    return [
        _Head(c.id, c.organisation_id, c.sequence, c.hash)
        for c in session.scalars(select(AuditChain).order_by(AuditChain.id))
    ]


def summarise(reports: Sequence[ChainReport], checkpoints: int) -> VerifyResult:
    broken = next((r for r in reports if not r.ok), None)
    total = sum(r.entries for r in reports)
    if broken is None:
        return VerifyResult(True, total, list(reports), checkpoints)
    return VerifyResult(
        False, total, list(reports), checkpoints,
        broken.chain, broken.first_broken_sequence, broken.reason,
    )  # fmt: skip


def _placed(session: Session, entry_id: int | None, reason: str) -> Problem:
    """A problem with a row, placed at its audit entry's chain and sequence (no entry:
    the system chain's first)."""
    entry = session.get(AuditEntry, entry_id) if entry_id is not None else None
    if entry is None:
        return Problem(SYSTEM_CHAIN_ID, None, 1, reason)
    return Problem(entry.chain_id, None, entry.sequence, reason)


def _record_problems(session: Session) -> list[Problem]:
    """A screening's stored facts that no longer match the facts_hash its entry covers
    (app/screening/facts_integrity.py), and a screening's or decision's rows that no
    longer say what its entry says (app/audit/records.py): the first of each per chain."""
    from app.screening.facts_integrity import check_screening_facts  # noqa: PLC0415 - cycle

    found = [(p.entry, p.reason) for p in check_screening_facts(session)]
    found += [(p.entry, p.reason) for p in records.check_records(session)]
    return [_placed(session, entry, reason) for entry, reason in found]


def verify(session: Session) -> VerifyResult:
    """Every chain, then every checkpoint against the entries it names."""
    heads = chain_heads(session)
    reports = [verify_chain(session, head) for head in heads]
    system = next((r for r in reports if r.chain == SYSTEM_CHAIN_ID), None)
    trusted_until = (system.first_broken_sequence or 0) - 1 if system and not system.ok else None
    count, problems = checkpoint.check_all(session, heads, trusted_until=trusted_until)
    problems.extend(_record_problems(session))
    by_chain = {r.chain: r for r in reports}
    for problem in problems:
        report = by_chain.get(problem.chain)
        if report is None:
            report = ChainReport(problem.chain, problem.organisation, True, 0, 0, GENESIS_HASH)
            by_chain[problem.chain] = report
            reports.append(report)
        if report.ok or (report.first_broken_sequence or 0) > problem.sequence:
            report.ok = False
            report.first_broken_sequence = problem.sequence
            report.reason = problem.reason
    return summarise(reports, count)
