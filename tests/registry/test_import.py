"""POST /v1/import: the contract document, idempotent re-import, canonical relations."""

from __future__ import annotations

import json

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.models import AuditEntry, AuditSubject, Organisation, Person, Relation, ResponsibilityScope
from tests.support.api import ApiClient
from tests.support.registry import contract_document, import_document


def totals(body: dict) -> tuple[int, int, int]:
    t = body["totals"]
    return t["created"], t["updated"], t["unchanged"]


def test_contract_document_imports_with_counts_per_type(admin: ApiClient) -> None:
    body = import_document(admin, contract_document())
    assert body["counts"]["organisations"] == {"created": 4, "updated": 0, "unchanged": 0}
    assert body["counts"]["appointments"] == {"created": 2, "updated": 0, "unchanged": 0}
    assert totals(body) == (15, 0, 0)
    assert body["audit"]["sequence"] > 0


def test_same_document_twice_is_all_unchanged_and_writes_nothing(
    admin: ApiClient, session: Session
) -> None:
    import_document(admin, contract_document())
    audit_before = session.scalar(select(func.count()).select_from(AuditEntry))
    body = import_document(admin, contract_document())
    assert totals(body) == (0, 0, 15)
    assert body["audit"] is None
    assert session.scalar(select(func.count()).select_from(AuditEntry)) == audit_before


def test_personnummer_is_stored_only_hashed_and_masked(admin: ApiClient, session: Session) -> None:
    import_document(admin, contract_document())
    anna = session.scalars(select(Person).where(Person.ref == "p-anna")).one()
    assert anna.personnummer_masked == "19700101-****"
    assert anna.personnummer_hash and "1233" not in anna.personnummer_hash
    payloads = " ".join(session.scalars(select(AuditEntry.payload)))
    assert "197001011233" not in payloads and "19700101-1233" not in payloads


def test_responsibility_for_defaults_to_the_committee_organisation(
    admin: ApiClient, session: Session
) -> None:
    import_document(admin, contract_document())
    scopes = session.scalars(select(ResponsibilityScope)).all()
    assert len(scopes) == 3  # ankeby-tn: own org; ab-mbn: ankeby + borby


def test_changed_field_counts_as_updated(admin: ApiClient) -> None:
    import_document(admin, contract_document())
    doc = {
        "persons": [{"ref": "p-olof", "name": "Olof Bergström"}],
        "organisations": [{"ref": "borby", "kind": "kommun", "name": "Borby kommun"}],
    }
    body = import_document(admin, doc)
    assert body["counts"]["persons"] == {"created": 0, "updated": 1, "unchanged": 0}
    assert body["counts"]["organisations"] == {"created": 0, "updated": 0, "unchanged": 1}


def test_relation_is_stored_once_canonically(admin: ApiClient, session: Session) -> None:
    doc = {
        "persons": [{"ref": "a", "name": "A"}, {"ref": "b", "name": "B"}],
        "relations": [{"person": "b", "related": "a", "kind": "forelder"}],
    }
    import_document(admin, doc)
    again = import_document(admin, {"relations": [{"person": "a", "related": "b", "kind": "barn"}]})
    assert again["counts"]["relations"] == {"created": 0, "updated": 0, "unchanged": 1}
    sym = import_document(admin, {"relations": [{"person": "b", "related": "a", "kind": "syskon"}]})
    assert sym["counts"]["relations"]["created"] == 1
    sym2 = import_document(
        admin, {"relations": [{"person": "a", "related": "b", "kind": "syskon"}]}
    )
    assert sym2["counts"]["relations"]["unchanged"] == 1
    rows = session.execute(select(Relation.person_id, Relation.related_id, Relation.kind)).all()
    assert len(rows) == 2
    ids = dict(session.execute(select(Person.ref, Person.id)).all())
    assert (ids["b"], ids["a"], "forelder") in rows
    assert (min(ids.values()), max(ids.values()), "syskon") in rows


def test_one_audit_entry_per_import_with_counts_refs_and_organisations(
    admin: ApiClient, session: Session
) -> None:
    import_document(admin, contract_document())
    entry = session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc())).first()
    assert entry is not None and entry.kind == "registry.import"
    payload = json.loads(entry.payload)
    data = payload["data"]
    assert data["counts"]["persons"]["created"] == 2
    changed: dict[str, dict[str, list[str]]] = {}
    for part in data["parts"]:
        for section, statuses in part["changed"].items():
            for status, refs in statuses.items():
                changed.setdefault(section, {}).setdefault(status, []).extend(refs)
    assert sorted(changed["persons"]["created"]) == ["p-anna", "p-olof"]
    assert changed["interests"]["created"] == ["p-olof"]
    ids = dict(session.execute(select(Organisation.ref, Organisation.id)).all())
    everyone = ("ankeby", "borby", "ankeby-vatten", "vmf")
    assert payload["organisations"] == sorted(ids[r] for r in everyone)
    subjects = session.scalars(
        select(AuditSubject.subject_ref).where(AuditSubject.entry_id == entry.id)
    )
    assert set(subjects) == {"ankeby", "borby", "ankeby-vatten", "vmf"}


def test_merge_by_presence_keeps_left_out_fields_and_null_clears(admin: ApiClient) -> None:
    import_document(admin, contract_document())
    body = import_document(
        admin,
        {
            "organisations": [
                {"ref": "ankeby-vatten", "kind": "aktiebolag", "name": "Ankeby Vatten AB"}
            ]
        },
    )
    assert body["totals"]["unchanged"] == 1
    org = admin.get("/v1/organisations/ankeby-vatten").json()
    assert org["orgnr"] == "556000-0001" and org["owners"] == [
        {"organisation": "ankeby", "share_percent": 100.0}
    ]
    import_document(
        admin,
        {
            "organisations": [
                {
                    "ref": "ankeby-vatten",
                    "kind": "aktiebolag",
                    "name": "Ankeby Vatten AB",
                    "orgnr": None,
                    "owners": None,
                }
            ]
        },
    )
    org = admin.get("/v1/organisations/ankeby-vatten").json()
    assert org["orgnr"] is None and org["owners"] == []


def test_keyless_item_with_a_ref_takes_over_the_stored_row(admin: ApiClient) -> None:
    import_document(admin, contract_document())
    doc = {
        "interests": [
            {
                "ref": "int-1",
                "person": "p-olof",
                "organisation": "ankeby-vatten",
                "kind": "styrelseledamot",
            }
        ]
    }
    assert import_document(admin, doc)["counts"]["interests"] == {
        "created": 0,
        "updated": 1,
        "unchanged": 0,
    }
    assert admin.get("/v1/interests/int-1").json()["kind"] == "styrelseledamot"
    doc["interests"][0]["valid_to"] = "2030-01-01"
    assert import_document(admin, doc)["counts"]["interests"]["updated"] == 1
