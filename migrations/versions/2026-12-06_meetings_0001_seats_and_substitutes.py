"""registry facts for meetings: committee seats and substitution order; appointment party,
order and substitutes

Revision ID: meetings_0001
Revises: d4e5f6a7b8c9
Create Date: 2026-12-06
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "meetings_0001"
down_revision: str | None = "d4e5f6a7b8c9"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("committees") as batch:
        batch.add_column(sa.Column("seats", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("substitution_order", sa.JSON(), nullable=True))
    with op.batch_alter_table("appointments") as batch:
        batch.add_column(sa.Column("party", sa.String(length=40), nullable=True))
        batch.add_column(sa.Column("order", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("substitutes", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("appointments") as batch:
        batch.drop_column("substitutes")
        batch.drop_column("order")
        batch.drop_column("party")
    with op.batch_alter_table("committees") as batch:
        batch.drop_column("substitution_order")
        batch.drop_column("seats")
