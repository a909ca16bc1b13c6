"""Screening request body (the contract: a stored case's ref or an inline case)."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import Field, PrivateAttr, ValidationError, WithJsonSchema

from app.cases.schemas import CaseIn
from app.dates import IsoDate
from app.errors import Unprocessable, field_error, pydantic_field_errors
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
    _checked: str | CaseIn | None = PrivateAttr(default=None)

    def checked_case(self) -> str | CaseIn:
        """The stored case's ref, or the inline case as a CaseIn; Unprocessable (422,
        pointing under /case) for an empty ref or a case document that is not one.
        Validated once: the screening gate checks it before the request waits for a turn
        (app/screening/gate.py) and the service reads the same object."""
        if self._checked is None:
            self._checked = _checked_case(self.case)
        return self._checked


def _checked_case(case: str | dict[str, Any]) -> str | CaseIn:
    if isinstance(case, str):
        if not case.strip():
            raise Unprocessable("case is empty", errors=[field_error("/case", "must not be empty")])
        return case
    try:
        return CaseIn.model_validate(case)
    except ValidationError as exc:
        errors = pydantic_field_errors(exc.errors(include_url=False), prefix=("case",))
        raise Unprocessable(errors=errors) from None
