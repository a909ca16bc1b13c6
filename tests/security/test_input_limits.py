"""Input limits: body size, page size, control characters, JSON depth, malformed JSON.

Hostile input must be refused with a 422/413 problem that names the field, before a
handler (and so the database) sees it.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.config import Settings
from app.main import create_app
from app.models import AuditEntry
from tests.security.probe import PROBE_PATH, mount_probe
from tests.support.api import ApiClient

PROBLEM = "application/problem+json"
SMALL_BODY = 2048
SMALL_DEPTH = 6
SMALL_PAGE = 20


@pytest.fixture
def small_app(app: FastAPI, settings: Settings, monkeypatch: pytest.MonkeyPatch) -> FastAPI:
    """The app with small limits, on the test's session."""
    limited = create_app(
        settings.model_copy(
            update={
                "max_body_bytes": SMALL_BODY,
                "max_json_depth": SMALL_DEPTH,
                "max_page_size": SMALL_PAGE,
            }
        )
    )
    limited.dependency_overrides = app.dependency_overrides
    mount_probe(limited, monkeypatch)
    return limited


@pytest.fixture
def client(small_app: FastAPI, make_key) -> Iterator[ApiClient]:  # type: ignore[no-untyped-def]
    with ApiClient(small_app, make_key("admin")) as api:
        yield api


def audit_count(session: Session) -> int:
    session.expire_all()
    return session.scalar(select(func.count()).select_from(AuditEntry)) or 0


def assert_problem(response, status: int) -> dict:  # type: ignore[no-untyped-def,type-arg]
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith(PROBLEM)
    body = response.json()
    assert body["status"] == status
    return body  # type: ignore[no-any-return]


# --- body size -------------------------------------------------------------------


def test_a_body_over_the_limit_is_413_by_content_length(client: ApiClient) -> None:
    body = b'{"name": "' + b"x" * SMALL_BODY + b'"}'
    response = client.post(
        "/v1/apikeys", content=body, headers={"Content-Type": "application/json"}
    )
    assert_problem(response, 413)


def test_a_streamed_body_over_the_limit_is_413(client: ApiClient, session: Session) -> None:
    before = audit_count(session)

    def chunks() -> Iterator[bytes]:
        yield b'{"a": "'
        for _ in range(10):
            yield b"x" * 512
        yield b'"}'

    response = client.post(
        PROBE_PATH, content=chunks(), headers={"Content-Type": "application/json"}
    )
    assert_problem(response, 413)
    assert audit_count(session) == before


def test_a_body_under_the_limit_passes(client: ApiClient) -> None:
    assert client.post(PROBE_PATH, json={"a": "x" * 500}).status_code == 201


# --- page size -------------------------------------------------------------------


def test_limit_over_the_cap_is_422(client: ApiClient) -> None:
    body = assert_problem(client.get("/v1/audit", params={"limit": SMALL_PAGE + 1}), 422)
    assert body["errors"][0]["pointer"] == "/limit"


@pytest.mark.parametrize("params", [{"limit": 0}, {"limit": -1}, {"offset": -1}, {"limit": "x"}])
def test_nonsense_paging_is_422(client: ApiClient, params: dict[str, object]) -> None:
    assert_problem(client.get("/v1/audit", params=params), 422)


def test_limit_at_the_cap_is_served(client: ApiClient) -> None:
    response = client.get("/v1/audit", params={"limit": SMALL_PAGE})
    assert response.status_code == 200
    assert response.json()["limit"] == SMALL_PAGE


# --- control characters ------------------------------------------------------------

REFUSED = ["\x00", "\x01", "\x1b", "\x7f", "\x85", "\x9f"]


@pytest.mark.parametrize("char", REFUSED)
def test_a_control_character_in_a_body_string_is_422_at_the_field(
    client: ApiClient, session: Session, char: str
) -> None:
    before = audit_count(session)
    body = {"persons": [{"ref": "p1"}, {"ref": "p2", "name": f"Anna{char}Berg"}]}
    problem = assert_problem(client.post(PROBE_PATH, json=body), 422)
    assert problem["errors"][0]["pointer"] == "/persons/1/name"
    assert problem["errors"][0]["code"] == "bad_character"
    assert f"Anna{char}" not in problem["detail"]
    assert audit_count(session) == before


def test_a_control_character_in_a_key_is_422(client: ApiClient) -> None:
    problem = assert_problem(client.post(PROBE_PATH, json={"a": {"b\x00c": 1}}), 422)
    assert problem["errors"][0]["pointer"].startswith("/a/b")


def test_a_raw_nul_on_a_real_route_never_reaches_the_database(client: ApiClient) -> None:
    problem = assert_problem(
        client.post("/v1/apikeys", json={"name": "evil\x00", "role": "admin"}), 422
    )
    assert problem["errors"][0]["pointer"] == "/name"


def test_a_lone_surrogate_is_422(client: ApiClient) -> None:
    response = client.post(
        PROBE_PATH, content=b'{"a": "x\\ud800y"}', headers={"Content-Type": "application/json"}
    )
    assert assert_problem(response, 422)["errors"][0]["pointer"] == "/a"


def test_tab_newline_return_and_swedish_text_pass(client: ApiClient) -> None:
    text = "Rad ett\tå\r\nRad två: Östra Göinge \U0001f600"
    response = client.post(PROBE_PATH, json={"note": text})
    assert response.status_code == 201
    assert response.json()["echo"]["note"] == text


@pytest.mark.parametrize("query", ["case=a%00b", "kind=%1b%5b31m", "x%00y=1", "to=%7f"])
def test_a_control_character_in_the_query_is_422(client: ApiClient, query: str) -> None:
    problem = assert_problem(client.get(f"/v1/audit?{query}"), 422)
    assert problem["errors"][0]["in"] == "query"


def test_a_control_character_in_the_path_is_422(client: ApiClient) -> None:
    problem = assert_problem(client.get("/v1/audit/1%00"), 422)
    assert problem["errors"][0]["in"] == "path"
    assert "instance" not in problem


# --- JSON depth and syntax -----------------------------------------------------------


def nested(depth: int) -> object:
    value: object = "leaf"
    for _ in range(depth):
        value = {"x": value}
    return value


def test_json_at_the_depth_limit_passes(client: ApiClient) -> None:
    assert client.post(PROBE_PATH, json=nested(SMALL_DEPTH)).status_code == 201


def test_json_deeper_than_the_limit_is_422(client: ApiClient, session: Session) -> None:
    before = audit_count(session)
    problem = assert_problem(client.post(PROBE_PATH, json=nested(SMALL_DEPTH + 1)), 422)
    assert problem["errors"][0]["code"] == "json_too_deep"
    assert audit_count(session) == before


def test_json_deeper_than_the_parser_can_go_is_422_not_500(app: FastAPI, admin: ApiClient) -> None:
    body = b"[" * 100_000 + b"]" * 100_000
    response = admin.post("/v1/apikeys", content=body, headers={"Content-Type": "application/json"})
    assert assert_problem(response, 422)["errors"][0]["code"] == "json_too_deep"


@pytest.mark.parametrize(
    "body",
    [
        b'{"name": ',
        b"{'a': 1}",
        b'{"a": 1,}',
        b"\xff\xfe{}",
        b'{"a": "raw\x00nul"}',
        b"nan",
        b'{"a": NaN}',
        b"[-Infinity]",
    ],
)
def test_malformed_json_is_422_problem(client: ApiClient, body: bytes) -> None:
    response = client.post(PROBE_PATH, content=body, headers={"Content-Type": "application/json"})
    assert assert_problem(response, 422)["errors"][0]["pointer"] == "/"


def test_a_body_without_a_content_type_is_415(client: ApiClient) -> None:
    response = client.post(PROBE_PATH, content=b"{oops")
    assert "Content-Type: application/json" in assert_problem(response, 415)["detail"]


@pytest.mark.parametrize("value", ["1\u00a0", " 1", "1_0", "+", "１"])
def test_paging_numbers_are_digits_only(client: ApiClient, value: str) -> None:
    assert_problem(client.get("/v1/audit", params={"offset": value}), 422)
    assert_problem(client.get("/v1/audit", params={"limit": value}), 422)


def test_paging_bounds_stay_in_the_openapi_document(client: ApiClient) -> None:
    parameters = client.get("/openapi.json").json()["paths"]["/v1/audit"]["get"]["parameters"]
    offset = next(p for p in parameters if p["name"] == "offset")
    assert offset["schema"]["minimum"] == 0
