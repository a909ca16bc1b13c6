"""Cases (ärenden) as stored for screening."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Boolean, CheckConstraint, Date, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db import Base
from app.db_types import BigIntPK
from app.models.mixins import NAME_LENGTH, IdMixin, RefMixin, TimestampMixin, VersionedMixin
from app.models.registry import CODE, Committee


class Case(IdMixin, RefMixin, TimestampMixin, VersionedMixin, Base):
    __tablename__ = "cases"
    __table_args__ = (Index("ix_cases_committee_date", "committee_id", "decision_date"),)

    committee_id: Mapped[int] = mapped_column(BigIntPK, ForeignKey("committees.id"), nullable=False)
    area: Mapped[str | None] = mapped_column(String(CODE), nullable=True)
    matter: Mapped[str] = mapped_column(String(CODE), nullable=False, index=True)
    title: Mapped[str | None] = mapped_column(String(1000), nullable=True)
    decision_date: Mapped[date | None] = mapped_column(Date, nullable=True, index=True)

    committee: Mapped[Committee] = relationship()
    parties: Mapped[list[CaseParty]] = relationship(
        cascade="all, delete-orphan", order_by="CaseParty.position"
    )
    participants: Mapped[list[CaseParticipant]] = relationship(
        cascade="all, delete-orphan", order_by="CaseParticipant.position"
    )
    earlier_handling: Mapped[list[CaseEarlierHandling]] = relationship(
        cascade="all, delete-orphan", order_by="CaseEarlierHandling.position"
    )


class CaseParty(IdMixin, Base):
    """A party: exactly one registry reference, or an unregistered party by name/ids."""

    __tablename__ = "case_parties"
    __table_args__ = (
        CheckConstraint(
            "(CASE WHEN person_id IS NULL THEN 0 ELSE 1 END"
            " + CASE WHEN organisation_id IS NULL THEN 0 ELSE 1 END"
            " + CASE WHEN operation_id IS NULL THEN 0 ELSE 1 END"
            " + CASE WHEN committee_id IS NULL THEN 0 ELSE 1 END) <= 1",
            name="at_most_one_reference",
        ),
    )

    case_id: Mapped[int] = mapped_column(
        BigIntPK, ForeignKey("cases.id", ondelete="CASCADE"), nullable=False, index=True
    )
    position: Mapped[int] = mapped_column(nullable=False)
    role: Mapped[str] = mapped_column(String(CODE), nullable=False)
    person_id: Mapped[int | None] = mapped_column(
        BigIntPK, ForeignKey("persons.id"), nullable=True, index=True
    )
    organisation_id: Mapped[int | None] = mapped_column(
        BigIntPK, ForeignKey("organisations.id"), nullable=True, index=True
    )
    operation_id: Mapped[int | None] = mapped_column(
        BigIntPK, ForeignKey("operations.id"), nullable=True, index=True
    )
    committee_id: Mapped[int | None] = mapped_column(
        BigIntPK, ForeignKey("committees.id"), nullable=True, index=True
    )
    # Unregistered party: matched against the registry at screening time.
    name: Mapped[str | None] = mapped_column(String(NAME_LENGTH), nullable=True)
    orgnr: Mapped[str | None] = mapped_column(String(20), nullable=True)
    personnummer_hash: Mapped[str | None] = mapped_column(String(64), nullable=True)
    personnummer_masked: Mapped[str | None] = mapped_column(String(16), nullable=True)


class CaseParticipant(IdMixin, Base):
    __tablename__ = "case_participants"

    case_id: Mapped[int] = mapped_column(
        BigIntPK, ForeignKey("cases.id", ondelete="CASCADE"), nullable=False, index=True
    )
    position: Mapped[int] = mapped_column(nullable=False)
    person_id: Mapped[int] = mapped_column(
        BigIntPK, ForeignKey("persons.id"), nullable=False, index=True
    )
    role: Mapped[str] = mapped_column(String(CODE), nullable=False)


class CaseEarlierHandling(IdMixin, Base):
    __tablename__ = "case_earlier_handling"

    case_id: Mapped[int] = mapped_column(
        BigIntPK, ForeignKey("cases.id", ondelete="CASCADE"), nullable=False, index=True
    )
    position: Mapped[int] = mapped_column(nullable=False)
    person_id: Mapped[int] = mapped_column(
        BigIntPK, ForeignKey("persons.id"), nullable=False, index=True
    )
    organisation_id: Mapped[int | None] = mapped_column(
        BigIntPK, ForeignKey("organisations.id"), nullable=True
    )
    committee_id: Mapped[int | None] = mapped_column(
        BigIntPK, ForeignKey("committees.id"), nullable=True
    )
    final: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
