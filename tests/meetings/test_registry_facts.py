"""Seats and substitutes in the registry: import, CRUD, vocabularies, and their validation."""

from __future__ import annotations

from typing import Any

import pytest

from tests.meetings.world import world
from tests.support.api import ApiClient
from tests.support.registry import import_document


@pytest.fixture
def registry(admin: ApiClient) -> ApiClient:
    import_document(admin, world())
    return admin


def appointment(client: ApiClient, person: str, committee: str) -> dict[str, Any]:
    items = client.get("/v1/appointments", params={"person": person}).json()["items"]
    return next(a for a in items if a["body"]["committee"] == committee)


def test_committee_seats_and_substitution_order_are_stored_and_read(registry: ApiClient) -> None:
    bn = registry.get("/v1/committees/bn").json()
    assert bn["seats"] == 9
    assert bn["substitution_order"] == {"S": ["S", "V"], "M": ["M", "C"], "C": ["C", "M"]}
    assert registry.get("/v1/committees/ks").json()["seats"] is None


def test_appointment_party_order_and_substitutes_are_stored_and_read(registry: ApiClient) -> None:
    c1 = appointment(registry, "l-c1", "bn")
    assert (c1["party"], c1["order"], c1["substitutes"]) == ("C", 1, ["e-c1", "e-m2"])
    e1 = appointment(registry, "e-s1", "bn")
    assert (e1["party"], e1["order"], e1["substitutes"]) == ("S", 1, None)


def test_the_same_document_twice_changes_nothing(registry: ApiClient) -> None:
    again = import_document(registry, world())
    assert again["totals"]["created"] == 0 and again["totals"]["updated"] == 0


def test_patch_changes_the_order_and_keeps_the_rest(registry: ApiClient) -> None:
    e2 = appointment(registry, "e-s2", "bn")
    response = registry.patch(f"/v1/appointments/{e2['id']}", json={"order": 3})
    assert response.status_code == 200, response.text
    after = appointment(registry, "e-s2", "bn")
    assert (after["order"], after["party"]) == (3, "S")
    committee = registry.patch("/v1/committees/bn", json={"seats": 11})
    assert committee.status_code == 200, committee.text
    assert registry.get("/v1/committees/bn").json()["substitution_order"]["S"] == ["S", "V"]


def test_vocabularies_list_the_parties_in_use(registry: ApiClient) -> None:
    parties = registry.get("/v1/vocabularies").json()["party"]
    assert parties == ["C", "M", "S", "V"]


def _ersattare(person: str, party: str, order: int, **extra: Any) -> dict[str, Any]:
    return {
        "person": person,
        "body": {"committee": "bn"},
        "role": "ersattare",
        "party": party,
        "order": order,
        "valid_from": "2023-01-01",
        **extra,
    }


def test_the_same_order_twice_in_one_party_is_422_at_the_field(registry: ApiClient) -> None:
    doc = {
        "persons": [{"ref": "e-new", "name": "Nya Ersättaren"}],
        "appointments": [_ersattare("e-new", "S", 1)],
    }
    response = registry.post("/v1/import", json=doc)
    assert response.status_code == 422, response.text
    errors = response.json()["errors"]
    assert [e["pointer"] for e in errors] == ["/appointments/0/order"]
    assert errors[0]["code"] == "duplicate_order" and "e-s1" in errors[0]["detail"]
    assert registry.get("/v1/persons/e-new").status_code == 404  # nothing stored


def test_the_same_order_twice_within_one_document_is_422(admin: ApiClient) -> None:
    doc = world()
    doc["appointments"].append(_ersattare("p-granne", "M", 2))  # e-m2 holds M 2
    response = admin.post("/v1/import", json=doc)
    assert response.status_code == 422
    pointers = {e["pointer"] for e in response.json()["errors"]}
    assert f"/appointments/{len(doc['appointments']) - 1}/order" in pointers
    assert admin.get("/v1/committees/bn").status_code == 404


def test_order_may_repeat_across_parties_and_periods(registry: ApiClient) -> None:
    doc = {
        "persons": [{"ref": "e-x", "name": "X"}, {"ref": "e-y", "name": "Y"}],
        "appointments": [
            _ersattare("e-x", "L", 1),  # another party: S 1 and M 1 do not clash
            {**_ersattare("e-y", "S", 1), "valid_from": "2015-01-01", "valid_to": "2018-12-31"},
        ],
    }
    response = registry.post("/v1/import", json=doc)
    assert response.status_code == 200, response.text


def test_a_substitute_who_is_not_an_ersattare_of_the_committee_is_422(
    registry: ApiClient,
) -> None:
    c2 = appointment(registry, "l-c2", "bn")
    for bad, code in (
        ("l-m3", "not_an_ersattare"),
        ("g-ea1", "not_an_ersattare"),
        ("nobody", "unknown_reference"),
    ):
        response = registry.patch(
            f"/v1/appointments/{c2['id']}", json={"substitutes": ["e-c1", bad]}
        )
        assert response.status_code == 422, response.text
        errors = response.json()["errors"]
        assert [(e["pointer"], e["code"]) for e in errors] == [("/substitutes/1", code)]
    assert appointment(registry, "l-c2", "bn")["substitutes"] is None


def test_substitutes_belong_to_a_ledamot_and_party_to_a_committee(registry: ApiClient) -> None:
    doc = {
        "appointments": [
            {**_ersattare("e-m1", "M", 1), "substitutes": ["e-c1"]},
            {
                "person": "h-1",
                "body": {"administration": "bn-forv"},
                "role": "handlaggare",
                "party": "S",
            },
        ]
    }
    response = registry.post("/v1/import", json=doc)
    assert response.status_code == 422
    got = {(e["pointer"], e["code"]) for e in response.json()["errors"]}
    assert got == {
        ("/appointments/0/substitutes", "not_allowed"),
        ("/appointments/1/party", "not_allowed"),
    }


@pytest.mark.parametrize(
    ("patch", "pointer"),
    [
        ({"seats": 0}, "/seats"),
        ({"substitution_order": {"S": "V"}}, "/substitution_order/S"),
        ({"seats": "nine"}, "/seats"),
    ],
)
def test_bad_committee_seat_facts_are_422(
    registry: ApiClient, patch: dict[str, Any], pointer: str
) -> None:
    response = registry.patch("/v1/committees/bn", json=patch)
    assert response.status_code == 422, response.text
    assert response.json()["errors"][0]["pointer"] == pointer
    assert registry.get("/v1/committees/bn").json()["seats"] == 9
