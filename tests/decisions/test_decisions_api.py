"""Recorded jäv decisions: POST/GET /v1/cases/{ref}/decisions, GET /v1/persons/{ref}/decisions."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.decisions.flow import (
    CASE_REF,
    case_document,
    create_case,
    decide,
    decisions_url,
    flags,
    screen,
)
from tests.support.api import ApiClient, path_ref

PROBLEM = "application/problem+json"


def _flags(screening: dict[str, Any], person: str) -> list[tuple[str, str, str, str]]:
    return [(screening["id"], f["ground"], f["level"], f["rule"]) for f in flags(screening, person)]


def test_a_decision_is_recorded_audited_and_settles_the_screenings_findings(
    screener: ApiClient, client_for: Callable[..., ApiClient], screening: dict[str, Any]
) -> None:
    body = decide(
        screener,
        person="p-anna",
        screening=screening["id"],
        protocol_paragraph="§ 12",
        note="Anmält av ordföranden",
    )
    assert body["case"] == CASE_REF and body["person"] == "p-anna"
    assert (body["raised_by"], body["decision"], body["obviously_insignificant"]) == (
        "screening",
        "jav",
        False,
    )
    assert body["decided_on"] == "2026-03-10" and body["protocol_paragraph"] == "§ 12"
    assert body["screening"] == screening["id"]
    assert body["recorded_by"]["name"] == "test-screener"
    assert [
        (s["screening"], s["ground"], s["level"], s["rule"]) for s in body["settles"]
    ] == _flags(screening, "p-anna")
    assert body["settles"]

    entry = client_for("auditor").get(f"/v1/audit/{body['audit']['id']}").json()
    assert entry["kind"] == "decision"
    assert entry["hash"] == body["audit"]["hash"]
    assert entry["actor"]["name"] == "test-screener"
    assert entry["payload"]["data"]["id"] == body["id"]
    assert entry["payload"]["data"]["person"] == "p-anna"
    assert {(s["kind"], s["ref"]) for s in entry["subjects"]} == {
        ("case", CASE_REF),
        ("person", "p-anna"),
        ("committee", "ab-mbn"),
        ("organisation", "ankeby"),
    }

    listed = screener.get(decisions_url()).json()
    assert listed["total"] == 1 and listed["items"] == [body]
    by_person = client_for("auditor").get("/v1/persons/p-anna/decisions").json()
    assert by_person["items"] == [body]


def test_ej_jav_may_record_that_impartiality_obviously_lacked_significance(
    screener: ApiClient, screening: dict[str, Any]
) -> None:
    body = decide(
        screener, person="p-olof", decision="ej_jav", obviously_insignificant=True, raised_by="self"
    )
    assert (body["decision"], body["obviously_insignificant"]) == ("ej_jav", True)
    # Unlinked: it settles the person's flags in every screening of the case.
    assert [(s["screening"], s["ground"]) for s in body["settles"]] == [
        (sid, ground) for sid, ground, _, _ in _flags(screening, "p-olof")
    ]


def test_a_linked_decision_settles_only_its_screening_an_unlinked_one_every_screening(
    screener: ApiClient, screening: dict[str, Any]
) -> None:
    second = screen(screener)
    linked = decide(screener, person="p-anna", screening=screening["id"])
    unlinked = decide(screener, person="p-anna", decision="ej_jav", raised_by="other")
    assert {s["screening"] for s in linked["settles"]} == {screening["id"]}
    assert {s["screening"] for s in unlinked["settles"]} == {screening["id"], second["id"]}


@pytest.mark.parametrize(
    ("change", "pointers"),
    [
        ({"decision": "jav", "obviously_insignificant": True}, ["/obviously_insignificant"]),
        ({"person": "p-nobody"}, ["/person"]),
        ({"screening": "scr_does_not_exist"}, ["/screening"]),
        ({"raised_by": "rumour"}, ["/raised_by"]),
        ({"decision": "kanske"}, ["/decision"]),
        ({"decided_on": "2026-02-30"}, ["/decided_on"]),
        ({"decided_on": None}, ["/decided_on"]),
        ({"decided_on": 0}, ["/decided_on"]),
        ({"decided_on": "20260310"}, ["/decided_on"]),
        ({"note": "Gäller 19700101-1233"}, ["/note"]),
        ({"protocol_paragraph": "§ 12 (700101-1233)"}, ["/protocol_paragraph"]),
        (
            {"person": "p-nobody", "obviously_insignificant": True, "screening": "scr_x"},
            ["/obviously_insignificant", "/person", "/screening"],
        ),
    ],
)
def test_invalid_decisions_are_422_with_pointers_and_store_nothing(
    screener: ApiClient,
    client_for: Callable[..., ApiClient],
    screening: dict[str, Any],
    change: dict[str, Any],
    pointers: list[str],
) -> None:
    auditor = client_for("auditor")
    before = auditor.get("/v1/audit").json()["total"]
    body = {
        "person": "p-anna",
        "raised_by": "self",
        "decision": "jav",
        "decided_on": "2026-03-10",
        **change,
    }
    response = screener.post(decisions_url(), json=body)
    assert response.status_code == 422
    assert response.headers["content-type"].startswith(PROBLEM)
    assert [e["pointer"] for e in response.json()["errors"]] == pointers
    assert "1233" not in response.text
    assert screener.get(decisions_url()).json()["total"] == 0
    assert auditor.get("/v1/audit").json()["total"] == before


def test_a_note_may_hold_numbers_that_are_not_personnummer(
    screener: ApiClient, screening: dict[str, Any]
) -> None:
    body = decide(screener, person="p-anna", note="Dnr 2026-0123, 1234567890 kr")
    assert body["note"] == "Dnr 2026-0123, 1234567890 kr"


def test_the_screening_must_be_of_the_same_case(
    screener: ApiClient, screening: dict[str, Any]
) -> None:
    other = create_case(screener, case_document(ref="MBN 2026/124"))
    assert other["ref"] == "MBN 2026/124"
    response = screener.post(
        decisions_url("MBN 2026/124"),
        json={
            "person": "p-anna",
            "raised_by": "screening",
            "decision": "jav",
            "decided_on": "2026-03-10",
            "screening": screening["id"],
        },
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["pointer"] == "/screening"


def test_unknown_case_and_person_are_404(screener: ApiClient, screening: dict[str, Any]) -> None:
    assert (
        screener.post(
            decisions_url("KS 2026/999"),
            json={
                "person": "p-anna",
                "raised_by": "self",
                "decision": "jav",
                "decided_on": "2026-03-10",
            },
        ).status_code
        == 404
    )
    assert screener.get(decisions_url("KS 2026/999")).status_code == 404
    assert screener.get(f"/v1/persons/{path_ref('p-nobody')}/decisions").status_code == 404


def test_roles_and_scope(client_for: Callable[..., ApiClient], screening: dict[str, Any]) -> None:
    body = {"person": "p-anna", "raised_by": "self", "decision": "jav", "decided_on": "2026-03-10"}
    for role in ("auditor", "registry"):
        assert client_for(role).post(decisions_url(), json=body).status_code == 403
    assert client_for("admin").post(decisions_url(), json=body).status_code == 201

    outsider = client_for("screener", orgs=["vmf-ingen"])
    assert outsider.post(decisions_url(), json=body).status_code == 404
    assert outsider.get(decisions_url()).status_code == 404
    assert outsider.get("/v1/persons/p-anna/decisions").status_code == 404

    borby = client_for("screener", orgs=["borby"])  # takes part in the gemensam nämnd
    assert borby.get(decisions_url()).json()["total"] == 1
    assert borby.post(decisions_url(), json=body).status_code == 201
