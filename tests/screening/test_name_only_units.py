"""A supervised unit found by name only: every finding and risk that rests on it says so.

The hits built from a supervised unit (tillsynsjäv, a dual role, a närstående attached to
the operation, the structural risks) once dropped the name-only marker: the level was
capped, but the text read as established and the structural risk carried no score.
Screened through the HTTP API on a real database, then read back as stored.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session

from tests.rules.test_cases import registry_document
from tests.support.api import ApiClient
from tests.support.registry import import_document

NAME_NOTE_SV = "matchad enbart på namn"


def _screen(admin: ApiClient, add: dict[str, Any], party: dict[str, Any]) -> dict[str, Any]:
    doc = json.loads(json.dumps(registry_document({"use": "ankeby", "add": add}), default=str))
    import_document(admin, doc)
    case = {
        "ref": "MBN 2024/501",
        "committee": "ankeby-mbn",
        "area": "va",
        "matter": "tillsyn",
        "parties": [party],
        "participants": [{"person": "p-anna", "role": "ledamot"}],
    }
    response = admin.post("/v1/screenings", json={"case": case, "as_of": "2024-05-01"})
    assert response.status_code == 201, response.text
    return response.json()  # type: ignore[no-any-return]


def test_a_company_supervised_by_name_only_marks_the_findings_and_the_risk(
    admin: ApiClient, session: Session
) -> None:
    result = _screen(
        admin,
        {
            "interests": [
                {"person": "p-anna", "organisation": "ankeby-vatten", "kind": "styrelseledamot"}
            ]
        },
        {"name": "Ankeby Vatten AB", "role": "tillsynsobjekt"},
    )
    by_ground = {f["ground"]: f for f in result["findings"] if f["person"] == "p-anna"}
    assert set(by_ground) == {"tillsynsjav", "stallforetradare"}
    for finding in by_ground.values():
        assert finding["level"] == "mojligt_jav"
        assert finding["match_score"] == 100
        assert NAME_NOTE_SV in finding["explanation"]["sv"]
    risks = {s["ground"]: s for s in result["structural"]}
    dual = risks["dubbla_roller"]
    assert dual["match_score"] == 100
    assert NAME_NOTE_SV in dual["explanation"]["sv"]
    assert "matched by name only" in dual["explanation"]["en"]

    stored = admin.get(f"/v1/screenings/{result['id']}")
    assert stored.status_code == 200
    assert stored.json()["structural"] == result["structural"]
    rows = session.execute(
        text(
            "SELECT ground, match_score FROM findings "
            "WHERE screening_id = :id AND structural ORDER BY position"
        ),
        {"id": result["id"]},
    ).all()
    assert ("dubbla_roller", 100.0) in [tuple(r) for r in rows]


def test_a_narstaende_in_the_operating_nämnd_of_a_kommun_found_by_name_only(
    admin: ApiClient,
) -> None:
    result = _screen(
        admin,
        {
            "relations": [{"person": "p-anna", "related": "p-olof", "kind": "make"}],
            "appointments": [
                {"person": "p-olof", "body": {"committee": "ankeby-tn"}, "role": "ledamot"}
            ],
        },
        {"name": "Ankeby kommun", "role": "tillsynsobjekt"},
    )
    general = [f for f in result["findings"] if f["ground"] == "generalklausul"]
    assert [(f["person"], f["level"]) for f in general] == [("p-anna", "mojligt_jav")]
    assert general[0]["match_score"] == 100
    assert NAME_NOTE_SV in general[0]["explanation"]["sv"]
    shared = [s for s in result["structural"] if s["ground"] == "delad_forvaltning"]
    assert shared and all(s["match_score"] == 100 for s in shared)


def test_a_registered_unit_carries_no_score(admin: ApiClient) -> None:
    result = _screen(
        admin,
        {
            "interests": [
                {"person": "p-anna", "organisation": "ankeby-vatten", "kind": "styrelseledamot"}
            ]
        },
        {"organisation": "ankeby-vatten", "role": "tillsynsobjekt"},
    )
    assert {f["level"] for f in result["findings"]} == {"jav"}
    assert result["structural"]
    for item in (*result["findings"], *result["structural"]):
        assert "match_score" not in item
        assert NAME_NOTE_SV not in item["explanation"]["sv"]
