"""A request whose client leaves while it waits for a turn is withdrawn (app/gates.py):
it is answered 499, its work is never done, and an Idempotency-Key it carried is free
for the resend, which is carried out.

The leaving client is an ASGI call of its own on the TestClient's event loop (the
worker's): its `receive` hands over the body, then reports the disconnect when the test
says so, as uvicorn does when a client closes its connection. The first request holds
the process's only turn inside its route until the test lets it go."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

import anyio
import orjson
import pytest
from fastapi.testclient import TestClient
from starlette.types import Message

from app.inputguard import replaying_receive
from app.main import create_app
from app.registry import router as registry_router
from app.screening import router as screening_router
from bench.inprocess import post_scope
from tests.conftest import make_settings
from tests.support.gates import WAIT_S, hold_first_call
from tests.support.keys import committed_key
from tests.support.registry import CONTRACT_CASE, contract_document

WAITING_S = 0.5  # time for the leaving request to reach the gate and wait there
SCREEN = {"case": CONTRACT_CASE}


@pytest.fixture
def one_turn(tmp_database: str) -> Iterator[tuple[TestClient, str]]:
    """One screening turn and one import turn per process; the contract's registry
    imported; an admin client (its key in the key cache) on one event loop."""
    settings = make_settings(tmp_database, screenings_per_worker=1, imports_per_worker=1)
    app = create_app(settings)
    key = committed_key(app, "admin", "withdrawal")
    with TestClient(app, headers={"Authorization": f"Bearer {key}"}) as client:
        assert client.post("/v1/import", json=contract_document()).status_code == 200
        yield client, key
    app.state.engine.dispose()


def leaving_request(
    client: TestClient, path: str, body: Any, headers: dict[str, str], leave: threading.Event
) -> Future[list[Message]]:
    """POST `body` to `path` on the client's event loop; the client disconnects once
    `leave` is set. The messages the app sent back, when it is done."""
    raw = orjson.dumps(body)

    async def after_the_body() -> Message:
        while not leave.is_set():
            await anyio.sleep(0.01)
        return {"type": "http.disconnect"}

    receive = replaying_receive(raw, after_the_body)

    async def call() -> list[Message]:
        sent: list[Message] = []

        async def send(message: Message) -> None:
            sent.append(message)

        raw_headers = [(k.lower().encode(), v.encode()) for k, v in headers.items()]
        scope = post_scope(path, raw, raw_headers, host="testserver")
        scope["state"] = dict(getattr(client, "app_state", {}))
        await client.app(scope, receive, send)
        return sent

    assert client.portal is not None
    future: Future[list[Message]] = client.portal.start_task_soon(call)
    return future


def _status(sent: list[Message]) -> int:
    return int(next(m["status"] for m in sent if m["type"] == "http.response.start"))


def _withdrawn(
    client: TestClient,
    monkeypatch: pytest.MonkeyPatch,
    service: tuple[Any, str, Callable[..., str]],
    first: Callable[[], Any],
    path: str,
    body: Any,
    headers: dict[str, str],
) -> tuple[list[str], Any, list[Message]]:
    """`first()` held in its turn; a request to `path` waits for the turn and its client
    leaves; then the first is let go. (started labels, first's answer, leaver's messages)"""
    held = hold_first_call(monkeypatch, *service)
    leave = threading.Event()
    with ThreadPoolExecutor(1) as pool:
        answer = pool.submit(first)
        assert held.first_in.wait(WAIT_S)
        leaver = leaving_request(client, path, body, headers, leave)
        threading.Event().wait(WAITING_S)
        assert not leaver.done(), "the leaving request did not wait for the turn"
        leave.set()
        try:
            sent = leaver.result(WAIT_S)  # answered while the first still holds the turn
            assert not answer.done()
        finally:
            held.release.set()
        return held.started, answer.result(WAIT_S), sent


def test_a_screening_whose_client_leaves_while_it_waits_is_never_done(
    one_turn: tuple[TestClient, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    client, key = one_turn
    keyed = {"Authorization": f"Bearer {key}", "Idempotency-Key": "left-while-waiting"}
    started, first, sent = _withdrawn(
        client,
        monkeypatch,
        (screening_router.service, "screen", lambda _s, principal, _b: "screen"),
        lambda: client.post("/v1/screenings", json=SCREEN),
        "/v1/screenings",
        SCREEN,
        keyed,
    )
    assert first.status_code == 201
    assert _status(sent) == 499
    assert started == ["screen"], "the withdrawn screening was carried out"
    stored = client.get("/v1/screenings", params={"case": CONTRACT_CASE["ref"]}).json()
    assert len(stored["items"]) == 1
    # The key was released: the resend is carried out, not refused as in flight or
    # answered with the 499.
    resent = client.post("/v1/screenings", json=SCREEN, headers=keyed)
    assert resent.status_code == 201, resent.text
    assert "idempotent-replayed" not in resent.headers
    assert client.get("/v1/audit/verify").json()["ok"] is True


def test_an_import_whose_client_leaves_while_it_waits_is_never_done(
    one_turn: tuple[TestClient, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    client, key = one_turn
    document = contract_document()
    document["persons"] = [{"ref": "p-left", "name": "Lämnad Väntande"}]
    started, first, sent = _withdrawn(
        client,
        monkeypatch,
        (registry_router.service, "import_document", lambda _s, _p, doc: doc.text[:20]),
        lambda: client.post("/v1/import", json=contract_document()),
        "/v1/import",
        document,
        {"Authorization": f"Bearer {key}"},
    )
    assert first.status_code == 200
    assert _status(sent) == 499
    assert len(started) == 1, "the withdrawn import was carried out"
    assert client.get("/v1/persons/p-left").status_code == 404
