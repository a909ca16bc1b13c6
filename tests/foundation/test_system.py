"""Health, readiness, authentication and problem details through the real app."""

from __future__ import annotations

from tests.support.api import ApiClient

PROBLEM = "application/problem+json"


def test_health_is_public_and_names_the_version(anonymous: ApiClient) -> None:
    response = anonymous.get("/v1/health")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["x-request-id"]


def test_ready_reports_the_database(anonymous: ApiClient) -> None:
    response = anonymous.get("/v1/ready")
    assert response.status_code == 200
    assert response.json() == {"status": "ready", "database": "ok"}


def test_missing_key_is_401_problem(anonymous: ApiClient) -> None:
    response = anonymous.get("/v1/vocabularies")
    assert response.status_code == 401
    assert response.headers["content-type"].startswith(PROBLEM)
    assert response.headers["www-authenticate"] == "Bearer"
    assert response.json()["status"] == 401


def test_unknown_key_is_401(app) -> None:  # type: ignore[no-untyped-def]
    with ApiClient(app, "jk_not-a-real-key") as client:
        assert client.get("/v1/vocabularies").status_code == 401


def test_vocabularies_list_the_contract_values(admin: ApiClient) -> None:
    body = admin.get("/v1/vocabularies").json()
    assert "gemensam_namnd" in body["committee_kind"]
    assert "miljo_halsoskydd" in body["area"]
    assert body["level"] == ["jav", "mojligt_jav", "undantag"]


def test_unknown_route_is_404_problem(admin: ApiClient) -> None:
    response = admin.get("/v1/no-such-thing")
    assert response.status_code == 404
    assert response.headers["content-type"].startswith(PROBLEM)


def test_wrong_method_is_405_problem(admin: ApiClient) -> None:
    response = admin.delete("/v1/health")
    assert response.status_code == 405
    assert response.headers["content-type"].startswith(PROBLEM)
