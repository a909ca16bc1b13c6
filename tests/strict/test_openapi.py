"""The OpenAPI document is one a client generator can use (issue 10, item 3)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.support.api import ApiClient

PROBLEM = {"$ref": "#/components/schemas/Problem"}


@pytest.fixture
def spec(anonymous: ApiClient) -> dict[str, Any]:
    response = anonymous.get("/openapi.json")
    assert response.status_code == 200
    return response.json()  # type: ignore[no-any-return]


def _operations(spec: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (method, path, operation)
        for path, item in spec["paths"].items()
        for method, operation in item.items()
    ]


def _typed(schema: dict[str, Any] | None) -> bool:
    if not schema:
        return False
    if "$ref" in schema or "anyOf" in schema or "allOf" in schema:
        return True
    if schema.get("type") == "array":
        return _typed(schema.get("items"))
    return bool(schema.get("properties"))


def test_every_operation_has_an_explicit_operation_id(spec: dict[str, Any]) -> None:
    ids = []
    for method, path, operation in _operations(spec):
        op_id = operation.get("operationId", "")
        # FastAPI's generated ids carry the path and method: `get_case_v1_cases__ref__get`.
        assert op_id and "_v1_" not in op_id, (method, path, op_id)
        ids.append(op_id)
    assert len(ids) == len(set(ids))
    assert {"screenings_create", "cases_get", "registry_import", "persons_list"} <= set(ids)


def test_every_operation_has_a_typed_success_response(spec: dict[str, Any]) -> None:
    untyped = []
    for method, path, operation in _operations(spec):
        for status, response in operation["responses"].items():
            if not status.startswith("2") or status == "204":
                continue
            content = response.get("content", {})
            if content and "application/json" not in content:
                continue  # not JSON (Prometheus text): nothing for a model to type
            schema = content.get("application/json", {}).get("schema")
            if not _typed(schema):
                untyped.append(f"{method.upper()} {path} {status}")
    assert not untyped, untyped


def test_every_error_status_is_problem_json(spec: dict[str, Any]) -> None:
    for method, path, operation in _operations(spec):
        responses = operation["responses"]
        assert "422" in responses, (method, path)  # unknown query parameters, at least
        for status, response in responses.items():
            if status[0] in "45" or status == "default":
                assert response["content"] == {"application/problem+json": {"schema": PROBLEM}}
        if "requestBody" in operation:
            assert {"415", "422"} <= set(responses), (method, path)


def test_schema_names_are_unique_and_plain(spec: dict[str, Any]) -> None:
    names = list(spec["components"]["schemas"])
    assert not [n for n in names if "__" in n], names
    assert "HTTPValidationError" not in names


def test_every_schema_property_has_a_description(spec: dict[str, Any]) -> None:
    missing = [
        f"{name}.{prop}"
        for name, schema in spec["components"]["schemas"].items()
        for prop, prop_schema in (schema.get("properties") or {}).items()
        if not prop_schema.get("description")
    ]
    assert not missing, missing


def test_request_bodies_forbid_unknown_fields(spec: dict[str, Any]) -> None:
    schemas = spec["components"]["schemas"]
    for name in ("CaseIn", "PartyIn", "ScreeningIn", "DecisionIn", "ApiKeyCreate"):
        assert schemas[name]["additionalProperties"] is False, name


@pytest.mark.parametrize(
    "operation_id",
    ["screenings_create", "cases_create", "registry_import", "decisions_create"],
)
def test_worked_examples_on_the_main_operations(spec: dict[str, Any], operation_id: str) -> None:
    operation = next(op for _, _, op in _operations(spec) if op["operationId"] == operation_id)
    request = operation["requestBody"]["content"]["application/json"]
    assert request["examples"]
    success = next(r for s, r in operation["responses"].items() if s.startswith("2"))
    assert success["content"]["application/json"]["examples"]


def test_meeting_operations_have_examples_when_present(spec: dict[str, Any]) -> None:
    meetings = [op for _, path, op in _operations(spec) if path.startswith("/v1/meetings")]
    for operation in meetings:
        if "requestBody" in operation:
            assert operation["requestBody"]["content"]["application/json"].get("examples")


def test_tags_are_ordered_and_described(spec: dict[str, Any]) -> None:
    names = [t["name"] for t in spec["tags"]]
    assert names[:3] == ["system", "registry", "cases"]
    assert all(t["description"] for t in spec["tags"])
    for _, _, operation in _operations(spec):
        assert len(operation["tags"]) == 1
        assert operation["tags"][0] in names


def test_title_gives_an_ascii_package_name(spec: dict[str, Any]) -> None:
    assert spec["info"]["title"].isascii()
