"""Every route that screens takes a screening turn, and nothing waits for one that is
refused anyway (app/screening/gate.py): an invalid body gets its 422 while another
screening holds the process's only turn, a replay waits for the turn as a screening
does, and so do the web pages that screen a case.

As in test_screening_gate.py: one TestClient inside `with` drives one event loop, as a
uvicorn worker has, and the first screening is held inside the route (before its first
statement) until the test lets it go. Whatever is sent meanwhile runs in a thread of its
own and is given `ANSWERED_S` to answer: a request that waited for the turn would not."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.main import create_app
from app.screening import router as screening_router
from tests.conftest import make_settings
from tests.support.gates import WAIT_S, Held, hold_first_call
from tests.support.keys import committed_key
from tests.support.registry import CONTRACT_CASE, contract_document
from tests.web.support import WebClient, csrf_of

ANSWERED_S = 5.0  # a request that does not wait for the turn answers well within this
NOT_YET_S = 0.5  # how long a request that must wait is watched for answering too early
SCREEN = {"case": CONTRACT_CASE}


@pytest.fixture
def one_turn(tmp_database: str) -> Iterator[tuple[Any, TestClient]]:
    """An app with one screening turn per process, the contract's registry imported, and
    a client (admin key, in the key cache) on one event loop."""
    app = create_app(make_settings(tmp_database, screenings_per_worker=1))
    key = committed_key(app, "admin", "turns")
    with TestClient(app, headers={"Authorization": f"Bearer {key}"}) as client:
        assert client.post("/v1/import", json=contract_document()).status_code == 200
        yield app, client
    app.state.engine.dispose()


@contextmanager
def held_screening(
    client: TestClient | WebClient, monkeypatch: pytest.MonkeyPatch, post: Callable[[], Any]
) -> Iterator[tuple[Held, Future[Any], ThreadPoolExecutor]]:
    """`post()` (a screening) running in a thread and held in its turn, before its first
    statement; a pool for what is sent meanwhile. The screening is let go on leaving."""
    held = hold_first_call(monkeypatch, screening_router.service, "screen", lambda *_: "held")
    with ThreadPoolExecutor(3) as pool:
        first = pool.submit(post)
        assert held.first_in.wait(WAIT_S)
        try:
            yield held, first, pool
        finally:
            held.release.set()


def screen(client: TestClient) -> Callable[[], Any]:
    return lambda: client.post("/v1/screenings", json=SCREEN)


def test_an_invalid_screening_or_meeting_body_is_refused_without_waiting_for_a_turn(
    one_turn: tuple[Any, TestClient], monkeypatch: pytest.MonkeyPatch
) -> None:
    _, client = one_turn
    invalid_case = {"case": {"ref": "X", "committee": "ost-mbn", "parties": [{"role": "part"}]}}
    invalid_meeting = {"ref": "BN 1", "committee": "bn", "date": "not a date", "items": []}
    with held_screening(client, monkeypatch, screen(client)) as (_, first, pool):
        refused = pool.submit(client.post, "/v1/screenings", json=invalid_case)
        meeting = pool.submit(client.post, "/v1/meetings", json=invalid_meeting)
        refused.result(ANSWERED_S)
        meeting.result(ANSWERED_S)
        assert not first.done(), "the held screening ended before the invalid ones answered"
    assert first.result(WAIT_S).status_code == 201
    assert refused.result().status_code == 422
    pointers = {e["pointer"] for e in refused.result().json()["errors"]}
    assert pointers == {"/case/matter", "/case/parties/0"}
    assert meeting.result().status_code == 422
    assert "/date" in {e["pointer"] for e in meeting.result().json()["errors"]}


def test_a_replay_waits_for_a_screening_turn(
    one_turn: tuple[Any, TestClient], monkeypatch: pytest.MonkeyPatch
) -> None:
    _, client = one_turn
    done = client.post("/v1/screenings", json=SCREEN)
    assert done.status_code == 201
    path = f"/v1/screenings/{done.json()['id']}/replay"
    with held_screening(client, monkeypatch, screen(client)) as (_, first, pool):
        replay = pool.submit(client.post, path)
        threading.Event().wait(NOT_YET_S)
        assert not replay.done(), "the replay ran while a screening held the only turn"
    assert first.result(WAIT_S).status_code == 201
    answered = replay.result(WAIT_S)
    assert answered.status_code == 200, answered.text
    assert answered.json()["unchanged"] is True


def test_a_web_page_that_screens_waits_for_a_turn_and_a_forged_form_does_not(
    tmp_database: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The web client alone drives the app's event loop here (one loop, one turn), and
    posts the registry and the case through the API with an admin key."""
    app = create_app(make_settings(tmp_database, screenings_per_worker=1))
    admin = {"Authorization": f"Bearer {committed_key(app, 'admin', 'web-turns-admin')}"}
    screener = committed_key(app, "screener", "web-turns")
    ref = CONTRACT_CASE["ref"]
    with WebClient(app) as web:
        assert web.post("/v1/import", json=contract_document(), headers=admin).status_code == 200
        assert web.post("/v1/cases", json=CONTRACT_CASE, headers=admin).status_code == 201
        assert web.sign_in(screener).status_code == 303
        token = csrf_of(web.page("/arenden/" + ref).text)

        def granska(csrf: str) -> Callable[[], Any]:
            return lambda: web.post("/arenden/granska", data={"ref": ref, "csrf_token": csrf})

        with held_screening(web, monkeypatch, granska(token)) as (held, first, pool):
            second = pool.submit(granska(token))
            forged = pool.submit(granska("not the token"))
            assert forged.result(ANSWERED_S).status_code == 403
            threading.Event().wait(NOT_YET_S)
            assert not second.done(), "a second web screening ran while the first held the turn"
            assert held.started == ["held"]
        assert first.result(WAIT_S).status_code == 303
        assert second.result(WAIT_S).status_code == 303
        assert held.started == ["held", "held"]
    app.state.engine.dispose()
