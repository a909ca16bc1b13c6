"""Engine, session factory and the declarative base."""

from __future__ import annotations

import os
import weakref
from collections.abc import Iterator
from typing import Annotated, Any

from fastapi import Depends, Request
from sqlalchemy import MetaData, create_engine, event
from sqlalchemy.engine import Connection, Engine, make_url
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker

from app.config import Settings

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


# Read-only work may set this execution option to "DEFERRED" to skip the write lock.
SQLITE_BEGIN_OPTION = "sqlite_begin"
# PostgreSQL: run a screening's statements plain, not prepared (app/prepared.py).
PLAIN_STATEMENTS_OPTION = "javskoll_plain_statements"


def _configure_sqlite(engine: Engine) -> None:
    """pysqlite recipe: let SQLAlchemy emit BEGIN itself, and make it BEGIN IMMEDIATE.

    A deferred transaction that reads the audit chain tip and then writes can lose the
    race to another writer; taking the write lock at BEGIN serialises writers cleanly.
    """

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        mode = connection.get_execution_options().get(SQLITE_BEGIN_OPTION, "IMMEDIATE")
        connection.exec_driver_sql(f"BEGIN {'DEFERRED' if mode == 'DEFERRED' else 'IMMEDIATE'}")


def _session_options(settings: Settings) -> dict[str, str]:
    """libpq `options` for the service's sessions: `db_options` first, then what the
    operator gave in PGOPTIONS and in the URL's `options`, which libpq and SQLAlchemy would
    otherwise drop once `options` is passed (a later `-c` of the same setting wins, so the
    operator's own override the default)."""
    in_url = make_url(settings.database_url).query.get("options", ())
    given = [
        settings.db_options,
        os.environ.get("PGOPTIONS", ""),
        *((in_url,) if isinstance(in_url, str) else in_url),
    ]
    options = " ".join(o.strip() for o in given if o and o.strip())
    return {"options": options} if options else {}


def make_engine(settings: Settings) -> Engine:
    if settings.is_sqlite:
        engine = create_engine(
            settings.database_url,
            connect_args={"check_same_thread": False, "timeout": 30},
            hide_parameters=True,
        )
        _configure_sqlite(engine)
        return engine
    engine = create_engine(
        settings.database_url,
        pool_size=settings.db_pool_size,
        max_overflow=settings.db_max_overflow,
        pool_pre_ping=True,
        # Errors never carry bound values (a personnummer hash, a name) into the logs.
        hide_parameters=True,
        pool_timeout=settings.db_pool_timeout_seconds,
        # prepare_threshold=None: no server-side prepared statements. psycopg prepares a
        # statement after 5 runs; PostgreSQL then may switch to a generic plan made on the
        # statistics of a table that a bulk import has just filled (seq scan, and an
        # IN-list of parameters that is not hashed): one 1,000-ref lookup took 1-4 s, and a
        # 50,000-organisation import document 201 s instead of 52 s (BENCHMARKS.md).
        connect_args={
            "connect_timeout": 5,
            "prepare_threshold": None,
            # JIT off (`db_options`): PostgreSQL compiles a statement whose estimated cost
            # passes jit_above_cost, and a kommun's scope checks are estimated high (its
            # sets are UNIONs the planner cannot size): compiling one list's statement
            # took 150-600 ms of a 27-45 ms query (BENCHMARKS.md run K). No statement of
            # the service runs long enough to win it back.
            **_session_options(settings),
        },
    )
    if not settings.db_prepare_reach:
        # The exception above (a screening's named statements, app/prepared.py) off: no
        # session state.
        return engine.execution_options(**{PLAIN_STATEMENTS_OPTION: True})
    return engine


# A connection plans with plan_cache_mode "auto": a statement that is not prepared is
# planned with its parameters' values. Two paths were measured and tuned with generic
# plans and ask for them for the rest of their transaction (SET LOCAL): the reach
# (app/screening/pg_loader.py) and an import document, whose natural-key joins against
# arrays of thousands of keys are planned as index lookups generically, and as a hash
# join over the whole table when the planner knows the array's size (the national
# import's interests section: 1.5 s of those statements generic, 15.6 s custom;
# BENCHMARKS.md run I). Set for whole connections until run I, generic plans also
# reached the ORM's small lookups, where a JOIN's generic plan can walk a whole index.
GENERIC_PLANS_SQL = "SET LOCAL plan_cache_mode = force_generic_plan"


_GENERIC_IN = "javskoll_generic_plans_in"  # the transaction that set them (connection.info)


def generic_plans_until_commit(connection: Connection) -> None:
    """PostgreSQL: the statements from here to the end of the transaction plan generically
    (a no-op elsewhere)."""
    if connection.dialect.name != "postgresql":
        return
    # Once a transaction: the party lookup and the reach both ask (a round trip each). A
    # weak reference: `info` outlives the checkout, and a strong one to the transaction
    # (which holds the connection) kept a connection never closed out of the pool.
    marked = connection.info.get(_GENERIC_IN)
    transaction = connection.get_transaction()
    if transaction is not None and marked is not None and marked() is transaction:
        return
    connection.exec_driver_sql(GENERIC_PLANS_SQL, execution_options={"no_parameters": True})
    transaction = connection.get_transaction()  # begun by the statement if none was
    if transaction is not None:
        connection.info[_GENERIC_IN] = weakref.ref(transaction)


def make_sessionmaker(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(bind=engine, expire_on_commit=False, autoflush=False)


READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def get_session(request: Request) -> Iterator[Session]:
    """One session per request; handlers commit once, before they reply.

    On SQLite a read-only request (GET) runs in a deferred transaction: it takes no write
    lock, so one kommun's read does not wait behind another's import (issue 9). Reads
    never write; a request that writes is a POST, PUT, PATCH or DELETE.
    """
    factory: sessionmaker[Session] = request.app.state.sessionmaker
    with factory() as session:
        if request.method in READ_METHODS and request.app.state.settings.is_sqlite:
            session.connection(execution_options={SQLITE_BEGIN_OPTION: "DEFERRED"})
        yield session


SessionDep = Annotated[Session, Depends(get_session)]


def end_read(session: Session) -> None:
    """PostgreSQL: end a transaction that has only read, so that its pooled connection goes
    back to the pool before the request waits for anything (a thread for its next
    dependency, a screening turn). A limited key's request reads its rate-limit rows before
    the route: holding that connection while it waited for a thread, an open-loop
    overload of limited keys took every connection of the pool, and the requests that
    had one could not get a thread to go on (every screening answered 503 after 155 s;
    BENCHMARKS.md run J). SQLite: nothing (a read request's deferred transaction is kept,
    `get_session`; its pool is not shared by threads in that way)."""
    if (
        session.get_bind().dialect.name == "postgresql"
        and session.in_transaction()
        and not (session.new or session.dirty or session.deleted)
    ):
        session.rollback()


def continue_read_only(session: Session) -> None:
    """End the request's transaction and go on in a deferred one (SQLite: no write lock).

    Authentication already opened a BEGIN IMMEDIATE transaction; a long read (verifying
    the audit chain, streaming a report) must not hold the write lock while it runs.
    Call only before anything was written. On PostgreSQL this does nothing.
    """
    if session.get_bind().dialect.name != "sqlite":
        return
    session.rollback()
    session.connection(execution_options={SQLITE_BEGIN_OPTION: "DEFERRED"})


def snapshot_read(session: Session) -> None:
    """`continue_read_only`, and on PostgreSQL the rest of the request in one snapshot
    (REPEATABLE READ). Verifying the audit log compares the chain heads with their entries
    and the screening and decision rows with theirs; under READ COMMITTED a screening
    committed half-way showed as a break (an entry past its head, a row no entry covered).
    SQLite: a deferred transaction's first read already fixes its snapshot (WAL). Call only
    before anything was written."""
    bind = session.get_bind()
    if bind.dialect.name != "postgresql":
        continue_read_only(session)
        return
    if isinstance(bind, Connection) and bind.in_transaction():
        return  # joined to its caller's transaction (the tests'): the caller's isolation
    if session.in_transaction():
        session.rollback()
    session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
