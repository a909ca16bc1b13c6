"""PostgreSQL: the large texts a screening writes are compressed with lz4, not pglz

Every screening stores its facts (about 50 KB of JSON at national scale, up to 320 KB),
its result and its audit payload (a few KB each); PostgreSQL compresses each with pglz
when it is over 2 KB, which cost about 0.3 ms of the database's CPU per national
screening (of some 2 ms for its writes, BENCHMARKS.md). lz4 compresses them about four
times faster (20% larger). Only new values are compressed with lz4; stored ones keep
pglz and read as before (the stored facts text and the hashed payload are the same text
whatever the compression). A server built without lz4 keeps pglz (the change is skipped).

SQLite: nothing to do.

Revision ID: scrpy_0001
Revises: imppar_0001
Create Date: 2026-12-06
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "scrpy_0001"
down_revision: str | None = "imppar_0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMNS = (
    ("screening_facts", "facts"),
    ("screenings", "result"),
    ("audit_entries", "payload"),
)


def _set_compression(method: str) -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    statements = " ".join(
        f"ALTER TABLE {table} ALTER COLUMN {column} SET COMPRESSION {method};"
        for table, column in COLUMNS
    )
    # A server built without lz4 refuses the method (feature_not_supported): keep pglz.
    op.execute(f"DO $$ BEGIN {statements} EXCEPTION WHEN feature_not_supported THEN NULL; END $$")


def upgrade() -> None:
    _set_compression("lz4")


def downgrade() -> None:
    _set_compression("pglz")
