"""Registry helpers for tests in every domain: import a document through the API."""

from __future__ import annotations

import copy
from typing import Any

from tests.support.api import ApiClient

# The contract's example import document (docs: /work/shared/spec/contract.md).
CONTRACT_DOCUMENT: dict[str, Any] = {
    "organisations": [
        {"ref": "ankeby", "kind": "kommun", "name": "Ankeby kommun", "orgnr": "212000-0001"},
        {"ref": "borby", "kind": "kommun", "name": "Borby kommun"},
        {
            "ref": "ankeby-vatten",
            "kind": "aktiebolag",
            "name": "Ankeby Vatten AB",
            "orgnr": "556000-0001",
            "owners": [{"organisation": "ankeby", "share_percent": 100}],
        },
        {
            "ref": "vmf",
            "kind": "kommunalforbund",
            "name": "Västra miljöförbundet",
            "members": ["ankeby", "borby"],
        },
    ],
    "committees": [
        {
            "ref": "ankeby-tn",
            "organisation": "ankeby",
            "kind": "namnd",
            "name": "Tekniska nämnden",
            "responsibilities": [{"area": "va", "role": "drift"}],
        },
        {
            "ref": "ab-mbn",
            "organisation": "ankeby",
            "kind": "gemensam_namnd",
            "name": "Miljö- och byggnämnden Ankeby-Borby",
            "participants": ["ankeby", "borby"],
            "responsibilities": [
                {"area": "miljo_halsoskydd", "role": "tillsyn", "for": ["ankeby", "borby"]}
            ],
        },
    ],
    "administrations": [
        {
            "ref": "ab-miljo",
            "organisation": "ankeby",
            "name": "Miljöförvaltningen",
            "serves": ["ab-mbn"],
        },
    ],
    "operations": [
        {
            "ref": "ankeby-avlopp",
            "name": "Ankeby reningsverk",
            "area": "va",
            "operator": {"committee": "ankeby-tn"},
            "municipality": "ankeby",
        },
    ],
    "agreements": [
        {
            "ref": "avtal-2024-7",
            "performer": "ankeby",
            "principals": ["borby"],
            "area": "livsmedel",
            "role": "tillsyn",
            "valid_from": "2024-01-01",
        },
    ],
    "persons": [
        {"ref": "p-anna", "name": "Anna Berg", "personnummer": "19700101-1233"},
        {"ref": "p-olof", "name": "Olof Berg"},
    ],
    "appointments": [
        {
            "person": "p-anna",
            "body": {"committee": "ab-mbn"},
            "role": "ledamot",
            "valid_from": "2023-01-01",
            "valid_to": "2026-12-31",
        },
        {"person": "p-olof", "body": {"administration": "ab-miljo"}, "role": "handlaggare"},
    ],
    "interests": [
        {"person": "p-olof", "organisation": "ankeby-vatten", "kind": "styrelseledamot"},
    ],
    "relations": [
        {"person": "p-anna", "related": "p-olof", "kind": "make"},
    ],
}


# A case over the contract's registry (the contract's example case, parties that exist).
CONTRACT_CASE_REF = "MBN 2026/123"
CONTRACT_CASE: dict[str, Any] = {
    "ref": CONTRACT_CASE_REF,
    "committee": "ab-mbn",
    "area": "va",
    "matter": "tillsyn",
    "title": "Tillsyn av Ankeby reningsverk",
    "decision_date": "2026-03-10",
    "parties": [
        {"operation": "ankeby-avlopp", "role": "tillsynsobjekt"},
        {"organisation": "ankeby-vatten", "role": "part"},
    ],
    "participants": [
        {"person": "p-anna", "role": "ledamot"},
        {"person": "p-olof", "role": "handlaggare"},
    ],
}


def contract_document() -> dict[str, Any]:
    """A fresh deep copy of the contract's example document, safe to modify."""
    return copy.deepcopy(CONTRACT_DOCUMENT)


def import_document(client: ApiClient, doc: dict[str, Any]) -> dict[str, Any]:
    """POST /v1/import, assert 200, return the body ({"counts", "totals", "audit"})."""
    response = client.post("/v1/import", json=doc)
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]
