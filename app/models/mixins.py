"""Shared column sets."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, Integer, String
from sqlalchemy.orm import Mapped, declared_attr, mapped_column

from app.db_types import BigIntPK, UTCDateTime, utcnow

REF_LENGTH = 200
NAME_LENGTH = 300


class IdMixin:
    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)


class TimestampMixin:
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    updated_at: Mapped[datetime] = mapped_column(
        UTCDateTime, default=utcnow, onupdate=utcnow, nullable=False
    )


class VersionedMixin:
    """Optimistic concurrency: `version` feeds the ETag and is bumped on every UPDATE."""

    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)

    @declared_attr.directive
    def __mapper_args__(cls) -> dict[str, object]:  # noqa: N805
        return {"version_id_col": cls.__table__.c.version}  # type: ignore[attr-defined]


class RefMixin:
    ref: Mapped[str] = mapped_column(String(REF_LENGTH), unique=True, nullable=False)


class OptionalRefMixin:
    ref: Mapped[str | None] = mapped_column(String(REF_LENGTH), unique=True, nullable=True)


class ValidityMixin:
    """valid_from / valid_to bound a fact in time; both optional, valid_to inclusive."""

    valid_from: Mapped[date | None] = mapped_column(Date, nullable=True)
    valid_to: Mapped[date | None] = mapped_column(Date, nullable=True)
