"""Strict reading (contract, "Strict reading"; issue 10): what the API does not know is refused.

Each misspelled request answers 422 problem+json naming the field by JSON pointer, with
the closest known name, and nothing is stored or audited. A body not sent as JSON is 415.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.models import AuditEntry, Case, JavDecision, Person, Screening
from tests.support.api import ApiClient, path_ref
from tests.support.registry import import_document
from tests.support.scenarios import load_scenario


def _scenario() -> dict[str, Any]:
    # A ledamot whose sambo applies for a bygglov: jäv (part) when the parties are read.
    return load_scenario("48-")


def _counts(session: Session) -> dict[str, int]:
    session.expire_all()
    return {
        model.__name__: session.scalar(select(func.count()).select_from(model)) or 0
        for model in (AuditEntry, Case, Screening, JavDecision, Person)
    }


def _problem(response: Any, status: int = 422) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    return response.json()  # type: ignore[no-any-return]


def _error_at(problem: dict[str, Any], pointer: str) -> dict[str, Any]:
    matches = [e for e in problem["errors"] if e["pointer"] == pointer]
    assert matches, f"no error at {pointer}: {problem['errors']}"
    return matches[0]


@pytest.fixture
def registry(admin: ApiClient) -> dict[str, Any]:
    scenario = _scenario()
    import_document(admin, scenario["registry"])
    return scenario


def test_misspelled_parties_in_an_inline_case_is_refused_not_screened_clear(
    admin: ApiClient, session: Session, registry: dict[str, Any]
) -> None:
    case = dict(registry["case"])
    case["partys"] = case.pop("parties")
    before = _counts(session)
    problem = _problem(admin.post("/v1/screenings", json={"case": case}))
    error = _error_at(problem, "/case/partys")
    assert error["code"] == "unknown_field"
    assert error["suggestion"] == "parties"
    assert 'unknown field; did you mean "parties"?' in error["detail"]
    assert '/case/partys: unknown field; did you mean "parties"?' in problem["detail"]
    assert _counts(session) == before


def test_the_same_case_spelled_right_is_flagged(admin: ApiClient, registry: dict[str, Any]) -> None:
    # The control: the refusal above is about the spelling, not the case.
    response = admin.post("/v1/screenings", json={"case": registry["case"]})
    assert response.status_code == 201, response.text
    assert response.json()["outcome"] == "flagged"


def test_misspelled_as_of_is_refused(
    admin: ApiClient, session: Session, registry: dict[str, Any]
) -> None:
    before = _counts(session)
    body = {"case": registry["case"], "asof": "2024-10-08"}
    problem = _problem(admin.post("/v1/screenings", json=body))
    assert _error_at(problem, "/asof")["suggestion"] == "as_of"
    assert _counts(session) == before


def test_unknown_field_nested_in_a_party_is_named(
    admin: ApiClient, session: Session, registry: dict[str, Any]
) -> None:
    case = json.loads(json.dumps(registry["case"]))
    case["parties"][0]["rolle"] = case["parties"][0].pop("role")
    before = _counts(session)
    problem = _problem(admin.post("/v1/screenings", json={"case": case}))
    assert _error_at(problem, "/case/parties/0/rolle")["suggestion"] == "role"
    assert _counts(session) == before


def test_import_with_a_misspelled_section_is_refused(admin: ApiClient, session: Session) -> None:
    before = _counts(session)
    body = {"persns": [{"ref": "p-1", "name": "Anna Berg"}]}
    problem = _problem(admin.post("/v1/import", json=body))
    assert _error_at(problem, "/persns")["suggestion"] == "persons"
    assert _counts(session) == before


def test_import_with_an_unknown_field_deep_in_an_item_is_refused(
    admin: ApiClient, session: Session
) -> None:
    registry = _scenario()["registry"]
    doc = json.loads(json.dumps(registry))
    doc["committees"][0]["responsibilities"] = [{"area": "bygg", "rol": "tillsyn"}]
    doc["persons"][0]["nmae"] = "x"
    before = _counts(session)
    problem = _problem(admin.post("/v1/import", json=doc))
    assert _error_at(problem, "/committees/0/responsibilities/0/rol")["suggestion"] == "role"
    assert _error_at(problem, "/persons/0/nmae")["suggestion"] == "name"
    assert _counts(session) == before


def test_stored_case_with_an_unknown_field_is_refused(
    admin: ApiClient, session: Session, registry: dict[str, Any]
) -> None:
    case = dict(registry["case"])
    case["decison_date"] = case.pop("decision_date")
    before = _counts(session)
    problem = _problem(admin.post("/v1/cases", json=case))
    assert _error_at(problem, "/decison_date")["suggestion"] == "decision_date"
    assert _counts(session) == before
    # PUT of a stored case is read as strictly.
    stored = admin.post("/v1/cases", json=registry["case"])
    assert stored.status_code == 201, stored.text
    before = _counts(session)
    put = admin.put(f"/v1/cases/{path_ref(case['ref'])}", json=case)
    assert _error_at(_problem(put), "/decison_date")["suggestion"] == "decision_date"
    assert _counts(session) == before


def test_decision_with_an_unknown_field_is_refused(
    admin: ApiClient, session: Session, registry: dict[str, Any]
) -> None:
    ref = registry["case"]["ref"]
    assert admin.post("/v1/cases", json=registry["case"]).status_code == 201
    body = {
        "person": "s48-led",
        "raised_by": "self",
        "decision": "jav",
        "decided_on": "2024-10-08",
        "protocol_paragrpah": "§ 12",
    }
    before = _counts(session)
    problem = _problem(admin.post(f"/v1/cases/{path_ref(ref)}/decisions", json=body))
    assert _error_at(problem, "/protocol_paragrpah")["suggestion"] == "protocol_paragraph"
    assert _counts(session) == before


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH"])
def test_registry_crud_bodies_with_an_unknown_field_are_refused(
    admin: ApiClient, session: Session, registry: dict[str, Any], method: str
) -> None:
    person = {"ref": "s48-ny", "name": "Ny Person", "personnumer": "x"}
    if method != "POST":
        created = admin.post("/v1/persons", json={"ref": "s48-ny", "name": "Ny Person"})
        assert created.status_code == 201, created.text
    before = _counts(session)
    problem = _problem(
        admin.request(method, f"/v1/persons{'' if method == 'POST' else '/s48-ny'}", json=person)
    )
    assert _error_at(problem, "/personnumer")["suggestion"] == "personnummer"
    assert _counts(session) == before


def test_api_key_body_with_an_unknown_field_is_refused(admin: ApiClient, session: Session) -> None:
    before = _counts(session)
    problem = _problem(admin.post("/v1/apikeys", json={"role": "screener", "nmae": "x"}))
    assert _error_at(problem, "/nmae")["code"] == "unknown_field"
    assert _counts(session) == before


@pytest.mark.parametrize(
    ("url", "parameter", "suggestion"),
    [
        ("/v1/persons?q=Ove", "q", None),
        ("/v1/persons?nam=Ove", "nam", "name"),
        ("/v1/audit?kinds=screening", "kinds", "kind"),
        ("/v1/screenings?cse=X", "cse", "case"),
        ("/v1/health?verbose=1", "verbose", None),
        ("/v1/reports/screenings?grund=part", "grund", "ground"),
    ],
)
def test_unknown_query_parameters_are_refused(
    admin: ApiClient, url: str, parameter: str, suggestion: str | None
) -> None:
    problem = _problem(admin.get(url))
    error = _error_at(problem, f"/{parameter}")
    assert error["in"] == "query"
    assert error["parameter"] == parameter
    assert error.get("suggestion") == suggestion


@pytest.mark.parametrize(
    ("url", "pointer", "suggestion"),
    [
        ("/v1/audit?kind=screenings", "/kind/0", "screening"),
        ("/v1/organisations?kind=kommunn", "/kind", "kommun"),
        ("/v1/appointments?role=ledamoot", "/role", "ledamot"),
        ("/v1/relations?kind=sambu", "/kind", "sambo"),
    ],
)
def test_unknown_filter_values_are_refused(
    admin: ApiClient, url: str, pointer: str, suggestion: str
) -> None:
    problem = _problem(admin.get(url))
    assert _error_at(problem, pointer)["suggestion"] == suggestion


def test_a_screening_sent_as_a_form_is_415_and_not_screened(
    admin: ApiClient, session: Session, registry: dict[str, Any]
) -> None:
    before = _counts(session)
    response = admin.post("/v1/screenings", content=json.dumps({"case": registry["case"]}))
    problem = _problem(response, 415)
    assert "Content-Type: application/json" in problem["detail"]
    form = admin.post("/v1/screenings", data={"case": registry["case"]["ref"]})
    assert "application/x-www-form-urlencoded" in _problem(form, 415)["detail"]
    assert _counts(session) == before


def test_meeting_with_a_misspelled_field_is_refused(
    admin: ApiClient, session: Session, registry: dict[str, Any]
) -> None:
    case = json.loads(json.dumps(registry["case"]))
    case["partys"] = case.pop("parties")
    body = {
        "ref": "S48 MBN 2024-10-08",
        "committee": registry["case"]["committee"],
        "date": "2024-10-08",
        "abscent": [],
        "items": [{"paragraph": "§ 7", "case": case}],
    }
    before = _counts(session)
    problem = _problem(admin.post("/v1/meetings", json=body))
    assert _error_at(problem, "/abscent")["suggestion"] == "absent"
    assert _counts(session) == before
    del body["abscent"]
    problem = _problem(admin.post("/v1/meetings", json=body))
    assert _error_at(problem, "/items/0/case/partys")["suggestion"] == "parties"
    assert _counts(session) == before


def test_whatif_with_a_misspelled_field_is_refused(client_for: Any, session: Session) -> None:
    auditor = client_for("auditor")
    before = _counts(session)
    body = {"parameters": {"municipal_share_min": 70}, "filtr": {"from": "2025-01-01"}}
    problem = _problem(auditor.post("/v1/whatif", json=body))
    assert _error_at(problem, "/filtr")["suggestion"] == "filter"
    body = {"parameters": {"municipal_share_min": 70}, "filter": {"form": "2025-01-01"}}
    problem = _problem(auditor.post("/v1/whatif", json=body))
    assert _error_at(problem, "/filter/form")["suggestion"] == "from"
    assert _counts(session) == before


def test_a_single_valued_query_parameter_given_twice_is_refused(admin: ApiClient) -> None:
    # Found by the schemathesis fuzz: `?parent=a&parent=b` was read as `b` alone.
    error = _error_at(_problem(admin.get("/v1/committees?parent=a&parent=b")), "/parent")
    assert error["code"] == "repeated_parameter" and error["in"] == "query"
    # A list parameter may be repeated.
    assert admin.get("/v1/audit?kind=screening&kind=decision").status_code == 200
