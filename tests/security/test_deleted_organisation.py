"""A deleted organisation leaves nothing for whoever comes after it (docs/security.md,
"Deleted organisations").

Written as the attacker works, through the HTTP API on both databases: Avby kommun has a
committee, a person, audit entries and keys limited to it; an admin removes Avby's
registry data and Avby itself, and a new kommun (Bevby) is created. Before the fix, on
SQLite Bevby got Avby's id and so Avby's audit chain (its verify report counted Avby's
entries, its first entry continued Avby's chain), and on both databases a key limited
to Avby outlived it and scoped whatever next took the ref `avby`: a company that another
kommun created, and the people appointed to that company's board.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.support.api import ApiClient
from tests.support.registry import import_document

GENESIS = "0" * 64

WORLD: dict[str, Any] = {
    # Avby last: on SQLite it holds the largest id, the one a plain INTEGER PRIMARY KEY
    # would hand out again.
    "organisations": [
        {"ref": "xby", "kind": "kommun", "name": "Xby kommun"},
        {"ref": "avby", "kind": "kommun", "name": "Avby kommun"},
    ],
    "committees": [
        {"ref": "xby-ks", "organisation": "xby", "kind": "namnd", "name": "Xby KS"},
        {"ref": "avby-ks", "organisation": "avby", "kind": "namnd", "name": "Avby KS"},
    ],
    "persons": [
        {"ref": "p-xavier", "name": "Xavier Hemligsson"},
        {"ref": "p-anna", "name": "Anna Avbysson"},
    ],
    "appointments": [
        {"person": "p-xavier", "body": {"committee": "xby-ks"}, "role": "ledamot"},
        {
            "ref": "app-anna",
            "person": "p-anna",
            "body": {"committee": "avby-ks"},
            "role": "ledamot",
        },
    ],
}
AVBY_SECRETS = ("avby-ks", "p-anna", "Avbysson")


def _audit(client: ApiClient) -> list[dict[str, Any]]:
    response = client.get("/v1/audit", params={"limit": 500})
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()["items"]
    return items


def _revoke_keys_limited_to(admin: ApiClient, ref: str) -> None:
    for key in admin.get("/v1/apikeys").json()["items"]:
        if ref in (key["organisations"] or ()) and key["revoked_at"] is None:
            assert admin.delete(f"/v1/apikeys/{key['id']}").status_code == 200


def _delete_avby(admin: ApiClient) -> None:
    for path in ("/v1/appointments/app-anna", "/v1/committees/avby-ks", "/v1/persons/p-anna"):
        response = admin.delete(path)
        assert response.status_code == 204, response.text
    response = admin.delete("/v1/organisations/avby")
    assert response.status_code == 204, response.text


@pytest.fixture
def avby(admin: ApiClient, client_for: Callable[..., ApiClient]) -> dict[str, Any]:
    """Avby with a history: an import, a registry change by its own key."""
    import_document(admin, WORLD)
    registry = client_for("registry", orgs=["avby"])
    changed = registry.patch("/v1/committees/avby-ks", json={"name": "Avby kommunstyrelse"})
    assert changed.status_code == 200, changed.text
    auditor = client_for("auditor", orgs=["avby"])
    assert len(_audit(auditor)) >= 2
    return {
        "id": admin.get("/v1/organisations/avby").json()["id"],
        "registry": registry,
        "auditor": auditor,
    }


def test_an_organisation_named_by_a_key_is_not_deleted_until_the_key_is_revoked(
    admin: ApiClient, avby: dict[str, Any]
) -> None:
    for path in ("/v1/appointments/app-anna", "/v1/committees/avby-ks", "/v1/persons/p-anna"):
        assert admin.delete(path).status_code == 204
    refused = admin.delete("/v1/organisations/avby")
    assert refused.status_code == 409, refused.text
    [keys] = [u for u in refused.json()["referenced_by"] if u["type"] == "api_keys"]
    assert keys["count"] == 2  # Avby's registry key and its auditor's
    assert admin.get("/v1/organisations/avby").status_code == 200

    _revoke_keys_limited_to(admin, "avby")
    assert admin.delete("/v1/organisations/avby").status_code == 204
    assert avby["registry"].get("/v1/organisations").status_code == 401
    # A key cannot be made for the ref while no organisation has it.
    made = admin.post(
        "/v1/apikeys", json={"role": "registry", "name": "late", "organisations": ["avby"]}
    )
    assert made.status_code == 422, made.text


def test_a_new_organisation_gets_a_new_id_and_a_chain_of_its_own(
    admin: ApiClient, client_for: Callable[..., ApiClient], avby: dict[str, Any]
) -> None:
    avby_chain = [e for e in _audit(admin) if avby["id"] in e["organisations"]]
    assert avby_chain, "Avby's history is in the log"
    _revoke_keys_limited_to(admin, "avby")
    _delete_avby(admin)

    created = admin.post(
        "/v1/organisations", json={"ref": "bevby", "kind": "kommun", "name": "Bevby kommun"}
    )
    assert created.status_code == 201, created.text
    bevby_id = created.json()["id"]
    assert bevby_id != avby["id"], "SQLite handed out the deleted organisation's id again"

    bevby = client_for("registry", orgs=["bevby"])
    committee = {"ref": "bevby-ks", "organisation": "bevby", "kind": "namnd", "name": "Bevby KS"}
    assert bevby.post("/v1/committees", json=committee).status_code == 201
    auditor = client_for("auditor", orgs=["bevby"])
    seen = _audit(auditor)
    assert seen and all(bevby_id in e["organisations"] for e in seen)
    assert not [s for s in AVBY_SECRETS if s in repr(seen)]
    # Bevby's chain starts at its genesis: no entry of Avby's chain is before it.
    own = [e for e in seen if e["chain"] not in {a["chain"] for a in avby_chain}]
    assert own, "Bevby's entries are not in Avby's chain"
    first = min(own, key=lambda e: e["sequence"])
    assert (first["sequence"], first["prev_hash"]) == (1, GENESIS)

    report = auditor.get("/v1/audit/verify").json()
    assert report["ok"] is True and report["entries"] == len(seen)
    assert [c["organisation"] for c in report["chains"]] == [bevby_id]
    assert report["chains"][0]["entries"] == len([e for e in seen if e["chain"] == first["chain"]])
    assert avby["auditor"].get("/v1/audit").status_code == 401


def test_a_revoked_key_does_not_follow_its_ref_to_another_kommuns_company(
    admin: ApiClient, client_for: Callable[..., ApiClient], avby: dict[str, Any]
) -> None:
    for path in ("/v1/appointments/app-anna", "/v1/committees/avby-ks", "/v1/persons/p-anna"):
        assert admin.delete(path).status_code == 204
    if admin.delete("/v1/organisations/avby").status_code == 409:  # keys still name it
        _revoke_keys_limited_to(admin, "avby")
        assert admin.delete("/v1/organisations/avby").status_code == 204
    # Xby creates a company that happens to take the ref, and an admin appoints Xby's
    # person to its board: Xby's data, nothing of Avby's.
    xby = client_for("registry", orgs=["xby"])
    company = {"ref": "avby", "kind": "aktiebolag", "name": "Avby Konsult AB"}
    assert xby.post("/v1/organisations", json=company).status_code == 201
    seat = {"person": "p-xavier", "body": {"organisation": "avby"}, "role": "styrelseledamot"}
    assert admin.post("/v1/appointments", json=seat).status_code == 201

    stale = avby["registry"]
    for path in ("/v1/persons/p-xavier", "/v1/appointments", "/v1/organisations/avby"):
        assert stale.get(path).status_code == 401, path
    assert stale.patch("/v1/organisations/avby", json={"name": "Kapat AB"}).status_code == 401
    assert avby["auditor"].get("/v1/audit").status_code == 401
