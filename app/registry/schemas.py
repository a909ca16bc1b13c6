"""Response models of the registry API (inputs are in `document.py`)."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field

from app.strictmodel import StrictModel


class StatusCounts(BaseModel):
    created: int
    updated: int
    unchanged: int


class AuditRef(BaseModel):
    sequence: int
    hash: str


class ImportResult(BaseModel):
    """Counts per object type; `audit` is null when nothing changed (nothing was written)."""

    counts: dict[str, StatusCounts]
    totals: StatusCounts
    audit: AuditRef | None


class Meta(BaseModel):
    id: int
    version: int
    created_at: datetime
    updated_at: datetime


class Dates(BaseModel):
    valid_from: date | None = None
    valid_to: date | None = None


class OwnerOut(BaseModel):
    organisation: str
    share_percent: float | None = None


class OrganisationOut(Meta):
    ref: str
    kind: str
    name: str
    orgnr: str | None
    owners: list[OwnerOut]
    members: list[str]


class ResponsibilityOut(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    area: str
    role: str
    for_: list[str] = Field(
        alias="for", description="Explicit; defaults to the committee's organisation"
    )


class CommitteeOut(Meta):
    ref: str
    organisation: str
    kind: str
    name: str
    parent: str | None
    participants: list[str]
    responsibilities: list[ResponsibilityOut]
    seats: int | None = None
    substitution_order: dict[str, list[str]] | None = None


class AdministrationOut(Meta):
    ref: str
    organisation: str
    name: str
    serves: list[str]


class OperatorOut(BaseModel):
    committee: str | None
    organisation: str | None


class OperationOut(Meta):
    ref: str
    name: str
    area: str
    operator: OperatorOut
    municipality: str | None


class AgreementOut(Meta, Dates):
    ref: str
    performer: str
    principals: list[str]
    area: str
    role: str


class PersonOut(Meta):
    ref: str
    name: str
    personnummer_masked: str | None


class BodyOut(BaseModel):
    committee: str | None
    administration: str | None
    organisation: str | None


class WorksWithOut(BaseModel):
    area: str
    role: str


class AppointmentOut(Meta, Dates):
    ref: str | None
    person: str
    body: BodyOut
    role: str
    appointed_by: str | None
    works_with: list[WorksWithOut]
    party: str | None = None
    order: int | None = None
    substitutes: list[str] | None = None


class InterestOut(Meta, Dates):
    ref: str | None
    person: str
    organisation: str | None
    on_behalf_of: str | None
    kind: str
    share_percent: float | None


class RelationOut(Meta, Dates):
    ref: str | None
    person: str
    related: str
    kind: str = Field(
        description="As seen from `person`: forelder/barn, foreman/underordnad, or symmetric"
    )


OUT_MODELS: dict[str, type[BaseModel]] = {
    "organisations": OrganisationOut,
    "committees": CommitteeOut,
    "administrations": AdministrationOut,
    "operations": OperationOut,
    "agreements": AgreementOut,
    "persons": PersonOut,
    "appointments": AppointmentOut,
    "interests": InterestOut,
    "relations": RelationOut,
}


class AreaIn(StrictModel):
    code: str = Field(pattern=r"^[a-z][a-z0-9_]{1,39}$", description="Lower-case code, e.g. `hamn`")
    label: str = Field(min_length=1, max_length=300)


class AreaOut(BaseModel):
    code: str
    label: str
