"""One serving process works on at most `screenings_per_worker` screenings at a time
(app/screening/gate.py): a further POST /v1/screenings to the same process waits in the
event loop until one has answered, then runs and is answered as usual; other requests,
and keys that may not screen, are not held up.

One TestClient inside `with` drives one event loop, as a uvicorn worker has; the first
screening is held inside the route until the test lets it go. On SQLite a second
screening's key lookup would wait for the first's write lock anyway, so the key is looked
up once beforehand (the key cache, as in a serving worker); on PostgreSQL only the gate
holds it, and the first test fails without it."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from fastapi import Request
from fastapi.testclient import TestClient

from app import api
from app.main import create_app
from app.screening import router as screening_router
from tests.conftest import make_settings
from tests.support.databases import backend
from tests.support.gates import WAIT_S, hold_first_call
from tests.support.keys import committed_key
from tests.support.registry import CONTRACT_CASE, contract_document

NOT_YET_S = 0.5  # how long the second screening is watched for starting too early
SCREEN = {"case": CONTRACT_CASE}


def _client(tmp_database: str, per_worker: int) -> tuple[Any, TestClient]:
    settings = make_settings(tmp_database, screenings_per_worker=per_worker)
    app = create_app(settings)
    key = committed_key(app, "admin", "gate")
    app.state.test_auditor_key = committed_key(app, "auditor", "gate-auditor")
    return app, TestClient(app, headers={"Authorization": f"Bearer {key}"})


@pytest.fixture
def client(tmp_database: str) -> Iterator[TestClient]:
    app, one_loop = _client(tmp_database, 1)
    with one_loop:
        assert one_loop.post("/v1/import", json=contract_document()).status_code == 200
        yield one_loop
    app.state.engine.dispose()


def hold(monkeypatch: pytest.MonkeyPatch) -> tuple[list[str], Any, Any]:
    """The route's screening service, recording each screening that starts (its key's
    name); the first waits for `release` once it has started."""
    one = hold_first_call(
        monkeypatch, screening_router.service, "screen", lambda _s, principal, _b: principal.name
    )
    return one.started, one.first_in, one.release


def test_a_second_screening_waits_for_the_first_and_then_runs(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    started, first_in, release = hold(monkeypatch)
    with ThreadPoolExecutor(2) as pool:
        first = pool.submit(client.post, "/v1/screenings", json=SCREEN)
        assert first_in.wait(WAIT_S)
        second = pool.submit(client.post, "/v1/screenings", json=SCREEN)
        threading.Event().wait(NOT_YET_S)
        assert not second.done()
        assert len(started) == 1, "the second screening started while the first was running"
        # Other requests of the same process are not held up, nor is a refused key.
        assert client.get("/v1/health").status_code == 200
        wrong = client.post(
            "/v1/screenings", json=SCREEN, headers={"Authorization": "Bearer jk_wrong"}
        )
        assert wrong.status_code == 401
        release.set()
        assert first.result(WAIT_S).status_code == 201
        assert second.result(WAIT_S).status_code == 201
    assert len(started) == 2
    listed = client.get("/v1/screenings", params={"case": CONTRACT_CASE["ref"]}).json()
    assert len(listed["items"]) == 2


@pytest.mark.skipif(
    backend() != "postgresql", reason="SQLite writes one transaction at a time (BEGIN IMMEDIATE)"
)
def test_a_key_that_may_not_screen_is_refused_without_waiting_for_a_turn(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    started, first_in, release = hold(monkeypatch)
    auditor = client.app.state.test_auditor_key  # type: ignore[attr-defined]
    with ThreadPoolExecutor(1) as pool:
        first = pool.submit(client.post, "/v1/screenings", json=SCREEN)
        assert first_in.wait(WAIT_S)
        reader = client.post(
            "/v1/screenings", json=SCREEN, headers={"Authorization": f"Bearer {auditor}"}
        )
        assert not first.done()
        release.set()
        assert first.result(WAIT_S).status_code == 201
    assert reader.status_code == 403, reader.text
    assert len(started) == 1


@pytest.mark.skipif(
    backend() != "postgresql", reason="SQLite writes one transaction at a time (BEGIN IMMEDIATE)"
)
def test_a_worker_works_on_as_many_screenings_at_once_as_it_is_allowed(
    tmp_database: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    app, one_loop = _client(tmp_database, 2)
    both_in = threading.Barrier(2, timeout=WAIT_S)
    original: Callable[..., Any] = screening_router.service.screen

    def meeting(session: Any, principal: Any, body: Any, **kwargs: Any) -> Any:
        both_in.wait()  # only passes when the two run at once
        return original(session, principal, body, **kwargs)

    with one_loop, ThreadPoolExecutor(3) as pool:
        assert one_loop.post("/v1/import", json=contract_document()).status_code == 200
        monkeypatch.setattr(screening_router.service, "screen", meeting)
        answers = [pool.submit(one_loop.post, "/v1/screenings", json=SCREEN) for _ in range(2)]
        assert [a.result(WAIT_S).status_code for a in answers] == [201, 201]
    app.state.engine.dispose()


def test_a_waiting_screening_holds_no_database_connection(
    tmp_database: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A key not yet in the key cache is looked up in a transaction, which the gate ends
    before the wait. With a pool of one connection: the first screening (its key in the
    cache) holds its turn but no connection (held before its first statement); the
    second's key is looked up afresh, on the only connection, and the second then waits
    for its turn; the first must get the connection to finish. Without the gate's commit
    the first waits for the pool until it times out, while the second waits for it."""
    settings = make_settings(
        tmp_database,
        screenings_per_worker=1,
        db_pool_size=1,
        db_max_overflow=0,
        db_pool_timeout_seconds=3,
    )
    app = create_app(settings)
    first_key = committed_key(app, "admin", "gate-a")
    second_key = committed_key(app, "admin", "gate-b")
    with (
        TestClient(app, headers={"Authorization": f"Bearer {first_key}"}) as one_loop,
        ThreadPoolExecutor(2) as pool,
    ):
        assert one_loop.post("/v1/import", json=contract_document()).status_code == 200
        # The import put the first key in the key cache; the second was never used.
        started, first_in, release = hold(monkeypatch)
        first = pool.submit(one_loop.post, "/v1/screenings", json=SCREEN)
        assert first_in.wait(WAIT_S)
        second = pool.submit(
            one_loop.post,
            "/v1/screenings",
            json=SCREEN,
            headers={"Authorization": f"Bearer {second_key}"},
        )
        threading.Event().wait(NOT_YET_S)  # the second's lookup done, it waits its turn
        assert started == ["gate-a"]
        release.set()
        assert first.result(WAIT_S).status_code == 201
        assert second.result(WAIT_S).status_code == 201
    assert started == ["gate-a", "gate-b"]
    app.state.engine.dispose()


def test_a_meeting_takes_a_screening_turn(
    tmp_database: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A meeting screens its agenda in one request: it waits for a turn like a screening."""
    from app.meetings import router as meetings_router
    from tests.meetings.world import case, world

    app, one_loop = _client(tmp_database, 1)
    meetings: list[str] = []
    original: Callable[..., Any] = meetings_router.service.create_meeting

    def recording(session: Any, principal: Any, body: Any, **kwargs: Any) -> Any:
        meetings.append(body.ref)
        return original(session, principal, body, **kwargs)

    doc = {
        "ref": "BN 2026-05-05",
        "committee": "bn",
        "date": "2026-05-05",
        "items": [{"paragraph": "§ 1", "case": case("BN 2026/2", ("p-sok", "sokande"))}],
    }
    with one_loop, ThreadPoolExecutor(2) as pool:
        assert one_loop.post("/v1/import", json=contract_document()).status_code == 200
        assert one_loop.post("/v1/import", json=world()).status_code == 200
        started, first_in, release = hold(monkeypatch)
        monkeypatch.setattr(meetings_router.service, "create_meeting", recording)
        first = pool.submit(one_loop.post, "/v1/screenings", json=SCREEN)
        assert first_in.wait(WAIT_S)
        meeting = pool.submit(one_loop.post, "/v1/meetings", json=doc)
        threading.Event().wait(NOT_YET_S)
        assert meetings == [], "the meeting was screened while a screening held the turn"
        release.set()
        assert first.result(WAIT_S).status_code == 201
        assert meeting.result(WAIT_S).status_code == 201, meeting.result().text
    assert meetings == ["BN 2026-05-05"]
    app.state.engine.dispose()


def test_a_keyed_screening_that_fails_after_its_turn_can_be_sent_again(
    tmp_database: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The gate ends the key lookup's read transaction without committing it: a commit
    there would also mark the request's Idempotency-Key as carried out (the marker rides
    on the request's own commit), before the screening was. A screening that then fails
    must leave its key free for the resend, which is carried out."""
    app, one_loop = _client(tmp_database, 1)
    original: Callable[..., Any] = screening_router.service.screen
    calls: list[int] = []

    def fails_once(session: Any, principal: Any, body: Any, **kwargs: Any) -> Any:
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("the screening fails after its turn was taken")
        return original(session, principal, body, **kwargs)

    with one_loop:
        assert one_loop.post("/v1/import", json=contract_document()).status_code == 200
        one_loop.app.state.principal_cache.clear()  # type: ignore[attr-defined]
        monkeypatch.setattr(screening_router.service, "screen", fails_once)
        keyed = {"Idempotency-Key": "gate-retry-1"}
        failing = TestClient(one_loop.app, raise_server_exceptions=False, headers=one_loop.headers)
        assert failing.post("/v1/screenings", json=SCREEN, headers=keyed).status_code == 500
        resent = one_loop.post("/v1/screenings", json=SCREEN, headers=keyed)
        assert resent.status_code == 201, resent.text
    assert len(calls) == 2
    app.state.engine.dispose()


def test_a_limited_keys_reads_before_the_route_hold_no_connection(
    tmp_database: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A limited key's request reads rate-limit rows (the probe guard) and, out of the key
    cache, its key, before the route; the connection goes back to the pool after each
    (`app.db.end_read`), not at the screening turn: held across the next dependency's
    wait for a thread, an open-loop overload of limited keys exhausted the pool (every
    screening answered 503, BENCHMARKS.md run J). The dependency after them sees no
    connection checked out; without `end_read` it sees the request's own."""
    if backend() != "postgresql":
        pytest.skip("SQLite keeps a read request's deferred transaction (app/db.py)")
    checked_out: list[int] = []
    original = api.reject_unknown_query_parameters

    async def next_dependency(request: Request) -> None:
        checked_out.append(request.app.state.engine.pool.checkedout())
        await original(request)

    monkeypatch.setattr(api, "reject_unknown_query_parameters", next_dependency)
    app = create_app(make_settings(tmp_database))
    admin = committed_key(app, "admin", "gate-admin")
    limited = committed_key(app, "screener", "gate-limited", ["ankeby"])
    with TestClient(app) as one_loop:
        imported = one_loop.post(
            "/v1/import", json=contract_document(), headers={"Authorization": f"Bearer {admin}"}
        )
        assert imported.status_code == 200
        checked_out.clear()
        answer = one_loop.post(
            "/v1/screenings", json=SCREEN, headers={"Authorization": f"Bearer {limited}"}
        )
        assert answer.status_code == 201, answer.text
    assert checked_out == [0]
    app.state.engine.dispose()
