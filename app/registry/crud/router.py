"""CRUD of registry objects under /v1 (thin: parse, call `crud`, commit once, answer).

Per type: `POST /v1/{type}` (201 + Location), `GET|PUT|PATCH|DELETE /v1/{type}/{key}`,
`GET /v1/{type}` (paginated, filtered). `{key}` is the percent-encoded ref; appointments,
interests and relations without a ref are addressed by their numeric `id` (a ref wins
when both could match). Every object answers with an `ETag` (its `version`); PUT, PATCH
and DELETE honour `If-Match` (412 when stale).
"""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Body, Header, Response
from starlette.convertors import Convertor, register_url_convertor

from app.config import Settings, SettingsDep
from app.db import SessionDep
from app.registry.crud import service as crud
from app.registry.crud.lists import router as lists_router
from app.registry.crud.metadata import etag
from app.registry.crud.resources import RESOURCES, Resource
from app.registry.importdoc.document import SECTIONS, inline_schema
from app.registry.schemas import (
    OUT_MODELS,
)
from app.security.deps import RegistryReader, RegistryWriter

router = APIRouter(tags=["registry"])


class RegistryKey(Convertor[str]):
    """A ref (may hold '/') or numeric id; never one ending in another router's sub-path
    (`/persons/{ref}/relations`, `/persons/{ref}/decisions`, `/organisations/{ref}/
    structural-risks`), so that those answer for themselves, with 405 for other methods."""

    regex = r"(?!.*/(?:relations|decisions|structural-risks)$).+"

    def convert(self, value: str) -> str:
        return value

    def to_string(self, value: str) -> str:
        return value


register_url_convertor("registry_key", RegistryKey())


PROBLEM: dict[str, Any] = {"content": {"application/problem+json": {}}}
IfMatch = Annotated[
    str | None,
    Header(description="The ETag from a GET; answers 412 when the object has changed since."),
]


READ_BACK = (
    "The answer's read-only fields (id, version, created_at, updated_at, "
    "personnummer_masked) may be sent back: ignored when equal to the stored values, "
    "422 `read_only` when different; a different `version` is 409 (changed since read)."
)
VERSION_CONFLICT = {"description": "The body's `version` is not the current one", **PROBLEM}


def _location(res: Resource, out: dict[str, Any]) -> str:
    key = out["ref"] if out.get("ref") else str(out["id"])
    return f"/v1/{res.section}/{quote(key, safe='')}"


def _read_back(res: Resource) -> dict[str, Any]:
    same = "read-only: ignored when equal to the stored value, else 422 `read_only`"
    fields: dict[str, Any] = {
        "id": {"type": "integer", "description": same},
        "version": {
            "type": "integer",
            "description": "read-only: the version read; another than the current is 409",
        },
        "created_at": {"type": "string", "format": "date-time", "description": same},
        "updated_at": {"type": "string", "format": "date-time", "description": same},
    }
    if res.section == "persons":
        fields["personnummer_masked"] = {"type": ["string", "null"], "description": same}
    return fields


def _body_schema(res: Resource, *, ref_from_path: bool = False) -> dict[str, Any]:
    schema = inline_schema(SECTIONS[res.section])
    if ref_from_path:  # PUT: the path names the object; a body `ref` must equal it
        schema["required"] = [f for f in schema.get("required", []) if f != "ref"]
        # ... and may carry the answer's read-only fields back (`metadata`).
        schema["properties"] = {**schema.get("properties", {}), **_read_back(res)}
    return {"requestBody": {"required": True, "content": {"application/json": {"schema": schema}}}}


def _add_object_routes(res: Resource) -> None:
    out_model = OUT_MODELS[res.section]
    key_doc = "ref" if res.has_required_ref else "ref or numeric id"
    path = f"/{res.section}/{{key:registry_key}}"
    errors: dict[int | str, dict[str, Any]] = {
        404: {"description": "Unknown or outside the key's organisations", **PROBLEM}
    }

    def create(
        settings: SettingsDep,
        response: Response,
        session: SessionDep,
        principal: RegistryWriter,
        body: Annotated[dict[str, Any], Body()],
    ) -> dict[str, Any]:
        out = crud.create(session, principal, res, body, pnr_secret=settings.pnr_secret)
        session.commit()
        response.headers["Location"] = _location(res, out)
        response.headers["ETag"] = etag(out)
        return out

    def get(
        response: Response, session: SessionDep, principal: RegistryReader, key: str
    ) -> dict[str, Any]:
        out = crud.read(session, principal, res, key)
        response.headers["ETag"] = etag(out)
        return out

    def _update(
        settings: Settings,
        response: Response,
        session: SessionDep,
        principal: RegistryWriter,
        key: str,
        body: dict[str, Any],
        if_match: str | None,
        *,
        partial: bool,
    ) -> dict[str, Any]:
        out = crud.update(
            session,
            principal,
            res,
            key,
            body,
            partial=partial,
            if_match=if_match,
            pnr_secret=settings.pnr_secret,
        )
        session.commit()
        response.headers["ETag"] = etag(out)
        return out

    def put(
        settings: SettingsDep,
        response: Response,
        session: SessionDep,
        principal: RegistryWriter,
        key: str,
        body: Annotated[dict[str, Any], Body()],
        if_match: IfMatch = None,
    ) -> dict[str, Any]:
        return _update(settings, response, session, principal, key, body, if_match, partial=False)

    def patch(
        settings: SettingsDep,
        response: Response,
        session: SessionDep,
        principal: RegistryWriter,
        key: str,
        body: Annotated[dict[str, Any], Body()],
        if_match: IfMatch = None,
    ) -> dict[str, Any]:
        return _update(settings, response, session, principal, key, body, if_match, partial=True)

    def remove(
        session: SessionDep, principal: RegistryWriter, key: str, if_match: IfMatch = None
    ) -> Response:
        crud.remove(session, principal, res, key, if_match=if_match)
        session.commit()
        return Response(status_code=204)

    label = res.label
    router.add_api_route(
        f"/{res.section}",
        create,
        methods=["POST"],
        status_code=201,
        response_model=out_model,
        operation_id=f"{res.section}_create",
        summary=f"Create a {label}",
        openapi_extra=_body_schema(res),
        description=f"Validated like the {res.section} of `POST /v1/import`; 409 if it exists.",
        responses={
            409: {"description": "Already exists", **PROBLEM},
            422: {"description": "Invalid", **PROBLEM},
        },
    )
    router.add_api_route(
        path,
        get,
        methods=["GET"],
        response_model=out_model,
        operation_id=f"{res.section}_get",
        summary=f"Read a {label} by {key_doc}",
        responses=errors,
    )
    stale: dict[int | str, dict[str, Any]] = {412: {"description": "If-Match is stale", **PROBLEM}}
    writes: dict[int | str, dict[str, Any]] = {**errors, 409: VERSION_CONFLICT, **stale}
    for method, endpoint, operation, summary, description, extra in (
        (
            "PUT",
            put,
            "replace",
            f"Replace a {label}",
            "Absent optional fields are cleared (a personnummer or ref left out is kept).",
            _body_schema(res, ref_from_path=True),
        ),
        (
            "PATCH",
            patch,
            "update",
            f"Change some fields of a {label}",
            "Top-level fields given replace stored ones (null clears); others are kept.",
            None,
        ),
    ):
        router.add_api_route(
            path,
            endpoint,
            methods=[method],
            response_model=out_model,
            operation_id=f"{res.section}_{operation}",
            summary=summary,
            description=f"{description} {READ_BACK}",
            openapi_extra=extra,
            responses=writes,
        )
    router.add_api_route(
        path,
        remove,
        methods=["DELETE"],
        status_code=204,
        operation_id=f"{res.section}_delete",
        summary=f"Delete a {label}",
        response_class=Response,
        responses={**errors, 409: {"description": "Still referenced", **PROBLEM}, **stale},
    )


# List routes before the object routes: `/persons/{key}` would match `/persons/x/relations`.
router.include_router(lists_router)


for _resource in RESOURCES.values():
    _add_object_routes(_resource)
