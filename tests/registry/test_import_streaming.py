"""POST /v1/import reads the document section by section from the body (issue 15): the
order of the keys, the layout and the size of a section change nothing the client sees."""

from __future__ import annotations

import json
import unicodedata
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.models import AuditEntry, Interest, Organisation, Person
from tests.support.api import ApiClient

JSON = {"Content-Type": "application/json"}


def count(session: Session, model: Any) -> int:
    return session.scalar(select(func.count()).select_from(model)) or 0


def registry(persons: int, interests_each: int) -> dict[str, Any]:
    return {
        "organisations": [{"ref": "k", "kind": "kommun", "name": "K kommun"}]
        + [{"ref": f"co-{c}", "kind": "aktiebolag", "name": f"Bolag {c}"} for c in range(50)],
        "persons": [{"ref": f"p-{i}", "name": f"Person {i}"} for i in range(persons)],
        "interests": [
            {
                "person": f"p-{i}",
                "organisation": f"co-{j}",
                "kind": "styrelseledamot",
                "valid_from": "2024-01-01",
            }
            for i in range(persons)
            for j in range(interests_each)
        ],
    }


def test_sections_in_any_key_order_and_layout(admin: ApiClient, session: Session) -> None:
    doc = registry(persons=30, interests_each=2)
    # Facts before the persons and organisations they name, and an indented layout.
    body = json.dumps(dict(reversed(list(doc.items()))), indent=3).encode()
    response = admin.post("/v1/import", content=body, headers=JSON)
    assert response.status_code == 200, response.text
    assert response.json()["totals"] == {"created": 51 + 30 + 60, "updated": 0, "unchanged": 0}
    again = admin.post("/v1/import", json=doc)
    assert again.json()["totals"] == {"created": 0, "updated": 0, "unchanged": 141}


def test_a_bad_item_deep_in_a_large_section_stores_nothing(
    admin: ApiClient, session: Session
) -> None:
    # 12,000 interests: the bad one is in a later chunk than the first (validated and
    # written a chunk at a time), still nothing is stored.
    doc = registry(persons=1_000, interests_each=12)
    doc["interests"][11_000]["kind"] = "kompis"
    doc["interests"][11_500]["person"] = "nobody"
    before = count(session, AuditEntry)
    response = admin.post("/v1/import", json=doc)
    assert response.status_code == 422, response.text
    errors = {(e["pointer"], e["code"]) for e in response.json()["errors"]}
    assert errors == {
        ("/interests/11000/kind", "unknown_vocabulary"),
        ("/interests/11500/person", "unknown_reference"),
    }
    assert count(session, Organisation) == count(session, Person) == 0
    assert count(session, Interest) == 0
    assert count(session, AuditEntry) == before


def test_refs_are_one_ref_whatever_their_unicode_normalisation(
    admin: ApiClient, session: Session
) -> None:
    decomposed = unicodedata.normalize("NFD", "p-Åsa")
    doc = {
        "organisations": [{"ref": "k", "kind": "kommun", "name": "K kommun"}],
        "persons": [{"ref": decomposed, "name": unicodedata.normalize("NFD", "Åsa Öberg")}],
        "appointments": [
            {"person": "p-Åsa", "body": {"organisation": "k"}, "role": "anstalld"},
        ],
    }
    response = admin.post("/v1/import", json=doc)
    assert response.status_code == 200, response.text
    person = admin.get("/v1/persons/p-%C3%85sa")
    assert person.status_code == 200
    assert person.json()["name"] == "Åsa Öberg"


def test_a_repeated_section_is_refused_not_read_as_its_last(admin: ApiClient) -> None:
    # Before: the last "persons" counted, as json.loads reads it, and person a was dropped
    # without a word (app/jsonkeys.py).
    body = (
        b'{"persons": [{"ref": "a", "name": "A"}], "organisations": [],'
        b' "persons": [{"ref": "b", "name": "B"}]}'
    )
    response = admin.post("/v1/import", content=body, headers=JSON)
    assert response.status_code == 422, response.text
    assert [(e["pointer"], e["code"]) for e in response.json()["errors"]] == [
        ("/persons", "repeated_key")
    ]
    assert admin.get("/v1/persons/a").status_code == 404
    assert admin.get("/v1/persons/b").status_code == 404


def test_a_body_that_is_not_an_object_is_refused(admin: ApiClient) -> None:
    for body, code in [
        (b"", "missing"),
        (b"null", "dict_type"),
        (b"[]", "dict_type"),
        (b'"x"', "dict_type"),
    ]:
        response = admin.post("/v1/import", content=body, headers=JSON)
        assert response.status_code == 422, (body, response.text)
        assert [(e["pointer"], e["code"]) for e in response.json()["errors"]] == [("/", code)]
    for body in (b'{"persons": [1,]}', b'{"persons": []} []', b'{"persons": [NaN]}'):
        response = admin.post("/v1/import", content=body, headers=JSON)
        assert response.status_code == 422, (body, response.text)
        assert response.json()["errors"][0]["code"] == "json_invalid"


def test_strings_are_checked_in_every_item(admin: ApiClient, session: Session) -> None:
    doc = registry(persons=20, interests_each=0)
    doc["persons"][17]["name"] = "Per\u0000son"
    response = admin.post("/v1/import", json=doc)
    assert response.status_code == 422, response.text
    assert [(e["pointer"], e["code"]) for e in response.json()["errors"]] == [
        ("/persons/17/name", "bad_character")
    ]
    assert count(session, Person) == 0


def test_keyless_facts_match_their_stored_rows_by_natural_key(admin: ApiClient) -> None:
    # Many stored facts per person; a later document names a few of them (some with an
    # open valid_from: NULL matches NULL), a relation the other way round, one new fact.
    first = {
        "organisations": [{"ref": "k", "kind": "kommun", "name": "K kommun"}]
        + [{"ref": f"co-{c}", "kind": "aktiebolag", "name": f"Bolag {c}"} for c in range(10)],
        "persons": [{"ref": f"p-{i}", "name": f"Person {i}"} for i in range(10)],
        "appointments": [
            {"person": f"p-{i}", "body": {"organisation": "k"}, "role": "anstalld"}
            for i in range(10)
        ],
        "interests": [
            {
                "person": f"p-{i}",
                "organisation": f"co-{c}",
                "kind": "styrelseledamot",
                **({"valid_from": "2024-01-01"} if c % 2 else {}),
            }
            for i in range(10)
            for c in range(10)
        ],
        "relations": [{"person": "p-0", "related": "p-1", "kind": "sambo"}],
    }
    assert (
        admin.post("/v1/import", json=first).json()["totals"]["created"] == 11 + 10 + 10 + 100 + 1
    )
    later = {
        "interests": [
            {
                "person": f"p-{i}",
                "organisation": f"co-{c}",
                "kind": "styrelseledamot",
                **({"valid_from": "2024-01-01"} if c % 2 else {}),
                **({"valid_to": "2025-12-31"} if c == 0 else {}),
            }
            for i in range(5)
            for c in range(5)
        ]
        + [{"person": "p-0", "organisation": "co-9", "kind": "agare", "share_percent": 10}],
        "relations": [{"person": "p-1", "related": "p-0", "kind": "sambo"}],
        "appointments": [
            {"person": f"p-{i}", "body": {"organisation": "k"}, "role": "anstalld"}
            for i in range(5)
        ],
    }
    counts = admin.post("/v1/import", json=later).json()["counts"]
    assert counts["interests"] == {"created": 1, "updated": 5, "unchanged": 20}
    assert counts["relations"] == {"created": 0, "updated": 0, "unchanged": 1}
    assert counts["appointments"] == {"created": 0, "updated": 0, "unchanged": 5}
    assert admin.get("/v1/interests", params={"person": "p-0"}).json()["total"] == 11
