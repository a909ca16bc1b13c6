"""The name index: normalised name tokens of persons and organisations.

Unregistered parties are matched by name through this index (an indexed `token IN (...)`
lookup), never by scanning the registry. Rows are written by
`app.screening.name_index` whenever a Person or Organisation is flushed, and cascade away
with their owner.
"""

from __future__ import annotations

from sqlalchemy import CheckConstraint, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base
from app.db_types import BigIntPK
from app.models.mixins import IdMixin

TOKEN_LENGTH = 64


class NameToken(IdMixin, Base):
    __tablename__ = "name_tokens"
    __table_args__ = (
        CheckConstraint(
            "(person_id IS NULL) <> (organisation_id IS NULL)", name="exactly_one_owner"
        ),
        Index("ix_name_tokens_token", "token"),
    )

    token: Mapped[str] = mapped_column(String(TOKEN_LENGTH), nullable=False)
    person_id: Mapped[int | None] = mapped_column(
        BigIntPK, ForeignKey("persons.id", ondelete="CASCADE"), nullable=True, index=True
    )
    organisation_id: Mapped[int | None] = mapped_column(
        BigIntPK, ForeignKey("organisations.id", ondelete="CASCADE"), nullable=True, index=True
    )
