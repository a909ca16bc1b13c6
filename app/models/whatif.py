"""What-if jobs: a replay of stored screenings with changed rule parameters, run in the
service process; the row holds the request, the progress and, when done, the report."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base
from app.db_types import BigIntPK, UTCDateTime, utcnow
from app.models.registry import CODE


class WhatIfJob(Base):
    __tablename__ = "whatif_jobs"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)  # "wif_" + ULID-like
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    status: Mapped[str] = mapped_column(String(CODE), nullable=False)  # queued|running|done|failed
    done: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    total: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    # {"parameters": {...}, "filter": {...}} as the client sent it (validated).
    request: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False)
    # Who asked, and the organisation scope the replay is limited to (None: unlimited).
    api_key_id: Mapped[int | None] = mapped_column(BigIntPK, nullable=True)
    key_name: Mapped[str] = mapped_column(String(200), nullable=False)
    key_role: Mapped[str] = mapped_column(String(CODE), nullable=False)
    key_scope: Mapped[list[str] | None] = mapped_column(JSON, nullable=True)
    report: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    error: Mapped[str | None] = mapped_column(Text, nullable=True)
    # "host:pid" of the process running it: a restart marks its own host's orphans failed.
    runner: Mapped[str | None] = mapped_column(String(200), nullable=True)
