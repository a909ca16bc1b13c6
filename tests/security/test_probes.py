"""Refused probes are audited and rate limited; wrong keys are rate limited per address.

Written as the attacker works: an Ankeby key asks about Cederby, again and again.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from sqlalchemy import event, select
from sqlalchemy.orm import Session

from app.main import create_app
from app.models import RateLimitWindow
from app.security.limits import SharedWindow
from tests.conftest import make_settings
from tests.security.scope_world import World
from tests.support.api import ApiClient
from tests.support.keys import committed_key
from tests.support.registry import CONTRACT_DOCUMENT, import_document

APPOINT_CECILIA = {
    "person": "p-cecilia",
    "body": {"committee": "ankeby-tn"},
    "role": "ersattare",
    "valid_from": "2030-01-01",
}


def swap(app: FastAPI, monkeypatch: pytest.MonkeyPatch, name: str, value: object) -> None:
    """A limiter with a small limit for this test (starlette's State hides attributes from
    monkeypatch.setattr, so its internal dict is patched)."""
    monkeypatch.setitem(app.state._state, name, value)


def refused_entries(admin: ApiClient) -> list[dict]:  # type: ignore[type-arg]
    items = admin.get("/v1/audit", params={"limit": 500}).json()["items"]
    return [e for e in items if e["kind"] == "security.refused"]


def test_a_refused_write_is_audited_and_nothing_else_is_written(
    admin: ApiClient, world: World
) -> None:
    registry = world.keys["registry"]
    before = admin.get("/v1/audit", params={"limit": 1}).json()["total"]
    response = registry.post("/v1/appointments", json=APPOINT_CECILIA)
    assert response.status_code == 422
    entries = refused_entries(admin)
    assert len(entries) == 1
    entry = entries[0]
    data = entry["payload"]["data"] if "payload" in entry else entry["data"]
    assert data["method"] == "POST" and data["path"] == "/v1/appointments"
    assert data["errors"] == [{"pointer": "/person", "code": "unknown_reference"}]
    assert "p-cecilia" not in json.dumps(entry)
    assert admin.get("/v1/audit", params={"limit": 1}).json()["total"] == before + 1
    assert admin.get("/v1/appointments", params={"person": "p-cecilia"}).json()["total"] == 1
    # A refused read is counted, not audited; an in-scope write is not a probe.
    assert registry.get("/v1/persons/p-cecilia").status_code == 404
    assert len(refused_entries(admin)) == 1


def test_refused_probes_are_rate_limited_per_key(
    app: FastAPI,
    world: World,
    client_for: Callable[..., ApiClient],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    swap(app, monkeypatch, "probe_limiter", SharedWindow("probe", 3, 600))
    registry = world.keys["registry"]
    answers = [registry.get(f"/v1/persons/p-guess-{i}").status_code for i in range(3)]
    assert answers == [404, 404, 404]
    blocked = registry.get("/v1/persons/p-anna")  # even a read in scope, once over
    assert blocked.status_code == 429
    assert int(blocked.headers["Retry-After"]) > 0
    assert blocked.headers["content-type"].startswith("application/problem+json")
    other = client_for("registry", ["ankeby"])
    assert other.get("/v1/persons/p-anna").status_code == 200


def test_wrong_keys_are_rate_limited_per_address(
    app: FastAPI, admin: ApiClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    swap(app, monkeypatch, "auth_failure_limiter", SharedWindow("wrong_key", 5, 600))
    first = admin.get("/v1/vocabularies")
    assert first.status_code == 200, first.text  # served: known from now on
    answers = []
    for i in range(7):
        guesser = ApiClient(app, f"jk_wrong-{i:04d}-key-material-xxxxxxxxxxxxxx")
        answers.append(guesser.get("/v1/vocabularies"))
        guesser.close()
    assert [r.status_code for r in answers] == [401] * 5 + [429] * 2
    assert int(answers[-1].headers["Retry-After"]) > 0
    # The kommun's own key, served before, still works from the same address.
    assert admin.get("/v1/vocabularies").status_code == 200


def test_a_window_opens_at_the_first_event_and_old_windows_are_pruned(session: Session) -> None:
    window = SharedWindow("test", 2, 10)
    window.hit(session, "k", now=1000)
    window.hit(session, "k", now=1001)
    assert window.retry_after(session, "k", now=1002) == 8
    assert window.retry_after(session, "k", now=1010.5) is None  # the window has ended
    window.hit(session, "k", now=1011)  # opens the next window, counting from one
    assert window.retry_after(session, "k", now=1011) is None
    window.hit(session, "old", now=1011)
    later = SharedWindow("test", 2, 10)  # another process: prunes at its first event
    later.hit(session, "new", now=1030)
    subjects = session.scalars(
        select(RateLimitWindow.subject).where(RateLimitWindow.kind == "test")
    ).all()
    assert subjects == ["new"]


class Statements(list[str]):
    listener: Any


def rate_limit_statements(application: FastAPI) -> Statements:
    """The statements an app sends that touch rate_limit_windows, from now on."""
    seen = Statements()

    def listener(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if "rate_limit_windows" in statement:
            seen.append(statement.strip())

    seen.listener = listener
    event.listen(application.state.engine, "before_cursor_execute", listener)
    return seen


@pytest.fixture
def two_servers(tmp_database: str) -> Iterator[tuple[FastAPI, FastAPI, str, str]]:
    """Two app instances (two processes' worth of state) on one database that commits:
    an unlimited admin key and a registry key limited to Ankeby."""
    settings = make_settings(tmp_database, auth_failure_limit=4, probe_limit=3)
    first, second = create_app(settings), create_app(settings)
    admin_key = committed_key(first, "admin", "admin")
    with ApiClient(first, admin_key) as admin:
        import_document(admin, CONTRACT_DOCUMENT)
    limited_key = committed_key(first, "registry", "ankeby", ["ankeby"])
    yield first, second, admin_key, limited_key
    first.state.engine.dispose()
    second.state.engine.dispose()


def test_two_servers_on_one_database_share_one_budget(
    two_servers: tuple[FastAPI, FastAPI, str, str],
) -> None:
    first, second, admin_key, limited_key = two_servers
    servers = (first, second)
    for application in servers:  # the kommun's admin works on both servers
        with ApiClient(application, admin_key) as admin:
            assert admin.get("/v1/organisations/borby").status_code == 200
    # A served unlimited key reads no rate-limit row; a limited key reads its one row.
    read = rate_limit_statements(first)
    with ApiClient(first, admin_key) as admin:
        assert admin.get("/v1/organisations/borby").status_code == 200
    assert read == []
    with ApiClient(first, limited_key) as ankeby:
        assert ankeby.get("/v1/organisations/ankeby").status_code == 200
        assert ankeby.get("/v1/organisations/ankeby").status_code == 200
    # The first request reads its row and (a key not served yet) the address's; then one.
    assert [s.split()[0] for s in read] == ["SELECT"] * 3
    event.remove(first.state.engine, "before_cursor_execute", read.listener)
    # Refused probes of a limited key, alternating: 3 in all, then 429 on either server.
    probes = []
    for i in range(5):
        with ApiClient(servers[i % 2], limited_key) as ankeby:
            probes.append(ankeby.get(f"/v1/persons/p-guess-{i}").status_code)
    assert probes == [404] * 3 + [429] * 2
    # Wrong keys from one address, alternating: 4 in all, not 4 per server.
    answers = []
    for i in range(6):
        with ApiClient(servers[i % 2], f"jk_wrong-{i:04d}-key-material-xxxxxx") as guess:
            answers.append(guess.get("/v1/vocabularies").status_code)
    assert answers == [401] * 4 + [429] * 2
    # A key each server served lately still passes from that address (never refused, so
    # never counted: successful requests write nothing).
    for application in servers:
        with ApiClient(application, admin_key) as admin:
            assert admin.get("/v1/organisations/borby").status_code == 200
    with first.state.sessionmaker() as db:
        rows = db.execute(select(RateLimitWindow.kind, RateLimitWindow.count)).all()
    assert sorted(tuple(r) for r in rows) == [("probe", 3), ("wrong_key", 4)]
