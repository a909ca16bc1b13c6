"""Bad meeting documents are 422 at the field with nothing stored; roles and scope; Word."""

from __future__ import annotations

import io
from typing import Any

import pytest
from docx import Document
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.models import AuditEntry, Meeting, Screening
from tests.meetings.support import post_meeting
from tests.meetings.world import case, world
from tests.support.api import ApiClient
from tests.support.registry import import_document

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@pytest.fixture
def screener(admin: ApiClient, client_for) -> ApiClient:  # type: ignore[no-untyped-def]
    import_document(admin, world())
    for ref, committee in (("BN 2026/1", "bn"), ("KS 2026/1", "ks")):
        body = case(ref, ("l-s2", "sokande"), committee=committee)
        assert admin.post("/v1/cases", json=body).status_code == 201
    return client_for("screener")  # type: ignore[no-any-return]


def meeting(**changes: Any) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "ref": "BN 2026-05-05",
        "committee": "bn",
        "date": "2026-05-05",
        "items": [
            {"paragraph": "§ 1", "case": "BN 2026/1"},
            {"paragraph": "§ 2", "case": case("BN 2026/2", ("p-sok", "sokande"))},
        ],
    }
    doc.update(changes)
    return doc


def counts(session: Session) -> tuple[int, int, int]:
    return (
        session.scalar(select(func.count()).select_from(Meeting)) or 0,
        session.scalar(select(func.count()).select_from(Screening)) or 0,
        session.scalar(select(func.count()).select_from(AuditEntry)) or 0,
    )


BAD = [
    ("unknown committee", {"committee": "nope"}, "/committee", "unknown_reference"),
    ("unknown person", {"present": ["l-s2", "nobody"]}, "/present/1", "unknown_reference"),
    ("not a member", {"absent": ["kf-1"]}, "/absent/0", "not_a_member"),
    (
        "present and absent",
        {"present": ["l-s2", "l-m2"], "absent": ["l-m2"]},
        "/absent/0",
        "present_and_absent",
    ),
    (
        "stored case of another committee",
        {"items": [{"paragraph": "§ 1", "case": "KS 2026/1"}]},
        "/items/0/case",
        "other_committee",
    ),
    (
        "inline case of another committee",
        {"items": [{"paragraph": "§ 1", "case": case("KS 2026/2", committee="ks")}]},
        "/items/0/case/committee",
        "other_committee",
    ),
    (
        "unknown stored case",
        {"items": [{"paragraph": "§ 1", "case": "BN 2099/1"}]},
        "/items/0/case",
        "unknown_reference",
    ),
    (
        "duplicate paragraphs",
        {
            "items": [
                {"paragraph": "§ 1", "case": "BN 2026/1"},
                {"paragraph": "§ 1", "case": "BN 2026/1"},
            ]
        },
        "/items/1/paragraph",
        "duplicate",
    ),
    ("unknown field", {"atendees": ["l-s2"]}, "/atendees", None),
    (
        "unknown item field",
        {"items": [{"paragraph": "§ 1", "case": "BN 2026/1", "x": 1}]},
        "/items/0/x",
        None,
    ),
    ("no items", {"items": []}, "/items", None),
    ("bad date", {"date": "10/3/2026"}, "/date", None),
    (
        "bad inline case",
        {"items": [{"paragraph": "§ 1", "case": {"ref": "X", "matter": "q"}}]},
        "/items/0/case/matter",
        None,
    ),
    (
        "arrival of someone already there",
        {"arrivals": [{"person": "l-s2", "from": "§ 2"}]},
        "/arrivals/0/person",
        "already_present",
    ),
    (
        "arrival at an item not on the agenda",
        {"absent": ["l-s2"], "arrivals": [{"person": "l-s2", "from": "§ 9"}]},
        "/arrivals/0/from",
        "unknown_paragraph",
    ),
    (
        "a ledamot who left comes back",
        {
            "departures": [{"person": "l-s2", "from": "§ 1"}],
            "arrivals": [{"person": "l-s2", "from": "§ 2"}],
        },
        "/arrivals/0/from",
        "may_not_return",
    ),
    (
        "departure of someone not there",
        {"absent": ["l-s2"], "departures": [{"person": "l-s2", "from": "§ 2"}]},
        "/departures/0/person",
        "not_present",
    ),
    (
        "arrival with an unknown field",
        {"arrivals": [{"person": "l-s2", "from": "§ 2", "at": "14:05"}]},
        "/arrivals/0/at",
        None,
    ),
    (
        "unknown person in an inline case",
        {
            "items": [
                {
                    "paragraph": "§ 1",
                    "case": case(
                        "BN 2026/9", participants=[{"person": "ghost", "role": "foredragande"}]
                    ),
                }
            ]
        },
        "/items/0/case/participants/0/person",
        "unknown_reference",
    ),
]


@pytest.mark.parametrize(("label", "changes", "pointer", "code"), BAD, ids=[b[0] for b in BAD])
def test_bad_input_is_422_at_the_field_and_nothing_is_stored(
    screener: ApiClient,
    session: Session,
    label: str,
    changes: dict[str, Any],
    pointer: str,
    code: str | None,
) -> None:
    before = counts(session)
    response = screener.post("/v1/meetings", json=meeting(**changes))
    assert response.status_code == 422, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    errors = response.json()["errors"]
    assert pointer in [e["pointer"] for e in errors], errors
    if code is not None:
        assert code in [e["code"] for e in errors if e["pointer"] == pointer]
    assert counts(session) == before
    assert screener.get("/v1/meetings/BN%202026-05-05").status_code == 404


def test_every_problem_is_reported_at_once(screener: ApiClient) -> None:
    doc = meeting(
        present=["ghost"],
        absent=["ghost"],
        items=[
            {"paragraph": "§ 1", "case": "KS 2026/1"},
            {"paragraph": "§ 1", "case": "BN 2026/1"},
        ],
    )
    pointers = {e["pointer"] for e in screener.post("/v1/meetings", json=doc).json()["errors"]}
    assert {"/present/0", "/absent/0", "/items/0/case", "/items/1/paragraph"} <= pointers


def test_the_same_ref_twice_is_409_and_put_must_name_the_same_ref(screener: ApiClient) -> None:
    post_meeting(screener, meeting())
    assert screener.post("/v1/meetings", json=meeting()).status_code == 409
    other = screener.put("/v1/meetings/BN%202026-05-05", json=meeting(ref="other"))
    assert other.status_code == 422 and other.json()["errors"][0]["pointer"] == "/ref"
    assert screener.put("/v1/meetings/missing", json=meeting(ref="missing")).status_code == 404
    unknown = screener.get("/v1/meetings/BN%202026-05-05", params={"format": "docx"})
    assert unknown.status_code == 422 and unknown.json()["errors"][0]["parameter"] == "format"


def test_roles_screener_and_admin_write_auditor_reads(
    screener: ApiClient,
    admin: ApiClient,
    client_for,  # type: ignore[no-untyped-def]
) -> None:
    auditor, registry = client_for("auditor"), client_for("registry")
    assert auditor.post("/v1/meetings", json=meeting()).status_code == 403
    assert registry.post("/v1/meetings", json=meeting()).status_code == 403
    post_meeting(admin, meeting())
    assert auditor.get("/v1/meetings/BN%202026-05-05").status_code == 200
    assert auditor.get("/v1/meetings").json()["total"] == 1
    assert auditor.put("/v1/meetings/BN%202026-05-05", json=meeting()).status_code == 403


def test_a_key_limited_to_another_kommun_sees_no_meeting_of_this_one(
    screener: ApiClient,
    client_for,  # type: ignore[no-untyped-def]
) -> None:
    post_meeting(screener, meeting())
    borby = client_for("screener", ["borby"])
    missing = borby.get("/v1/meetings/BN%202026-05-05")
    assert missing.status_code == 404
    absent = borby.get("/v1/meetings/nothing-here")
    assert (missing.json()["type"], missing.json()["title"]) == (
        absent.json()["type"],
        absent.json()["title"],
    )
    assert missing.json()["detail"] == "No meeting 'BN 2026-05-05'."
    assert borby.get("/v1/meetings").json()["total"] == 0
    refused = borby.post("/v1/meetings", json=meeting(ref="BN x"))
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["pointer"] == "/committee"
    assert borby.put("/v1/meetings/BN%202026-05-05", json=meeting()).status_code == 404
    # The gemensam nämnd is Borby's too.
    shared = {
        "ref": "GN x",
        "committee": "gn",
        "date": "2026-05-05",
        "items": [
            {"paragraph": "§ 1", "case": case("GN 1", committee="gn", area="miljo_halsoskydd")}
        ],
    }
    assert borby.post("/v1/meetings", json=shared).status_code == 201


def test_the_word_document_tells_each_item_in_swedish(screener: ApiClient) -> None:
    post_meeting(screener, meeting(absent=["l-s3"]))
    response = screener.get("/v1/meetings/BN%202026-05-05", headers={"Accept": DOCX})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == DOCX
    text = "\n".join(p.text for p in Document(io.BytesIO(response.content)).paragraphs)
    assert "Byggnadsnämnden: sammanträde 2026-05-05" in text
    assert "§ 1 Ärende BN 2026/1" in text and "§ 2 Ärende BN 2026/2" in text
    assert "Anna Berg (S), ledamot: jäv; grund: part i ärendet" in text
    assert "lagrum: 6 kap. 28 §" in text
    assert "Tjänstgörande ersättare: Eva Ek (S) i stället för Sven Sand." in text
    assert "Tjänstgörande ersättare: Erik Ås (S) i stället för Anna Berg." in text
    assert "Olle Ordf (S), ordförande: jäv" in text
    assert "Ordförande under ärendet: Vera Vice (M) (vice ordförande)." in text
    assert "Nämnden är beslutför: 9 av 9 platser besatta, 5 krävs." in text
    assert (
        "Protokollstext: Ersättaren Eva Ek (S) tjänstgör i stället för den frånvarande "
        "ledamoten Sven Sand (S). Anna Berg (S) anmäler jäv" in text
    )
