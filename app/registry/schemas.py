"""Response models of the registry API (inputs are in `document.py`)."""

from __future__ import annotations

from pydantic import BaseModel


class StatusCounts(BaseModel):
    created: int
    updated: int
    unchanged: int


class AuditRef(BaseModel):
    sequence: int
    hash: str


class ImportResult(BaseModel):
    """Counts per object type; `audit` is null when nothing changed (nothing was written)."""

    counts: dict[str, StatusCounts]
    totals: StatusCounts
    audit: AuditRef | None
