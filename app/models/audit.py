"""The append-only audit log: one hash chain per organisation plus a system chain.

Entries, their subjects and their organisations are insert-only (database triggers refuse
UPDATE and DELETE); only the chain heads move. See docs/audit.md for the design.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base
from app.db_types import BigIntPK, UTCDateTime
from app.models.mixins import REF_LENGTH


class AuditChain(Base):
    """One chain and its head: the organisation's (screenings of its committees, ...) or,
    with no organisation, the system chain (id 1: keys, checkpoints, entries of several
    or no organisations). Appenders lock only their chain's row (FOR UPDATE)."""

    __tablename__ = "audit_chains"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    # No foreign key: a chain outlives its organisation's deletion, as its entries do.
    organisation_id: Mapped[int | None] = mapped_column(BigIntPK, nullable=True, unique=True)
    sequence: Mapped[int] = mapped_column(BigIntPK, nullable=False)
    hash: Mapped[str] = mapped_column(String(64), nullable=False)


class AuditEntry(Base):
    __tablename__ = "audit_entries"
    __table_args__ = (
        Index("ix_audit_entries_kind_created", "kind", "created_at"),
        UniqueConstraint("chain_id", "sequence"),
    )

    # The entry's locator (GET /v1/audit/{id}); not hashed and not gapless. Entries
    # written before the per-organisation chains keep their old sequence as id.
    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    chain_id: Mapped[int] = mapped_column(ForeignKey("audit_chains.id"), nullable=False)
    # Assigned from the chain's head, so each chain's sequence is gapless.
    sequence: Mapped[int] = mapped_column(BigIntPK, nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, index=True)
    kind: Mapped[str] = mapped_column(String(60), nullable=False)
    actor_key_id: Mapped[int | None] = mapped_column(BigIntPK, nullable=True)
    actor_name: Mapped[str | None] = mapped_column(String(200), nullable=True)
    # The canonical JSON text exactly as hashed: re-serialising could change the bytes.
    payload: Mapped[str] = mapped_column(Text, nullable=False)
    prev_hash: Mapped[str] = mapped_column(String(64), nullable=False)
    hash: Mapped[str] = mapped_column(String(64), nullable=False, unique=True)


class AuditEntryOrganisation(Base):
    """The organisations an entry belongs to, fixed when it is written (also in its hashed
    payload): what a key limited to organisations may read. Ids, never refs: a ref can be
    deleted and taken by another kommun, an id is not reused."""

    __tablename__ = "audit_entry_organisations"
    __table_args__ = (Index("ix_audit_entry_organisations_organisation", "organisation_id"),)

    entry_id: Mapped[int] = mapped_column(
        BigIntPK, ForeignKey("audit_entries.id"), primary_key=True
    )
    organisation_id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)


class AuditSubject(Base):
    """What an entry is about (case, person, committee, organisation refs), for filtering
    only: visibility is AuditEntryOrganisation's."""

    __tablename__ = "audit_subjects"
    __table_args__ = (Index("ix_audit_subjects_lookup", "subject_kind", "subject_ref"),)

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    entry_id: Mapped[int] = mapped_column(
        BigIntPK, ForeignKey("audit_entries.id"), nullable=False, index=True
    )
    subject_kind: Mapped[str] = mapped_column(String(20), nullable=False)
    subject_ref: Mapped[str] = mapped_column(String(REF_LENGTH), nullable=False)
