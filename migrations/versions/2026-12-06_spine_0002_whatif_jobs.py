"""what-if jobs: stored screenings replayed with changed rule parameters

Revision ID: spine_0002
Revises: spine_0001
Create Date: 2026-12-06
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from app.db_types import BigIntPK, UTCDateTime

revision: str = "spine_0002"
down_revision: str | None = "spine_0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "whatif_jobs",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("finished_at", UTCDateTime(), nullable=True),
        sa.Column("status", sa.String(length=40), nullable=False),
        sa.Column("done", sa.Integer(), nullable=False),
        sa.Column("total", sa.Integer(), nullable=False),
        sa.Column("request", sa.JSON(), nullable=False),
        sa.Column("api_key_id", BigIntPK, nullable=True),
        sa.Column("key_name", sa.String(length=200), nullable=False),
        sa.Column("key_role", sa.String(length=40), nullable=False),
        sa.Column("key_scope", sa.JSON(), nullable=True),
        sa.Column("report", sa.JSON(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("runner", sa.String(length=200), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_whatif_jobs")),
    )


def downgrade() -> None:
    op.drop_table("whatif_jobs")
