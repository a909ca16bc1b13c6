"""The registry's list routes: `GET /v1/{type}` with filters, paginated, and a person's
relations from their side (thin: parse the filters, call `crud`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from sqlalchemy import false
from sqlalchemy.orm import Session

from app.db import SessionDep, continue_read_only
from app.errors import Unprocessable, field_error
from app.pagination import Page, PageDep, PageParams
from app.registry import repository
from app.registry.crud import filters
from app.registry.crud import service as crud
from app.registry.crud.resources import RESOURCES
from app.registry.schemas import (
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
from app.registry.scope import refs_where
from app.security.deps import Principal, RegistryReader
from app.strictquery import refuse_unknown_values
from app.vocabularies import (
    BUILTIN_AREAS,
    AppointmentRole,
    CommitteeKind,
    InterestKind,
    OrganisationKind,
    RelationKind,
)

router = APIRouter(tags=["registry"])


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


ValidOn = Annotated[
    str | None,
    Query(
        pattern=r"^\d{4}-\d{2}-\d{2}$",
        description="YYYY-MM-DD: only facts valid that day (valid_to inclusive)",
        json_schema_extra={"format": "date"},
    ),
]


def _area(session: SessionDep, area: str | None) -> str | None:
    """An area filter must name an area of the vocabulary (built in or added): an unknown
    one is a 422 with the closest area, not an empty list."""
    if area is not None and area not in BUILTIN_AREAS:
        known = {*BUILTIN_AREAS, *repository.custom_area_codes(session)}
        refuse_unknown_values("area", area, known)
    return area


@dataclass(frozen=True, slots=True)
class Lister:
    """What every list route needs: the read-only session, the key and the page asked for."""

    session: Session
    principal: Principal
    page: PageParams

    def reads(self, section: str, ref: str | None) -> bool:
        """Whether a filter's ref names an object the key reads (or no ref is given). A ref
        out of the key's scope must match nothing, exactly as an unknown ref: filtering
        on it would tell what the hidden object is linked to (run Q: `member=`)."""
        if ref is None or self.principal.organisation_refs is None:
            return True
        res = RESOURCES[section]
        predicate = res.scope(self.principal)
        assert predicate is not None  # noqa: S101 - a limited key
        return bool(refs_where(self.session, res.model, predicate, [ref]))

    def list(self, section: str, conditions: filters.Conditions) -> dict[str, Any]:
        continue_read_only(self.session)
        return crud.list_objects(
            self.session, self.principal, RESOURCES[section], conditions, self.page
        )


def _lister(session: SessionDep, principal: RegistryReader, page: PageDep) -> Lister:
    return Lister(session, principal, page)


ListerDep = Annotated[Lister, Depends(_lister)]


@router.get(
    "/organisations", response_model=Page[OrganisationOut], operation_id="organisations_list"
)
def list_organisations(
    lister: ListerDep,
    kind: OrganisationKind | None = None,
    owner: str | None = None,
    member: str | None = None,
) -> dict[str, Any]:
    """Organisations; `owner`: owned by that organisation; `member`: förbund it is a member of."""
    conditions = filters.organisations(kind, owner, member)
    if not (lister.reads("organisations", owner) and lister.reads("organisations", member)):
        conditions.append(false())
    return lister.list("organisations", conditions)


@router.get("/committees", response_model=Page[CommitteeOut], operation_id="committees_list")
def list_committees(
    lister: ListerDep,
    organisation: str | None = None,
    participant: str | None = None,
    kind: CommitteeKind | None = None,
    parent: str | None = None,
) -> dict[str, Any]:
    """Committees; `organisation`: its own; `participant`: gemensamma nämnder it takes part in."""
    conditions = filters.committees(organisation, participant, kind, parent)
    return lister.list("committees", conditions)


@router.get(
    "/administrations", response_model=Page[AdministrationOut], operation_id="administrations_list"
)
def list_administrations(
    lister: ListerDep,
    organisation: str | None = None,
    serves: str | None = None,
) -> dict[str, Any]:
    """Administrations; `serves`: those serving that committee."""
    return lister.list("administrations", filters.administrations(organisation, serves))


@router.get("/operations", response_model=Page[OperationOut], operation_id="operations_list")
def list_operations(
    lister: ListerDep,
    organisation: str | None = None,
    committee: str | None = None,
    area: str | None = None,
) -> dict[str, Any]:
    """Operations; `organisation`: operator or municipality; `committee`: run by it."""
    return lister.list(
        "operations", filters.operations(organisation, committee, _area(lister.session, area))
    )


@router.get("/agreements", response_model=Page[AgreementOut], operation_id="agreements_list")
def list_agreements(
    lister: ListerDep,
    organisation: str | None = None,
    area: str | None = None,
    valid_on: ValidOn = None,
) -> dict[str, Any]:
    """Agreements; `organisation`: as performer or principal; `valid_on`: in force that day."""
    return lister.list(
        "agreements", filters.agreements(organisation, _area(lister.session, area), _day(valid_on))
    )


@router.get("/persons", response_model=Page[PersonOut], operation_id="persons_list")
def list_persons(lister: ListerDep, name: str | None = None) -> dict[str, Any]:
    """Persons; `name`: every word must occur in the name, ignoring case and diacritics."""
    return lister.list("persons", filters.persons(name))


@router.get("/appointments", response_model=Page[AppointmentOut], operation_id="appointments_list")
def list_appointments(
    lister: ListerDep,
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
    return lister.list("appointments", conditions)


@router.get("/interests", response_model=Page[InterestOut], operation_id="interests_list")
def list_interests(
    lister: ListerDep,
    person: str | None = None,
    organisation: str | None = None,
    on_behalf_of: str | None = None,
    kind: InterestKind | None = None,
    valid_on: ValidOn = None,
) -> dict[str, Any]:
    """Declared interests of a person, or in an organisation."""
    conditions = filters.interests(person, organisation, on_behalf_of, kind, _day(valid_on))
    return lister.list("interests", conditions)


@router.get("/relations", response_model=Page[RelationOut], operation_id="relations_list")
def list_relations(
    lister: ListerDep,
    person: str | None = None,
    kind: RelationKind | None = None,
    valid_on: ValidOn = None,
) -> dict[str, Any]:
    """Relations as stored (canonical: `barn` is kept as `forelder`); `person`: either side."""
    return lister.list("relations", filters.relations(person, kind, _day(valid_on)))


@router.get(
    "/persons/{key:path}/relations",
    response_model=Page[RelationOut],
    operation_id="persons_relations_list",
)
def list_person_relations(
    lister: ListerDep,
    key: str,
    valid_on: ValidOn = None,
) -> dict[str, Any]:
    """A person's relations from their side (`forelder` ↔ `barn`, `foreman` ↔ `underordnad`)."""
    continue_read_only(lister.session)
    conditions = filters.relation_dates(_day(valid_on))
    return crud.person_relations(lister.session, lister.principal, key, conditions, lister.page)
