"""The filters every report takes, and the output format (query or Accept header)."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date
from typing import Annotated, Any, Literal, get_args

from fastapi import Depends, Query, Request

from app.dates import IsoDate
from app.errors import query_error
from app.vocabularies import Ground, Level, StructuralGround

# One flat Literal each (not a union), so an invalid value points at /ground/0, not into a
# union member.
ReportGround = Literal[get_args(Ground) + get_args(StructuralGround)]  # type: ignore[valid-type]
ReportLevel = Literal[(*get_args(Level), "risk")]  # type: ignore[valid-type]
Outcome = Literal["flagged", "clear"]
Format = Literal["json", "csv", "xlsx"]
Language = Literal["en", "sv"]

ACCEPT_FORMATS = (
    ("text/csv", "csv"),
    ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
    ("application/json", "json"),
)


@dataclass(frozen=True, slots=True)
class ReportFilters:
    """Period bounds are dates, both inclusive. Which date each report compares is in
    docs/audit.md (screenings: as_of; decisions: decided_on; cases: decision_date)."""

    organisation: str | None = None
    committee: str | None = None
    period_from: date | None = None
    period_to: date | None = None
    grounds: tuple[str, ...] = ()
    levels: tuple[str, ...] = ()
    outcome: str | None = None
    resolved: bool | None = None

    def applied(self) -> dict[str, Any]:
        names = {"period_from": "from", "period_to": "to", "grounds": "ground", "levels": "level"}
        return {
            names.get(k, k): list(v) if isinstance(v, tuple) else v
            for k, v in asdict(self).items()
            if v is not None and v != ()
        }


def report_filters(
    organisation: Annotated[
        str | None, Query(description="Only what this organisation takes part in (ref)")
    ] = None,
    committee: Annotated[str | None, Query(description="Only this committee (ref)")] = None,
    period_from: Annotated[IsoDate | None, Query(alias="from", description="On or after")] = None,
    period_to: Annotated[IsoDate | None, Query(alias="to", description="On or before")] = None,
    ground: Annotated[
        list[ReportGround] | None,  # type: ignore[valid-type]
        Query(description="Repeat for several"),
    ] = None,
    level: Annotated[
        list[ReportLevel] | None,  # type: ignore[valid-type]
        Query(description="Repeat for several"),
    ] = None,
    outcome: Annotated[Outcome | None, Query(description="The screening's outcome")] = None,
    resolved: Annotated[
        bool | None, Query(description="Person findings covered (or not) by a jäv decision")
    ] = None,
) -> ReportFilters:
    if period_from and period_to and period_to < period_from:
        raise query_error("to", "the period ends before it starts", "period_reversed")
    return ReportFilters(
        organisation=organisation,
        committee=committee,
        period_from=period_from,
        period_to=period_to,
        grounds=tuple(ground or ()),
        levels=tuple(level or ()),
        outcome=outcome,
        resolved=resolved,
    )


ReportFiltersDep = Annotated[ReportFilters, Depends(report_filters)]


@dataclass(frozen=True, slots=True)
class Output:
    format: str
    section: str | None
    language: str = "en"


def _from_accept(accept: str) -> str:
    for media_range in accept.split(","):
        media_type = media_range.split(";")[0].strip().lower()
        for known, fmt in ACCEPT_FORMATS:
            if media_type == known:
                return fmt
    return "json"


def _from_accept_language(header: str) -> str:
    """The preferred of Swedish and English by the header's q-values; English if neither.

    `sv`, `sv-SE` and `sv-FI` are Swedish. Of equal q-values the first wins."""
    best, best_q = "en", 0.0
    for item in header.split(","):
        tag, *params = (part.strip() for part in item.split(";"))
        primary = tag.lower().split("-")[0]
        if primary not in ("sv", "en"):
            continue
        q = 1.0
        for param in params:
            if param.lower().startswith("q="):
                try:
                    q = float(param[2:])
                except ValueError:
                    q = 0.0
        if q > best_q:
            best, best_q = primary, q
    return best


def output(
    request: Request,
    format: Annotated[  # noqa: A002 - the public parameter name
        Format | None, Query(description="json, csv or xlsx (default: from Accept, else json)")
    ] = None,
    section: Annotated[
        str | None, Query(description="CSV only: which section (default: the first)")
    ] = None,
    lang: Annotated[
        Language | None,
        Query(
            description="CSV and XLSX: `sv` gives Swedish headers and values, a `;`-separated "
            "CSV with decimal commas (as Excel in a Swedish locale reads it); default from "
            "Accept-Language, else English"
        ),
    ] = None,
) -> Output:
    chosen = format or _from_accept(request.headers.get("accept", ""))
    language = lang or _from_accept_language(request.headers.get("accept-language", ""))
    return Output(format=chosen, section=section, language=language)


OutputDep = Annotated[Output, Depends(output)]
