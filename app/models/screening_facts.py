"""The facts a screening evaluated, stored beside it (contract: "The facts behind a
screening"). One row per screening, written in the screening's transaction."""

from __future__ import annotations

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base


class ScreeningFacts(Base):
    __tablename__ = "screening_facts"

    screening_id: Mapped[str] = mapped_column(
        String(40), ForeignKey("screenings.id", ondelete="CASCADE"), primary_key=True
    )
    # The exact canonical JSON text that was hashed (app/screening/facts_codec.py): kept as
    # text so that verifying the hash never depends on how a database round-trips JSON.
    facts: Mapped[str] = mapped_column(Text, nullable=False)
    # A copy for readers; `audit verify` checks the text against the audit entry's hash.
    facts_hash: Mapped[str] = mapped_column(String(64), nullable=False)
