"""Screening request body (the contract: a stored case's ref or an inline case)."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import Field, WithJsonSchema

from app.dates import IsoDate
from app.strictmodel import StrictModel

# Read as a ref or a mapping here, and as a CaseIn by the service (so that its errors point
# under /case); documented as what it is: a ref or a case document.
CaseOrRef = Annotated[
    str | dict[str, Any],
    WithJsonSchema(
        {"anyOf": [{"type": "string", "minLength": 1}, {"$ref": "#/components/schemas/CaseIn"}]}
    ),
]


class ScreeningIn(StrictModel):
    case: CaseOrRef = Field(
        description="A stored case's ref, or an inline case document (see POST /v1/cases)",
    )
    as_of: IsoDate | None = Field(
        default=None, description="Default: the case's decision_date, else today"
    )
