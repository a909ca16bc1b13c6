"""Health, readiness, authentication and problem details through the real app."""

from __future__ import annotations

import pytest

from app.main import create_app
from tests.support.api import ApiClient

PROBLEM = "application/problem+json"


def test_health_is_public_and_names_the_version(anonymous: ApiClient) -> None:
    response = anonymous.get("/v1/health")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["x-request-id"]


def test_ready_reports_the_database(anonymous: ApiClient) -> None:
    response = anonymous.get("/v1/ready")
    assert response.status_code == 200
    assert response.json() == {"status": "ready", "database": "ok"}


def test_missing_key_is_401_problem(anonymous: ApiClient) -> None:
    response = anonymous.get("/v1/vocabularies")
    assert response.status_code == 401
    assert response.headers["content-type"].startswith(PROBLEM)
    assert response.headers["www-authenticate"] == "Bearer"
    assert response.json()["status"] == 401


def test_unknown_key_is_401(app) -> None:  # type: ignore[no-untyped-def]
    with ApiClient(app, "jk_not-a-real-key") as client:
        assert client.get("/v1/vocabularies").status_code == 401


def test_vocabularies_list_the_contract_values(admin: ApiClient) -> None:
    body = admin.get("/v1/vocabularies").json()
    assert "gemensam_namnd" in body["committee_kind"]
    assert "miljo_halsoskydd" in body["area"]
    assert body["level"] == ["jav", "mojligt_jav", "undantag"]


def test_unknown_route_is_404_problem(admin: ApiClient) -> None:
    response = admin.get("/v1/no-such-thing")
    assert response.status_code == 404
    assert response.headers["content-type"].startswith(PROBLEM)


def test_wrong_method_is_405_problem(admin: ApiClient) -> None:
    response = admin.delete("/v1/health")
    assert response.status_code == 405
    assert response.headers["content-type"].startswith(PROBLEM)


def test_an_exhausted_connection_pool_answers_503_with_retry_after(settings) -> None:  # type: ignore[no-untyped-def]
    """Every pooled connection busy: a 503 the client can retry, not a 500."""
    busy = settings.model_copy(
        update={"db_pool_size": 1, "db_max_overflow": 0, "db_pool_timeout_seconds": 0.2}
    )
    if settings.is_sqlite:
        pytest.skip("the SQLite engine keeps its own pool; the sizes apply to PostgreSQL")
    application = create_app(busy)
    held = application.state.engine.connect()  # the only connection
    try:
        with ApiClient(application, "jk_any") as client:
            response = client.get("/v1/vocabularies")
        assert response.status_code == 503
        assert response.headers["retry-after"] == "1"
        assert response.headers["content-type"].startswith(PROBLEM)
    finally:
        held.close()
        application.state.engine.dispose()


def test_postgresql_sessions_start_with_the_configured_options(settings, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """JIT is off for the service's sessions (`JAVSKOLL_DB_OPTIONS`, app/db.py): compiling
    a kommun key's scope checks cost 150-600 ms a list at national scale. The option
    string reaches the server as given; an empty one sends none (a pooler that refuses
    startup options); what the operator gave in PGOPTIONS or in the URL's `options` is
    kept, and wins over the default."""
    if not settings.database_url.startswith("postgresql"):
        pytest.skip("libpq startup options are PostgreSQL's")
    from urllib.parse import quote

    import psycopg
    from sqlalchemy import text
    from sqlalchemy.engine import make_url

    from app.db import make_engine

    monkeypatch.delenv("PGOPTIONS", raising=False)

    def show(options: str, url: str = settings.database_url) -> tuple[str, str]:
        changed = settings.model_copy(update={"db_options": options, "database_url": url})
        engine = make_engine(changed)
        try:
            with engine.connect() as connection:
                jit = connection.execute(text("SHOW jit")).scalar_one()
                work_mem = connection.execute(text("SHOW work_mem")).scalar_one()
                return jit, work_mem
        finally:
            engine.dispose()

    plain_url = make_url(settings.database_url).set(drivername="postgresql")
    dsn = plain_url.render_as_string(hide_password=False)
    with psycopg.connect(dsn) as raw:  # the server's own defaults, no options
        row = raw.execute("SELECT current_setting('jit'), current_setting('work_mem')").fetchone()
    assert row is not None
    default = (row[0], row[1])
    assert show(settings.db_options) == ("off", default[1])
    assert show("-c jit=on -c work_mem=1234kB") == ("on", "1234kB")
    assert show("") == default
    with_url = settings.database_url + ("&" if "?" in settings.database_url else "?")
    with_url += "options=" + quote("-c work_mem=2345kB -c jit=on")
    assert show(settings.db_options, with_url) == ("on", "2345kB")
    monkeypatch.setenv("PGOPTIONS", "-c work_mem=3456kB")
    assert show(settings.db_options) == ("off", "3456kB")
