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
    with context.begin_transaction():
        context.run_migrations()


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
