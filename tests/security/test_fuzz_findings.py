"""Regressions for what the fuzzer found (tests/security/test_fuzz.py), as plain tests."""

from __future__ import annotations

import pytest

from tests.decisions.flow import CASE
from tests.support.api import ApiClient
from tests.support.registry import contract_document, import_document


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
            {
                "ref": "c-1",
                "organisation": "o-1",
                "kind": "namnd",
                "name": "N",
                "responsibilities": None,
                "participants": None,
            },
        ],
    }
    response = admin.post("/v1/import", json=document)
    assert response.status_code == 200, response.text


# --- found by the fuzzer, fixed, kept as regression tests ------------------------------


def test_structural_risks_on_an_early_date_is_not_a_500(admin: ApiClient) -> None:
    import_document(admin, contract_document())
    response = admin.get(
        "/v1/organisations/ankeby/structural-risks", params={"as_of": "1970-01-01"}
    )
    assert response.status_code < 500


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("POST", "/v1/screenings", {"case": "MBN 2026/123", "as_of": 0}),
        ("GET", "/v1/cases?from=0", None),
        (
            "POST",
            "/v1/import",
            {
                "relations": [
                    {"person": "p-anna", "related": "p-olof", "kind": "make", "valid_from": 0}
                ]
            },
        ),
    ],
)
def test_a_number_is_not_a_date(
    admin: ApiClient,
    method: str,
    path: str,
    body: dict | None,  # type: ignore[type-arg]
) -> None:
    import_document(admin, contract_document())
    admin.post("/v1/cases", json=CASE)
    response = admin.request(method, path, json=body)
    assert response.status_code == 422, response.text[:200]


@pytest.mark.parametrize("key", ["%C2%B2", "%E2%91%A0", "%D9%A3"])  # ², ①, Arabic-Indic 3
@pytest.mark.parametrize("section", ["appointments", "interests", "relations"])
def test_a_unicode_digit_as_an_id_is_a_404_not_a_500(
    admin: ApiClient, section: str, key: str
) -> None:
    """str.isdigit() is true for '²', which int() refuses: the lookup by numeric id took
    such a key for an id and answered 500 (found by the fuzzer in run Q)."""
    for method in ("GET", "PUT", "DELETE"):
        body = {"person": "p-x", "role": "vd"} if method == "PUT" else None
        response = admin.request(method, f"/v1/{section}/{key}", json=body)
        assert response.status_code == 404, (method, response.text[:200])


def test_a_personnummer_with_a_unicode_digit_is_a_422(admin: ApiClient) -> None:
    person = {"ref": "p-sup", "name": "Ett Namn", "personnummer": "19700101-123²"}
    response = admin.post("/v1/import", json={"persons": [person]})
    assert response.status_code == 422, response.text[:300]
    assert response.json()["errors"][0]["pointer"] == "/persons/0/personnummer"


def test_an_id_of_five_thousand_digits_is_a_404_not_a_500(admin: ApiClient) -> None:
    """int() refuses strings of more than 4,300 digits (ValueError): such a key was a 500."""
    response = admin.get("/v1/appointments/" + "1" * 5000)
    assert response.status_code == 404, response.text[:200]
