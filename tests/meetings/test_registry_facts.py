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


# --- order and periods through PATCH (a write is never compared with itself) --------------


PERIOD = ("valid_from", "valid_to")


@pytest.fixture
def successive(registry: ApiClient) -> ApiClient:
    """C's second ersättare place held in turn: e-x 2019-2022, e-y from 2023."""
    doc = {
        "persons": [{"ref": "e-x", "name": "X"}, {"ref": "e-y", "name": "Y"}],
        "appointments": [
            {**_ersattare("e-x", "C", 2), "valid_from": "2019-01-01", "valid_to": "2022-12-31"},
            {**_ersattare("e-y", "C", 2), "valid_from": "2023-01-01"},
        ],
    }
    response = registry.post("/v1/import", json=doc)
    assert response.status_code == 200, response.text
    return registry


@pytest.mark.parametrize(
    ("person", "patch"),
    [
        ("e-s1", {"valid_from": "2023-06-01"}),  # the appointment's own key moves
        ("e-s1", {"valid_to": "2030-12-31"}),
        ("e-s1", {"valid_from": "2022-01-01", "valid_to": "2026-12-31"}),
        ("e-x", {"valid_to": "2022-06-30"}),
        ("e-x", {"valid_from": "2018-01-01"}),
        ("e-y", {"valid_from": "2023-03-01"}),
        ("l-s4", {"valid_from": "2016-01-01"}),  # a ledamot's seat order
        ("l-c1", {"valid_to": "2026-12-31"}),
    ],
)
def test_patching_a_period_that_overlaps_no_other_holder_keeps_the_order(
    successive: ApiClient, person: str, patch: dict[str, str]
) -> None:
    current = appointment(successive, person, "bn")
    response = successive.patch(f"/v1/appointments/{current['id']}", json=patch)
    assert response.status_code == 200, response.text
    after = response.json()
    assert after["order"] == current["order"] and after["id"] == current["id"]
    assert {k: after[k] for k in patch} == patch
    put = successive.put(
        f"/v1/appointments/{current['id']}",
        json={
            k: after[k]
            for k in ("person", "body", "role", "party", "order", "substitutes", *PERIOD)
            if after[k] is not None
        },
    )
    assert put.status_code == 200, put.text


def test_holders_may_hand_over_on_another_day_one_patch_at_a_time(successive: ApiClient) -> None:
    # e-y starts later first, then e-x's period is extended up to the new start
    e_y, e_x = appointment(successive, "e-y", "bn"), appointment(successive, "e-x", "bn")
    first = successive.patch(f"/v1/appointments/{e_y['id']}", json={"valid_from": "2023-07-01"})
    assert first.status_code == 200, first.text
    second = successive.patch(f"/v1/appointments/{e_x['id']}", json={"valid_to": "2023-06-30"})
    assert second.status_code == 200, second.text


def test_patching_a_period_into_another_holders_is_422_and_changes_nothing(
    successive: ApiClient,
) -> None:
    e_x = appointment(successive, "e-x", "bn")
    response = successive.patch(f"/v1/appointments/{e_x['id']}", json={"valid_to": "2023-01-01"})
    assert response.status_code == 422, response.text
    errors = response.json()["errors"]
    assert [(e["pointer"], e["code"]) for e in errors] == [("/order", "duplicate_order")]
    assert "e-y" in errors[0]["detail"]
    assert appointment(successive, "e-x", "bn")["valid_to"] == "2022-12-31"


def test_one_person_cannot_hold_one_order_twice_at_once(successive: ApiClient) -> None:
    """Only the appointment itself is left out: another appointment of the same person
    with the same order in an overlapping period is a duplicate too."""
    doc = {"appointments": [{**_ersattare("e-y", "C", 2), "valid_from": "2024-01-01"}]}
    response = successive.post("/v1/import", json=doc)
    assert response.status_code == 422, response.text
    assert [e["code"] for e in response.json()["errors"]] == ["duplicate_order"]
