"""Audit log responses."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel


class AuditActor(BaseModel):
    """Which API key wrote the entry (id and name; never key material)."""

    key_id: int | None
    name: str | None


class AuditSubjectOut(BaseModel):
    kind: str
    ref: str


class AuditEntryOut(BaseModel):
    id: int
    chain: int
    sequence: int
    created_at: datetime
    kind: str
    actor: AuditActor
    # The organisation ids the entry belongs to (fixed when written); a limited key is
    # shown those in its scope.
    organisations: list[int]
    # The hashed payload, parsed: {sequence, chain, created_at, kind, actor,
    # organisations, data}; `redacted` when parts of other organisations were removed
    # (the hash is then over more than is shown).
    payload: dict[str, Any]
    redacted: bool
    # Withheld (null) from a limited reader on the system chain, where they cover parts
    # of other organisations (`service._withhold_hashes_of_redacted`). A limited key's
    # verification reports only its organisations' chains, whose entries are whole.
    prev_hash: str | None
    hash: str | None
    subjects: list[AuditSubjectOut]


class AuditPage(BaseModel):
    items: list[AuditEntryOut]
    total: int
    limit: int
    offset: int


class ChainHeadOut(BaseModel):
    chain: int
    organisation: int | None
    sequence: int
    hash: str


class ChainVerifyOut(BaseModel):
    chain: int
    organisation: int | None
    ok: bool
    entries: int
    head_sequence: int
    head_hash: str
    first_broken_sequence: int | None
    reason: str | None


class VerifyOut(BaseModel):
    """The verification of what the key may see: every chain for an unlimited key, its
    organisations' chains and the entries it may read for a limited one."""

    ok: bool
    entries: int
    checkpoints: int
    first_broken_chain: int | None
    first_broken_sequence: int | None
    reason: str | None
    chains: list[ChainVerifyOut]
    # The current heads (to keep outside the database); `digest` over all chains is for
    # unlimited keys (`javskoll audit head` prints the same).
    heads: list[ChainHeadOut]
    digest: str | None
