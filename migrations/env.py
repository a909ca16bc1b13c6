"""Alembic environment: the URL comes from Settings unless a connection is injected."""

from __future__ import annotations

from alembic import context
from sqlalchemy.engine import Connection

import app.models  # noqa: F401 - registers every table on Base.metadata
from app.config import get_settings
from app.db import Base, make_engine

target_metadata = Base.metadata


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=True,
        compare_type=True,
        user_module_prefix="app.db_types.",
    )
    # SQLite: a batch rebuild drops and recreates a table, which with foreign keys on
    # would cascade into (or be refused by) the rows that refer to it. Foreign keys are
    # off while migrating (the pragma only takes effect outside a transaction) and the
    # whole database is checked before the migration commits.
    unchecked = connection.dialect.name == "sqlite" and not connection.in_transaction()
    if unchecked:
        _sqlite_pragma(connection, "PRAGMA foreign_keys=OFF")
    try:
        with context.begin_transaction():
            context.run_migrations()
            if unchecked:
                broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                if broken:
                    raise RuntimeError(f"foreign keys broken by the migration: {broken[:5]}")
    finally:
        if unchecked:
            _sqlite_pragma(connection, "PRAGMA foreign_keys=ON")


def _sqlite_pragma(connection: Connection, statement: str) -> None:
    """Run on the driver's connection, outside any transaction (SQLAlchemy's would BEGIN)."""
    driver = connection.connection.driver_connection
    assert driver is not None  # noqa: S101 - an open connection
    driver.execute(statement)


def run_migrations_online() -> None:
    injected = context.config.attributes.get("connection")
    if injected is not None:
        _run(injected)
        return
    url = context.config.attributes.get("database_url")
    settings = get_settings()
    if url:
        settings = settings.model_copy(update={"database_url": url})
    engine = make_engine(settings)
    try:
        with engine.connect() as connection:
            _run(connection)
    finally:
        engine.dispose()


if context.is_offline_mode():
    raise SystemExit("offline (--sql) migrations are not supported")
run_migrations_online()
