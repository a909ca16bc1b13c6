"""Registry CRUD: create/read/replace/patch/delete, ETag and If-Match, 409 when referenced."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import AuditEntry, Person
from tests.support.api import ApiClient, path_ref
from tests.support.registry import contract_document, import_document

ALL_TYPES = [
    ("organisations", "ankeby"),
    ("committees", "ab-mbn"),
    ("administrations", "ab-miljo"),
    ("operations", "ankeby-avlopp"),
    ("agreements", "avtal-2024-7"),
    ("persons", "p-anna"),
]


@pytest.fixture
def registry(admin: ApiClient) -> ApiClient:
    import_document(admin, contract_document())
    return admin


def audit_kinds(session: Session) -> list[str]:
    return list(session.scalars(select(AuditEntry.kind).order_by(AuditEntry.id)))


def last_audit(session: Session) -> dict:
    payload = session.scalars(select(AuditEntry.payload).order_by(AuditEntry.id.desc())).first()
    return json.loads(payload)


@pytest.mark.parametrize(("section", "ref"), ALL_TYPES)
def test_every_type_reads_with_an_etag_and_lists(
    registry: ApiClient, section: str, ref: str
) -> None:
    response = registry.get(f"/v1/{section}/{ref}")
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["ref"] == ref and isinstance(body["id"], int)
    assert response.headers["etag"] == f'"{body["version"]}"'
    listed = registry.get(f"/v1/{section}").json()
    assert ref in [item["ref"] for item in listed["items"]]


@pytest.mark.parametrize("section", ["appointments", "interests", "relations"])
def test_keyless_objects_are_addressed_by_id(registry: ApiClient, section: str) -> None:
    item = registry.get(f"/v1/{section}").json()["items"][0]
    response = registry.get(f"/v1/{section}/{item['id']}")
    assert response.status_code == 200
    assert response.json() == item


def test_read_shows_contract_shape_and_never_a_hash(registry: ApiClient) -> None:
    committee = registry.get("/v1/committees/ab-mbn").json()
    assert committee["participants"] == ["ankeby", "borby"]
    assert committee["responsibilities"] == [
        {"area": "miljo_halsoskydd", "role": "tillsyn", "for": ["ankeby", "borby"]}
    ]
    tn = registry.get("/v1/committees/ankeby-tn").json()
    assert tn["responsibilities"][0]["for"] == ["ankeby"]  # default: own organisation
    anna = registry.get("/v1/persons/p-anna")
    assert anna.json()["personnummer_masked"] == "19700101-****"
    assert "hash" not in anna.text and "1233" not in anna.text


def test_create_answers_201_with_location_and_refs_with_slash_route(
    admin: ApiClient, session: Session
) -> None:
    response = admin.post(
        "/v1/organisations", json={"ref": "KS 2026/7", "kind": "kommun", "name": "K"}
    )
    assert response.status_code == 201, response.text
    assert response.headers["location"] == "/v1/organisations/" + path_ref("KS 2026/7")
    assert admin.get(response.headers["location"]).json()["name"] == "K"
    assert audit_kinds(session)[-1] == "registry.create"
    again = admin.post(
        "/v1/organisations", json={"ref": "KS 2026/7", "kind": "kommun", "name": "K"}
    )
    assert again.status_code == 409


def test_create_keyless_gives_id_location_and_409_on_same_natural_key(registry: ApiClient) -> None:
    item = {
        "person": "p-anna",
        "organisation": "ankeby-vatten",
        "kind": "agare",
        "share_percent": 10,
    }
    response = registry.post("/v1/interests", json=item)
    assert response.status_code == 201, response.text
    assert response.headers["location"] == f"/v1/interests/{response.json()['id']}"
    assert registry.post("/v1/interests", json=item).status_code == 409


def test_single_writes_use_the_import_validation(registry: ApiClient) -> None:
    response = registry.post(
        "/v1/persons", json={"ref": "p-x", "name": "X", "personnummer": "19700101-1234"}
    )
    assert response.status_code == 422
    assert response.json()["errors"] == [
        {
            "pointer": "/personnummer",
            "detail": response.json()["errors"][0]["detail"],
            "code": "invalid_personnummer",
        }
    ]
    assert "1234" not in response.text
    response = registry.post(
        "/v1/appointments",
        json={"person": "p-nobody", "role": "ledamot", "body": {"committee": "ab-mbn"}},
    )
    assert [(e["pointer"], e["code"]) for e in response.json()["errors"]] == [
        ("/person", "unknown_reference")
    ]


def test_patch_changes_given_fields_bumps_etag_and_audits_before_after(
    registry: ApiClient, session: Session
) -> None:
    etag = registry.get("/v1/persons/p-anna").headers["etag"]
    response = registry.patch(
        "/v1/persons/p-anna", json={"name": "Anna Åberg"}, headers={"If-Match": etag}
    )
    assert response.status_code == 200, response.text
    assert response.json()["personnummer_masked"] == "19700101-****"  # kept
    assert response.headers["etag"] != etag
    entry = last_audit(session)
    assert entry["kind"] == "registry.update"
    assert entry["data"]["changes"] == {"name": {"before": "Anna Berg", "after": "Anna Åberg"}}
    assert "1233" not in json.dumps(entry)


def test_stale_if_match_answers_412_and_changes_nothing(registry: ApiClient) -> None:
    etag = registry.get("/v1/organisations/borby").headers["etag"]
    assert registry.patch("/v1/organisations/borby", json={"name": "Borby stad"}).status_code == 200
    for method, body in (
        ("PUT", {"kind": "kommun", "name": "Z"}),
        ("PATCH", {"name": "Z"}),
        ("DELETE", None),
    ):
        response = registry.request(
            method, "/v1/organisations/borby", json=body, headers={"If-Match": etag}
        )
        assert response.status_code == 412, (method, response.text)
        assert response.headers["content-type"].startswith("application/problem+json")
    assert registry.get("/v1/organisations/borby").json()["name"] == "Borby stad"


def test_put_replaces_and_clears_absent_optional_fields(registry: ApiClient) -> None:
    response = registry.put(
        "/v1/organisations/ankeby-vatten", json={"kind": "aktiebolag", "name": "AV AB"}
    )
    assert response.status_code == 200, response.text
    assert response.json()["owners"] == [] and response.json()["orgnr"] is None
    assert (
        registry.put(
            "/v1/organisations/ankeby-vatten",
            json={"ref": "other", "kind": "aktiebolag", "name": "X"},
        ).status_code
        == 422
    )


READ_ONLY = ("id", "version", "created_at", "updated_at")


def _answer(registry: ApiClient, section: str) -> tuple[str, dict]:
    """(path, GET answer) of one object of the type: by ref, or the first listed by id."""
    refs = dict(ALL_TYPES)
    key = refs.get(section) or str(registry.get(f"/v1/{section}").json()["items"][0]["id"])
    path = f"/v1/{section}/{key}"
    return path, registry.get(path).json()


@pytest.mark.parametrize("section", [*dict(ALL_TYPES), "appointments", "interests", "relations"])
def test_put_of_the_get_answer_as_it_came_changes_nothing(
    registry: ApiClient, session: Session, section: str
) -> None:
    # GET → PUT: the answer's metadata (id, version, timestamps) equal to what is stored
    # is read and ignored.
    path, current = _answer(registry, section)
    before = len(audit_kinds(session))
    for method in ("PUT", "PATCH"):
        response = registry.request(method, path, json=current)
        assert response.status_code == 200, response.text
        assert response.json() == current
    assert len(audit_kinds(session)) == before


def test_get_edit_put_with_the_metadata_writes_the_edit(
    registry: ApiClient, session: Session
) -> None:
    path, current = _answer(registry, "operations")
    edited = {**current, "name": "Avloppsreningsverket i Ankeby"}
    response = registry.put(path, json=edited)
    assert response.status_code == 200, response.text
    after = response.json()
    assert after["name"] == "Avloppsreningsverket i Ankeby"
    assert after["version"] == current["version"] + 1
    assert after["id"] == current["id"] and after["created_at"] == current["created_at"]
    assert last_audit(session)["data"]["changes"] == {
        "name": {"before": current["name"], "after": "Avloppsreningsverket i Ankeby"}
    }


def test_a_timestamp_written_another_way_is_the_same(registry: ApiClient) -> None:
    path, current = _answer(registry, "persons")
    created = current["created_at"]
    assert created.endswith("Z")
    body = {**current, "created_at": created.replace("Z", "+00:00")}
    assert registry.put(path, json=body).status_code == 200


@pytest.mark.parametrize(
    ("field", "value"),
    [("id", 999_999), ("created_at", "2001-01-01T00:00:00+00:00"), ("updated_at", "x")],
)
def test_put_with_a_changed_read_only_field_is_refused_at_the_field(
    registry: ApiClient, session: Session, field: str, value: object
) -> None:
    path, current = _answer(registry, "operations")
    before = len(audit_kinds(session))
    body = {**current, field: value, "name": "Nytt namn"}
    response = registry.put(path, json=body)
    assert response.status_code == 422, response.text
    errors = response.json()["errors"]
    assert [(e["pointer"], e["code"]) for e in errors] == [(f"/{field}", "read_only")]
    assert registry.get(path).json() == current
    assert len(audit_kinds(session)) == before


def test_read_only_errors_come_with_the_bodys_other_errors(registry: ApiClient) -> None:
    path, current = _answer(registry, "operations")
    body = {**current, "id": current["id"] + 1, "area": "inget_omrade"}
    response = registry.patch(path, json=body)
    assert response.status_code == 422
    assert {e["pointer"] for e in response.json()["errors"]} == {"/id", "/area"}


def test_a_changed_masked_personnummer_is_refused(registry: ApiClient) -> None:
    path, current = _answer(registry, "persons")
    body = {**current, "personnummer_masked": "19800101-****"}
    response = registry.put(path, json=body)
    assert response.status_code == 422
    assert response.json()["errors"][0]["pointer"] == "/personnummer_masked"


def test_put_of_a_stale_version_is_a_conflict_and_changes_nothing(
    registry: ApiClient, session: Session
) -> None:
    # Two clients read version v; the first writes (v + 1); the second's write, based on
    # v, would overwrite the first's change unseen: 409 with the current ETag.
    path, read = _answer(registry, "operations")
    first = registry.put(path, json={**read, "name": "Första namnet"})
    assert first.status_code == 200
    before = len(audit_kinds(session))
    second = registry.put(path, json={**read, "area": "avfall"})
    assert second.status_code == 409, second.text
    assert second.headers["content-type"].startswith("application/problem+json")
    assert second.headers["etag"] == f'"{read["version"] + 1}"'
    assert registry.get(path).json() == first.json()
    assert len(audit_kinds(session)) == before
    stale_patch = registry.patch(path, json={"version": read["version"], "area": "avfall"})
    assert stale_patch.status_code == 409
    # Read again, reapply: accepted.
    again = registry.get(path).json()
    assert registry.put(path, json={**again, "area": "avfall"}).status_code == 200


def test_a_version_that_is_not_an_integer_is_refused(registry: ApiClient) -> None:
    path, current = _answer(registry, "operations")
    response = registry.put(path, json={**current, "version": str(current["version"])})
    assert response.status_code == 422
    assert response.json()["errors"][0]["pointer"] == "/version"


def test_put_same_content_is_unchanged_without_audit(registry: ApiClient, session: Session) -> None:
    current = registry.get("/v1/operations/ankeby-avlopp").json()
    before = len(audit_kinds(session))
    # PUT takes the object without the answer's metadata as well.
    written = {k: v for k, v in current.items() if k not in READ_ONLY}
    response = registry.put("/v1/operations/ankeby-avlopp", json=written)
    assert response.status_code == 200
    assert response.json()["version"] == current["version"]
    assert len(audit_kinds(session)) == before


def test_put_keeps_personnummer_when_left_out(registry: ApiClient) -> None:
    response = registry.put("/v1/persons/p-anna", json={"name": "Anna Berg"})
    assert response.json()["personnummer_masked"] == "19700101-****"
    cleared = registry.patch("/v1/persons/p-anna", json={"personnummer": None})
    assert cleared.json()["personnummer_masked"] is None


def test_delete_of_referenced_object_is_409_naming_what_refers(registry: ApiClient) -> None:
    response = registry.delete("/v1/organisations/borby")
    assert response.status_code == 409
    problem = response.json()
    types = {u["type"]: u["refs"] for u in problem["referenced_by"]}
    assert (
        "ab-mbn" in types["committee_participants"]
        and "avtal-2024-7" in types["agreement_principals"]
    )
    assert registry.get("/v1/organisations/borby").status_code == 200


def test_delete_unreferenced_object_removes_it_and_audits(
    registry: ApiClient, session: Session
) -> None:
    relation = registry.get("/v1/relations").json()["items"][0]
    response = registry.delete(f"/v1/relations/{relation['id']}")
    assert response.status_code == 204
    assert registry.get(f"/v1/relations/{relation['id']}").status_code == 404
    assert audit_kinds(session)[-1] == "registry.delete"
    # a person with nothing pointing at it any more can go
    for section in ("appointments", "interests"):
        for item in registry.get(f"/v1/{section}?person=p-olof").json()["items"]:
            assert registry.delete(f"/v1/{section}/{item['id']}").status_code == 204
    assert registry.delete("/v1/persons/p-olof").status_code == 204
    assert session.scalar(select(Person).where(Person.ref == "p-olof")) is None


def test_relations_read_both_ways(admin: ApiClient) -> None:
    import_document(
        admin,
        {
            "persons": [
                {"ref": "mor", "name": "Mor"},
                {"ref": "son", "name": "Son"},
                {"ref": "chef", "name": "Chef"},
            ],
            "relations": [
                {"person": "son", "related": "mor", "kind": "barn"},
                {"person": "chef", "related": "son", "kind": "foreman"},
            ],
        },
    )
    mother = admin.get("/v1/persons/mor/relations").json()["items"]
    assert [(r["person"], r["related"], r["kind"]) for r in mother] == [("mor", "son", "forelder")]
    son = admin.get("/v1/persons/son/relations").json()["items"]
    assert sorted((r["related"], r["kind"]) for r in son) == [
        ("chef", "underordnad"),
        ("mor", "barn"),
    ]
    boss = admin.get("/v1/persons/chef/relations").json()["items"]
    assert [(r["related"], r["kind"]) for r in boss] == [("son", "foreman")]
    assert admin.get("/v1/persons/nobody/relations").status_code == 404


def test_unknown_object_is_404_problem(admin: ApiClient) -> None:
    response = admin.get("/v1/committees/nope")
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("application/problem+json")
    assert admin.get("/v1/appointments/999999").status_code == 404


def test_openapi_documents_etag_and_if_match(admin: ApiClient) -> None:
    spec = admin.get("/openapi.json").json()
    put = spec["paths"]["/v1/persons/{key}"]["put"]
    assert any(p["name"].lower() == "if-match" for p in put["parameters"])
    assert "412" in put["responses"]


def test_invalid_body_is_422_before_a_stale_if_match_is_412(registry: ApiClient) -> None:
    response = registry.put(
        "/v1/persons/p-anna", json={"ref": "p-anna"}, headers={"If-Match": '"999"'}
    )
    assert response.status_code == 422
    assert (
        registry.put(
            "/v1/persons/p-anna", json={"name": "A"}, headers={"If-Match": '"999"'}
        ).status_code
        == 412
    )


def test_sub_resource_paths_are_not_taken_for_refs(registry: ApiClient) -> None:
    assert registry.put("/v1/persons/p-anna/relations", json={}).status_code == 405
    assert registry.delete("/v1/organisations/ankeby/structural-risks").status_code == 405
