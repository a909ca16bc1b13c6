"""A real database for chain tests: append entries, and tamper with the triggers off."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Connection, Engine, text
from sqlalchemy.orm import Session

from app.audit import chain
from app.audit import verify as verification
from app.config import Settings
from app.db import make_engine, make_sessionmaker

AUDIT_TABLES = ("audit_entries", "audit_subjects", "audit_entry_organisations")
TEST_ACTOR = chain.Actor(None, "test")
# Organisation ids for chains under test (entries need no organisation row).
ORGANISATION = 7
OTHER_ORGANISATION = 8


@contextmanager
def engine_for(url: str) -> Iterator[Engine]:
    engine = make_engine(Settings(environment="test", database_url=url))
    try:
        yield engine
    finally:
        engine.dispose()


def append_entries(
    engine: Engine, count: int, *, kind: str = "test.entry", organisation: int | None = None
) -> int:
    """Append `count` entries to the organisation's chain (None: the system chain), each
    in its own committed transaction; returns the chain id."""
    factory = make_sessionmaker(engine)
    chain_id = chain.SYSTEM_CHAIN_ID
    for n in range(count):
        with factory() as session:
            entry = chain.append(
                session,
                kind=kind,
                actor=TEST_ACTOR,
                data={"n": n, "text": "Åsa Öberg"},
                subjects=[("case", f"KS 2026/{n}")],
                organisations=[organisation],
            )
            chain_id = entry.chain_id
            session.commit()
    return chain_id


def verify(engine: Engine) -> verification.VerifyResult:
    with Session(engine) as session:
        return verification.verify(session)


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
        names = ", ".join(f"'{t}'" for t in AUDIT_TABLES)
        triggers = conn.exec_driver_sql(
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' "
            f"AND tbl_name IN ({names}) ORDER BY name"
        ).all()
        assert triggers, "the append-only triggers are missing"
        for name, _sql in triggers:
            conn.exec_driver_sql(f"DROP TRIGGER {name}")
        yield conn
        for _name, sql in triggers:
            conn.exec_driver_sql(sql)


def row(conn: Connection, chain_id: int, sequence: int) -> dict[str, object]:
    result = conn.execute(
        text(
            "SELECT id, created_at, kind, actor_key_id, actor_name, payload, prev_hash, hash "
            "FROM audit_entries WHERE chain_id = :chain AND sequence = :sequence"
        ),
        {"chain": chain_id, "sequence": sequence},
    )
    return dict(result.mappings().one())


def delete_entry(conn: Connection, chain_id: int, sequence: int) -> None:
    """Remove one entry with its subject and organisation rows."""
    entry_id = row(conn, chain_id, sequence)["id"]
    for table in ("audit_subjects", "audit_entry_organisations"):
        conn.execute(text(f"DELETE FROM {table} WHERE entry_id = :id"), {"id": entry_id})  # noqa: S608
    conn.execute(text("DELETE FROM audit_entries WHERE id = :id"), {"id": entry_id})
