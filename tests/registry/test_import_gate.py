"""One serving process works on one import at a time (app/registry/import_gate.py): a
second POST /v1/import to the same process waits until the first has answered, while
other requests, bodies the input guard refuses, and keys that may not import do not
wait (they are refused at once).

One TestClient inside `with` drives one event loop, as a uvicorn worker has; the first
import is held inside the route until the test lets it go. On SQLite the database's own
write lock (BEGIN IMMEDIATE, taken with the key lookup) already holds a second import
back; on PostgreSQL only the gate does, and the first test fails without it."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.main import create_app
from app.registry import router as registry_router
from tests.conftest import make_settings
from tests.support.databases import backend
from tests.support.gates import WAIT_S, hold_first_call
from tests.support.keys import committed_key

NOT_YET_S = 0.5  # how long the second import is watched for starting too early


def document(ref: str) -> dict[str, Any]:
    return {"organisations": [{"ref": ref, "kind": "kommun", "name": f"Kommun {ref}"}]}


@pytest.fixture
def client(tmp_database: str) -> Iterator[TestClient]:
    settings = make_settings(tmp_database, imports_per_worker=1)
    app = create_app(settings)
    key = committed_key(app, "admin", "gate")
    app.state.test_auditor_key = committed_key(app, "auditor", "gate-auditor")
    with TestClient(app, headers={"Authorization": f"Bearer {key}"}) as one_loop:
        yield one_loop
    app.state.engine.dispose()


@pytest.fixture
def held(monkeypatch: pytest.MonkeyPatch) -> tuple[list[str], threading.Event, threading.Event]:
    """The route's import service, recording each import that starts (its text); the
    first waits for `release` once it has set `first_in`."""
    one = hold_first_call(
        monkeypatch, registry_router.service, "import_document", lambda _s, _p, doc: doc.text
    )
    return one.started, one.first_in, one.release


def test_a_second_import_waits_for_the_first_and_then_runs(
    client: TestClient, held: tuple[list[str], threading.Event, threading.Event]
) -> None:
    started, first_in, release = held
    with ThreadPoolExecutor(2) as pool:
        first = pool.submit(client.post, "/v1/import", json=document("k-first"))
        assert first_in.wait(WAIT_S)
        second = pool.submit(client.post, "/v1/import", json=document("k-second"))
        # The gate holds it: the second import has not reached the service.
        assert not second.done()
        threading.Event().wait(NOT_YET_S)
        assert len(started) == 1, "the second import started while the first was running"
        # Other requests of the same process are not held up, nor is a refused body.
        assert client.get("/v1/health").status_code == 200
        bad = client.post(
            "/v1/import",
            content=b'{"organisations": [',
            headers={"Content-Type": "application/json"},
        )
        assert bad.status_code in (400, 422), bad.text
        release.set()
        assert first.result(WAIT_S).status_code == 200
        assert second.result(WAIT_S).status_code == 200
    assert len(started) == 2 and "k-second" in started[1]
    refs = {
        o["ref"] for o in client.get("/v1/organisations", params={"limit": 500}).json()["items"]
    }
    assert {"k-first", "k-second"} <= refs


@pytest.mark.skipif(
    backend() != "postgresql", reason="SQLite: any key lookup waits for the import's write lock"
)
def test_a_key_that_may_not_import_is_refused_without_waiting_for_a_turn(
    client: TestClient, held: tuple[list[str], threading.Event, threading.Event]
) -> None:
    started, first_in, release = held
    auditor = client.app.state.test_auditor_key
    with ThreadPoolExecutor(1) as pool:
        first = pool.submit(client.post, "/v1/import", json=document("k-first"))
        assert first_in.wait(WAIT_S)
        # The turn is taken after the key is checked: these are answered while it is held.
        wrong = client.post(
            "/v1/import", json=document("k-x"), headers={"Authorization": "Bearer jk_wrong"}
        )
        reader = client.post(
            "/v1/import", json=document("k-y"), headers={"Authorization": f"Bearer {auditor}"}
        )
        assert not first.done()
        release.set()
        assert first.result(WAIT_S).status_code == 200
    assert (wrong.status_code, reader.status_code) == (401, 403), wrong.text + reader.text
    assert len(started) == 1


@pytest.mark.skipif(
    backend() != "postgresql", reason="SQLite writes one transaction at a time (BEGIN IMMEDIATE)"
)
def test_a_worker_may_be_allowed_more_than_one_import_at_a_time(
    tmp_database: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = make_settings(tmp_database, imports_per_worker=2)
    app = create_app(settings)
    key = committed_key(app, "admin", "gate2")
    both_in = threading.Barrier(2, timeout=WAIT_S)
    original: Callable[..., Any] = registry_router.service.import_document

    def meeting(session: Any, principal: Any, doc: Any, **kwargs: Any) -> Any:
        both_in.wait()  # only passes when the two run at once
        return original(session, principal, doc, **kwargs)

    monkeypatch.setattr(registry_router.service, "import_document", meeting)
    with (
        TestClient(app, headers={"Authorization": f"Bearer {key}"}) as one_loop,
        ThreadPoolExecutor(2) as pool,
    ):
        answers = [
            pool.submit(one_loop.post, "/v1/import", json=document(ref)) for ref in ("k-a", "k-b")
        ]
        assert [a.result(WAIT_S).status_code for a in answers] == [200, 200]
    app.state.engine.dispose()
