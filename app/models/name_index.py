"""The name index: normalised name tokens of persons and organisations.

Unregistered parties are matched by name through this index (an indexed `token IN (...)`
lookup), never by scanning the registry. Rows are written by `app.screening.name_index`
from the queue below before a transaction that wrote names commits, and cascade away
with their owner.
"""

from __future__ import annotations

from sqlalchemy import CheckConstraint, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base
from app.db_types import BigIntPK
from app.models.mixins import IdMixin
from app.models.registry import set_index

TOKEN_LENGTH = 64


class NameToken(IdMixin, Base):
    __tablename__ = "name_tokens"
    __table_args__ = (
        CheckConstraint(
            "(person_id IS NULL) <> (organisation_id IS NULL)", name="exactly_one_owner"
        ),
        Index("ix_name_tokens_token", "token"),
        # Each row has one owner: each owner index holds only its own rows (imppar_0001).
        set_index("name_tokens", "person_id"),
        set_index("name_tokens", "organisation_id"),
    )

    token: Mapped[str] = mapped_column(String(TOKEN_LENGTH), nullable=False)
    person_id: Mapped[int | None] = mapped_column(
        BigIntPK, ForeignKey("persons.id", ondelete="CASCADE"), nullable=True
    )
    organisation_id: Mapped[int | None] = mapped_column(
        BigIntPK, ForeignKey("organisations.id", ondelete="CASCADE"), nullable=True
    )


class NameIndexQueue(IdMixin, Base):
    """Persons and organisations whose name was written and not yet indexed.

    Filled by database triggers on INSERT and on UPDATE of `name` (so by every write path:
    ORM, bulk executemany, PostgreSQL COPY, raw SQL); drained into `name_tokens` before the
    writing transaction commits (app.screening.name_index). No foreign keys: a row whose
    owner is gone by then is simply dropped.
    """

    __tablename__ = "name_index_queue"

    person_id: Mapped[int | None] = mapped_column(BigIntPK, nullable=True)
    organisation_id: Mapped[int | None] = mapped_column(BigIntPK, nullable=True)
