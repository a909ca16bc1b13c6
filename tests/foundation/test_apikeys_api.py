"""Key management over HTTP: admin only, key shown once, revocation takes effect."""

from __future__ import annotations

from collections.abc import Callable

from app.apikeys.service import revoke_key
from app.audit.chain import Actor
from tests.support.api import ApiClient


def test_admin_creates_lists_and_revokes_a_scoped_key(admin: ApiClient, app) -> None:  # type: ignore[no-untyped-def]
    # A key may be limited only to organisations that exist.
    imported = admin.post(
        "/v1/import", json={"organisations": [{"ref": "ankeby", "kind": "kommun", "name": "A"}]}
    )
    assert imported.status_code == 200, imported.text
    created = admin.post(
        "/v1/apikeys", json={"name": "Diariet", "role": "screener", "organisations": ["ankeby"]}
    )
    assert created.status_code == 201
    body = created.json()
    assert body["key"].startswith("jk_") and body["organisations"] == ["ankeby"]

    listed = admin.get("/v1/apikeys").json()["items"]
    assert body["key"] not in str(listed)
    assert any(k["id"] == body["id"] and k["role"] == "screener" for k in listed)

    with ApiClient(app, body["key"]) as new_client:
        assert new_client.get("/v1/vocabularies").status_code == 200
        assert admin.delete(f"/v1/apikeys/{body['id']}").status_code == 200
        assert new_client.get("/v1/vocabularies").status_code == 401


def test_only_admin_manages_keys(client_for: Callable[..., ApiClient]) -> None:
    for role in ("registry", "screener", "auditor"):
        client = client_for(role)
        assert client.get("/v1/apikeys").status_code == 403
        assert client.post("/v1/apikeys", json={"name": "x", "role": "admin"}).status_code == 403


def test_bad_role_is_a_422_pointing_at_the_field(admin: ApiClient) -> None:
    response = admin.post("/v1/apikeys", json={"name": "x", "role": "superuser"})
    assert response.status_code == 422
    assert response.json()["errors"][0]["pointer"] == "/role"


def test_revoking_an_unknown_key_is_404(admin: ApiClient) -> None:
    assert admin.delete("/v1/apikeys/424242").status_code == 404


def test_a_key_revoked_elsewhere_stops_working_once_the_cache_expires(  # type: ignore[no-untyped-def]
    admin: ApiClient, app, session
) -> None:
    """Revoked outside this process's API (the CLI, another worker): refused once the
    short principal cache has expired (cleared here instead of waiting 2 s)."""
    created = admin.post("/v1/apikeys", json={"name": "Kort", "role": "auditor"}).json()
    with ApiClient(app, created["key"]) as client:
        assert client.get("/v1/vocabularies").status_code == 200  # now cached
        revoke_key(session, created["id"], actor=Actor(None, "cli"))
        session.commit()
        app.state.principal_cache.clear()  # what the cache's expiry does after 2 s
        assert client.get("/v1/vocabularies").status_code == 401
