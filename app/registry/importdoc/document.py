"""The import document's item models (contract: `POST /v1/import`).

Structural checks only (types, vocabularies, lengths, share ranges); everything that needs
the rest of the document or the database (references, areas, identifiers, cycles) is
checked by `app.registry.importdoc.validation`, so that every error can be reported at once.
Read strictly (contract, "Strict reading"): an unknown field is a 422 naming it.
"""

from __future__ import annotations

from typing import Annotated, Any, TypeVar

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from app.dates import IsoDate
from app.models.mixins import NAME_LENGTH, REF_LENGTH
from app.strictmodel import StrictModel
from app.vocabularies import (
    AppointmentRole,
    CommitteeKind,
    InterestKind,
    OrganisationKind,
    RelationKind,
    ResponsibilityRole,
)

Ref = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=REF_LENGTH)]
Name = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=NAME_LENGTH)
]
Code = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=40)]
Share = Annotated[float, Field(gt=0, le=100)]
# A list inside an item is refused past this length before its items are read (issue 9:
# a 3-million-element `members` list took 4.6 GB); real ones hold tens.
MAX_NESTED_LIST = 10_000
T = TypeVar("T")
Many = Annotated[list[T], Field(max_length=MAX_NESTED_LIST)]
# A party's abbreviation as used locally (S, M, C, KD, ...).
Party = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=40)]


class Item(StrictModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class Dated(Item):
    # Strictly YYYY-MM-DD: pydantic's lax date would read 0 as 1970-01-01 (Unix time).
    valid_from: IsoDate | None = None
    valid_to: IsoDate | None = None


class OwnerIn(Item):
    organisation: Ref
    share_percent: Share | None = None


class OrganisationIn(Item):
    ref: Ref
    kind: OrganisationKind
    name: Name
    orgnr: str | None = None
    owners: Many[OwnerIn] | None = None
    members: Many[Ref] | None = None


class ResponsibilityIn(Item):
    area: Code
    role: ResponsibilityRole
    for_: Many[Ref] | None = Field(default=None, alias="for")


class CommitteeIn(Item):
    ref: Ref
    organisation: Ref
    kind: CommitteeKind
    name: Name
    parent: Ref | None = None
    participants: Many[Ref] | None = None
    responsibilities: Many[ResponsibilityIn] | None = None
    # Meetings: ledamot seats (default: the ledamöter appointed on the date) and, per party,
    # the parties whose ersättare enter for its ledamöter, in order.
    seats: Annotated[int, Field(ge=1, le=1000)] | None = None
    substitution_order: (
        Annotated[dict[Party, Many[Party]], Field(max_length=MAX_NESTED_LIST)] | None
    ) = None


class AdministrationIn(Item):
    ref: Ref
    organisation: Ref
    name: Name
    serves: Many[Ref] | None = None


class OperatorIn(Item):
    committee: Ref | None = None
    organisation: Ref | None = None


class OperationIn(Item):
    ref: Ref
    name: Name
    area: Code
    operator: OperatorIn
    municipality: Ref | None = None


class AgreementIn(Dated):
    ref: Ref
    performer: Ref
    principals: Many[Ref] | None = None
    area: Code
    role: ResponsibilityRole


class PersonIn(Item):
    ref: Ref
    name: Name
    # Checked and hashed by the validation step; never echoed back.
    personnummer: str | None = None


class BodyIn(Item):
    committee: Ref | None = None
    administration: Ref | None = None
    organisation: Ref | None = None


class WorksWithIn(Item):
    area: Code
    role: ResponsibilityRole


class AppointmentIn(Dated):
    ref: Ref | None = None
    person: Ref
    body: BodyIn
    role: AppointmentRole
    appointed_by: Ref | None = None
    works_with: Many[WorksWithIn] | None = None
    # Meetings: party, place within the party group (1 first) and, for a ledamot, the
    # ersättare (person refs) who enter for this ledamot, in order.
    party: Party | None = None
    order: Annotated[int, Field(ge=1, le=10000)] | None = None
    substitutes: Many[Ref] | None = None


class InterestIn(Dated):
    ref: Ref | None = None
    person: Ref
    organisation: Ref | None = None
    on_behalf_of: Ref | None = None
    kind: InterestKind
    share_percent: Share | None = None


class RelationIn(Dated):
    ref: Ref | None = None
    person: Ref
    related: Ref
    kind: RelationKind


# Document order is dependency order: an item only refers to kinds listed before it
# (or to its own kind, for owners, members and a committee's parent).
SECTIONS: dict[str, type[Item]] = {
    "organisations": OrganisationIn,
    "committees": CommitteeIn,
    "administrations": AdministrationIn,
    "operations": OperationIn,
    "agreements": AgreementIn,
    "persons": PersonIn,
    "appointments": AppointmentIn,
    "interests": InterestIn,
    "relations": RelationIn,
}


class ImportDocument(Item):
    """The whole import document; every list is optional. (Used for the OpenAPI schema.)"""

    organisations: list[OrganisationIn] = []
    committees: list[CommitteeIn] = []
    administrations: list[AdministrationIn] = []
    operations: list[OperationIn] = []
    agreements: list[AgreementIn] = []
    persons: list[PersonIn] = []
    appointments: list[AppointmentIn] = []
    interests: list[InterestIn] = []
    relations: list[RelationIn] = []


def inline_schema(model: type[BaseModel]) -> dict[str, Any]:
    """The model's JSON schema with every `$ref` inlined (for an `openapi_extra` body)."""
    schema = model.model_json_schema(by_alias=True)
    defs = schema.pop("$defs", {})

    def resolve(node: Any) -> Any:
        if isinstance(node, dict):
            if "$ref" in node:
                return resolve(defs[node["$ref"].rsplit("/", 1)[-1]])
            return {k: resolve(v) for k, v in node.items()}
        if isinstance(node, list):
            return [resolve(v) for v in node]
        return node

    return resolve(schema)  # type: ignore[no-any-return]
