"""Screening request body (the contract: a stored case's ref or an inline case)."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from app.dates import IsoDate
from app.strictmodel import StrictModel


class ScreeningIn(StrictModel):
    case: str | dict[str, Any] = Field(
        description="A stored case's ref, or an inline case document (see POST /v1/cases)",
    )
    as_of: IsoDate | None = Field(
        default=None, description="Default: the case's decision_date, else today"
    )
