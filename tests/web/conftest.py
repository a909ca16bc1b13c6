"""Fixtures of the web app's tests: a signed-in browser-like client per role and scope,
over the same real app and test database as the API tests."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from tests.support.api import ApiClient
from tests.support.registry import import_document
from tests.web.support import WebClient, scenario

SCENARIO = "48-ledamot-sambo-soker-bygglov"


@pytest.fixture
def browser_for(app: Any, make_key: Callable[..., str]) -> Iterator[Callable[..., WebClient]]:
    """browser_for("screener", ["ankeby"]): a client signed in with a new key of that role."""
    clients: list[WebClient] = []

    def _make(role: str, orgs: list[str] | None = None) -> WebClient:
        client = WebClient(app)
        clients.append(client)
        client.key = make_key(role, orgs)
        response = client.sign_in(client.key)
        assert response.status_code == 303, response.text[:300]
        return client

    yield _make
    for client in clients:
        client.close()


@pytest.fixture
def scenario_case(admin: ApiClient) -> dict[str, Any]:
    """Scenario 48 (an ersättare's sambo applies for a bygglov): registry imported and the
    case stored through the API, as a registrar would have done before the meeting."""
    data = scenario(SCENARIO)
    import_document(admin, data["registry"])
    created = admin.post("/v1/cases", json=data["case"])
    assert created.status_code == 201, created.text
    return data
