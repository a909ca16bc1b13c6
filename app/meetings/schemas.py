"""The meeting document (contract: "Meetings (sammanträden)"), read strictly."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import ConfigDict, Field, StringConstraints

from app.dates import IsoDate
from app.models.mixins import REF_LENGTH
from app.strictmodel import StrictModel

Ref = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=REF_LENGTH)]
Paragraph = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=50)]


class ItemIn(StrictModel):
    paragraph: Paragraph = Field(description='The protokoll paragraph, e.g. "§ 12"')
    case: Ref | dict[str, Any] = Field(
        description="A stored case's ref, or an inline case document (committee defaults "
        "to the meeting's)"
    )
    as_of: IsoDate | None = Field(default=None, description="Default: the meeting date")


class MovementIn(StrictModel):
    """Someone arriving at, or leaving, the meeting before the item `from`."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    person: Ref
    from_: Paragraph = Field(alias="from", description='The first item it applies to, "§ 14"')


class MeetingIn(StrictModel):
    ref: Ref
    committee: Ref
    date: IsoDate
    present: list[Ref] | None = Field(
        default=None,
        description="Who is there; default: every ledamot and ersättare on the date but the absent",
    )
    absent: list[Ref] | None = None
    arrivals: list[MovementIn] | None = Field(
        default=None, description="Late arrivals: present from the item `from` on"
    )
    departures: list[MovementIn] | None = Field(
        default=None, description="Leaving the meeting: absent from the item `from` on"
    )
    items: list[ItemIn] = Field(min_length=1, max_length=500)
