"""The recorded jäv decision (contract: POST /v1/cases/{ref}/decisions)."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from app.dates import IsoDate
from app.models.mixins import REF_LENGTH
from app.strictmodel import StrictModel
from app.vocabularies import DecisionValue, RaisedBy


class DecisionIn(StrictModel):
    person: str = Field(min_length=1, max_length=REF_LENGTH, description="person ref")
    raised_by: RaisedBy
    decision: DecisionValue
    obviously_insignificant: bool = Field(
        default=False,
        description="Jäv disregarded because impartiality obviously lacked significance; "
        "only with decision ej_jav",
    )
    protocol_paragraph: str | None = Field(default=None, max_length=100)
    decided_on: IsoDate
    screening: str | None = Field(
        default=None,
        max_length=40,
        description="a screening of this case whose findings for the person the decision settles",
    )
    note: str | None = Field(default=None, max_length=4000)


class RecordedBy(BaseModel):
    key_id: int | None
    name: str | None


class DecisionAuditRef(BaseModel):
    """The decision's audit entry: its id (GET /v1/audit/{id}), chain, sequence, hash."""

    id: int | None = None
    chain: int | None = None
    sequence: int | None
    hash: str | None


class SettledFinding(BaseModel):
    screening: str
    ground: str
    level: str
    rule: str | None


class DecisionOut(BaseModel):
    id: int
    case: str
    person: str
    raised_by: str
    decision: str
    obviously_insignificant: bool
    protocol_paragraph: str | None
    decided_on: IsoDate
    screening: str | None
    note: str | None
    recorded_by: RecordedBy
    recorded_at: datetime
    audit: DecisionAuditRef
    # The person's jav / mojligt_jav findings that this decision settles (see docs/audit.md).
    settles: list[SettledFinding]


class DecisionPage(BaseModel):
    items: list[DecisionOut]
    total: int
    limit: int
    offset: int
