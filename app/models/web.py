"""Web-app sessions: a signed-in browser, kept server-side so that revoking its key ends it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base
from app.db_types import BigIntPK, UTCDateTime, utcnow
from app.models.mixins import IdMixin


class WebSession(IdMixin, Base):
    """One browser session. The cookie holds a random token; only its HMAC is stored,
    never the API key it was exchanged for (the key id is enough to re-check the key)."""

    __tablename__ = "web_sessions"

    token_hash: Mapped[str] = mapped_column(String(64), nullable=False, unique=True)
    api_key_id: Mapped[int] = mapped_column(
        BigIntPK, ForeignKey("api_keys.id", ondelete="CASCADE"), nullable=False, index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, index=True)
