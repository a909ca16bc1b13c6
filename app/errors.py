"""Domain errors and their RFC 9457 problem+json rendering (the only error renderer)."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.routing import iter_route_contexts
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import compile_path

logger = logging.getLogger(__name__)

PROBLEM_JSON = "application/problem+json"
TYPE_BASE = "https://javskoll.se/problems/"


def json_pointer(loc: Iterable[str | int]) -> str:
    """("body", "persons", 3, "personnummer") -> "/persons/3/personnummer" (RFC 6901)."""
    parts = list(loc)
    if parts and parts[0] in ("body", "query", "path", "header"):
        parts = parts[1:]
    escaped = (str(p).replace("~", "~0").replace("/", "~1") for p in parts)
    return "".join("/" + p for p in escaped)


class AppError(Exception):
    status = 500
    type = "internal"
    title = "Internal error"

    def __init__(
        self,
        detail: str | None = None,
        *,
        errors: Sequence[dict[str, Any]] | None = None,
        headers: dict[str, str] | None = None,
        **extra: Any,
    ) -> None:
        super().__init__(detail or self.title)
        self.detail = detail or self.title
        self.errors = list(errors or [])
        self.headers = headers or {}
        self.extra = extra

    def to_problem(self, instance: str | None = None) -> dict[str, Any]:
        body: dict[str, Any] = {
            "type": TYPE_BASE + self.type,
            "title": self.title,
            "status": self.status,
            "detail": self.detail,
        }
        if instance:
            body["instance"] = instance
        if self.errors:
            body["errors"] = self.errors
        body.update(self.extra)
        return body


class BadRequest(AppError):
    status, type, title = 400, "bad-request", "Bad request"


class Unauthorized(AppError):
    status, type, title = 401, "unauthorized", "Missing or invalid API key"

    def __init__(self, detail: str | None = None) -> None:
        super().__init__(detail, headers={"WWW-Authenticate": "Bearer"})


class Forbidden(AppError):
    status, type, title = 403, "forbidden", "Not allowed for this API key"


class NotFound(AppError):
    status, type, title = 404, "not-found", "Not found"


class MethodNotAllowed(AppError):
    status, type, title = 405, "method-not-allowed", "Method not allowed"


class Conflict(AppError):
    status, type, title = 409, "conflict", "Conflict"


class PreconditionFailed(AppError):
    status, type, title = 412, "precondition-failed", "The object has changed (ETag mismatch)"


class PayloadTooLarge(AppError):
    status, type, title = 413, "payload-too-large", "Request body too large"


class Unprocessable(AppError):
    """Input that is well-formed JSON but invalid; `errors` point at each field."""

    status, type, title = 422, "validation-error", "The request is invalid"


class ServiceUnavailable(AppError):
    status, type, title = 503, "service-unavailable", "The database is not reachable"


def field_error(pointer: str, detail: str, code: str = "invalid") -> dict[str, str]:
    return {"pointer": pointer, "detail": detail, "code": code}


def query_error(parameter: str, detail: str, code: str = "invalid") -> Unprocessable:
    """A 422 about one query parameter, shaped like FastAPI's own query errors."""
    error = {**field_error(f"/{parameter}", detail, code), "parameter": parameter, "in": "query"}
    return Unprocessable(f"/{parameter}: {detail}", errors=[error])


def problem_response(error: AppError, request: Request | None = None) -> JSONResponse:
    instance = request.url.path if request is not None else None
    return JSONResponse(
        error.to_problem(instance),
        status_code=error.status,
        media_type=PROBLEM_JSON,
        headers=error.headers,
    )


def _validation_errors(exc: RequestValidationError) -> list[dict[str, str]]:
    errors = []
    for err in exc.errors():
        loc = err.get("loc", ())
        where = loc[0] if loc else "body"
        pointer = json_pointer(loc)
        # Never echo the input back: it may hold a personnummer.
        item = field_error(pointer or "/", str(err.get("msg", "invalid")), str(err.get("type")))
        if where != "body":
            item["parameter"] = str(loc[-1]) if loc else ""
            item["in"] = str(where)
        errors.append(item)
    return errors


def _allowed_methods(request: Request) -> str:
    """Every method some route serves on this path (Starlette names only the first route's)."""
    methods: set[str] = set()
    path = request.scope["path"]
    for route in iter_route_contexts(request.app.router.routes):
        if route.path and route.methods and compile_path(route.path)[0].match(path):
            methods |= route.methods
    return ", ".join(sorted(methods))


PROBLEM_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "RFC 9457 problem details",
    "required": ["type", "title", "status"],
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "instance": {"type": "string"},
        "errors": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["pointer", "detail"],
                "properties": {
                    "pointer": {"type": "string"},
                    "detail": {"type": "string"},
                    "code": {"type": "string"},
                    "in": {"type": "string"},
                    "parameter": {"type": "string"},
                },
            },
        },
    },
}


def document_problems(app: FastAPI) -> None:
    """Say in the OpenAPI document what every error really is: problem+json.

    FastAPI documents its 422 as `application/json` with its own shape; the app answers
    every 4xx/5xx as RFC 9457 problem+json, so each operation gets that for its error
    statuses and as its `default` response.
    """
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is not None:
            return app.openapi_schema
        schema = generate()
        schema.setdefault("components", {}).setdefault("schemas", {})["Problem"] = PROBLEM_SCHEMA
        content = {PROBLEM_JSON: {"schema": {"$ref": "#/components/schemas/Problem"}}}
        for path_item in schema.get("paths", {}).values():
            for operation in path_item.values():
                responses = operation.setdefault("responses", {})
                for status, response in responses.items():
                    if status[:1] in ("4", "5") or status == "default":
                        response["content"] = content
                responses.setdefault(
                    "default", {"description": "Problem details (RFC 9457)", "content": content}
                )
        app.openapi_schema = schema
        return schema

    app.openapi = openapi  # type: ignore[method-assign]


def install_error_handlers(app: FastAPI, retry_after: int) -> None:
    @app.exception_handler(AppError)
    async def _app_error(request: Request, exc: AppError) -> JSONResponse:
        return problem_response(exc, request)

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = _validation_errors(exc)
        detail = "; ".join(f"{e['pointer']}: {e['detail']}" for e in errors[:5])
        return problem_response(Unprocessable(detail, errors=errors), request)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        mapping: dict[int, type[AppError]] = {
            404: NotFound,
            405: MethodNotAllowed,
            413: PayloadTooLarge,
        }
        cls = mapping.get(exc.status_code)
        if cls is None:
            error = AppError(str(exc.detail))
            error.status = exc.status_code
            error.type = f"http-{exc.status_code}"
            error.title = str(exc.detail)
        else:
            error = cls(
                {405: f"{request.method} is not allowed here", 404: None}.get(
                    exc.status_code, str(exc.detail)
                )
            )
        if exc.headers:
            error.headers.update(exc.headers)
        if exc.status_code == 405:
            error.headers["Allow"] = _allowed_methods(request)
        return problem_response(error, request)

    @app.exception_handler(PoolTimeoutError)
    async def _pool_exhausted(request: Request, exc: PoolTimeoutError) -> JSONResponse:
        # Every connection is busy: an overload, not a bug. Tell the client to retry.
        logger.warning("database_pool_exhausted")
        error = ServiceUnavailable(
            "The service is busy; try again shortly.",
            headers={"Retry-After": "1"},
        )
        error.title = "Service busy"
        return problem_response(error, request)

    @app.exception_handler(OperationalError)
    async def _db_down(request: Request, exc: OperationalError) -> JSONResponse:
        logger.warning("database_unavailable", extra={"error": type(exc.orig).__name__})
        error = ServiceUnavailable(
            "The database could not be reached; try again shortly.",
            headers={"Retry-After": str(retry_after)},
        )
        return problem_response(error, request)

    @app.exception_handler(DBAPIError)
    async def _db_error(request: Request, exc: DBAPIError) -> JSONResponse:
        if exc.connection_invalidated:
            return await _db_down(request, exc)  # type: ignore[arg-type]
        logger.exception("database_error")
        return problem_response(AppError("An unexpected database error occurred."), request)

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        logger.exception("unhandled_error")
        return problem_response(AppError("An unexpected error occurred."), request)
