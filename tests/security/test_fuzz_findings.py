"""Regressions for what the fuzzer found (tests/security/test_fuzz.py), as plain tests."""

from __future__ import annotations

import pytest

from tests.support.api import ApiClient


def test_405_for_a_method_no_route_serves(admin: ApiClient) -> None:
    response = admin.request("PATCH", "/v1/import")
    assert response.status_code == 405
    assert response.headers["allow"] == "POST"


@pytest.mark.parametrize("section", ["organisations", "relations", "persons"])
def test_an_import_section_given_as_null_is_422(admin: ApiClient, section: str) -> None:
    response = admin.post("/v1/import", json={section: None})
    assert response.status_code == 422
    assert response.json()["errors"][0]["pointer"] == f"/{section}"


@pytest.mark.parametrize(
    "organisation",
    [
        {"ref": "o-null", "kind": "kommun", "name": "Null kommun", "members": None},
        {"ref": "o-null", "kind": "kommun", "name": "Null kommun", "owners": None},
    ],
)
def test_a_child_list_given_as_null_is_not_a_500(admin: ApiClient, organisation: dict) -> None:  # type: ignore[type-arg]
    response = admin.post("/v1/import", json={"organisations": [organisation]})
    assert response.status_code == 200, response.text


def test_committee_responsibilities_given_as_null_is_not_a_500(admin: ApiClient) -> None:
    document = {
        "organisations": [{"ref": "o-1", "kind": "kommun", "name": "Ett"}],
        "committees": [
            {"ref": "c-1", "organisation": "o-1", "kind": "namnd", "name": "N",
             "responsibilities": None, "participants": None},
        ],
    }
    response = admin.post("/v1/import", json=document)
    assert response.status_code == 200, response.text
