"""Shared fixtures: the real app over a real, migrated database (SQLite or PostgreSQL).

The database is migrated once per session with Alembic. Each test runs inside an outer
transaction on one connection; the app's session joins it with savepoints, so handlers
really commit (to a savepoint) and the test still leaves nothing behind.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import Connection, Engine
from sqlalchemy.orm import Session

from app.apikeys.service import create_key
from app.audit.chain import Actor
from app.config import Settings
from app.db import get_session, make_engine
from app.main import create_app
from tests.support.api import ApiClient
from tests.support.databases import backend, fresh_database

TEST_HASH_SECRET = "test-hash-secret-0123456789abcdef0123456789"  # noqa: S105 - test-only secret
TEST_PNR_SECRET = "test-pnr-secret-0123456789abcdef0123456789ab"  # noqa: S105 - test-only secret


def pytest_report_header(config: pytest.Config) -> str:
    return f"jävskoll test database backend: {backend()}"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if backend() == "postgresql":
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL (set JAVSKOLL_TEST_DATABASE_URL)")
    for item in items:
        if "postgres" in item.keywords:
            item.add_marker(skip)


def make_settings(database_url: str, **overrides: object) -> Settings:
    values: dict[str, object] = {
        "environment": "test",
        "database_url": database_url,
        "hash_secret": TEST_HASH_SECRET,
        "pnr_secret": TEST_PNR_SECRET,
        "log_json": True,
        # One client address for the whole suite, which sends wrong keys on purpose: the
        # per-address limit is tested with a limiter of its own (test_probes.py).
        "auth_failure_limit": 1_000_000,
    }
    values.update(overrides)
    return Settings(**values)  # type: ignore[arg-type]


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with fresh_database(tmp_path_factory.mktemp("db")) as url:
        yield url


@pytest.fixture(scope="session")
def settings(database_url: str) -> Settings:
    return make_settings(database_url)


@pytest.fixture(scope="session")
def engine(settings: Settings) -> Iterator[Engine]:
    engine = make_engine(settings)
    yield engine
    engine.dispose()


@pytest.fixture
def connection(engine: Engine) -> Iterator[Connection]:
    with engine.connect() as connection:
        outer = connection.begin()
        yield connection
        if outer.is_active:
            outer.rollback()


@pytest.fixture
def session(connection: Connection) -> Iterator[Session]:
    session = Session(
        bind=connection,
        join_transaction_mode="create_savepoint",
        expire_on_commit=False,
        autoflush=False,
    )
    yield session
    session.close()


@pytest.fixture(scope="session")
def shared_app(settings: Settings):  # type: ignore[no-untyped-def]
    """Built once: FastAPI's route building costs about half a second per app."""
    application = create_app(settings)
    yield application
    application.state.engine.dispose()


@pytest.fixture
def app(shared_app, session: Session):  # type: ignore[no-untyped-def]
    def _test_session() -> Iterator[Session]:
        # Like a fresh per-request session: nothing cached from earlier requests, and
        # whatever the handler did not commit is rolled back (to its savepoint).
        session.expunge_all()
        try:
            yield session
        finally:
            if session.in_transaction():
                session.rollback()
            session.expunge_all()

    # Tests may add routes (probes) or overrides; each test gets the app as it was built.
    routes = list(shared_app.router.routes)
    overrides = dict(shared_app.dependency_overrides)
    shared_app.dependency_overrides[get_session] = _test_session
    yield shared_app
    shared_app.router.routes[:] = routes
    shared_app.dependency_overrides.clear()
    shared_app.dependency_overrides.update(overrides)
    shared_app.openapi_schema = None


@pytest.fixture
def make_key(session: Session, settings: Settings) -> Callable[..., str]:
    def _make(role: str, orgs: list[str] | None = None, name: str | None = None) -> str:
        created = create_key(
            session,
            role=role,
            name=name or f"test-{role}",
            organisation_refs=orgs,
            secret=settings.hash_secret,
            actor=Actor(None, "test"),
        )
        session.commit()
        return created.key

    return _make


@pytest.fixture
def client_for(app, make_key: Callable[..., str]) -> Callable[..., ApiClient]:  # type: ignore[no-untyped-def]
    """A client for a role (and optional organisation scope): client_for("auditor")."""
    clients: list[ApiClient] = []

    def _client(role: str, orgs: list[str] | None = None) -> ApiClient:
        client = ApiClient(app, make_key(role, orgs))
        clients.append(client)
        return client

    yield _client
    for client in clients:
        client.close()


@pytest.fixture
def admin(client_for: Callable[..., ApiClient]) -> ApiClient:
    return client_for("admin")


@pytest.fixture
def anonymous(app) -> Iterator[ApiClient]:  # type: ignore[no-untyped-def]
    with ApiClient(app, None) as client:
        yield client


@pytest.fixture
def tmp_database(tmp_path: Path) -> Iterator[str]:
    """A separate, migrated database that really commits (for process-level tests)."""
    with fresh_database(tmp_path) as url:
        yield url
