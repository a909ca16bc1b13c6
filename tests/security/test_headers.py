"""Security headers on every response (errors included) and CORS off unless configured."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from httpx import Response

from app.config import Settings
from app.main import create_app
from tests.support.api import ApiClient

EXPECTED = {
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "no-referrer",
    "cache-control": "no-store",
}
ORIGIN = "https://diarium.ankeby.se"


def assert_secure(response: Response) -> None:
    for name, value in EXPECTED.items():
        assert response.headers.get(name) == value, (name, response.status_code)
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
    assert response.headers["x-request-id"]
    assert "x-powered-by" not in response.headers


@pytest.mark.parametrize(
    ("method", "path", "kwargs", "status"),
    [
        ("GET", "/v1/health", {}, 200),
        ("GET", "/v1/ready", {}, 200),
        ("GET", "/v1/vocabularies", {}, 200),
        ("GET", "/v1/no-such-route", {}, 404),
        ("DELETE", "/v1/health", {}, 405),
        ("GET", "/v1/audit?limit=100000", {}, 422),
        ("GET", "/v1/audit?case=%00", {}, 422),
        (
            "POST",
            "/v1/apikeys",
            {"content": b"{bad json", "headers": {"Content-Type": "application/json"}},
            422,
        ),
        ("POST", "/v1/apikeys", {"content": b"{}"}, 415),
        ("POST", "/v1/apikeys", {"json": {"name": "x", "role": "nope"}}, 422),
        ("GET", "/openapi.json", {}, 200),
    ],
)
def test_security_headers_on_answers_and_errors(
    admin: ApiClient, method: str, path: str, kwargs: dict[str, object], status: int
) -> None:
    response = admin.request(method, path, **kwargs)  # type: ignore[arg-type]
    assert response.status_code == status
    assert_secure(response)


def test_security_headers_on_401(anonymous: ApiClient) -> None:
    response = anonymous.get("/v1/vocabularies")
    assert response.status_code == 401
    assert_secure(response)


def test_security_headers_on_413(app: FastAPI, settings: Settings, make_key) -> None:  # type: ignore[no-untyped-def]
    small = create_app(settings.model_copy(update={"max_body_bytes": 10}))
    small.dependency_overrides = app.dependency_overrides
    with ApiClient(small, make_key("admin")) as client:
        response = client.post("/v1/apikeys", json={"name": "a long enough name", "role": "admin"})
    assert response.status_code == 413
    assert_secure(response)


def test_docs_get_a_csp_that_lets_them_load_from_the_service_only(anonymous: ApiClient) -> None:
    for page in ("/docs", "/redoc"):
        response = anonymous.get(page)
        assert response.status_code == 200
        csp = response.headers["content-security-policy"]
        assert "script-src 'self';" in csp
        assert "http" not in csp  # nothing from elsewhere
        assert response.headers["x-frame-options"] == "DENY"


def test_a_request_id_is_echoed_when_sane_and_replaced_when_not(anonymous: ApiClient) -> None:
    assert (
        anonymous.get("/v1/health", headers={"X-Request-ID": "abc-123"}).headers["x-request-id"]
        == "abc-123"
    )
    replaced = anonymous.get("/v1/health", headers={"X-Request-ID": "x" * 100})
    assert replaced.headers["x-request-id"] != "x" * 100


# --- CORS ------------------------------------------------------------------------


def test_no_cors_headers_by_default(admin: ApiClient) -> None:
    response = admin.get("/v1/vocabularies", headers={"Origin": ORIGIN})
    assert response.status_code == 200
    assert "access-control-allow-origin" not in response.headers
    preflight = admin.options(
        "/v1/vocabularies",
        headers={"Origin": ORIGIN, "Access-Control-Request-Method": "GET"},
    )
    assert "access-control-allow-origin" not in preflight.headers


@pytest.fixture
def cors_client(app: FastAPI, settings: Settings, make_key) -> Iterator[ApiClient]:  # type: ignore[no-untyped-def]
    with_cors = create_app(settings.model_copy(update={"cors_origins": [ORIGIN]}))
    with_cors.dependency_overrides = app.dependency_overrides
    with ApiClient(with_cors, make_key("admin")) as client:
        yield client


def test_cors_headers_for_a_configured_origin(cors_client: ApiClient) -> None:
    response = cors_client.get("/v1/vocabularies", headers={"Origin": ORIGIN})
    assert response.headers["access-control-allow-origin"] == ORIGIN
    assert_secure(response)
    preflight = cors_client.options(
        "/v1/screenings",
        headers={
            "Origin": ORIGIN,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "Authorization, Content-Type, Idempotency-Key",
        },
    )
    assert preflight.status_code == 200
    assert preflight.headers["access-control-allow-origin"] == ORIGIN
    assert "idempotency-key" in preflight.headers["access-control-allow-headers"].lower()


def test_cors_refuses_other_origins(cors_client: ApiClient) -> None:
    response = cors_client.get("/v1/vocabularies", headers={"Origin": "https://evil.example"})
    assert "access-control-allow-origin" not in response.headers
    preflight = cors_client.options(
        "/v1/vocabularies",
        headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "GET"},
    )
    assert preflight.status_code == 400
    assert "access-control-allow-origin" not in preflight.headers


# --- errors as documented -----------------------------------------------------------


def test_405_names_every_method_of_the_path(admin: ApiClient) -> None:
    response = admin.request("PATCH", "/v1/apikeys")
    assert response.status_code == 405
    assert set(response.headers["allow"].split(", ")) >= {"GET", "POST"}


def test_openapi_documents_errors_as_problem_json(anonymous: ApiClient) -> None:
    document = anonymous.get("/openapi.json").json()
    assert "Problem" in document["components"]["schemas"]
    for path_item in document["paths"].values():
        for operation in path_item.values():
            responses = operation["responses"]
            assert "application/problem+json" in responses["default"]["content"]
            for status, response in responses.items():
                if status.startswith(("4", "5")):
                    assert list(response["content"]) == ["application/problem+json"]
