"""cheaper indexes on the big registry tables: rows without a value are not indexed

Nullable foreign keys that most rows leave empty are indexed only where set (partial
indexes, `WHERE col IS NOT NULL`): lookups by value, joins and the foreign keys' own
checks imply the condition and use them as before, and a row without a value costs no
index entry (appointments: one of three bodies, rarely `appointed_by`; interests: 94 %
without `on_behalf_of` in the national registry; name tokens: one owner of two).
`ix_relations_person_id` is dropped: `ix_relations_pair` (person_id, related_id, kind)
starts with the same column. No constraint changes.

Revision ID: imppar_0001
Revises: walls_0001
Create Date: 2026-12-06
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "imppar_0001"
down_revision: str | None = "walls_0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

PARTIAL = [
    ("appointments", "committee_id"),
    ("appointments", "administration_id"),
    ("appointments", "organisation_id"),
    ("appointments", "appointed_by_id"),
    ("interests", "on_behalf_of_id"),
    ("name_tokens", "person_id"),
    ("name_tokens", "organisation_id"),
]


def _create(table: str, column: str, *, partial: bool) -> None:
    where = {"postgresql_where": sa.text(f"{column} IS NOT NULL")} if partial else {}
    if partial:
        where["sqlite_where"] = sa.text(f"{column} IS NOT NULL")
    op.create_index(f"ix_{table}_{column}", table, [column], unique=False, **where)


def upgrade() -> None:
    for table, column in PARTIAL:
        op.drop_index(f"ix_{table}_{column}", table_name=table)
        _create(table, column, partial=True)
    op.drop_index("ix_relations_person_id", table_name="relations")


def downgrade() -> None:
    _create("relations", "person_id", partial=False)
    for table, column in PARTIAL:
        op.drop_index(f"ix_{table}_{column}", table_name=table)
        _create(table, column, partial=False)
