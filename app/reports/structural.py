"""Report (c): structural risks across the organisations in scope, from stored screenings."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, NamedTuple

from sqlalchemy.orm import Session

from app.db_types import utcnow
from app.reports import repository
from app.reports.model import ColumnType as T
from app.reports.model import Report, Row, Section, columns
from app.reports.repository import Query

OCCURRENCE_COLUMNS = columns(
    "screening", ("screened_at", T.DATETIME), "case", ("as_of", T.DATE), "outcome",
    "organisation", "committee", "ground", "level", "rule", "operation", "administration",
    "operating_organisation", "area", ("persons", T.LIST), "explanation",
)
RISK_COLUMNS = columns(
    "organisation", "committee", "ground", "level", "rule", "operation", "administration",
    "operating_organisation", "area", ("persons", T.LIST), ("screenings", T.INTEGER),
    ("cases", T.LIST), ("first_as_of", T.DATE), ("last_as_of", T.DATE), "last_screening",
    ("legal_basis", T.LIST), "explanation",
)


class RiskKey(NamedTuple):
    """What makes two structural findings the same risk."""

    organisation: str | None
    committee: str | None
    ground: str
    level: str
    rule: str | None
    operation: str | None
    administration: str | None
    operating_organisation: str | None
    area: str | None


@dataclass(frozen=True, slots=True)
class Occurrence:
    screening: str
    screened_at: datetime
    case: str
    as_of: date
    outcome: str
    organisation: str | None
    committee: str | None
    ground: str
    level: str
    rule: str | None
    data: dict[str, Any]

    @property
    def key(self) -> RiskKey:
        d = self.data
        return RiskKey(
            self.organisation, self.committee, self.ground, self.level, self.rule,
            d.get("operation"), d.get("administration"), d.get("organisation"), d.get("area"),
        )

    def row(self) -> Row:
        return (
            self.screening, self.screened_at, self.case, self.as_of, self.outcome, *self.key,
            tuple(self.data.get("persons") or ()), (self.data.get("explanation") or {}).get("sv"),
        )


@dataclass(slots=True)
class Risk:
    """One structural risk as it recurs across screenings (grouped by body and ground)."""

    key: RiskKey
    persons: set[str] = field(default_factory=set)
    screenings: int = 0
    cases: list[str] = field(default_factory=list)
    first_as_of: date | None = None
    last_as_of: date | None = None
    last: Occurrence | None = None

    def add(self, occurrence: Occurrence) -> None:
        self.persons.update(occurrence.data.get("persons") or ())
        self.screenings += 1
        if occurrence.case not in self.cases:
            self.cases.append(occurrence.case)
        if self.first_as_of is None or occurrence.as_of < self.first_as_of:
            self.first_as_of = occurrence.as_of
        if self.last_as_of is None or occurrence.as_of >= self.last_as_of:
            self.last_as_of, self.last = occurrence.as_of, occurrence

    def row(self) -> Row:
        data = self.last.data if self.last else {}
        return (
            *self.key, tuple(sorted(self.persons)), self.screenings, tuple(self.cases),
            self.first_as_of, self.last_as_of, self.last.screening if self.last else None,
            tuple(data.get("legal_basis") or ()), (data.get("explanation") or {}).get("sv"),
        )


def occurrences(session: Session, q: Query) -> list[Occurrence]:
    """Structural findings of the stored screenings in scope (one statement)."""
    return [
        Occurrence(
            screening=sid, screened_at=created, case=case, as_of=as_of, outcome=outcome,
            organisation=org, committee=(data or {}).get("committee") or committee,
            ground=ground, level=level, rule=rule, data=data or {},
        )
        for sid, created, case, as_of, outcome, committee, org, ground, level, rule, data
        in session.execute(repository.structural_stmt(q))
    ]


def group(found: Iterable[Occurrence]) -> list[Risk]:
    risks: dict[RiskKey, Risk] = {}
    for occurrence in found:
        risks.setdefault(occurrence.key, Risk(occurrence.key)).add(occurrence)
    return sorted(risks.values(), key=lambda r: tuple(v or "" for v in r.key))


def structural_report(session: Session, q: Query) -> Report:
    """Recurring structural risks (one row per body and ground) and every occurrence."""
    found = occurrences(session, q)
    return Report(
        name="structural-risks",
        generated_at=utcnow(),
        filters=q.filters.applied(),
        sections=[
            Section("risks", RISK_COLUMNS, [r.row() for r in group(found)]),
            Section("occurrences", OCCURRENCE_COLUMNS, [o.row() for o in found]),
        ],
    )
