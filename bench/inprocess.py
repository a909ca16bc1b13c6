"""The service in this process, with an admin key, for benchmarks that run no server.

`app_with_admin_key` migrates the database, builds the app and creates an admin key;
`client` wraps them in a TestClient. The app is imported inside the functions, so a
benchmark run against a server (`--url`) imports none of it.
"""

from __future__ import annotations

import tempfile
from typing import Any


def bench_settings(database_url: str, **overrides: Any) -> Any:
    """Settings of a bench run (fixed secrets: nothing here is kept)."""
    from app.config import Settings  # noqa: PLC0415 - only for in-process runs

    values: dict[str, Any] = {
        "environment": "test",
        "database_url": database_url,
        "hash_secret": "b" * 40,
        "pnr_secret": "c" * 40,
    }
    return Settings(**(values | overrides))


def app_with_admin_key(settings: Any, name: str) -> tuple[Any, str]:
    """(app, admin key) on `settings.database_url`, migrated to head."""
    from app.apikeys.service import create_key  # noqa: PLC0415
    from app.audit.chain import Actor  # noqa: PLC0415
    from app.main import create_app  # noqa: PLC0415
    from app.migrate import upgrade  # noqa: PLC0415

    upgrade(settings.database_url)
    app = create_app(settings)
    with app.state.sessionmaker() as session:
        key = create_key(
            session,
            role="admin",
            name=name,
            organisation_refs=None,
            secret=settings.hash_secret,
            actor=Actor(None, "bench"),
        ).key
        session.commit()
    return app, key


def client(database_url: str | None, name: str) -> tuple[Any, str]:
    """(TestClient, admin key); without a URL, a fresh SQLite file under /tmp."""
    from fastapi.testclient import TestClient  # noqa: PLC0415

    url = database_url or f"sqlite:///{tempfile.mkdtemp()}/{name}.db"
    app, key = app_with_admin_key(bench_settings(url), name)
    return TestClient(app), key
