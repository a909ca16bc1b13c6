"""The service in this process, with an admin key, for benchmarks that run no server.

`app_with_admin_key` migrates the database, builds the app and creates an admin key;
`client` wraps them in a TestClient. The app is imported inside the functions, so a
benchmark run against a server (`--url`) imports none of it.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterable
from typing import Any


def post_scope(
    path: str, body: bytes, headers: Iterable[tuple[bytes, bytes]], *, host: str = "bench"
) -> dict[str, Any]:
    """The ASGI scope of a JSON POST of `body` to `path`, as uvicorn would pass it (for
    calls of the app without a server: here and in tests/screening/test_gate_withdrawal.py)."""
    return {
        "type": "http",
        "asgi": {"version": "3.0", "spec_version": "2.3"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "root_path": "",
        "query_string": b"",
        "headers": [
            (b"host", host.encode()),
            (b"content-type", b"application/json"),
            (b"content-length", str(len(body)).encode()),
            *headers,
        ],
        "client": ("127.0.0.1", 5000),
        "server": (host, 80),
        "state": {},
    }


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


def limited_keys(app: Any, settings: Any, committee_refs: list[str]) -> dict[str, str]:
    """A screener key limited to each committee's organisation (one per organisation, as
    a kommun's case system holds one): committee ref -> key."""
    from sqlalchemy import text  # noqa: PLC0415

    from app.apikeys.service import create_key  # noqa: PLC0415
    from app.audit.chain import Actor  # noqa: PLC0415

    with app.state.sessionmaker() as session:
        rows = session.execute(
            text(
                "SELECT c.ref, o.ref FROM committees c JOIN organisations o"
                " ON o.id = c.organisation_id WHERE c.ref = ANY(:refs)"
            ),
            {"refs": sorted(set(committee_refs))},
        ).all()
        keys: dict[str, str] = {}
        for organisation in sorted({org for _committee, org in rows}):
            keys[organisation] = create_key(
                session,
                role="screener",
                name=f"bench-{organisation}",
                organisation_refs=[organisation],
                secret=settings.hash_secret,
                actor=Actor(None, "bench"),
            ).key
        session.commit()
    return {committee: keys[org] for committee, org in rows}


def client(database_url: str | None, name: str) -> tuple[Any, str]:
    """(TestClient, admin key); without a URL, a fresh SQLite file under /tmp."""
    from fastapi.testclient import TestClient  # noqa: PLC0415

    url = database_url or f"sqlite:///{tempfile.mkdtemp()}/{name}.db"
    app, key = app_with_admin_key(bench_settings(url), name)
    return TestClient(app), key
