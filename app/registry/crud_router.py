"""CRUD of registry objects under /v1 (thin: parse, call `crud`, commit once, answer).

Per type: `POST /v1/{type}` (201 + Location), `GET|PUT|PATCH|DELETE /v1/{type}/{key}`,
`GET /v1/{type}` (paginated, filtered). `{key}` is the percent-encoded ref; appointments,
interests and relations without a ref are addressed by their numeric `id` (a ref wins
when both could match). Every object answers with an `ETag` (its `version`); PUT, PATCH
and DELETE honour `If-Match` (412 when stale).
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Body, Header, Query, Request, Response
from starlette.convertors import Convertor, register_url_convertor

from app.db import SessionDep, continue_read_only
from app.errors import Unprocessable, field_error
from app.pagination import Page, PageDep
from app.registry import crud, filters
from app.registry.document import SECTIONS, inline_schema
from app.registry.resources import RESOURCES, Resource
from app.registry.schemas import (
    OUT_MODELS,
    AdministrationOut,
    AgreementOut,
    AppointmentOut,
    CommitteeOut,
    InterestOut,
    OperationOut,
    OrganisationOut,
    PersonOut,
    RelationOut,
)
from app.security.deps import RegistryReader, RegistryWriter
from app.vocabularies import (
    AppointmentRole,
    CommitteeKind,
    InterestKind,
    OrganisationKind,
    RelationKind,
)

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


def _day(value: str | None, name: str = "valid_on") -> date | None:
    """Parse a strict ISO date (`date` would also take '0' as a Unix timestamp)."""
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise Unprocessable(
            f"{name} must be a date YYYY-MM-DD",
            errors=[
                {
                    **field_error(f"/{name}", "not a valid date", "date_parsing"),
                    "in": "query",
                    "parameter": name,
                }
            ],
        ) from None


PROBLEM: dict[str, Any] = {"content": {"application/problem+json": {}}}
IfMatch = Annotated[
    str | None,
    Header(description="The ETag from a GET; answers 412 when the object has changed since."),
]
ValidOn = Annotated[
    str | None,
    Query(
        pattern=r"^\d{4}-\d{2}-\d{2}$",
        description="YYYY-MM-DD: only facts valid that day (valid_to inclusive)",
        json_schema_extra={"format": "date"},
    ),
]


def _location(res: Resource, out: dict[str, Any]) -> str:
    key = out["ref"] if out.get("ref") else str(out["id"])
    return f"/v1/{res.section}/{quote(key, safe='')}"


def _body_schema(res: Resource, *, ref_from_path: bool = False) -> dict[str, Any]:
    schema = inline_schema(SECTIONS[res.section])
    if ref_from_path:  # PUT: the path names the object; a body `ref` must equal it
        schema["required"] = [f for f in schema.get("required", []) if f != "ref"]
    return {"requestBody": {"required": True, "content": {"application/json": {"schema": schema}}}}


def _add_object_routes(res: Resource) -> None:
    out_model = OUT_MODELS[res.section]
    key_doc = "ref" if res.has_required_ref else "ref or numeric id"
    path = f"/{res.section}/{{key:registry_key}}"
    errors: dict[int | str, dict[str, Any]] = {
        404: {"description": "Unknown or outside the key's organisations", **PROBLEM}
    }

    def create(
        request: Request,
        response: Response,
        session: SessionDep,
        principal: RegistryWriter,
        body: Annotated[dict[str, Any], Body()],
    ) -> dict[str, Any]:
        out = crud.create(
            session, principal, res, body, pnr_secret=request.app.state.settings.pnr_secret
        )
        session.commit()
        response.headers["Location"] = _location(res, out)
        response.headers["ETag"] = crud.etag(out)
        return out

    def get(
        response: Response, session: SessionDep, principal: RegistryReader, key: str
    ) -> dict[str, Any]:
        out = crud.read(session, principal, res, key)
        response.headers["ETag"] = crud.etag(out)
        return out

    def _update(
        request: Request,
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
            pnr_secret=request.app.state.settings.pnr_secret,
        )
        session.commit()
        response.headers["ETag"] = crud.etag(out)
        return out

    def put(
        request: Request,
        response: Response,
        session: SessionDep,
        principal: RegistryWriter,
        key: str,
        body: Annotated[dict[str, Any], Body()],
        if_match: IfMatch = None,
    ) -> dict[str, Any]:
        return _update(request, response, session, principal, key, body, if_match, partial=False)

    def patch(
        request: Request,
        response: Response,
        session: SessionDep,
        principal: RegistryWriter,
        key: str,
        body: Annotated[dict[str, Any], Body()],
        if_match: IfMatch = None,
    ) -> dict[str, Any]:
        return _update(request, response, session, principal, key, body, if_match, partial=True)

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
    router.add_api_route(
        path,
        put,
        methods=["PUT"],
        response_model=out_model,
        operation_id=f"{res.section}_replace",
        summary=f"Replace a {label}",
        openapi_extra=_body_schema(res, ref_from_path=True),
        description="Absent optional fields are cleared (a personnummer or ref left out is kept).",
        responses={**errors, 412: {"description": "If-Match is stale", **PROBLEM}},
    )
    router.add_api_route(
        path,
        patch,
        methods=["PATCH"],
        response_model=out_model,
        operation_id=f"{res.section}_update",
        summary=f"Change some fields of a {label}",
        description="Top-level fields given replace stored ones (null clears); others are kept.",
        responses={**errors, 412: {"description": "If-Match is stale", **PROBLEM}},
    )
    router.add_api_route(
        path,
        remove,
        methods=["DELETE"],
        status_code=204,
        operation_id=f"{res.section}_delete",
        summary=f"Delete a {label}",
        response_class=Response,
        responses={
            **errors,
            409: {"description": "Still referenced", **PROBLEM},
            412: {"description": "If-Match is stale", **PROBLEM},
        },
    )


def _list(
    session: SessionDep, principal: Any, section: str, conditions: Any, page: Any
) -> dict[str, Any]:
    continue_read_only(session)
    return crud.list_objects(session, principal, RESOURCES[section], conditions, page)


@router.get(
    "/organisations", response_model=Page[OrganisationOut], operation_id="organisations_list"
)
def list_organisations(
    session: SessionDep,
    principal: RegistryReader,
    page: PageDep,
    kind: OrganisationKind | None = None,
    owner: str | None = None,
    member: str | None = None,
) -> dict[str, Any]:
    """Organisations; `owner`: owned by that organisation; `member`: förbund it is a member of."""
    return _list(
        session, principal, "organisations", filters.organisations(kind, owner, member), page
    )


@router.get("/committees", response_model=Page[CommitteeOut], operation_id="committees_list")
def list_committees(
    session: SessionDep,
    principal: RegistryReader,
    page: PageDep,
    organisation: str | None = None,
    participant: str | None = None,
    kind: CommitteeKind | None = None,
    parent: str | None = None,
) -> dict[str, Any]:
    """Committees; `organisation`: its own; `participant`: gemensamma nämnder it takes part in."""
    conditions = filters.committees(organisation, participant, kind, parent)
    return _list(session, principal, "committees", conditions, page)


@router.get(
    "/administrations", response_model=Page[AdministrationOut], operation_id="administrations_list"
)
def list_administrations(
    session: SessionDep,
    principal: RegistryReader,
    page: PageDep,
    organisation: str | None = None,
    serves: str | None = None,
) -> dict[str, Any]:
    """Administrations; `serves`: those serving that committee."""
    return _list(
        session, principal, "administrations", filters.administrations(organisation, serves), page
    )


@router.get("/operations", response_model=Page[OperationOut], operation_id="operations_list")
def list_operations(
    session: SessionDep,
    principal: RegistryReader,
    page: PageDep,
    organisation: str | None = None,
    committee: str | None = None,
    area: str | None = None,
) -> dict[str, Any]:
    """Operations; `organisation`: operator or municipality; `committee`: run by it."""
    return _list(
        session, principal, "operations", filters.operations(organisation, committee, area), page
    )


@router.get("/agreements", response_model=Page[AgreementOut], operation_id="agreements_list")
def list_agreements(
    session: SessionDep,
    principal: RegistryReader,
    page: PageDep,
    organisation: str | None = None,
    area: str | None = None,
    valid_on: ValidOn = None,
) -> dict[str, Any]:
    """Agreements; `organisation`: as performer or principal; `valid_on`: in force that day."""
    return _list(
        session,
        principal,
        "agreements",
        filters.agreements(organisation, area, _day(valid_on)),
        page,
    )


@router.get("/persons", response_model=Page[PersonOut], operation_id="persons_list")
def list_persons(
    session: SessionDep, principal: RegistryReader, page: PageDep, name: str | None = None
) -> dict[str, Any]:
    """Persons; `name`: every word must occur in the name, ignoring case and diacritics."""
    return _list(session, principal, "persons", filters.persons(name), page)


@router.get("/appointments", response_model=Page[AppointmentOut], operation_id="appointments_list")
def list_appointments(
    session: SessionDep,
    principal: RegistryReader,
    page: PageDep,
    person: str | None = None,
    committee: str | None = None,
    administration: str | None = None,
    organisation: str | None = None,
    role: AppointmentRole | None = None,
    valid_on: ValidOn = None,
) -> dict[str, Any]:
    """Appointments of a person or to a body; `valid_on`: valid that day (valid_to inclusive)."""
    conditions = filters.appointments(
        person, committee, administration, organisation, role, _day(valid_on)
    )
    return _list(session, principal, "appointments", conditions, page)


@router.get("/interests", response_model=Page[InterestOut], operation_id="interests_list")
def list_interests(
    session: SessionDep,
    principal: RegistryReader,
    page: PageDep,
    person: str | None = None,
    organisation: str | None = None,
    on_behalf_of: str | None = None,
    kind: InterestKind | None = None,
    valid_on: ValidOn = None,
) -> dict[str, Any]:
    """Declared interests of a person, or in an organisation."""
    conditions = filters.interests(person, organisation, on_behalf_of, kind, _day(valid_on))
    return _list(session, principal, "interests", conditions, page)


@router.get("/relations", response_model=Page[RelationOut], operation_id="relations_list")
def list_relations(
    session: SessionDep,
    principal: RegistryReader,
    page: PageDep,
    person: str | None = None,
    kind: RelationKind | None = None,
    valid_on: ValidOn = None,
) -> dict[str, Any]:
    """Relations as stored (canonical: `barn` is kept as `forelder`); `person`: either side."""
    return _list(
        session, principal, "relations", filters.relations(person, kind, _day(valid_on)), page
    )


@router.get(
    "/persons/{key:path}/relations",
    response_model=Page[RelationOut],
    operation_id="persons_relations_list",
)
def list_person_relations(
    session: SessionDep,
    principal: RegistryReader,
    page: PageDep,
    key: str,
    valid_on: ValidOn = None,
) -> dict[str, Any]:
    """A person's relations from their side (`forelder` ↔ `barn`, `foreman` ↔ `underordnad`)."""
    continue_read_only(session)
    return crud.person_relations(
        session, principal, key, filters.relation_dates(_day(valid_on)), page
    )


for _resource in RESOURCES.values():
    _add_object_routes(_resource)
