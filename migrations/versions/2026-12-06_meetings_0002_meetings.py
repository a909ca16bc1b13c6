"""meetings (sammanträden): the agenda and the seats worked out for each item

Revision ID: meetings_0002
Revises: meetings_0001
Create Date: 2026-12-06
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import app.db_types

revision: str = "meetings_0002"
down_revision: str | None = "meetings_0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BIGINT = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "meetings",
        sa.Column("id", BIGINT, autoincrement=True, nullable=False),
        sa.Column("ref", sa.String(length=200), nullable=False),
        sa.Column("committee_id", BIGINT, nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("request", sa.JSON(), nullable=False),
        sa.Column("result", sa.JSON(), nullable=False),
        sa.Column("api_key_id", BIGINT, nullable=True),
        sa.Column("audit_sequence", BIGINT, nullable=True),
        sa.Column("created_at", app.db_types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", app.db_types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["committee_id"], ["committees.id"], name=op.f("fk_meetings_committee_id_committees")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meetings")),
        sa.UniqueConstraint("ref", name=op.f("uq_meetings_ref")),
    )
    with op.batch_alter_table("meetings") as batch:
        batch.create_index(batch.f("ix_meetings_committee_id"), ["committee_id"], unique=False)
        batch.create_index("ix_meetings_committee_date", ["committee_id", "date"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("meetings") as batch:
        batch.drop_index("ix_meetings_committee_date")
        batch.drop_index(batch.f("ix_meetings_committee_id"))
    op.drop_table("meetings")
