"""Alembic is the only way the schema is made: prove it round-trips and matches the models."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, text
from sqlalchemy.exc import DBAPIError

import app.models  # noqa: F401 - registers every table
from app.db import Base
from app.migrate import downgrade, upgrade
from tests.support.databases import fresh_database


def _schema_diff(url: str) -> list[object]:
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(
                connection, opts={"compare_type": True, "render_as_batch": True}
            )
            return list(compare_metadata(context, Base.metadata))
    finally:
        engine.dispose()


def test_upgrade_downgrade_upgrade_leaves_models_and_schema_in_agreement(tmp_path: Path) -> None:
    with fresh_database(tmp_path, migrate=False) as url:
        upgrade(url)
        downgrade(url, "base")
        engine = create_engine(url)
        with engine.connect() as connection:
            tables = connection.execute(
                text(
                    "SELECT count(*) FROM information_schema.tables WHERE table_schema='public'"
                    if url.startswith("postgresql")
                    # sqlite_sequence holds AUTOINCREMENT's counters: SQLite's own table.
                    else "SELECT count(*) FROM sqlite_master WHERE type='table'"
                    " AND name != 'sqlite_sequence'"
                )
            ).scalar_one()
        engine.dispose()
        assert tables == 1  # only alembic_version is left after downgrade to base
        upgrade(url)
        assert _schema_diff(url) == []


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit_entries SET kind = 'tampered'",
        "DELETE FROM audit_entries",
        "UPDATE audit_subjects SET subject_ref = 'x'",
        "DELETE FROM audit_subjects",
        "UPDATE audit_entry_organisations SET organisation_id = 2",
        "DELETE FROM audit_entry_organisations",
    ],
)
def test_the_database_refuses_changes_to_the_audit_log(tmp_database: str, statement: str) -> None:
    engine = create_engine(tmp_database)
    try:
        with engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO audit_entries"
                    " (id, chain_id, sequence, created_at, kind, payload, prev_hash, hash)"
                    " VALUES (1, 1, 1, CURRENT_TIMESTAMP, 'test', '{}', :p, :h)"
                ),
                {"p": "0" * 64, "h": "1" * 64},
            )
            connection.execute(
                text(
                    "INSERT INTO audit_subjects (entry_id, subject_kind, subject_ref)"
                    " VALUES (1, 'case', 'c')"
                )
            )
            connection.execute(
                text(
                    "INSERT INTO audit_entry_organisations (entry_id, organisation_id)"
                    " VALUES (1, 1)"
                )
            )
        with pytest.raises(DBAPIError, match="append-only"), engine.begin() as connection:
            connection.execute(text(statement))
    finally:
        engine.dispose()
