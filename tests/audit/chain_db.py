"""A real database for chain tests: append entries, and tamper with the triggers off."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Connection, Engine, text
from sqlalchemy.orm import Session

from app.audit import chain
from app.config import Settings
from app.db import make_engine, make_sessionmaker

AUDIT_TABLES = ("audit_entries", "audit_subjects")
TEST_ACTOR = chain.Actor(None, "test")


@contextmanager
def engine_for(url: str) -> Iterator[Engine]:
    engine = make_engine(Settings(environment="test", database_url=url))
    try:
        yield engine
    finally:
        engine.dispose()


def append_entries(engine: Engine, count: int, *, kind: str = "test.entry") -> None:
    """Append `count` entries, each in its own committed transaction."""
    factory = make_sessionmaker(engine)
    for n in range(count):
        with factory() as session:
            chain.append(
                session,
                kind=kind,
                actor=TEST_ACTOR,
                data={"n": n, "text": "Åsa Öberg"},
                subjects=[("case", f"KS 2026/{n}")],
            )
            session.commit()


def verify(engine: Engine) -> chain.VerifyResult:
    with Session(engine) as session:
        return chain.verify(session)


@contextmanager
def triggers_off(engine: Engine) -> Iterator[Connection]:
    """One transaction in which the append-only triggers are off; they are back after it."""
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            for table in AUDIT_TABLES:
                conn.exec_driver_sql(f"ALTER TABLE {table} DISABLE TRIGGER USER")
            yield conn
            for table in AUDIT_TABLES:
                conn.exec_driver_sql(f"ALTER TABLE {table} ENABLE TRIGGER USER")
            return
        triggers = conn.exec_driver_sql(
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' "
            "AND tbl_name IN ('audit_entries', 'audit_subjects') ORDER BY name"
        ).all()
        assert triggers, "the append-only triggers are missing"
        for name, _sql in triggers:
            conn.exec_driver_sql(f"DROP TRIGGER {name}")
        yield conn
        for _name, sql in triggers:
            conn.exec_driver_sql(sql)


def row(conn: Connection, sequence: int) -> dict[str, object]:
    result = conn.execute(
        text(
            "SELECT created_at, kind, actor_key_id, actor_name, payload, prev_hash, hash "
            "FROM audit_entries WHERE sequence = :sequence"
        ),
        {"sequence": sequence},
    )
    return dict(result.mappings().one())
