"""Meetings (sammanträden): the agenda as given and the seats worked out for each item."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, Index
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base
from app.db_types import BigIntPK
from app.models.mixins import IdMixin, RefMixin, TimestampMixin, VersionedMixin


class Meeting(IdMixin, RefMixin, TimestampMixin, VersionedMixin, Base):
    __tablename__ = "meetings"
    __table_args__ = (Index("ix_meetings_committee_date", "committee_id", "date"),)

    committee_id: Mapped[int] = mapped_column(
        BigIntPK, ForeignKey("committees.id"), nullable=False, index=True
    )
    date: Mapped[date] = mapped_column(Date, nullable=False)
    # The meeting document as accepted (attendance, items by case ref) and the full answer;
    # each item's screening is a row of its own (screenings) named in the answer.
    request: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False)
    result: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False)
    api_key_id: Mapped[int | None] = mapped_column(BigIntPK, nullable=True)
    audit_sequence: Mapped[int | None] = mapped_column(BigIntPK, nullable=True)
