"""One request cannot make the service do unbounded work (issue 9, finding 5)."""

from __future__ import annotations

import sqlite3

import pytest

from app import pagination
from app.main import create_app
from tests.conftest import make_settings
from tests.security.scope_world import IN_CASE_DOC, World
from tests.support.api import ApiClient
from tests.support.databases import backend
from tests.support.keys import committed_key


def test_an_import_lists_a_hundred_errors_and_counts_the_rest(admin: ApiClient) -> None:
    response = admin.post("/v1/import", json={"persons": [1] * 200_000})
    assert response.status_code == 422
    body = response.json()
    assert len(body["errors"]) == 100
    assert body["errors_omitted"] == 199_900
    assert body["errors"][0]["pointer"] == "/persons/0"
    assert len(response.content) < 50_000


def test_a_huge_list_inside_an_item_is_refused_before_it_is_read(admin: ApiClient) -> None:
    organisation = {
        "ref": "f",
        "kind": "kommunalforbund",
        "name": "F",
        "members": [f"m{i}" for i in range(20_000)],
    }
    response = admin.post("/v1/import", json={"organisations": [organisation]})
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert [(e["pointer"], e["code"]) for e in errors] == [("/organisations/0/members", "too_long")]


def test_a_page_is_cut_short_by_size(
    admin: ApiClient, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    for i in range(3):
        case = {"case": {**IN_CASE_DOC, "ref": f"MBN 2026/7{i}"}}
        assert admin.post("/v1/screenings", json=case).status_code == 201
    whole = admin.get("/v1/screenings", params={"limit": 10}).json()
    assert whole["limit"] == 10 and len(whole["items"]) == whole["total"] >= 3
    monkeypatch.setattr(pagination, "MAX_PAGE_BYTES", 10)  # less than any one screening
    seen = []
    offset = 0
    while offset < whole["total"]:
        page = admin.get("/v1/screenings", params={"limit": 10, "offset": offset}).json()
        assert len(page["items"]) == 1
        if offset + 1 < whole["total"]:
            assert page["limit"] == 1  # cut short, and the page says so
        seen += [item["id"] for item in page["items"]]
        offset += len(page["items"])
    assert seen == [item["id"] for item in whole["items"]]


@pytest.mark.skipif(backend() != "sqlite", reason="SQLite's write lock")
def test_a_read_does_not_wait_for_the_write_lock(tmp_database: str) -> None:
    settings = make_settings(tmp_database)
    application = create_app(settings)
    key = committed_key(application, "auditor", "r")
    path = tmp_database.removeprefix("sqlite:///")
    writer = sqlite3.connect(path, isolation_level=None, timeout=0)
    writer.execute("BEGIN IMMEDIATE")  # another request's import, holding the write lock
    try:
        client = ApiClient(application, key)
        # busy_timeout is 30 s: a read that took the write lock would wait, then fail.
        assert client.get("/v1/vocabularies").status_code == 200
        assert client.get("/v1/audit").status_code == 200
        client.close()
    finally:
        writer.execute("ROLLBACK")
        writer.close()
        application.state.engine.dispose()


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("GET", "/v1/audit/9223372036854775808", 422),
        ("GET", "/v1/audit/99999999999999999999999999", 422),
        ("GET", "/v1/appointments/9223372036854775808", 404),
        ("DELETE", "/v1/interests/99999999999999999999999999", 404),
        ("DELETE", "/v1/apikeys/9223372036854775808", 422),
        ("GET", "/v1/screenings/9223372036854775808", 404),
    ],
)
def test_huge_ids_are_refused_or_not_found(
    admin: ApiClient, method: str, path: str, status: int
) -> None:
    assert admin.request(method, path).status_code == status
