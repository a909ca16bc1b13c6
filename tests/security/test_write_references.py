"""Every reference in every write document, aimed by an Ankeby key at Cederby.

For each reference position (tests/security/reference_fields.py) and each way to write
it (`POST /v1/import`, CRUD `POST`, `PUT` and `PATCH`): the same item with a ref the key
may use is accepted (so the refusal is about the reference), with Cederby's object it is
refused, and that refusal is the very answer a ref nobody has gets: status, error
pointers and codes, and detail. Nothing is written, and nothing of Cederby shows.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import Connection

from tests.security.reference_fields import (
    FIELDS,
    MISSING,
    OUT_OF_SCOPE,
    Field,
    for_put,
    shape,
)
from tests.security.scope_cells import LEAF_DOCUMENT
from tests.security.scope_world import OUT_MARKERS, World, build, cecilia_shared
from tests.support.api import ApiClient, path_ref
from tests.support.registry import import_document

MODES = ("import", "post", "put", "patch")
# A seat of Ankeby's tekniska nämnd with an ersättare, for the `substitutes` reference.
SEATS = {
    "appointments": [
        {
            "ref": "appt-olof-tn",
            "person": "p-olof",
            "body": {"committee": "ankeby-tn"},
            "role": "ersattare",
        },
        {
            "ref": "appt-anna-tn",
            "person": "p-anna",
            "body": {"committee": "ankeby-tn"},
            "role": "ledamot",
        },
    ]
}


@pytest.fixture
def world(admin: ApiClient, client_for: Callable[..., ApiClient]) -> World:
    world = build(admin, client_for)
    import_document(admin, LEAF_DOCUMENT)
    import_document(admin, SEATS)
    return world


def send(client: ApiClient, mode: str, field: Field, ref: str) -> Any:
    section = field.section
    if mode == "import":
        return client.post("/v1/import", json={section: [field.with_ref(ref)]})
    if mode == "post":
        return client.post(f"/v1/{section}", json=field.with_ref(ref))
    url = f"/v1/{section}/{path_ref(field.existing or '')}"
    if mode == "put":
        return client.put(url, json=for_put(field, ref))
    top = field.pointer.split("/")[1]
    value = field.with_ref(ref)[top]
    if isinstance(value, list):
        value = [*value, *(field.kept or {}).get(top, [])]
    return client.patch(url, json={top: value, **(field.patch_extra or {})})


@pytest.mark.parametrize("field", FIELDS, ids=lambda f: f.id)
def test_a_reference_out_of_scope_answers_like_a_ref_nobody_has(
    world: World, connection: Connection, field: Field
) -> None:
    registry = world.keys["registry"]
    for mode in MODES:
        answers = {}
        for label, ref in (
            ("in", field.in_scope),
            ("out", OUT_OF_SCOPE[field.kind]),
            ("missing", MISSING[field.kind]),
        ):
            savepoint = connection.begin_nested()
            try:
                answers[label] = (send(registry, mode, field, ref), ref)
            finally:
                savepoint.rollback()
        accepted, _ = answers["in"]
        assert accepted.status_code in (200, 201), f"{mode} in scope: {accepted.text[:300]}"
        out, out_ref = answers["out"]
        assert out.status_code == 422, f"{mode} out of scope: {out.text[:300]}"
        codes = {e["code"] for e in out.json()["errors"]}
        assert "unknown_reference" in codes, f"{mode}: {out.text[:300]}"
        missing, missing_ref = answers["missing"]
        assert shape(out, out_ref) == shape(missing, missing_ref), mode
        hits = [m for m in OUT_MARKERS if m in out.text.replace(out_ref, "")]
        assert not hits, f"{mode}: the refusal shows {hits}"


def test_an_ankeby_key_cannot_take_over_a_cederby_person(admin: ApiClient, world: World) -> None:
    """Issue 9, finding 1: appoint Cederby's person to Ankeby's nämnd, then read and change
    her. Every step is refused, and Cederby's facts about her are as they were."""
    registry = world.keys["registry"]
    appointment = {
        "person": "p-cecilia",
        "body": {"committee": "ankeby-tn"},
        "role": "ersattare",
        "valid_from": "2030-01-01",
    }
    assert registry.post("/v1/appointments", json=appointment).status_code == 422
    assert registry.post("/v1/import", json={"appointments": [appointment]}).status_code == 422
    assert registry.get("/v1/persons/p-cecilia").status_code == 404
    assert (
        registry.patch("/v1/persons/p-cecilia", json={"personnummer": "19700101-1233"}).status_code
        == 404
    )
    for path in (
        "/v1/appointments/appt-cecilia",
        "/v1/relations/rel-cecilia-carl",
        "/v1/interests/int-carl",
    ):
        assert registry.delete(path).status_code == 404, path
    seen = admin.get("/v1/appointments", params={"person": "p-cecilia"}).json()["items"]
    assert [a["body"]["committee"] for a in seen] == ["cederby-bn"]
    assert admin.get("/v1/relations/rel-cecilia-carl").status_code == 200


def test_a_limited_key_cannot_widen_its_own_scope(admin: ApiClient, world: World) -> None:
    """Structure that would bring Cederby's objects into Ankeby's scope (or Ankeby's into
    Cederby's screenings) is refused: owning, joining, serving, operating, principals."""
    registry = world.keys["registry"]
    attempts = [
        {
            "organisations": [
                {
                    "ref": "cederby",
                    "kind": "kommun",
                    "name": "Cederby kommun",
                    "owners": [{"organisation": "ankeby"}],
                }
            ]
        },
        {
            "organisations": [
                {
                    "ref": "vmf",
                    "kind": "kommunalforbund",
                    "name": "Västra miljöförbundet",
                    "members": ["ankeby", "borby", "cederby"],
                }
            ]
        },
        {
            "committees": [
                {
                    "ref": "ab-mbn",
                    "organisation": "ankeby",
                    "kind": "gemensam_namnd",
                    "name": "Miljö- och byggnämnden Ankeby-Borby",
                    "participants": ["ankeby", "borby", "cederby"],
                }
            ]
        },
        {
            "administrations": [
                {
                    "ref": "ab-miljo",
                    "organisation": "ankeby",
                    "name": "Miljöförvaltningen",
                    "serves": ["ab-mbn", "cederby-bn"],
                }
            ]
        },
    ]
    for document in attempts:
        response = registry.post("/v1/import", json=document)
        assert response.status_code in (403, 422), response.text[:300]
    assert registry.get("/v1/organisations/cederby").status_code == 404
    assert registry.get("/v1/committees/cederby-bn").status_code == 404
    members = admin.get("/v1/organisations/vmf").json()["members"]
    assert "cederby" not in members


def test_an_empty_organisation_list_does_not_make_an_unlimited_key(admin: ApiClient) -> None:
    import_document(admin, {"organisations": [{"ref": "k1", "kind": "kommun", "name": "K"}]})
    empty = admin.post("/v1/apikeys", json={"name": "x", "role": "admin", "organisations": []})
    assert empty.status_code == 422
    unknown = admin.post(
        "/v1/apikeys", json={"name": "x", "role": "admin", "organisations": ["k1", "k2"]}
    )
    assert unknown.status_code == 422
    assert [e["pointer"] for e in unknown.json()["errors"]] == ["/organisations/1"]
    assert (
        admin.post(
            "/v1/apikeys", json={"name": "x", "role": "admin", "organisations": ["k1"]}
        ).status_code
        == 201
    )


@pytest.fixture
def shared_person(admin: ApiClient, world: World) -> World:
    """An unlimited key appoints Cederby's Cecilia to Ankeby's tekniska nämnd as well."""
    import_document(admin, cecilia_shared("ersattare"))
    return world


def test_a_person_in_two_kommuner_shows_each_only_its_own_facts(shared_person: World) -> None:
    registry = shared_person.keys["registry"]
    assert registry.get("/v1/persons/p-cecilia").status_code == 200
    appointments = registry.get("/v1/appointments", params={"person": "p-cecilia"}).json()
    assert [a["ref"] for a in appointments["items"]] == ["appt-cecilia-a"]
    for path in (
        "/v1/appointments/appt-cecilia",
        "/v1/relations/rel-cecilia-carl",
        "/v1/interests/int-cecilia",
    ):
        assert registry.get(path).status_code == 404, path
    for path in (
        "/v1/persons/p-cecilia/relations",
        "/v1/interests?person=p-cecilia",
        "/v1/relations?person=p-cecilia",
        "/v1/appointments?limit=500",
    ):
        response = registry.get(path)
        assert response.status_code == 200
        hits = [m for m in ("p-carl", "cederby", '"appt-cecilia"') if m in response.text]
        assert not hits, path


def test_a_person_in_two_kommuner_is_changed_only_by_an_unlimited_key(
    admin: ApiClient, shared_person: World
) -> None:
    registry = shared_person.keys["registry"]
    refused = [
        registry.patch("/v1/persons/p-cecilia", json={"name": "Ändrad"}),
        registry.put("/v1/persons/p-cecilia", json={"ref": "p-cecilia", "name": "Ändrad"}),
        registry.post(
            "/v1/interests",
            json={"person": "p-cecilia", "organisation": "ankeby", "kind": "medlem"},
        ),
        registry.post(
            "/v1/relations", json={"person": "p-anna", "related": "p-cecilia", "kind": "nara_van"}
        ),
        registry.post("/v1/import", json={"persons": [{"ref": "p-cecilia", "name": "Ä"}]}),
        registry.delete("/v1/persons/p-cecilia"),
    ]
    assert [r.status_code for r in refused] == [403] * len(refused), [r.text for r in refused]
    # Appointing her to another of Ankeby's bodies, or ending Ankeby's own appointment, is
    # Ankeby's business.
    assert (
        registry.post(
            "/v1/appointments",
            json={"person": "p-cecilia", "body": {"committee": "ab-mbn"}, "role": "ersattare"},
        ).status_code
        == 201
    )
    assert (
        registry.patch(
            "/v1/appointments/appt-cecilia-a", json={"valid_to": "2030-12-31"}
        ).status_code
        == 200
    )
    assert admin.get("/v1/persons/p-cecilia").json()["name"] == "Cecilia Ceder"
    assert admin.patch("/v1/persons/p-cecilia", json={"name": "Cecilia C"}).status_code == 200


def test_a_stored_case_is_checked_again_when_a_limited_key_screens_it(
    admin: ApiClient, world: World
) -> None:
    """Issue 10, item 6: a case an unlimited key stored with Cederby's people in it."""
    case = {
        "ref": "MBN 2026/77",
        "committee": "ab-mbn",
        "matter": "tillsyn",
        "decision_date": "2026-03-10",
        "parties": [{"person": "p-carl", "role": "part"}],
        "participants": [{"person": "p-cecilia", "role": "ledamot"}],
    }
    assert admin.post("/v1/cases", json=case).status_code == 201
    response = world.keys["screener"].post("/v1/screenings", json={"case": case["ref"]})
    assert response.status_code == 403, response.text
    assert {e["pointer"] for e in response.json()["errors"]} == {
        "/case/participants/0/person",
        "/case/parties/0/person",
    }
    assert admin.post("/v1/screenings", json={"case": case["ref"]}).status_code == 201
