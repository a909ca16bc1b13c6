"""Organisation scope: a limited key reads and changes only its organisations' registry."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.support.api import ApiClient
from tests.support.registry import contract_document, import_document


@pytest.fixture
def borby(admin: ApiClient, client_for: Callable[..., ApiClient]) -> ApiClient:
    import_document(admin, contract_document())
    import_document(admin, {"persons": [{"ref": "p-eva", "name": "Eva Utan Uppdrag"}]})
    return client_for("registry", orgs=["borby"])


def refs(client: ApiClient, url: str) -> list[str]:
    response = client.get(url)
    assert response.status_code == 200, response.text
    return sorted(item["ref"] for item in response.json()["items"])


def test_lists_show_only_objects_in_scope(borby: ApiClient) -> None:
    assert refs(borby, "/v1/organisations") == ["borby", "vmf"]
    assert refs(borby, "/v1/committees") == ["ab-mbn"]  # the gemensam nämnd it takes part in
    assert refs(borby, "/v1/administrations") == ["ab-miljo"]
    assert refs(borby, "/v1/operations") == []
    assert refs(borby, "/v1/agreements") == ["avtal-2024-7"]
    assert refs(borby, "/v1/persons") == ["p-anna", "p-olof"]


def test_reads_out_of_scope_are_404(borby: ApiClient) -> None:
    for url in (
        "/v1/organisations/ankeby",
        "/v1/committees/ankeby-tn",
        "/v1/persons/p-eva",
        "/v1/operations/ankeby-avlopp",
        "/v1/persons/p-eva/relations",
    ):
        assert borby.get(url).status_code == 404, url
    assert borby.get("/v1/organisations/borby").status_code == 200


def test_changes_out_of_scope_are_404_or_403(borby: ApiClient, admin: ApiClient) -> None:
    assert borby.patch("/v1/organisations/ankeby", json={"name": "X"}).status_code == 404
    assert borby.delete("/v1/committees/ankeby-tn").status_code == 404
    outside = borby.post(
        "/v1/organisations", json={"ref": "fri", "kind": "kommun", "name": "Fri kommun"}
    )
    assert outside.status_code == 403
    assert outside.json()["errors"][0]["code"] == "out_of_scope"
    assert admin.get("/v1/organisations/fri").status_code == 404  # nothing stored
    # A private company is shared reference data: any registry key may create one.
    private = {"ref": "fri-ab", "kind": "aktiebolag", "name": "Fri AB"}
    assert borby.post("/v1/organisations", json=private).status_code == 201
    owned = {
        "ref": "borby-bostader",
        "kind": "aktiebolag",
        "name": "Borby Bostäder AB",
        "owners": [{"organisation": "borby", "share_percent": 100}],
    }
    assert borby.post("/v1/organisations", json=owned).status_code == 201


def test_import_touching_an_organisation_out_of_scope_is_refused_whole(
    borby: ApiClient, admin: ApiClient
) -> None:
    doc = {
        "organisations": [
            {"ref": "borby", "kind": "kommun", "name": "Borby stad"},
            {"ref": "ankeby", "kind": "kommun", "name": "Ankeby stad"},
        ],
        "persons": [{"ref": "p-ny", "name": "Ny Person"}],
        "appointments": [{"person": "p-ny", "body": {"committee": "ankeby-tn"}, "role": "ledamot"}],
        "interests": [{"person": "p-eva", "organisation": "borby", "kind": "anstalld"}],
    }
    response = borby.post("/v1/import", json=doc)
    # A stored object the key may not change is answered first and alone (run Q): its ref
    # is taken, whatever else the document says.
    assert response.status_code == 403, response.text
    assert [e["pointer"] for e in response.json()["errors"]] == ["/organisations/1"]
    without = {**doc, "organisations": doc["organisations"][:1]}
    response = borby.post("/v1/import", json=without)
    # Pointing at what the key does not see reads like an unknown ref.
    assert response.status_code == 422, response.text
    pointers = {e["pointer"] for e in response.json()["errors"]}
    assert pointers == {"/appointments/0/body/committee", "/interests/0/person"}
    doc["appointments"][0]["body"] = {"committee": "ab-mbn"}
    del doc["interests"]
    response = borby.post("/v1/import", json=doc)
    assert response.status_code == 403, response.text
    pointers = {e["pointer"] for e in response.json()["errors"]}
    assert pointers == {"/organisations/1"}  # refused before anything is written
    del doc["organisations"][1]
    del doc["appointments"]
    response = borby.post("/v1/import", json=doc)
    assert response.status_code == 403  # a person nobody of Borby's appoints
    pointers = {e["pointer"] for e in response.json()["errors"]}
    assert pointers == {"/persons/0"}
    assert admin.get("/v1/organisations/borby").json()["name"] == "Borby kommun"
    assert admin.get("/v1/persons/p-ny").status_code == 404


def test_import_within_scope_works(borby: ApiClient) -> None:
    body = import_document(
        borby,
        {
            "organisations": [{"ref": "borby", "kind": "kommun", "name": "Borby stad"}],
            "persons": [{"ref": "p-ny", "name": "Ny Person"}],
            "appointments": [
                {
                    "person": "p-ny",
                    "body": {"committee": "ab-mbn"},
                    "role": "ersattare",
                    "appointed_by": "borby",
                }
            ],
            "interests": [{"person": "p-ny", "organisation": "vmf", "kind": "medlem"}],
        },
    )
    assert body["totals"] == {"created": 3, "updated": 1, "unchanged": 0}
    assert "p-ny" in refs(borby, "/v1/persons")


def test_facts_may_only_point_at_objects_in_scope(borby: ApiClient) -> None:
    response = borby.post(
        "/v1/import",
        json={
            "interests": [
                {"person": "p-anna", "organisation": "ankeby-vatten", "kind": "medlem"},
                {"person": "p-anna", "on_behalf_of": "p-eva", "kind": "ombud"},
            ],
            "relations": [{"person": "p-anna", "related": "p-eva", "kind": "syskon"}],
            "appointments": [
                {
                    "person": "p-anna",
                    "body": {"committee": "ab-mbn"},
                    "role": "ersattare",
                    "appointed_by": "ankeby",
                }
            ],
        },
    )
    assert response.status_code == 422, response.text  # as if they did not exist
    assert {e["pointer"] for e in response.json()["errors"]} == {
        "/interests/0/organisation",
        "/interests/1/on_behalf_of",
        "/relations/0/related",
        "/appointments/0/appointed_by",
    }


def test_creating_an_existing_object_out_of_scope_is_403_not_409(borby: ApiClient) -> None:
    response = borby.post(
        "/v1/organisations", json={"ref": "ankeby", "kind": "kommun", "name": "X"}
    )
    assert response.status_code == 403
    assert "ankeby" not in response.json()["detail"]


def test_vocabulary_writer_only_admin(client_for: Callable[..., ApiClient]) -> None:
    registry = client_for("registry")
    assert (
        registry.post("/v1/vocabularies/areas", json={"code": "hamn", "label": "Hamn"}).status_code
        == 403
    )
