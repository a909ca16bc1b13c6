"""SQLite: organisation and API key ids are never handed out twice (AUTOINCREMENT)

An SQLite `INTEGER PRIMARY KEY` without AUTOINCREMENT gives the next row the largest id
in the table plus one, so deleting the newest organisation and creating another gave the
new one the deleted one's id: its audit chain, and the entries tagged with that id, which
are keyed on organisation ids (docs/security.md, "Deleted organisations"). Both tables are
rebuilt with AUTOINCREMENT (batch mode copies every row, ids unchanged; migrations run
with foreign keys off on SQLite and checked before commit, migrations/env.py), and the
counter starts past every id the audit log or a stored row has ever named, so an id
already freed before this upgrade is not handed out either.

PostgreSQL identities (sequences) never hand out an id twice: nothing to do there.

Revision ID: walls_0001
Revises: security_0002
Create Date: 2026-12-06
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "walls_0001"
down_revision: str | None = "security_0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Per table: the columns elsewhere that name its ids without a foreign key (or with
# one whose rows may outlive it), whose largest value the counter must start past.
TABLES: dict[str, tuple[str, ...]] = {
    "organisations": (
        "audit_chains.organisation_id",
        "audit_entry_organisations.organisation_id",
    ),
    "api_keys": (
        "audit_entries.actor_key_id",
        "screenings.api_key_id",
        "meetings.api_key_id",
        "whatif_jobs.api_key_id",
        "jav_decisions.recorded_by_key_id",
    ),
}

FK_NAMES = {"fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s"}

# Dropping a table drops its triggers: the name index queue's (d4e5f6a7b8c9) come back.
ORGANISATION_TRIGGERS = (
    "CREATE TRIGGER organisations_name_index_insert AFTER INSERT ON organisations "
    "BEGIN INSERT INTO name_index_queue (organisation_id) VALUES (NEW.id); END",
    "CREATE TRIGGER organisations_name_index_update AFTER UPDATE OF name ON organisations "
    "BEGIN INSERT INTO name_index_queue (organisation_id) VALUES (NEW.id); END",
)


def _rebuild(autoincrement: bool) -> None:
    for table in TABLES:
        with op.batch_alter_table(
            table,
            recreate="always",
            table_kwargs={"sqlite_autoincrement": autoincrement},
            # SQLite reflects an inline REFERENCES without its name: keep the model's.
            naming_convention=FK_NAMES,
        ):
            pass
    for statement in ORGANISATION_TRIGGERS:
        op.execute(statement)


def upgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    _rebuild(autoincrement=True)
    for table, columns in TABLES.items():
        # Constants above, never input.
        highest = ", ".join(
            f"COALESCE((SELECT MAX({c.split('.')[1]}) FROM {c.split('.')[0]}), 0)"
            for c in (f"{table}.id", *columns)
        )
        op.execute(f"DELETE FROM sqlite_sequence WHERE name = '{table}'")  # noqa: S608
        op.execute(
            f"INSERT INTO sqlite_sequence (name, seq) SELECT '{table}', MAX({highest})"  # noqa: S608
        )


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    _rebuild(autoincrement=False)
    for table in TABLES:
        op.execute(f"DELETE FROM sqlite_sequence WHERE name = '{table}'")  # noqa: S608
