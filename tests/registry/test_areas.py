"""POST /v1/vocabularies/areas: an administrator adds an area; imports then accept it."""

from __future__ import annotations

from tests.support.api import ApiClient
from tests.support.registry import import_document

DOC = {
    "organisations": [{"ref": "k", "kind": "kommun", "name": "K"}],
    "operations": [
        {"ref": "hamnen", "name": "Hamnen", "area": "hamn", "operator": {"organisation": "k"}}
    ],
}


def test_added_area_validates_in_imports(admin: ApiClient) -> None:
    refused = admin.post("/v1/import", json=DOC)
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["pointer"] == "/operations/0/area"
    response = admin.post(
        "/v1/vocabularies/areas", json={"code": "hamn", "label": "Hamnverksamhet"}
    )
    assert response.status_code == 201, response.text
    assert "hamn" in admin.get("/v1/vocabularies").json()["area"]
    assert import_document(admin, DOC)["totals"]["created"] == 2


def test_area_codes_are_unique_and_well_formed(admin: ApiClient) -> None:
    assert (
        admin.post("/v1/vocabularies/areas", json={"code": "va", "label": "VA"}).status_code == 409
    )
    assert (
        admin.post("/v1/vocabularies/areas", json={"code": "hamn", "label": "H"}).status_code == 201
    )
    assert (
        admin.post("/v1/vocabularies/areas", json={"code": "hamn", "label": "H"}).status_code == 409
    )
    assert (
        admin.post("/v1/vocabularies/areas", json={"code": "Hamn Två", "label": "H"}).status_code
        == 422
    )
