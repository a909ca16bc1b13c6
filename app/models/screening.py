"""Stored screenings, their findings, and the nämnd's recorded jäv decisions."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Date, Float, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db import Base
from app.db_types import BigIntPK, UTCDateTime, utcnow
from app.models.mixins import REF_LENGTH, IdMixin
from app.models.registry import CODE


class Screening(Base):
    __tablename__ = "screenings"
    __table_args__ = (Index("ix_screenings_case_created", "case_ref", "created_at"),)

    id: Mapped[str] = mapped_column(String(40), primary_key=True)  # "scr_" + ULID-like
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    # case_ref is kept even when the case was screened inline and never stored.
    case_ref: Mapped[str] = mapped_column(String(REF_LENGTH), nullable=False)
    case_id: Mapped[int | None] = mapped_column(
        BigIntPK, ForeignKey("cases.id"), nullable=True, index=True
    )
    committee_id: Mapped[int | None] = mapped_column(
        BigIntPK, ForeignKey("committees.id"), nullable=True, index=True
    )
    organisation_id: Mapped[int | None] = mapped_column(
        BigIntPK, ForeignKey("organisations.id"), nullable=True, index=True
    )
    as_of: Mapped[date] = mapped_column(Date, nullable=False)
    outcome: Mapped[str] = mapped_column(String(CODE), nullable=False)
    rules_version: Mapped[str] = mapped_column(String(80), nullable=False)
    # The case exactly as screened (personnummer hashed) and the full answer body.
    case_snapshot: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False)
    result: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False)
    api_key_id: Mapped[int | None] = mapped_column(BigIntPK, nullable=True)
    audit_sequence: Mapped[int | None] = mapped_column(BigIntPK, nullable=True)

    findings: Mapped[list[Finding]] = relationship(
        cascade="all, delete-orphan", order_by="Finding.position"
    )


class Finding(IdMixin, Base):
    """One person-level or structural finding, stored as rows so reports can filter."""

    __tablename__ = "findings"
    __table_args__ = (Index("ix_findings_ground_level", "ground", "level"),)

    screening_id: Mapped[str] = mapped_column(
        String(40), ForeignKey("screenings.id", ondelete="CASCADE"), nullable=False, index=True
    )
    position: Mapped[int] = mapped_column(Integer, nullable=False)
    structural: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    person_ref: Mapped[str | None] = mapped_column(String(REF_LENGTH), nullable=True, index=True)
    ground: Mapped[str] = mapped_column(String(CODE), nullable=False)
    level: Mapped[str] = mapped_column(String(CODE), nullable=False)
    rule: Mapped[str | None] = mapped_column(String(80), nullable=True)
    match_score: Mapped[float | None] = mapped_column(Float, nullable=True)
    data: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False)


class JavDecision(IdMixin, Base):
    """What the nämnd decided about one person in one case (KL 6 kap. 30 §, FL 18 §)."""

    __tablename__ = "jav_decisions"

    case_id: Mapped[int] = mapped_column(
        BigIntPK, ForeignKey("cases.id"), nullable=False, index=True
    )
    person_id: Mapped[int] = mapped_column(
        BigIntPK, ForeignKey("persons.id"), nullable=False, index=True
    )
    screening_id: Mapped[str | None] = mapped_column(
        String(40), ForeignKey("screenings.id"), nullable=True, index=True
    )
    raised_by: Mapped[str] = mapped_column(String(CODE), nullable=False)
    decision: Mapped[str] = mapped_column(String(CODE), nullable=False)
    obviously_insignificant: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    protocol_paragraph: Mapped[str | None] = mapped_column(String(100), nullable=True)
    decided_on: Mapped[date] = mapped_column(Date, nullable=False)
    note: Mapped[str | None] = mapped_column(Text, nullable=True)
    recorded_by_key_id: Mapped[int | None] = mapped_column(BigIntPK, nullable=True)
    recorded_by_name: Mapped[str | None] = mapped_column(String(200), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    audit_sequence: Mapped[int | None] = mapped_column(BigIntPK, nullable=True)
