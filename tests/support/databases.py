"""Test databases: a fresh SQLite file, or a fresh database on a PostgreSQL server.

Set JAVSKOLL_TEST_DATABASE_URL to a PostgreSQL URL to run the suite on PostgreSQL; its
user must be allowed to CREATE DATABASE. Each call makes a new, empty database.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg
from sqlalchemy.engine import make_url

from app.migrate import upgrade

ENV_VAR = "JAVSKOLL_TEST_DATABASE_URL"


def backend() -> str:
    url = os.environ.get(ENV_VAR, "")
    return "postgresql" if url.startswith("postgres") else "sqlite"


def _pg_admin_dsn(server_url: str) -> str:
    url = make_url(server_url).set(drivername="postgresql", database="postgres")
    return url.render_as_string(hide_password=False)


@contextmanager
def fresh_database(tmp_dir: Path, *, migrate: bool = True) -> Iterator[str]:
    """Yield the SQLAlchemy URL of a new database, dropped afterwards."""
    server_url = os.environ.get(ENV_VAR, "")
    if not server_url.startswith("postgres"):
        path = tmp_dir / f"javskoll-{uuid.uuid4().hex[:8]}.db"
        url = f"sqlite:///{path}"
        if migrate:
            upgrade(url)
        yield url
        return
    name = f"javskoll_test_{uuid.uuid4().hex[:12]}"
    admin = _pg_admin_dsn(server_url)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    url = (
        make_url(server_url)
        .set(drivername="postgresql+psycopg", database=name)
        .render_as_string(hide_password=False)
    )
    try:
        if migrate:
            upgrade(url)
        yield url
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
