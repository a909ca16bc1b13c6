"""name index for matching unregistered parties

A token table over person and organisation names (see app/models/name_index.py), so
that a party given only by name is matched with an indexed lookup. No backfill: no
revision before this one had a way to write persons or organisations.

Revision ID: ac832070c3ad
Revises: b1c2d3e4f5a6
Create Date: 2026-11-27
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from app.db_types import BigIntPK

revision: str = "ac832070c3ad"
down_revision: str | None = "b1c2d3e4f5a6"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "name_tokens",
        sa.Column("id", BigIntPK, autoincrement=True, nullable=False),
        sa.Column("token", sa.String(length=64), nullable=False),
        sa.Column("person_id", BigIntPK, nullable=True),
        sa.Column("organisation_id", BigIntPK, nullable=True),
        sa.CheckConstraint(
            "(person_id IS NULL) <> (organisation_id IS NULL)",
            name=op.f("ck_name_tokens_exactly_one_owner"),
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_name_tokens_organisation_id_organisations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["persons.id"],
            name=op.f("fk_name_tokens_person_id_persons"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_name_tokens")),
    )
    with op.batch_alter_table("name_tokens", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_name_tokens_organisation_id"), ["organisation_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_name_tokens_person_id"), ["person_id"], unique=False)
        batch_op.create_index("ix_name_tokens_token", ["token"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("name_tokens", schema=None) as batch_op:
        batch_op.drop_index("ix_name_tokens_token")
        batch_op.drop_index(batch_op.f("ix_name_tokens_person_id"))
        batch_op.drop_index(batch_op.f("ix_name_tokens_organisation_id"))
    op.drop_table("name_tokens")
