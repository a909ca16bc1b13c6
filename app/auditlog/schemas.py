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
    sequence: int
    created_at: datetime
    kind: str
    actor: AuditActor
    # The hashed payload, parsed: {sequence, created_at, kind, actor, data}.
    payload: dict[str, Any]
    prev_hash: str
    hash: str
    subjects: list[AuditSubjectOut]


class AuditPage(BaseModel):
    items: list[AuditEntryOut]
    total: int
    limit: int
    offset: int


class VerifyOut(BaseModel):
    ok: bool
    entries: int
    head_sequence: int
    first_broken_sequence: int | None
    reason: str | None
