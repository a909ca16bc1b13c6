"""Domain errors and their RFC 9457 problem+json rendering (the only error renderer)."""

from __future__ import annotations

import logging
import re
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

from app.errortexts import TITLES_SV, Language, field_detail, negotiate, translate
from app.jsonresponse import FastJSONResponse
from app.strictmodel import UNKNOWN_FIELD, closest

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
        # None: derived from the field errors (or the title) when rendered, in the
        # reader's language.
        self._detail = detail
        self.errors = list(errors or [])
        self.headers = headers or {}
        self.extra = extra

    @property
    def detail(self) -> str:
        return self._detail or summary(self.errors) or self.title

    @detail.setter
    def detail(self, value: str) -> None:
        self._detail = value

    def to_problem(self, instance: str | None = None, lang: Language = "en") -> dict[str, Any]:
        errors = [localize_field_error(e, lang) for e in self.errors]
        if self._detail is not None:
            detail = translate(self._detail, lang)
        else:
            detail = summary(errors) or self._title(lang)
        body: dict[str, Any] = {
            "type": TYPE_BASE + self.type,
            "title": self._title(lang),
            "status": self.status,
            "detail": detail,
        }
        if instance:
            body["instance"] = instance
        if errors:
            body["errors"] = errors
        body.update(self.extra)
        return body

    def _title(self, lang: Language) -> str:
        if lang == "sv" and self.title == type(self).title and self.type in TITLES_SV:
            return TITLES_SV[self.type]
        return translate(self.title, lang)


def summary(errors: Sequence[dict[str, Any]], limit: int = 5) -> str:
    """ "/case/partys: unknown field; ..." for the first few field errors."""
    return "; ".join(f"{e['pointer']}: {e['detail']}" for e in errors[:limit])


def localize_field_error(error: dict[str, Any], lang: Language) -> dict[str, Any]:
    """The field error as sent: private keys (`_params`) dropped, detail in `lang`."""
    params = error.get("_params")
    out = {k: v for k, v in error.items() if not k.startswith("_")}
    if lang != "en":
        templated = (
            field_detail(str(error.get("code")), params, lang) if params is not None else None
        )
        out["detail"] = templated or translate(str(error.get("detail", "")), lang)
    return out


def language(request: Request | None) -> Language:
    """The language of the problem texts: Swedish on `Accept-Language: sv`, else English."""
    if request is None:
        return "en"
    return negotiate(request.headers.get("accept-language"))


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


class RefTaken(Conflict):
    """A ref taken by an object outside the key's scope: answered exactly like a ref the
    key's own object holds (409 `duplicate`), but audited and counted as a probe
    (`app.security.probes`; refs are one namespace, docs/security.md)."""

    probe = True


class PreconditionFailed(AppError):
    status, type, title = 412, "precondition-failed", "The object has changed (ETag mismatch)"


class PayloadTooLarge(AppError):
    status, type, title = 413, "payload-too-large", "Request body too large"


class UnsupportedMediaType(AppError):
    status, type, title = 415, "unsupported-media-type", "Unsupported media type"


class Unprocessable(AppError):
    """Input that is well-formed JSON but invalid; `errors` point at each field.

    Without a `detail`, the detail lists the first field errors (in the reader's language).
    """

    status, type, title = 422, "validation-error", "The request is invalid"


class ClientClosedRequest(AppError):
    """The client closed the connection while its request waited for a turn
    (`app/gates.py`): nothing was done. 499 as nginx logs it; no one reads the answer."""

    status, type, title = 499, "client-closed-request", "The client closed the request"


class ServiceUnavailable(AppError):
    status, type, title = 503, "service-unavailable", "The database is not reachable"


def field_error(pointer: str, detail: str, code: str = "invalid") -> dict[str, str]:
    return {"pointer": pointer, "detail": detail, "code": code}


# Marks a field error that says an item's ref is taken by an object outside the key's
# scope (`app.registry.scope.taken_out_of_scope`): each one is a probe of the key's budget
# (`app.security.probes`). Private (a leading `_`): never rendered.
REF_TAKEN = "_ref_taken"


def templated_error(pointer: str, code: str, **params: Any) -> dict[str, Any]:
    """A field error whose detail comes from `app.errortexts` (so it can be translated)."""
    detail = field_detail(code, params, "en") or code
    error: dict[str, Any] = {"pointer": pointer, "detail": detail, "code": code, "_params": params}
    if params.get("suggestion"):
        error["suggestion"] = params["suggestion"]
    return error


def query_error(parameter: str, detail: str, code: str = "invalid") -> Unprocessable:
    """A 422 about one query parameter, shaped like FastAPI's own query errors."""
    error = {**field_error(f"/{parameter}", detail, code), "parameter": parameter, "in": "query"}
    return Unprocessable(f"/{parameter}: {detail}", errors=[error])


def _expected_values(expected: str) -> list[str]:
    return re.findall(r"'([^']*)'", expected)


def pydantic_field_errors(
    errors: Iterable[Any], prefix: tuple[str | int, ...] = ()
) -> list[dict[str, Any]]:
    """Pydantic's errors as field errors with JSON pointers (`prefix` goes before each loc).

    A StrictModel's `unknown_field` error becomes one error per unknown key, pointing at
    the key, with the closest known name as a suggestion. A value outside a vocabulary
    gets a suggestion too. The input is never echoed: it may hold a personnummer.
    """
    out: list[dict[str, Any]] = []
    for err in errors:
        loc = (*prefix, *err.get("loc", ()))
        code = str(err.get("type"))
        ctx = err.get("ctx") or {}
        if code == UNKNOWN_FIELD and "unknown" in ctx:
            for unknown in ctx["unknown"]:
                pointer = json_pointer((*loc, unknown["field"]))
                out.append(
                    templated_error(pointer, UNKNOWN_FIELD, suggestion=unknown["suggestion"])
                )
            continue
        item: dict[str, Any] = field_error(
            json_pointer(loc) or "/", str(err.get("msg", "invalid")), code
        )
        params = {k: v for k, v in ctx.items() if isinstance(v, str | int | float)}
        if code in ("literal_error", "enum") and isinstance(err.get("input"), str):
            suggestion = closest(err["input"], _expected_values(str(ctx.get("expected", ""))))
            if suggestion:
                params["suggestion"] = suggestion
                item["suggestion"] = suggestion
                item["detail"] += f'; did you mean "{suggestion}"?'
        item["_params"] = params
        out.append(item)
    return out


def problem_response(
    error: AppError, request: Request | None = None, *, with_instance: bool = True
) -> JSONResponse:
    instance = request.url.path if request is not None and with_instance else None
    lang = language(request)
    headers = {**error.headers, "Content-Language": lang}
    return FastJSONResponse(
        error.to_problem(instance, lang),
        status_code=error.status,
        media_type=PROBLEM_JSON,
        headers=headers,
    )


def _validation_errors(exc: RequestValidationError) -> list[dict[str, Any]]:
    errors = []
    for err in exc.errors():
        loc = err.get("loc", ())
        where = loc[0] if loc else "body"
        for item in pydantic_field_errors([err]):
            if where != "body":
                item["parameter"] = str(loc[1]) if len(loc) > 1 else ""
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


def install_error_handlers(app: FastAPI, retry_after: int) -> None:
    @app.exception_handler(AppError)
    async def _app_error(request: Request, exc: AppError) -> JSONResponse:
        return problem_response(exc, request)

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        return problem_response(Unprocessable(errors=_validation_errors(exc)), request)

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
        # SQLite takes one writer at a time: a write that waited out the busy timeout
        # behind another (a long import) is told so, not that the database is gone.
        busy = "database is locked" in str(exc.orig)
        error = ServiceUnavailable(
            "The database is busy with another write; try again shortly."
            if busy
            else "The database could not be reached; try again shortly.",
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
