"""What-if request and report (contract: "The facts behind a screening: replay and what-if")."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, JsonValue

from app.dates import IsoDate
from app.strictmodel import StrictModel

Status = Literal["queued", "running", "done", "failed"]


class WhatIfFilter(StrictModel):
    """Which stored screenings to replay (all given conditions must hold)."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    organisation: str | None = Field(
        default=None, description="Ref of the organisation whose committee screened the case"
    )
    committee: str | None = Field(default=None, description="Ref of the handling committee")
    from_: IsoDate | None = Field(
        default=None, alias="from", description="Screenings with as_of on or after this date"
    )
    to: IsoDate | None = Field(default=None, description="Screenings with as_of on or before")


class WhatIfIn(StrictModel):
    """Replay stored screenings with rule parameters changed."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "parameters": {"municipal_share_min": 70},
                    "filter": {"organisation": "k-ost", "from": "2025-01-01", "to": "2026-12-31"},
                }
            ]
        },
    )

    parameters: dict[str, JsonValue] = Field(
        min_length=1,
        description="Parameter name -> the value it would have (names: GET /v1/rules)",
    )
    filter: WhatIfFilter = Field(default_factory=WhatIfFilter)


class WhatIfFinding(BaseModel):
    """A finding gained or lost by one screening."""

    person: str | None = Field(description="Ref of the person (null for a structural risk)")
    name: str | None = Field(description="The person's name")
    ground: str
    level: str
    rule: str


class WhatIfScreening(BaseModel):
    """A screening whose outcome or findings would change."""

    screening: str
    case: str
    as_of: date
    outcome_before: str = Field(description="With today's rules and parameters")
    outcome_after: str = Field(description="With the changed parameters")
    gained: list[WhatIfFinding]
    lost: list[WhatIfFinding]


class WhatIfGroundLevel(BaseModel):
    ground: str
    level: str
    gained: int
    lost: int


class WhatIfReport(BaseModel):
    """What would change: outcomes flipped, findings by ground and level, the screenings."""

    parameters: dict[str, JsonValue]
    filter: WhatIfFilter
    rules_version: str = Field(description="Today's rules (the baseline)")
    whatif_rules_version: str = Field(description="Today's rules with the changed parameters")
    replayed: int = Field(description="Stored screenings replayed")
    without_facts: int = Field(description="In the filter but stored before facts were kept")
    affected: int = Field(description="Screenings whose outcome or findings change")
    flagged_to_clear: int
    clear_to_flagged: int
    findings: list[WhatIfGroundLevel]
    screenings: list[WhatIfScreening]


class WhatIfProgress(BaseModel):
    done: int
    total: int


class WhatIfJobOut(BaseModel):
    """A what-if job: poll until `status` is done (the report) or failed (the error)."""

    id: str
    status: Status
    created_at: datetime
    finished_at: datetime | None
    progress: WhatIfProgress
    request: WhatIfIn
    report: WhatIfReport | None = None
    error: str | None = None
