"""audit log: one hash chain per organisation, organisations fixed at write time

The single chain (`audit_head`, one row) becomes the system chain (`audit_chains` id 1);
every existing entry stays in it with its sequence, payload, prev_hash and hash untouched,
so the old chain still verifies. Entries get a locator `id` (= their old sequence) and a
`chain_id`; `audit_subjects.sequence` becomes `entry_id`. Each existing entry's
organisations are derived once from its subjects (organisation, committee and its
participating organisations, stored case's committee), as the old read-time rule did;
new entries record theirs when written (and hash them).

The tables are rebuilt (copied out, dropped, created, copied back): SQLite cannot change a
primary key in place, and the append-only triggers are recreated after.

Revision ID: audit_0001
Revises: spine_0002
Create Date: 2026-12-06
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import app.db_types

revision: str = "audit_0001"
down_revision: str | None = "spine_0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OLD_TABLES = ("audit_entries", "audit_subjects")
NEW_TABLES = ("audit_entries", "audit_subjects", "audit_entry_organisations")
ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")

# Organisations of an entry written before this revision, from its subjects' refs.
LEGACY_ORGANISATIONS = """
INSERT INTO audit_entry_organisations (entry_id, organisation_id)
SELECT s.entry_id, o.id FROM audit_subjects s
  JOIN organisations o ON s.subject_kind = 'organisation' AND o.ref = s.subject_ref
UNION
SELECT s.entry_id, c.organisation_id FROM audit_subjects s
  JOIN committees c ON s.subject_kind = 'committee' AND c.ref = s.subject_ref
UNION
SELECT s.entry_id, p.organisation_id FROM audit_subjects s
  JOIN committees c ON s.subject_kind = 'committee' AND c.ref = s.subject_ref
  JOIN committee_participants p ON p.committee_id = c.id
UNION
SELECT s.entry_id, c.organisation_id FROM audit_subjects s
  JOIN cases k ON s.subject_kind = 'case' AND k.ref = s.subject_ref
  JOIN committees c ON c.id = k.committee_id
UNION
SELECT s.entry_id, p.organisation_id FROM audit_subjects s
  JOIN cases k ON s.subject_kind = 'case' AND k.ref = s.subject_ref
  JOIN committee_participants p ON p.committee_id = k.committee_id
"""


def _postgresql() -> bool:
    return op.get_bind().dialect.name == "postgresql"


def _drop_triggers(tables: Sequence[str]) -> None:
    for table in tables:
        if _postgresql():
            op.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}")
        else:
            for action in ("update", "delete"):
                op.execute(f"DROP TRIGGER IF EXISTS {table}_no_{action}")


def _create_triggers(tables: Sequence[str]) -> None:
    # audit_refuse_change() exists on PostgreSQL since revision b1c2d3e4f5a6.
    for table in tables:
        if _postgresql():
            op.execute(
                f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION audit_refuse_change()"
            )
            op.execute(
                f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
                "FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change()"
            )
        else:
            for action in ("UPDATE", "DELETE"):
                op.execute(
                    f"CREATE TRIGGER {table}_no_{action.lower()} BEFORE {action} ON {table} "
                    f"BEGIN SELECT RAISE(ABORT, 'the audit log is append-only ({action} on "
                    f"{table})'); END"
                )


def _park(tables: Sequence[str]) -> None:
    """Copy the tables' rows aside and drop them (children first)."""
    _drop_triggers(tables)
    for table in tables:
        op.execute(f"CREATE TABLE parked_{table} AS SELECT * FROM {table}")  # noqa: S608
    for table in reversed(tables):
        op.drop_table(table)


def _restart_identity(table: str) -> None:
    if _postgresql():
        # Table names are this module's constants.
        op.execute(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608
            f"COALESCE((SELECT max(id) FROM {table}), 0) + 1, false)"
        )


def _create_entries_and_subjects() -> None:
    op.create_table(
        "audit_entries",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("chain_id", sa.Integer(), nullable=False),
        sa.Column("sequence", ID, nullable=False),
        sa.Column("created_at", app.db_types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("kind", sa.String(length=60), nullable=False),
        sa.Column("actor_key_id", ID, nullable=True),
        sa.Column("actor_name", sa.String(length=200), nullable=True),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("prev_hash", sa.String(length=64), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["chain_id"], ["audit_chains.id"], name=op.f("fk_audit_entries_chain_id_audit_chains")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_entries")),
        sa.UniqueConstraint(
            "chain_id", "sequence", name=op.f("uq_audit_entries_chain_id_sequence")
        ),
        sa.UniqueConstraint("hash", name=op.f("uq_audit_entries_hash")),
    )
    op.create_index(op.f("ix_audit_entries_created_at"), "audit_entries", ["created_at"])
    op.create_index("ix_audit_entries_kind_created", "audit_entries", ["kind", "created_at"])
    op.create_table(
        "audit_subjects",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("entry_id", ID, nullable=False),
        sa.Column("subject_kind", sa.String(length=20), nullable=False),
        sa.Column("subject_ref", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["entry_id"],
            ["audit_entries.id"],
            name=op.f("fk_audit_subjects_entry_id_audit_entries"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_subjects")),
    )
    op.create_index("ix_audit_subjects_lookup", "audit_subjects", ["subject_kind", "subject_ref"])
    op.create_index(op.f("ix_audit_subjects_entry_id"), "audit_subjects", ["entry_id"])


def upgrade() -> None:
    op.create_table(
        "audit_chains",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("organisation_id", ID, nullable=True),
        sa.Column("sequence", ID, nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_chains")),
        sa.UniqueConstraint("organisation_id", name=op.f("uq_audit_chains_organisation_id")),
    )
    op.execute(
        "INSERT INTO audit_chains (id, organisation_id, sequence, hash) "
        "SELECT id, NULL, sequence, hash FROM audit_head WHERE id = 1"
    )
    _restart_identity("audit_chains")
    op.drop_table("audit_head")

    _park(OLD_TABLES)
    _create_entries_and_subjects()
    op.create_table(
        "audit_entry_organisations",
        sa.Column("entry_id", ID, nullable=False),
        sa.Column("organisation_id", ID, nullable=False),
        sa.ForeignKeyConstraint(
            ["entry_id"],
            ["audit_entries.id"],
            name=op.f("fk_audit_entry_organisations_entry_id_audit_entries"),
        ),
        sa.PrimaryKeyConstraint(
            "entry_id", "organisation_id", name=op.f("pk_audit_entry_organisations")
        ),
    )
    op.create_index(
        "ix_audit_entry_organisations_organisation",
        "audit_entry_organisations",
        ["organisation_id"],
    )
    op.execute(
        "INSERT INTO audit_entries (id, chain_id, sequence, created_at, kind, actor_key_id, "
        "actor_name, payload, prev_hash, hash) SELECT sequence, 1, sequence, created_at, kind, "
        "actor_key_id, actor_name, payload, prev_hash, hash FROM parked_audit_entries"
    )
    op.execute(
        "INSERT INTO audit_subjects (id, entry_id, subject_kind, subject_ref) "
        "SELECT id, sequence, subject_kind, subject_ref FROM parked_audit_subjects"
    )
    op.execute(LEGACY_ORGANISATIONS)
    for table in OLD_TABLES:
        op.drop_table(f"parked_{table}")
        _restart_identity(table)
    _create_triggers(NEW_TABLES)


def downgrade() -> None:
    bind = op.get_bind()
    outside = bind.execute(sa.text("SELECT count(*) FROM audit_chains WHERE id <> 1")).scalar()
    entries = bind.execute(
        sa.text("SELECT count(*) FROM audit_entries WHERE chain_id <> 1")
    ).scalar()
    if entries:
        raise RuntimeError(
            f"{entries} audit entries are in organisation chains ({outside} chains); the single "
            "chain of the revision before cannot hold them. Export the log first."
        )
    _park(NEW_TABLES)
    op.create_table(
        "audit_head",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sequence", ID, nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_head")),
    )
    op.execute(
        "INSERT INTO audit_head (id, sequence, hash) "
        "SELECT id, sequence, hash FROM audit_chains WHERE id = 1"
    )
    op.create_table(
        "audit_entries",
        sa.Column("sequence", ID, autoincrement=False, nullable=False),
        sa.Column("created_at", app.db_types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("kind", sa.String(length=60), nullable=False),
        sa.Column("actor_key_id", ID, nullable=True),
        sa.Column("actor_name", sa.String(length=200), nullable=True),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("prev_hash", sa.String(length=64), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("sequence", name=op.f("pk_audit_entries")),
        sa.UniqueConstraint("hash", name=op.f("uq_audit_entries_hash")),
    )
    op.create_index(op.f("ix_audit_entries_created_at"), "audit_entries", ["created_at"])
    op.create_index("ix_audit_entries_kind_created", "audit_entries", ["kind", "created_at"])
    op.create_table(
        "audit_subjects",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("sequence", ID, nullable=False),
        sa.Column("subject_kind", sa.String(length=20), nullable=False),
        sa.Column("subject_ref", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["sequence"],
            ["audit_entries.sequence"],
            name=op.f("fk_audit_subjects_sequence_audit_entries"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_subjects")),
    )
    op.create_index("ix_audit_subjects_lookup", "audit_subjects", ["subject_kind", "subject_ref"])
    op.create_index(op.f("ix_audit_subjects_sequence"), "audit_subjects", ["sequence"])
    op.execute(
        "INSERT INTO audit_entries (sequence, created_at, kind, actor_key_id, actor_name, "
        "payload, prev_hash, hash) SELECT sequence, created_at, kind, actor_key_id, actor_name, "
        "payload, prev_hash, hash FROM parked_audit_entries"
    )
    op.execute(
        "INSERT INTO audit_subjects (id, sequence, subject_kind, subject_ref) "
        "SELECT s.id, e.sequence, s.subject_kind, s.subject_ref FROM parked_audit_subjects s "
        "JOIN parked_audit_entries e ON e.id = s.entry_id"
    )
    for table in NEW_TABLES:
        op.drop_table(f"parked_{table}")
    _restart_identity("audit_subjects")
    op.drop_table("audit_chains")
    _create_triggers(OLD_TABLES)
