"""Registry lists: pagination and every filter."""

from __future__ import annotations

from typing import Any

import pytest

from tests.support.api import ApiClient
from tests.support.registry import contract_document, import_document


@pytest.fixture
def registry(admin: ApiClient) -> ApiClient:
    doc = contract_document()
    doc["committees"].append(
        {
            "ref": "ab-mbn-au",
            "organisation": "ankeby",
            "kind": "utskott",
            "name": "Arbetsutskottet",
            "parent": "ab-mbn",
        }
    )
    doc["persons"] += [
        {"ref": "p-asa", "name": "Åsa Öberg-Ström"},
        {"ref": "p-eva", "name": "Eva Lund"},
    ]
    doc["appointments"] += [
        {
            "person": "p-asa",
            "body": {"committee": "ankeby-tn"},
            "role": "ordforande",
            "valid_from": "2019-01-01",
            "valid_to": "2022-12-31",
        },
        {"person": "p-eva", "body": {"organisation": "ankeby-vatten"}, "role": "vd"},
    ]
    doc["interests"] += [
        {"person": "p-anna", "on_behalf_of": "p-eva", "kind": "ombud", "valid_to": "2020-06-30"},
    ]
    import_document(admin, doc)
    return admin


def refs(client: ApiClient, url: str, key: str = "ref") -> list[Any]:
    response = client.get(url)
    assert response.status_code == 200, response.text
    return [item[key] for item in response.json()["items"]]


def test_pagination_is_stable_and_counts_total(registry: ApiClient) -> None:
    first = registry.get("/v1/persons?limit=2&offset=0").json()
    second = registry.get("/v1/persons?limit=2&offset=2").json()
    assert first["total"] == second["total"] == 4
    assert (first["limit"], first["offset"], second["offset"]) == (2, 0, 2)
    assert len({p["ref"] for p in first["items"] + second["items"]}) == 4
    assert registry.get("/v1/persons?limit=100000").status_code == 422


def test_committee_filters(registry: ApiClient) -> None:
    assert refs(registry, "/v1/committees?organisation=ankeby") == [
        "ankeby-tn",
        "ab-mbn",
        "ab-mbn-au",
    ]
    assert refs(registry, "/v1/committees?organisation=borby") == []
    assert refs(registry, "/v1/committees?participant=borby") == ["ab-mbn"]
    assert refs(registry, "/v1/committees?kind=utskott") == ["ab-mbn-au"]
    assert refs(registry, "/v1/committees?parent=ab-mbn") == ["ab-mbn-au"]


def test_organisation_administration_operation_agreement_filters(registry: ApiClient) -> None:
    assert refs(registry, "/v1/organisations?kind=kommun") == ["ankeby", "borby"]
    assert refs(registry, "/v1/organisations?owner=ankeby") == ["ankeby-vatten"]
    assert refs(registry, "/v1/organisations?member=borby") == ["vmf"]
    assert refs(registry, "/v1/administrations?serves=ab-mbn") == ["ab-miljo"]
    assert refs(registry, "/v1/administrations?organisation=borby") == []
    assert refs(registry, "/v1/operations?committee=ankeby-tn") == ["ankeby-avlopp"]
    assert refs(registry, "/v1/operations?organisation=ankeby&area=va") == ["ankeby-avlopp"]
    assert refs(registry, "/v1/agreements?organisation=borby") == ["avtal-2024-7"]
    assert refs(registry, "/v1/agreements?valid_on=2023-12-31") == []
    assert refs(registry, "/v1/agreements?valid_on=2024-01-01") == ["avtal-2024-7"]


def test_persons_by_name_ignore_case_and_diacritics(registry: ApiClient) -> None:
    assert refs(registry, "/v1/persons?name=asa%20oberg") == ["p-asa"]
    assert refs(registry, "/v1/persons?name=%C3%96BERG") == ["p-asa"]
    assert refs(registry, "/v1/persons?name=strom") == ["p-asa"]
    assert refs(registry, "/v1/persons?name=berg") == ["p-anna", "p-olof", "p-asa"]
    assert refs(registry, "/v1/persons?name=50%25") == []


def test_appointment_filters_by_person_body_and_date(registry: ApiClient) -> None:
    assert refs(registry, "/v1/appointments?person=p-anna", "role") == ["ledamot"]
    assert refs(registry, "/v1/appointments?committee=ab-mbn", "person") == ["p-anna"]
    assert refs(registry, "/v1/appointments?administration=ab-miljo", "person") == ["p-olof"]
    assert refs(registry, "/v1/appointments?organisation=ankeby-vatten", "person") == ["p-eva"]
    assert refs(registry, "/v1/appointments?committee=ankeby-tn&valid_on=2022-12-31", "person") == [
        "p-asa"
    ]
    assert (
        refs(registry, "/v1/appointments?committee=ankeby-tn&valid_on=2023-01-01", "person") == []
    )
    assert refs(registry, "/v1/appointments?role=vd", "person") == ["p-eva"]
    # valid_on 2026-12-31 is the last day of Anna's term (valid_to inclusive)
    assert "p-anna" in refs(registry, "/v1/appointments?valid_on=2026-12-31", "person")
    assert "p-anna" not in refs(registry, "/v1/appointments?valid_on=2027-01-01", "person")
    assert registry.get("/v1/appointments?valid_on=2026-13-01").status_code == 422
    assert registry.get("/v1/interests?valid_on=0").status_code == 422


def test_interest_and_relation_filters(registry: ApiClient) -> None:
    assert refs(registry, "/v1/interests?person=p-olof", "kind") == ["styrelseledamot"]
    assert refs(registry, "/v1/interests?organisation=ankeby-vatten", "person") == ["p-olof"]
    assert refs(registry, "/v1/interests?on_behalf_of=p-eva", "person") == ["p-anna"]
    assert refs(registry, "/v1/interests?kind=ombud&valid_on=2020-07-01", "person") == []
    assert refs(registry, "/v1/relations?person=p-olof", "kind") == ["make"]
    assert refs(registry, "/v1/relations?kind=make&valid_on=2000-01-01", "person") == ["p-anna"]
