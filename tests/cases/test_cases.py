"""Cases through the HTTP API: create, read, replace (ETag/If-Match), list, scope, audit."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from tests.support.api import ApiClient, path_ref
from tests.support.registry import contract_document, import_document

REF = "MBN 2026/123"
PNR = "19700101-1233"


def case_doc(**overrides: Any) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "ref": REF,
        "committee": "ab-mbn",
        "area": "va",
        "matter": "tillsyn",
        "title": "Tillsyn av Ankeby reningsverk",
        "decision_date": "2026-03-10",
        "parties": [
            {"operation": "ankeby-avlopp", "role": "tillsynsobjekt"},
            {"organisation": "ankeby-vatten", "role": "part"},
            {"person": "p-olof", "role": "berord"},
            {"name": "Nils Granne", "role": "berord", "personnummer": PNR},
            {"name": "Granne Bygg AB", "orgnr": "5560000001", "role": "berord"},
        ],
        "earlier_handling": [{"person": "p-olof", "organisation": "borby", "final": True}],
        "participants": [
            {"person": "p-anna", "role": "ledamot"},
            {"person": "p-olof", "role": "handlaggare"},
        ],
    }
    doc.update(overrides)
    return doc


@pytest.fixture
def registry(admin: ApiClient) -> None:
    import_document(admin, contract_document())


def url(ref: str = REF) -> str:
    return "/v1/cases/" + path_ref(ref)


def audit_entries(admin: ApiClient, kind: str, case: str) -> list[dict[str, Any]]:
    response = admin.get("/v1/audit", params={"kind": kind, "case": case})
    assert response.status_code == 200, response.text
    return response.json()["items"]  # type: ignore[no-any-return]


def test_create_answers_the_case_document_with_etag_and_location(
    registry: None, admin: ApiClient
) -> None:
    response = admin.post("/v1/cases", json=case_doc())
    assert response.status_code == 201, response.text
    body = response.json()
    assert response.headers["etag"] == '"1"'
    assert response.headers["location"] == "/v1/cases/MBN%202026%2F123"
    assert body["ref"] == REF and body["committee"] == "ab-mbn" and body["version"] == 1
    assert body["parties"][:3] == case_doc()["parties"][:3]
    assert body["parties"][3] == {
        "name": "Nils Granne",
        "role": "berord",
        "personnummer_masked": "19700101-****",
    }
    assert body["parties"][4] == {
        "name": "Granne Bygg AB",
        "role": "berord",
        "orgnr": "556000-0001",
    }
    assert body["earlier_handling"] == [
        {"person": "p-olof", "organisation": "borby", "final": True}
    ]
    assert body["participants"] == case_doc()["participants"]
    assert PNR not in response.text and "197001011233" not in response.text


def test_refs_with_spaces_and_slashes_route_when_percent_encoded(
    registry: None, admin: ApiClient
) -> None:
    for ref in ("KS 2026/123", "BN 2026/1/2", "a b/c d"):
        assert admin.post("/v1/cases", json=case_doc(ref=ref)).status_code == 201
        got = admin.get(url(ref))
        assert got.status_code == 200, got.text
        assert got.json()["ref"] == ref
        assert got.headers["etag"] == '"1"'


def test_replace_needs_the_current_etag(registry: None, admin: ApiClient) -> None:
    admin.post("/v1/cases", json=case_doc())
    changed = case_doc(title="Ny titel", participants=[{"person": "p-anna", "role": "ordforande"}])
    first = admin.put(url(), json=changed, headers={"If-Match": '"1"'})
    assert first.status_code == 200, first.text
    assert first.headers["etag"] == '"2"'
    assert first.json()["title"] == "Ny titel"
    assert first.json()["participants"] == [{"person": "p-anna", "role": "ordforande"}]
    stale = admin.put(url(), json=case_doc(), headers={"If-Match": '"1"'})
    assert stale.status_code == 412
    assert stale.headers["content-type"].startswith("application/problem+json")
    assert admin.get(url()).json()["title"] == "Ny titel"
    assert admin.put(url(), json=case_doc(), headers={"If-Match": "*"}).status_code == 200
    assert admin.get(url()).headers["etag"] == '"3"'


def test_replace_errors(registry: None, admin: ApiClient) -> None:
    assert admin.put(url(), json=case_doc()).status_code == 404
    admin.post("/v1/cases", json=case_doc())
    mismatch = admin.put(url(), json=case_doc(ref="other"))
    assert mismatch.status_code == 422
    assert mismatch.json()["errors"][0]["pointer"] == "/ref"


def test_duplicate_ref_is_409(registry: None, admin: ApiClient) -> None:
    assert admin.post("/v1/cases", json=case_doc()).status_code == 201
    again = admin.post("/v1/cases", json=case_doc())
    assert again.status_code == 409


def test_every_bad_reference_is_listed_with_a_pointer_and_nothing_is_stored(
    registry: None, admin: ApiClient
) -> None:
    before = admin.get("/v1/audit", params={"kind": "case.create"}).json()["total"]
    bad = case_doc(
        committee="no-such-committee",
        area="no-such-area",
        parties=[
            {"person": "nobody", "role": "part"},
            {"organisation": "no-org", "role": "part"},
            {"operation": "no-op", "role": "tillsynsobjekt"},
            {"committee": "no-committee", "role": "part"},
            {"name": "X", "orgnr": "556000-0002", "role": "part"},
            {"name": "Y", "personnummer": "19700101-1234", "role": "part"},
        ],
        earlier_handling=[{"person": "ghost", "committee": "no-committee", "final": True}],
        participants=[
            {"person": "p-anna", "role": "ledamot"},
            {"person": "p-anna", "role": "ledamot"},
            {"person": "phantom", "role": "ledamot"},
        ],
    )
    response = admin.post("/v1/cases", json=bad)
    assert response.status_code == 422
    pointers = {e["pointer"] for e in response.json()["errors"]}
    assert pointers == {
        "/area",
        "/committee",
        "/parties/0/person",
        "/parties/1/organisation",
        "/parties/2/operation",
        "/parties/3/committee",
        "/parties/4/orgnr",
        "/parties/5/personnummer",
        "/earlier_handling/0/person",
        "/earlier_handling/0/committee",
        "/participants/1/person",
        "/participants/2/person",
    }
    assert "19700101-1234" not in response.text
    assert admin.get(url()).status_code == 404
    assert admin.get("/v1/audit", params={"kind": "case.create"}).json()["total"] == before


@pytest.mark.parametrize(
    ("party", "pointer"),
    [
        ({"role": "part"}, "/parties/0"),
        ({"person": "p-anna", "organisation": "ankeby", "role": "part"}, "/parties/0"),
        ({"person": "p-anna", "name": "Anna", "role": "part"}, "/parties/0"),
        ({"person": "p-anna", "role": "vittne"}, "/parties/0/role"),
    ],
)
def test_malformed_parties_are_422_with_pointers(
    registry: None, admin: ApiClient, party: dict[str, Any], pointer: str
) -> None:
    response = admin.post("/v1/cases", json=case_doc(parties=[party]))
    assert response.status_code == 422
    assert pointer in {e["pointer"] for e in response.json()["errors"]}


def test_list_filters_and_pages(registry: None, admin: ApiClient) -> None:
    admin.post("/v1/cases", json=case_doc(ref="A 1", decision_date="2026-01-10"))
    admin.post("/v1/cases", json=case_doc(ref="A 2", decision_date="2026-02-10", matter="bidrag"))
    admin.post("/v1/cases", json=case_doc(ref="A 3", committee="ankeby-tn", decision_date=None))

    def refs(**params: Any) -> list[str]:
        response = admin.get("/v1/cases", params=params)
        assert response.status_code == 200, response.text
        return [c["ref"] for c in response.json()["items"]]

    assert refs() == ["A 1", "A 2", "A 3"]
    assert refs(committee="ab-mbn") == ["A 1", "A 2"]
    assert refs(matter="bidrag") == ["A 2"]
    assert refs(**{"from": "2026-02-01"}) == ["A 2"]
    assert refs(to="2026-01-31") == ["A 1"]
    assert refs(committee="unknown") == []
    page = admin.get("/v1/cases", params={"limit": 2, "offset": 1}).json()
    assert [c["ref"] for c in page["items"]] == ["A 2", "A 3"]
    assert (page["total"], page["limit"], page["offset"]) == (3, 2, 1)


def test_writes_are_audited_with_the_personnummer_hashed(registry: None, admin: ApiClient) -> None:
    admin.post("/v1/cases", json=case_doc())
    admin.put(url(), json=case_doc(title="Ändrad"))
    created = audit_entries(admin, "case.create", REF)
    updated = audit_entries(admin, "case.update", REF)
    assert len(created) == 1 and len(updated) == 1
    data = created[0]["payload"]["data"]["case"]
    assert data["ref"] == REF and data["committee"] == "ab-mbn"
    party = data["parties"][3]
    assert party["personnummer_masked"] == "19700101-****" and len(party["personnummer_hash"]) == 64
    assert PNR not in json.dumps(created) and "197001011233" not in json.dumps(created)
    subjects = {(s["kind"], s["ref"]) for s in created[0]["subjects"]}
    assert {
        ("case", REF),
        ("committee", "ab-mbn"),
        ("organisation", "ankeby"),
        ("person", "p-anna"),
        ("person", "p-olof"),
    } <= subjects
    assert updated[0]["payload"]["data"]["case"]["title"] == "Ändrad"


def test_roles_and_organisation_scope(
    registry: None, admin: ApiClient, client_for: Callable[..., ApiClient]
) -> None:
    admin.post("/v1/cases", json=case_doc(ref="TN 1", committee="ankeby-tn"))
    admin.post("/v1/cases", json=case_doc(ref="MBN 1"))
    auditor = client_for("auditor")
    assert auditor.get(url("TN 1")).status_code == 200
    assert auditor.post("/v1/cases", json=case_doc(ref="X")).status_code == 403
    borby = client_for("screener", orgs=["borby"])
    # ab-mbn is a gemensam nämnd Borby takes part in; ankeby-tn is Ankeby's own.
    assert borby.get(url("MBN 1")).status_code == 200
    assert borby.get(url("TN 1")).status_code == 404
    assert [c["ref"] for c in borby.get("/v1/cases").json()["items"]] == ["MBN 1"]
    elsewhere = case_doc(ref="TN 2", committee="ankeby-tn")
    # A committee out of scope reads like an unknown one.
    assert borby.post("/v1/cases", json=elsewhere).status_code == 422
    assert borby.put(url("TN 1"), json=case_doc(ref="TN 1")).status_code == 404
    moved = borby.put(url("MBN 1"), json=case_doc(ref="MBN 1", committee="ankeby-tn"))
    assert moved.status_code == 422
    assert borby.post("/v1/cases", json=case_doc(ref="MBN 2")).status_code == 201


def test_a_limited_key_may_not_name_participants_outside_its_scope(
    registry: None, admin: ApiClient, client_for: Callable[..., ApiClient]
) -> None:
    import_document(
        admin,
        {
            "organisations": [{"ref": "cederby", "kind": "kommun", "name": "Cederby kommun"}],
            "committees": [
                {
                    "ref": "ced-ks",
                    "organisation": "cederby",
                    "kind": "styrelse",
                    "name": "Kommunstyrelsen",
                }
            ],
            "persons": [{"ref": "p-ced", "name": "Cecilia Ced"}],
            "appointments": [
                {"person": "p-ced", "body": {"committee": "ced-ks"}, "role": "ledamot"}
            ],
        },
    )
    borby = client_for("screener", orgs=["borby"])
    doc = case_doc(
        participants=[
            {"person": "p-anna", "role": "ledamot"},
            {"person": "p-ced", "role": "ledamot"},
        ]
    )
    response = borby.post("/v1/cases", json=doc)
    assert response.status_code == 422  # as if p-ced did not exist
    assert [e["pointer"] for e in response.json()["errors"]] == ["/participants/1/person"]
    assert admin.get(url()).status_code == 404
    assert admin.post("/v1/cases", json=doc).status_code == 201  # an unlimited key may


@pytest.mark.parametrize("value", ["0", "20260310", "2026-3-10"])
def test_dates_are_strictly_iso(registry: None, admin: ApiClient, value: str) -> None:
    response = admin.post(
        "/v1/cases", json={**case_doc(), "decision_date": int(value) if value.isdigit() else value}
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["pointer"] == "/decision_date"
    assert admin.get("/v1/cases", params={"from": value}).status_code == 422
