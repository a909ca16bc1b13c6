"""The append-only audit log (insert-only; database triggers refuse UPDATE and DELETE)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base
from app.db_types import BigIntPK, UTCDateTime
from app.models.mixins import REF_LENGTH


class AuditEntry(Base):
    __tablename__ = "audit_entries"
    __table_args__ = (Index("ix_audit_entries_kind_created", "kind", "created_at"),)

    # Assigned by the appender from the chain head, so the sequence is gapless.
    sequence: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, index=True)
    kind: Mapped[str] = mapped_column(String(60), nullable=False)
    actor_key_id: Mapped[int | None] = mapped_column(BigIntPK, nullable=True)
    actor_name: Mapped[str | None] = mapped_column(String(200), nullable=True)
    # The canonical JSON text exactly as hashed: re-serialising could change the bytes.
    payload: Mapped[str] = mapped_column(Text, nullable=False)
    prev_hash: Mapped[str] = mapped_column(String(64), nullable=False)
    hash: Mapped[str] = mapped_column(String(64), nullable=False, unique=True)


class AuditSubject(Base):
    """What an entry is about (case, person, committee, organisation), for filtering."""

    __tablename__ = "audit_subjects"
    __table_args__ = (Index("ix_audit_subjects_lookup", "subject_kind", "subject_ref"),)

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    sequence: Mapped[int] = mapped_column(
        BigIntPK, ForeignKey("audit_entries.sequence"), nullable=False, index=True
    )
    subject_kind: Mapped[str] = mapped_column(String(20), nullable=False)
    subject_ref: Mapped[str] = mapped_column(String(REF_LENGTH), nullable=False)


class AuditHead(Base):
    """The chain tip, one row; appenders lock it (FOR UPDATE) to serialise appends."""

    __tablename__ = "audit_head"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    sequence: Mapped[int] = mapped_column(BigIntPK, nullable=False)
    hash: Mapped[str] = mapped_column(String(64), nullable=False)
