"""The contract's case document (input and output)."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field, model_validator

from app.dates import IsoDate
from app.models.mixins import NAME_LENGTH, REF_LENGTH
from app.strictmodel import StrictModel
from app.vocabularies import Matter, ParticipantRole, PartyRole

Ref = Field(min_length=1, max_length=REF_LENGTH)

PARTY_REFERENCE_FIELDS = ("person", "organisation", "operation", "committee")


class _In(StrictModel):
    # Strict reading: an unknown field (a misspelled `parties`) is a 422, never dropped.
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class PartyIn(_In):
    """Exactly one of person/organisation/operation/committee, or an unregistered `name`."""

    role: PartyRole
    person: str | None = Field(default=None, min_length=1, max_length=REF_LENGTH)
    organisation: str | None = Field(default=None, min_length=1, max_length=REF_LENGTH)
    operation: str | None = Field(default=None, min_length=1, max_length=REF_LENGTH)
    committee: str | None = Field(default=None, min_length=1, max_length=REF_LENGTH)
    name: str | None = Field(default=None, min_length=1, max_length=NAME_LENGTH)
    orgnr: str | None = Field(default=None, min_length=1, max_length=20)
    personnummer: str | None = Field(default=None, min_length=1, max_length=20)

    @model_validator(mode="after")
    def _exactly_one(self) -> PartyIn:
        given = [f for f in PARTY_REFERENCE_FIELDS if getattr(self, f) is not None]
        if len(given) > 1:
            raise ValueError(f"give exactly one of {', '.join(PARTY_REFERENCE_FIELDS)}")
        if given and (self.name or self.orgnr or self.personnummer):
            raise ValueError("a registry reference cannot be combined with name/orgnr/personnummer")
        if not given and self.name is None:
            raise ValueError(
                "give one of person, organisation, operation, committee, or an unregistered "
                "party's name"
            )
        if self.orgnr is not None and self.personnummer is not None:
            raise ValueError("an unregistered party has an orgnr or a personnummer, not both")
        return self

    @property
    def reference(self) -> tuple[str, str] | None:
        for f in PARTY_REFERENCE_FIELDS:
            value = getattr(self, f)
            if value is not None:
                return f, value
        return None


class EarlierHandlingIn(_In):
    person: str = Ref
    organisation: str | None = Field(default=None, min_length=1, max_length=REF_LENGTH)
    committee: str | None = Field(default=None, min_length=1, max_length=REF_LENGTH)
    final: bool = False

    @model_validator(mode="after")
    def _where(self) -> EarlierHandlingIn:
        if self.organisation is None and self.committee is None:
            raise ValueError("give organisation and/or committee")
        return self


class ParticipantIn(_In):
    person: str = Ref
    role: ParticipantRole


class CaseIn(_In):
    ref: str = Ref
    committee: str = Ref
    area: str | None = Field(default=None, min_length=1, max_length=40)
    matter: Matter
    title: str | None = Field(default=None, max_length=1000)
    decision_date: IsoDate | None = None
    parties: list[PartyIn] = Field(default_factory=list, max_length=500)
    earlier_handling: list[EarlierHandlingIn] = Field(default_factory=list, max_length=500)
    # Left out or empty: the screening covers the committee's members and staff.
    participants: list[ParticipantIn] = Field(default_factory=list, max_length=1000)


class PartyOut(BaseModel):
    model_config = ConfigDict(extra="forbid")

    role: str
    person: str | None = None
    organisation: str | None = None
    operation: str | None = None
    committee: str | None = None
    name: str | None = None
    orgnr: str | None = None
    personnummer_masked: str | None = None


class EarlierHandlingOut(BaseModel):
    person: str
    name: str | None = Field(default=None, description="The person's name")
    organisation: str | None = None
    committee: str | None = None
    final: bool


class ParticipantOut(BaseModel):
    person: str
    name: str | None = Field(default=None, description="The person's name")
    role: str


class CaseOut(BaseModel):
    """The stored case as the contract's case document, plus version and timestamps."""

    ref: str
    committee: str
    area: str | None
    matter: str
    title: str | None
    decision_date: date | None
    parties: list[PartyOut]
    earlier_handling: list[EarlierHandlingOut]
    participants: list[ParticipantOut]
    version: int
    created_at: datetime
    updated_at: datetime


class CasePage(BaseModel):
    items: list[CaseOut]
    total: int
    limit: int
    offset: int
