"""The shape of a meeting answer, for the OpenAPI document (contract: "Meetings").

The service builds the answer as plain data; these models describe it so that a client
generator can type it (app.openapi documents them on the meeting operations). Extra
fields are allowed: the answer may grow without breaking a generated client.
"""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict, Field


class _Open(BaseModel):
    model_config = ConfigDict(extra="allow")


class Texts(_Open):
    sv: str = Field(description="Swedish")
    en: str = Field(description="English")


class SeatHolder(_Open):
    person: str = Field(description="The person's ref")
    name: str | None = Field(default=None, description="The person's name")
    party: str | None = Field(default=None, description="The party's abbreviation")
    role: str = Field(description="The role in the nämnd (ledamot, ersattare, ordforande, ...)")


class Disqualified(SeatHolder):
    holds_seat: bool | None = Field(default=None, description="Whether the person holds a seat")
    level: str = Field(description="`jav` (steps out) or `mojligt_jav` (the nämnd assesses)")
    grounds: list[str] = Field(description="The ground codes of the person's findings")
    rule: str | None = Field(default=None, description="The deciding rule id")
    legal_basis: list[str] = Field(default=[], description="Statute references")
    explanation: Texts | None = Field(default=None, description="Why, in Swedish and English")


class Seat(SeatHolder):
    seat_of: str = Field(description="The ledamot (ref) whose seat the ersättare takes")


class SeatingRule(_Open):
    rule: str = Field(description="The seating rule applied")
    basis_kind: str = Field(description="Where the rule comes from (statute or reglemente)")
    legal_basis: list[str] = Field(
        description="Statute references, of the act in force on the meeting's date: "
        "KL (2017:725) from 2018-01-01, KL (1991:900) before (where a 1991 paragraph is "
        "not verified, the 2017 one with a note saying so)"
    )
    period: str | None = Field(
        default=None,
        description="The period the legal basis is for: `2018-01-01–` or `–2017-12-31`",
    )


class MeetingItemOut(_Open):
    paragraph: str = Field(description="The protokoll paragraph, e.g. `§ 12`")
    case: str = Field(description="The case's ref (diarienummer)")
    title: str | None = Field(default=None, description="The case's title")
    screening: str = Field(description="The item's screening id")
    outcome: str = Field(description="The screening's outcome: `flagged` or `clear`")
    as_of: dt.date = Field(description="The day the item was screened for")
    steps_out: list[Disqualified] = Field(description="Who must leave for this item (jäv)")
    to_assess: list[Disqualified] = Field(
        description="Möjligt jäv: the nämnd decides (KL 6 kap. 30 §); they keep their seat"
    )
    seats: list[Seat] = Field(description="Which ersättare takes each empty seat")
    empty_seats: list[str] = Field(default=[], description="Seats no ersättare could take")
    chair: SeatHolder | None = Field(description="Who presides over this item")
    serving: int = Field(description="Members serving in this item")
    seats_total: int = Field(description="The nämnd's ledamot seats")
    quorum: int = Field(description="Members needed to decide")
    quorate: bool = Field(description="Whether the nämnd can decide this item")
    quorate_if_assessed_out: bool = Field(
        description="Whether it could still decide if those to assess left too"
    )
    summon: list[SeatHolder] = Field(
        description="When not quorate: ersättare not present who could be called in, in order"
    )
    minutes: Texts = Field(description="The jäv part of the protokoll for this item")


class MeetingAudit(_Open):
    sequence: int = Field(description="The audit entry's sequence number")


class MeetingOut(_Open):
    """A meeting as answered: each agenda item screened and seated."""

    ref: str = Field(description="The meeting's ref")
    committee: str = Field(description="The nämnd's ref")
    committee_name: str | None = Field(default=None, description="The nämnd's name")
    date: dt.date = Field(description="The day of the meeting")
    present: list[str] = Field(description="Who is there (person refs)")
    absent: list[str] = Field(description="Who is not (person refs)")
    items: list[MeetingItemOut] = Field(description="The agenda, item by item")
    version: int = Field(description="Optimistic-concurrency version; the ETag")
    created_at: dt.datetime = Field(description="When it was stored (UTC)")
    updated_at: dt.datetime = Field(description="When it was last recomputed (UTC)")
    audit: MeetingAudit = Field(description="The meeting's audit entry")


class MeetingPage(_Open):
    items: list[MeetingOut] = Field(description="The meetings of this page")
    total: int = Field(description="How many match, over all pages")
    limit: int = Field(description="The page size")
    offset: int = Field(description="How many were skipped")
