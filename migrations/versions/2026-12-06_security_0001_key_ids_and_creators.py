"""key prefixes of a key id, not key material; who created an organisation

Revision ID: security_0001
Revises: audit_0001
Create Date: 2026-12-06
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from app.db_types import BigIntPK

revision: str = "security_0001"
down_revision: str | None = "audit_0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # The bootstrap key's first characters were stored as its prefix: key material.
    op.execute("UPDATE api_keys SET key_prefix = 'id-' || CAST(id AS VARCHAR(12))")
    with op.batch_alter_table("organisations") as batch:
        batch.add_column(sa.Column("created_by_key_id", BigIntPK, nullable=True))
        batch.create_foreign_key(
            "fk_organisations_created_by_key_id_api_keys",
            "api_keys",
            ["created_by_key_id"],
            ["id"],
            ondelete="SET NULL",
        )


def downgrade() -> None:
    with op.batch_alter_table("organisations") as batch:
        batch.drop_constraint("fk_organisations_created_by_key_id_api_keys", type_="foreignkey")
        batch.drop_column("created_by_key_id")
