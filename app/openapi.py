"""The OpenAPI document a client generator can use (issue 10 item 3; issue 13 item 4).

FastAPI builds the document from the routes; this module finishes it in one place:
- an explicit operation id for every operation (`screenings_create`, `cases_get`, ...);
- tags in the order a reader meets them, each described;
- the bearer security scheme, required by every operation behind an API key, so that
  the docs page's Authorize button and "Try it out" work;
- problem+json (RFC 9457) for every error status an operation can answer;
- a description on every schema property (see `app.openapi_fields`) and the worked
  examples (see `app.openapi_examples`).
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.routing import APIRoute, iter_route_contexts
from pydantic import BaseModel

from app.errors import PROBLEM_JSON
from app.meetings.answer import MeetingOut, MeetingPage
from app.openapi_examples import REQUEST_EXAMPLES, RESPONSE_EXAMPLES
from app.openapi_fields import describe_schemas
from app.system.router import public_router

TITLE = "Javskoll API"

TAGS: list[dict[str, str]] = [
    {"name": "system", "description": "Health, readiness and the controlled vocabularies."},
    {
        "name": "registry",
        "description": "The registry of organisations, nämnder (committees), förvaltningar "
        "(administrations), operations, agreements, persons, appointments, interests and "
        "relations: the import document and one object at a time.",
    },
    {"name": "cases", "description": "Stored ärenden (cases), by diarienummer (`ref`)."},
    {
        "name": "screening",
        "description": "Jäv screening of a case, the rules and their dated parameters, "
        "and structural risks.",
    },
    {
        "name": "decisions",
        "description": "The nämnd's recorded jäv decisions (KL 6 kap. 30 §, FL 18 §).",
    },
    {"name": "meetings", "description": "Sammanträden: jäv item by item at a meeting."},
    {
        "name": "what-if",
        "description": "What would change in stored screenings under other rule parameters.",
    },
    {"name": "audit", "description": "The tamper-evident audit log and its verification."},
    {"name": "reports", "description": "Reports for auditors as JSON, CSV or XLSX."},
    {"name": "api keys", "description": "API keys (administrators)."},
]

# Operation ids of routes declared without one, by "METHOD path" (registry CRUD routes set
# theirs where they are built). A route missing here keeps FastAPI's generated id, which
# tests/strict/test_openapi.py refuses.
OPERATION_IDS: dict[str, str] = {
    "GET /v1/health": "system_health",
    "GET /v1/ready": "system_ready",
    "GET /v1/vocabularies": "vocabularies_list",
    "POST /v1/vocabularies/areas": "vocabularies_add_area",
    "POST /v1/import": "registry_import",
    "POST /v1/cases": "cases_create",
    "GET /v1/cases": "cases_list",
    "GET /v1/cases/{ref}": "cases_get",
    "PUT /v1/cases/{ref}": "cases_replace",
    "POST /v1/cases/{ref}/decisions": "decisions_create",
    "GET /v1/cases/{ref}/decisions": "decisions_list_for_case",
    "GET /v1/persons/{ref}/decisions": "decisions_list_for_person",
    "POST /v1/screenings": "screenings_create",
    "GET /v1/screenings": "screenings_list",
    "GET /v1/screenings/{screening_id}": "screenings_get",
    "POST /v1/screenings/{screening_id}/rerun": "screenings_rerun",
    "POST /v1/screenings/{screening_id}/replay": "screenings_replay",
    "GET /v1/screenings/{screening_id}/facts": "screenings_facts",
    "GET /v1/rules": "rules_list",
    "GET /v1/organisations/{ref}/structural-risks": "organisations_structural_risks",
    "GET /v1/apikeys": "apikeys_list",
    "POST /v1/apikeys": "apikeys_create",
    "DELETE /v1/apikeys/{key_id}": "apikeys_revoke",
    "GET /v1/audit": "audit_list",
    "GET /v1/audit/verify": "audit_verify",
    "GET /v1/audit/{sequence}": "audit_get",
    "GET /v1/audit/{entry_id}": "audit_get",
    "GET /v1/audit/export": "audit_export",
    "GET /v1/reports/screenings": "reports_screenings",
    "GET /v1/reports/summary": "reports_summary",
    "GET /v1/reports/structural-risks": "reports_structural_risks",
    "GET /v1/reports/samverkan": "reports_samverkan",
    "POST /v1/meetings": "meetings_create",
    "GET /v1/meetings": "meetings_list",
    "GET /v1/meetings/{ref}": "meetings_get",
    "PUT /v1/meetings/{ref}": "meetings_replace",
    "POST /v1/whatif": "whatif_create",
    "GET /v1/whatif/{job_id}": "whatif_get",
    "GET /metrics": "metrics_get",
}

# Answers built as plain data, documented by a model (only where FastAPI has no type).
DOCUMENTED_RESPONSES: dict[str, type[BaseModel]] = {
    "meetings_create": MeetingOut,
    "meetings_get": MeetingOut,
    "meetings_replace": MeetingOut,
    "meetings_list": MeetingPage,
}

BEARER = "bearer"
PROBLEM_REF = {"$ref": "#/components/schemas/Problem"}

PROBLEM_SCHEMA: dict[str, Any] = {
    "type": "object",
    "title": "Problem",
    "description": "RFC 9457 problem details. `title` and `detail` follow Accept-Language "
    "(`sv` or English); `errors` name each field by JSON pointer.",
    "required": ["type", "title", "status"],
    "properties": {
        "type": {"type": "string", "description": "A URI naming the kind of problem"},
        "title": {"type": "string", "description": "A short summary of the kind of problem"},
        "status": {"type": "integer", "description": "The HTTP status code"},
        "detail": {"type": "string", "description": "What went wrong in this request"},
        "instance": {"type": "string", "description": "The request path"},
        "errors": {
            "type": "array",
            "description": "One entry per invalid field or parameter",
            "items": {"$ref": "#/components/schemas/FieldError"},
        },
    },
}
FIELD_ERROR_SCHEMA: dict[str, Any] = {
    "type": "object",
    "title": "FieldError",
    "description": "One invalid field of the body, or one query or path parameter.",
    "required": ["pointer", "detail"],
    "properties": {
        "pointer": {
            "type": "string",
            "description": "JSON pointer (RFC 6901) to the field, e.g. `/case/parties/0/role`",
        },
        "detail": {"type": "string", "description": "What is wrong with it"},
        "code": {"type": "string", "description": "A stable code, e.g. `unknown_field`"},
        "in": {"type": "string", "description": "`query`, `path` or `header` (not the body)"},
        "parameter": {"type": "string", "description": "The parameter's name (not the body)"},
        "suggestion": {
            "type": "string",
            "description": "The known name or value closest to an unknown one",
        },
    },
}

ERROR_TEXTS = {
    "400": "Bad request",
    "401": "Missing or invalid API key",
    "403": "The key's role or organisations do not allow this",
    "404": "Not found, or outside the key's organisations",
    "409": "Conflict with what is stored",
    "412": "If-Match is stale",
    "413": "Request body too large",
    "415": "The body is not sent as Content-Type: application/json",
    "422": "Invalid request: each invalid field named by JSON pointer; nothing stored",
    "503": "The database cannot be reached; retry after Retry-After seconds",
}


def _public_paths() -> frozenset[str]:
    # Everything under /v1 needs a key but the public router's routes (app.api).
    return frozenset(f"/v1{route.path}" for route in public_router.routes)  # type: ignore[attr-defined]


def _routes(app: FastAPI) -> dict[tuple[str, str], APIRoute]:
    out: dict[tuple[str, str], APIRoute] = {}
    for context in iter_route_contexts(app.router.routes):
        route = context.original_route
        if isinstance(route, APIRoute) and context.path_format and context.methods:
            for method in context.methods:
                out[(method.lower(), context.path_format)] = route
    return out


def _error_statuses(operation: dict[str, Any], method: str, path: str, key: bool) -> list[str]:
    statuses = ["422"]  # every operation refuses unknown query parameters
    if key:
        statuses += ["401", "403", "503"]
    if "{" in path:
        statuses.append("404")
    if "requestBody" in operation:
        statuses += ["413", "415"]
    return statuses


def _finish_operation(
    operation: dict[str, Any], method: str, path: str, route: APIRoute | None
) -> None:
    key = f"{method.upper()} {path}"
    if route is not None and route.operation_id is None and key in OPERATION_IDS:
        operation["operationId"] = OPERATION_IDS[key]
    operation["tags"] = list(dict.fromkeys(operation.get("tags", [])))
    # Every operation in the document but health and readiness needs a key (/metrics too).
    needs_key = path not in _public_paths()
    if needs_key:
        operation["security"] = [{BEARER: []}]
    responses = operation.setdefault("responses", {})
    for status in _error_statuses(operation, method, path, needs_key):
        responses.setdefault(status, {"description": ERROR_TEXTS[status]})
    content = {PROBLEM_JSON: {"schema": PROBLEM_REF}}
    for status, response in responses.items():
        if status[:1] in ("4", "5"):
            response["content"] = content
    responses.setdefault("default", {"description": "Problem details (RFC 9457)"})
    responses["default"]["content"] = content
    op_id = operation.get("operationId")
    if op_id in REQUEST_EXAMPLES and "requestBody" in operation:
        media = operation["requestBody"]["content"].setdefault("application/json", {})
        media["examples"] = REQUEST_EXAMPLES[op_id]
    if op_id in RESPONSE_EXAMPLES:
        for status, response in responses.items():
            if status.startswith("2") and "application/json" in response.get("content", {}):
                response["content"]["application/json"]["examples"] = RESPONSE_EXAMPLES[op_id]


def _untyped(schema: dict[str, Any] | None) -> bool:
    return not schema or not ({"$ref", "anyOf", "allOf", "properties"} & schema.keys())


def _document_response(operation: dict[str, Any], schemas: dict[str, Any]) -> None:
    model = DOCUMENTED_RESPONSES.get(operation.get("operationId", ""))
    if model is None:
        return
    for status, response in operation["responses"].items():
        media = response.get("content", {}).get("application/json")
        if status.startswith("2") and media is not None and _untyped(media.get("schema")):
            definition = model.model_json_schema(ref_template="#/components/schemas/{model}")
            schemas.update(definition.pop("$defs", {}))
            schemas[model.__name__] = definition
            media["schema"] = {"$ref": f"#/components/schemas/{model.__name__}"}


def finish_schema(app: FastAPI, schema: dict[str, Any]) -> dict[str, Any]:
    """Complete FastAPI's document (see the module docstring)."""
    routes = _routes(app)
    components = schema.setdefault("components", {})
    schemas = components.setdefault("schemas", {})
    for path, item in schema.get("paths", {}).items():
        for method, operation in item.items():
            _finish_operation(operation, method, path, routes.get((method, path)))
            _document_response(operation, schemas)
    # Our 422 is problem+json: FastAPI's own validation shapes are never sent.
    schemas.pop("HTTPValidationError", None)
    schemas.pop("ValidationError", None)
    schemas["Problem"] = PROBLEM_SCHEMA
    schemas["FieldError"] = FIELD_ERROR_SCHEMA
    components["securitySchemes"] = {
        BEARER: {
            "type": "http",
            "scheme": "bearer",
            "description": "An API key: `Authorization: Bearer <key>` "
            "(`javskoll apikey create --role R --name N` prints one).",
        }
    }
    describe_schemas(schemas)
    return schema


def install_openapi(app: FastAPI) -> None:
    """Serve the finished document at /openapi.json (built once, on first request)."""
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = finish_schema(app, generate())
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
