"""POST /v1/import refuses an invalid document whole, listing every error with a pointer."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.models import AuditEntry, Organisation, Person
from tests.support.api import ApiClient
from tests.support.registry import contract_document, import_document


def refused(client: ApiClient, doc: dict[str, Any]) -> dict[tuple[str, str], str]:
    response = client.post("/v1/import", json=doc)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    return {(e["pointer"], e["code"]): e["detail"] for e in response.json()["errors"]}


def stored_count(session: Session, model: Any) -> int:
    return session.scalar(select(func.count()).select_from(model)) or 0


BASE = {
    "organisations": [{"ref": "k", "kind": "kommun", "name": "K kommun"}],
    "persons": [{"ref": "p1", "name": "P Ett"}, {"ref": "p2", "name": "P Två"}],
}


def doc_with(**sections: list[dict[str, Any]]) -> dict[str, Any]:
    doc: dict[str, Any] = {k: list(v) for k, v in BASE.items()}
    for name, items in sections.items():
        doc[name] = doc.get(name, []) + items
    return doc


CASES = [
    (
        "unknown reference",
        doc_with(
            committees=[{"ref": "c", "organisation": "nowhere", "kind": "namnd", "name": "N"}]
        ),
        ("/committees/0/organisation", "unknown_reference"),
    ),
    (
        "wrong vocabulary",
        doc_with(committees=[{"ref": "c", "organisation": "k", "kind": "nope", "name": "N"}]),
        ("/committees/0/kind", "unknown_vocabulary"),
    ),
    (
        "unknown area",
        doc_with(
            committees=[
                {
                    "ref": "c",
                    "organisation": "k",
                    "kind": "namnd",
                    "name": "N",
                    "responsibilities": [{"area": "rymden", "role": "drift"}],
                }
            ]
        ),
        ("/committees/0/responsibilities/0/area", "unknown_vocabulary"),
    ),
    (
        "invalid personnummer",
        doc_with(persons=[{"ref": "p3", "name": "X", "personnummer": "19700101-1234"}]),
        ("/persons/2/personnummer", "invalid_personnummer"),
    ),
    (
        "invalid orgnr",
        doc_with(
            organisations=[{"ref": "o", "kind": "aktiebolag", "name": "O", "orgnr": "556000-0002"}]
        ),
        ("/organisations/1/orgnr", "invalid_orgnr"),
    ),
    (
        "duplicate ref",
        doc_with(persons=[{"ref": "p1", "name": "Again"}]),
        ("/persons/2/ref", "duplicate_ref"),
    ),
    (
        "valid_to before valid_from",
        doc_with(
            relations=[
                {
                    "person": "p1",
                    "related": "p2",
                    "kind": "make",
                    "valid_from": "2020-01-01",
                    "valid_to": "2019-12-31",
                }
            ]
        ),
        ("/relations/0/valid_to", "invalid_period"),
    ),
    (
        "operator not exactly one",
        doc_with(operations=[{"ref": "op", "name": "Op", "area": "va", "operator": {}}]),
        ("/operations/0/operator", "exactly_one"),
    ),
    (
        "body not exactly one",
        doc_with(
            appointments=[
                {"person": "p1", "role": "ledamot", "body": {"organisation": "k", "committee": "k"}}
            ]
        ),
        ("/appointments/0/body", "exactly_one"),
    ),
    (
        "interest target not exactly one",
        doc_with(interests=[{"person": "p1", "kind": "medlem"}]),
        ("/interests/0", "exactly_one"),
    ),
    (
        "owner is itself",
        doc_with(
            organisations=[
                {
                    "ref": "ab",
                    "kind": "aktiebolag",
                    "name": "AB",
                    "owners": [{"organisation": "ab"}],
                }
            ]
        ),
        ("/organisations/1/owners/0/organisation", "self_reference"),
    ),
    (
        "ownership cycle",
        doc_with(
            organisations=[
                {"ref": "a", "kind": "aktiebolag", "name": "A", "owners": [{"organisation": "b"}]},
                {"ref": "b", "kind": "aktiebolag", "name": "B", "owners": [{"organisation": "a"}]},
            ]
        ),
        ("/organisations/1/owners/0/organisation", "ownership_cycle"),
    ),
    (
        "shares over 100",
        doc_with(
            organisations=[
                {
                    "ref": "a",
                    "kind": "aktiebolag",
                    "name": "A",
                    "owners": [
                        {"organisation": "k", "share_percent": 60},
                        {"organisation": "b", "share_percent": 50},
                    ],
                },
                {"ref": "b", "kind": "aktiebolag", "name": "B"},
            ]
        ),
        ("/organisations/1/owners", "shares_over_100"),
    ),
    (
        "self relation",
        doc_with(relations=[{"person": "p1", "related": "p1", "kind": "make"}]),
        ("/relations/0/related", "self_reference"),
    ),
    (
        "same relation twice, once as barn",
        doc_with(
            relations=[
                {"person": "p1", "related": "p2", "kind": "forelder"},
                {"person": "p2", "related": "p1", "kind": "barn"},
            ]
        ),
        ("/relations/1", "duplicate_key"),
    ),
    ("missing field", doc_with(persons=[{"ref": "p3"}]), ("/persons/2/name", "required")),
    (
        "section not a list",
        doc_with() | {"relations": {"person": "p1"}},
        ("/relations", "invalid_type"),
    ),
    (
        "same personnummer twice",
        doc_with(
            persons=[
                {"ref": "p3", "name": "A", "personnummer": "19700101-1233"},
                {"ref": "p4", "name": "B", "personnummer": "700101-1233"},
            ]
        ),
        ("/persons/3/personnummer", "duplicate_personnummer"),
    ),
    (
        "member listed twice",
        doc_with(
            organisations=[
                {"ref": "f", "kind": "kommunalforbund", "name": "F", "members": ["k", "k"]}
            ]
        ),
        ("/organisations/1/members/1", "duplicate"),
    ),
    (
        "member is itself",
        doc_with(
            organisations=[{"ref": "f", "kind": "kommunalforbund", "name": "F", "members": ["f"]}]
        ),
        ("/organisations/1/members/0", "self_reference"),
    ),
    (
        "committee parent cycle",
        doc_with(
            committees=[
                {"ref": "c1", "organisation": "k", "kind": "utskott", "name": "C1", "parent": "c2"},
                {"ref": "c2", "organisation": "k", "kind": "utskott", "name": "C2", "parent": "c1"},
            ]
        ),
        ("/committees/0/parent", "committee_cycle"),
    ),
    (
        "performer is its own principal",
        doc_with(
            agreements=[
                {"ref": "av", "performer": "k", "principals": ["k"], "area": "va", "role": "drift"}
            ]
        ),
        ("/agreements/0/principals/0", "self_reference"),
    ),
    (
        "represents themself",
        doc_with(interests=[{"person": "p1", "on_behalf_of": "p1", "kind": "ombud"}]),
        ("/interests/0/on_behalf_of", "self_reference"),
    ),
    (
        "share on a non-owner interest",
        doc_with(
            organisations=[{"ref": "ab", "kind": "aktiebolag", "name": "AB"}],
            interests=[{"person": "p1", "organisation": "ab", "kind": "vd", "share_percent": 5}],
        ),
        ("/interests/0/share_percent", "not_allowed"),
    ),
    (
        "share out of range",
        doc_with(
            organisations=[
                {
                    "ref": "ab",
                    "kind": "aktiebolag",
                    "name": "AB",
                    "owners": [{"organisation": "k", "share_percent": 120}],
                }
            ]
        ),
        ("/organisations/1/owners/0/share_percent", "less_than_equal"),
    ),
]


@pytest.mark.parametrize(("doc", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_each_error_kind_has_its_pointer_and_nothing_is_stored(
    admin: ApiClient, session: Session, doc: dict[str, Any], expected: tuple[str, str]
) -> None:
    before = stored_count(session, AuditEntry)
    errors = refused(admin, doc)
    assert expected in errors, errors
    assert stored_count(session, Organisation) == 0
    assert stored_count(session, Person) == 0
    assert stored_count(session, AuditEntry) == before


def test_every_error_is_listed_at_once(admin: ApiClient) -> None:
    doc = contract_document()
    doc["persons"][0]["personnummer"] = "19700101-1234"
    doc["committees"][0]["kind"] = "kommitte"
    doc["appointments"][0]["person"] = "p-nobody"
    doc["agreements"][0]["valid_to"] = "2023-01-01"
    errors = refused(admin, doc)
    assert set(errors) >= {
        ("/persons/0/personnummer", "invalid_personnummer"),
        ("/committees/0/kind", "unknown_vocabulary"),
        ("/appointments/0/person", "unknown_reference"),
        ("/agreements/0/valid_to", "invalid_period"),
    }


def test_errors_never_echo_a_personnummer(admin: ApiClient) -> None:
    response = admin.post(
        "/v1/import",
        json=doc_with(persons=[{"ref": "p3", "name": "X", "personnummer": "19700101-1234"}]),
    )
    assert "1234" not in response.text


def test_personnummer_already_stored_under_another_ref_is_refused(admin: ApiClient) -> None:
    import_document(
        admin, {"persons": [{"ref": "a", "name": "A", "personnummer": "19700101-1233"}]}
    )
    errors = refused(
        admin, {"persons": [{"ref": "b", "name": "B", "personnummer": "197001011233"}]}
    )
    assert ("/persons/0/personnummer", "duplicate_personnummer") in errors
    # the same person under its own ref is fine
    import_document(admin, {"persons": [{"ref": "a", "name": "A", "personnummer": "700101-1233"}]})


def test_broken_item_does_not_cascade_unknown_references(admin: ApiClient) -> None:
    errors = refused(
        admin,
        {
            "persons": [{"ref": "p1"}],
            "appointments": [{"person": "p1", "body": {"organisation": "k"}, "role": "vd"}],
            "organisations": [{"ref": "k", "kind": "kommun", "name": "K"}],
        },
    )
    assert set(errors) == {("/persons/0/name", "required")}


def test_cycle_through_stored_owners_is_refused(admin: ApiClient) -> None:
    import_document(
        admin,
        {
            "organisations": [
                {"ref": "a", "kind": "aktiebolag", "name": "A"},
                {"ref": "b", "kind": "aktiebolag", "name": "B", "owners": [{"organisation": "a"}]},
                {"ref": "c", "kind": "aktiebolag", "name": "C", "owners": [{"organisation": "b"}]},
            ]
        },
    )
    errors = refused(
        admin,
        {
            "organisations": [
                {"ref": "a", "kind": "aktiebolag", "name": "A", "owners": [{"organisation": "c"}]}
            ]
        },
    )
    assert ("/organisations/0/owners/0/organisation", "ownership_cycle") in errors


def test_references_may_point_to_stored_objects(admin: ApiClient) -> None:
    import_document(admin, contract_document())
    body = import_document(
        admin,
        {
            "appointments": [
                {"person": "p-olof", "body": {"committee": "ankeby-tn"}, "role": "ersattare"}
            ]
        },
    )
    assert body["counts"]["appointments"]["created"] == 1
