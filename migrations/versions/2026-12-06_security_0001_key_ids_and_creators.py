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
    if op.get_bind().dialect.name == "sqlite":
        # SQLite adds a column with its REFERENCES clause in place. Batch mode would copy
        # and drop `organisations`, which the foreign keys of a populated registry refuse.
        # No ON DELETE clause: API keys are revoked, never deleted, and SQLite's reflection
        # does not read the clause of an inline REFERENCES (the models would not match).
        op.execute(
            "ALTER TABLE organisations ADD COLUMN created_by_key_id INTEGER"
            " CONSTRAINT fk_organisations_created_by_key_id_api_keys"
            " REFERENCES api_keys (id)"
        )
        return
    op.add_column("organisations", sa.Column("created_by_key_id", BigIntPK, nullable=True))
    op.create_foreign_key(
        "fk_organisations_created_by_key_id_api_keys",
        "organisations",
        "api_keys",
        ["created_by_key_id"],
        ["id"],
    )


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        # Reflection does not name SQLite's inline REFERENCES; dropping the column in a
        # batch copy drops its foreign key with it.
        with op.batch_alter_table("organisations") as batch:
            batch.drop_column("created_by_key_id")
        return
    op.drop_constraint(
        "fk_organisations_created_by_key_id_api_keys", "organisations", type_="foreignkey"
    )
    op.drop_column("organisations", "created_by_key_id")
