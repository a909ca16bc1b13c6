"""API keys and idempotency records."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, BigInteger, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base
from app.db_types import BigIntPK, UTCDateTime, utcnow
from app.models.mixins import IdMixin


class ApiKey(IdMixin, Base):
    __tablename__ = "api_keys"
    # Ids are never handed out twice, also on SQLite (docs/security.md, "Deleted
    # organisations"): audit chains and entries, and other rows, name them without a key.
    __table_args__ = {"sqlite_autoincrement": True}

    name: Mapped[str] = mapped_column(String(200), nullable=False)
    role: Mapped[str] = mapped_column(String(20), nullable=False)
    key_hash: Mapped[str] = mapped_column(String(64), nullable=False, unique=True)
    # "id-<id>": shown so an operator can tell keys apart; never characters of the key.
    key_prefix: Mapped[str] = mapped_column(String(16), nullable=False)
    # None: unscoped. Otherwise the organisation refs the key is limited to.
    organisation_refs: Mapped[list[str] | None] = mapped_column(JSON, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class IdempotencyRecord(IdMixin, Base):
    __tablename__ = "idempotency_records"
    __table_args__ = (UniqueConstraint("api_key_id", "idempotency_key"),)

    api_key_id: Mapped[int] = mapped_column(
        BigIntPK, ForeignKey("api_keys.id"), nullable=False, index=True
    )
    idempotency_key: Mapped[str] = mapped_column(String(200), nullable=False)
    method: Mapped[str] = mapped_column(String(10), nullable=False)
    path: Mapped[str] = mapped_column(String(1000), nullable=False)
    request_hash: Mapped[str] = mapped_column(String(64), nullable=False)
    status_code: Mapped[int | None] = mapped_column(Integer, nullable=True)
    response_body: Mapped[str | None] = mapped_column(Text, nullable=True)
    response_headers: Mapped[dict[str, str] | None] = mapped_column(JSON, nullable=True)
    created_at: Mapped[datetime] = mapped_column(
        UTCDateTime, default=utcnow, nullable=False, index=True
    )


class RateLimitWindow(Base):
    """The refusals a subject (a key's hash, a client address) had in its current window.

    Kept in the database so that every worker process and server counts against one
    budget (app/security/limits.py); only refusals write here, and expired windows are
    pruned as refusals come.
    """

    __tablename__ = "rate_limit_windows"

    kind: Mapped[str] = mapped_column(String(16), primary_key=True)
    subject: Mapped[str] = mapped_column(String(128), primary_key=True)
    # Epoch seconds of the window's first event; the window lasts the limiter's window.
    window_start: Mapped[int] = mapped_column(BigInteger, nullable=False, index=True)
    count: Mapped[int] = mapped_column(Integer, nullable=False)
