"""screening facts: the snapshot each screening evaluated, stored beside it

One row per screening (written in the screening's transaction): the canonical JSON text
of the facts snapshot the rules read, and its SHA-256, which the screening's audit entry
also covers (`facts_hash` in its data). Screenings stored before this revision have none.

Revision ID: spine_0001
Revises: meetings_0002
Create Date: 2026-12-06
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "spine_0001"
down_revision: str | None = "meetings_0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "screening_facts",
        sa.Column("screening_id", sa.String(length=40), nullable=False),
        sa.Column("facts", sa.Text(), nullable=False),
        sa.Column("facts_hash", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["screening_id"],
            ["screenings.id"],
            name=op.f("fk_screening_facts_screening_id_screenings"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("screening_id", name=op.f("pk_screening_facts")),
    )


def downgrade() -> None:
    op.drop_table("screening_facts")
