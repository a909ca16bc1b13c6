"""Unknown filter values are 422 (issue 10): every enumerated query parameter, through HTTP.

A value outside a parameter's vocabulary must not answer an empty list (or the whole of
it) as if the question made sense: it is refused with problem+json naming the parameter,
and the closest known value when one is close. The vocabularies are the `Literal`s of
`app.vocabularies` (checked by FastAPI) and two that are not fixed in code: areas (built
in plus those added with `POST /v1/vocabularies/areas`) and a report's CSV sections.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.support.api import ApiClient

# (path, parameter, a misspelled value, the value suggested)
ENUMERATED: list[tuple[str, str, str, str]] = [
    ("/v1/organisations", "kind", "kommunn", "kommun"),
    ("/v1/committees", "kind", "namd", "namnd"),
    ("/v1/operations", "area", "byg", "bygg"),
    ("/v1/agreements", "area", "livsmedl", "livsmedel"),
    ("/v1/appointments", "role", "ledamoot", "ledamot"),
    ("/v1/interests", "kind", "agar", "agare"),
    ("/v1/relations", "kind", "sambu", "sambo"),
    ("/v1/cases", "matter", "tilsyn", "tillsyn"),
    ("/v1/audit", "kind", "screenings", "screening"),
    ("/v1/audit/export", "kind", "screenings", "screening"),
    ("/v1/audit/export", "format", "jsonll", "jsonl"),
    ("/v1/whatif/00000000-0000-0000-0000-000000000000", "format", "cvs", "csv"),
    ("/v1/whatif/00000000-0000-0000-0000-000000000000", "lang", "SV", "sv"),
    *(
        (f"/v1/reports/{report}", parameter, value, suggestion)
        for report in ("screenings", "summary", "structural-risks", "samverkan")
        for parameter, value, suggestion in (
            ("ground", "generalklausl", "generalklausul"),
            ("level", "mojligt", "mojligt_jav"),
            ("outcome", "flaged", "flagged"),
            ("format", "cvs", "csv"),
            ("lang", "SV", "sv"),
        )
    ),
]


def _pointer(path: str, parameter: str) -> str:
    listed = parameter in ("ground", "level") or (parameter == "kind" and "/audit" in path)
    return f"/{parameter}/0" if listed else f"/{parameter}"


def _refused(response: Any, pointer: str) -> dict[str, Any]:
    assert response.status_code == 422, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    errors = [e for e in response.json()["errors"] if e["pointer"] == pointer]
    assert errors, response.json()
    return errors[0]  # type: ignore[no-any-return]


@pytest.mark.parametrize(("path", "parameter", "value", "suggestion"), ENUMERATED)
def test_an_unknown_filter_value_is_refused_with_the_closest_value(
    admin: ApiClient, path: str, parameter: str, value: str, suggestion: str
) -> None:
    pointer = _pointer(path, parameter)
    error = _refused(admin.get(path, params={parameter: value}), pointer)
    assert error["in"] == "query"
    assert error["parameter"] == parameter
    assert error["suggestion"] == suggestion
    assert f'did you mean "{suggestion}"?' in error["detail"]


def test_every_enumerated_query_parameter_is_in_the_table(admin: ApiClient) -> None:
    # A new enumerated filter must join ENUMERATED (and so be refused when misspelled).
    tested = {(path.split("/00000000")[0], parameter) for path, parameter, _, _ in ENUMERATED}
    schema = admin.get("/openapi.json").json()
    for path, operations in schema["paths"].items():
        for operation in operations.values():
            for parameter in operation.get("parameters", []):
                if parameter["in"] != "query":
                    continue
                text = str(parameter["schema"])
                if "'enum'" in text:
                    key = (path.split("/{")[0], parameter["name"])
                    assert key in tested, f"{path} ?{parameter['name']} is not tested"


def test_a_far_value_is_refused_without_a_suggestion(admin: ApiClient) -> None:
    error = _refused(admin.get("/v1/operations", params={"area": "zzzzzzzz"}), "/area")
    assert "suggestion" not in error
    assert "'bygg'" in error["detail"]  # the known areas are listed


def test_a_known_area_filters_and_an_added_area_is_known(admin: ApiClient) -> None:
    assert admin.get("/v1/operations", params={"area": "bygg"}).status_code == 200
    assert admin.get("/v1/agreements", params={"area": "hamn"}).status_code == 422
    added = admin.post("/v1/vocabularies/areas", json={"code": "hamn", "label": "Hamn"})
    assert added.status_code == 201, added.text
    assert admin.get("/v1/agreements", params={"area": "hamn"}).status_code == 200
    error = _refused(admin.get("/v1/operations", params={"area": "hamm"}), "/area")
    assert error["suggestion"] == "hamn"


def test_each_unknown_value_of_a_repeated_filter_is_named(admin: ApiClient) -> None:
    response = admin.get("/v1/reports/summary", params=[("level", "jav"), ("level", "risc")])
    error = _refused(response, "/level/1")
    assert error["suggestion"] == "risk"


def test_an_unknown_csv_section_of_a_report_is_refused(admin: ApiClient) -> None:
    params = {"format": "csv", "section": "finding"}
    error = _refused(admin.get("/v1/reports/screenings", params=params), "/section")
    assert error["in"] == "query" and error["suggestion"] == "findings"
    params["section"] = "findings"
    assert admin.get("/v1/reports/screenings", params=params).status_code == 200


def test_the_refusal_is_in_swedish_when_asked(admin: ApiClient) -> None:
    response = admin.get(
        "/v1/operations", params={"area": "byg"}, headers={"Accept-Language": "sv"}
    )
    error = _refused(response, "/area")
    assert "menade du ”bygg”?" in error["detail"]
