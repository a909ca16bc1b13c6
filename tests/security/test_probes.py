"""Refused probes are audited and rate limited; wrong keys are rate limited per address.

Written as the attacker works: an Ankeby key asks about Cederby, again and again.
"""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from fastapi import FastAPI

from app.security.probes import SlidingWindow
from tests.security.scope_world import World, build
from tests.support.api import ApiClient

APPOINT_CECILIA = {
    "person": "p-cecilia",
    "body": {"committee": "ankeby-tn"},
    "role": "ersattare",
    "valid_from": "2030-01-01",
}


@pytest.fixture
def world(admin: ApiClient, client_for: Callable[..., ApiClient]) -> World:
    return build(admin, client_for)


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
    swap(app, monkeypatch, "probe_limiter", SlidingWindow(3, 600))
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
    swap(app, monkeypatch, "auth_failure_limiter", SlidingWindow(5, 600))
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


def test_sliding_window_forgets_old_events() -> None:
    window = SlidingWindow(2, 10)
    window.hit("k", now=0)
    window.hit("k", now=1)
    assert window.retry_after("k", now=2) == 8
    assert window.retry_after("k", now=10.5) is None
