"""name index queue, filled by triggers on persons and organisations

The registry import writes names in bulk by every means a database offers (executemany,
PostgreSQL COPY), which session events cannot all see. Triggers record every INSERT and
every change of `name` in `name_index_queue`; the application drains the queue into
`name_tokens` before the writing transaction commits (app/screening/name_index.py).
Rows already stored are queued here, so the next commit indexes them.

Revision ID: d4e5f6a7b8c9
Revises: ac832070c3ad
Create Date: 2026-11-27
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from app.db_types import BigIntPK

revision: str = "d4e5f6a7b8c9"
down_revision: str | None = "ac832070c3ad"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = {"persons": "person_id", "organisations": "organisation_id"}

PG_FUNCTION = """
CREATE FUNCTION name_index_enqueue() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        EXECUTE format('INSERT INTO name_index_queue (%I) SELECT id FROM new_rows', TG_ARGV[0]);
    ELSE
        EXECUTE format(
            'INSERT INTO name_index_queue (%I) SELECT n.id FROM new_rows n '
            'JOIN old_rows o ON o.id = n.id WHERE n.name IS DISTINCT FROM o.name',
            TG_ARGV[0]);
    END IF;
    RETURN NULL;
END;
$$
"""


def upgrade() -> None:
    op.create_table(
        "name_index_queue",
        sa.Column("id", BigIntPK, autoincrement=True, nullable=False),
        sa.Column("person_id", BigIntPK, nullable=True),
        sa.Column("organisation_id", BigIntPK, nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_name_index_queue")),
    )
    if op.get_bind().dialect.name == "postgresql":
        # Statement-level triggers with transition tables: one INSERT ... SELECT per
        # statement, so a COPY of 100,000 persons queues them in one go.
        op.execute(PG_FUNCTION)
        for table, column in TABLES.items():
            op.execute(
                f"CREATE TRIGGER {table}_name_index_insert AFTER INSERT ON {table} "
                "REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT "
                f"EXECUTE FUNCTION name_index_enqueue('{column}')"
            )
            op.execute(
                f"CREATE TRIGGER {table}_name_index_update AFTER UPDATE ON {table} "
                "REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT "
                f"EXECUTE FUNCTION name_index_enqueue('{column}')"
            )
    else:  # table and column names are the constants above, never input
        for table, column in TABLES.items():
            op.execute(
                f"CREATE TRIGGER {table}_name_index_insert AFTER INSERT ON {table} "  # noqa: S608
                f"BEGIN INSERT INTO name_index_queue ({column}) VALUES (NEW.id); END"
            )
            op.execute(
                f"CREATE TRIGGER {table}_name_index_update AFTER UPDATE OF name ON {table} "  # noqa: S608
                f"BEGIN INSERT INTO name_index_queue ({column}) VALUES (NEW.id); END"
            )
    for table, column in TABLES.items():
        op.execute(f"INSERT INTO name_index_queue ({column}) SELECT id FROM {table}")  # noqa: S608


def downgrade() -> None:
    for table in TABLES:
        op.execute(
            f"DROP TRIGGER IF EXISTS {table}_name_index_insert"
            + (f" ON {table}" if op.get_bind().dialect.name == "postgresql" else "")
        )
        op.execute(
            f"DROP TRIGGER IF EXISTS {table}_name_index_update"
            + (f" ON {table}" if op.get_bind().dialect.name == "postgresql" else "")
        )
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS name_index_enqueue()")
    op.drop_table("name_index_queue")
