"""Report (c): structural risks across the organisations in scope.

Two sources, one row shape: the structural findings of stored screenings (grouped into
one risk per body and ground, with every occurrence listed too), and the engine's
organisation report over the registry as it stands (`source` = `registry`), which shows
where drift and tillsyn meet whether or not a case was ever screened there.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, NamedTuple

from sqlalchemy.orm import Session

from app.audit.chain import canonical_json
from app.db_types import utcnow
from app.errors import NotFound
from app.reports import registry_repository, repository
from app.reports.model import ColumnType as T
from app.reports.model import Report, Row, Section, columns
from app.reports.repository import Query
from app.screening import service as screening_service

SCREENINGS, REGISTRY = "screenings", "registry"


class RiskKey(NamedTuple):
    """What makes two structural findings the same risk."""

    organisation: str | None  # the committee's own organisation
    committee: str | None
    ground: str
    level: str
    rule: str | None
    operation: str | None
    administration: str | None
    operating_organisation: str | None  # the finding's `organisation`: who runs it
    area: str | None


KEY_COLUMNS = columns(*RiskKey._fields)
OCCURRENCE_COLUMNS = (
    columns("screening", ("screened_at", T.DATETIME), "case", ("as_of", T.DATE), "outcome")
    + KEY_COLUMNS
    + columns(("persons", T.LIST), ("person_names", T.LIST), "explanation")
)
RISK_COLUMNS = (
    columns("source")
    + KEY_COLUMNS
    + columns(
        ("persons", T.LIST),
        ("person_names", T.LIST),
        ("screenings", T.INTEGER),
        ("cases", T.LIST),
        ("first_as_of", T.DATE),
        ("last_as_of", T.DATE),
        "last_screening",
        ("legal_basis", T.LIST),
        "explanation",
    )
)


def _key(organisation: str | None, finding: dict[str, Any]) -> RiskKey:
    return RiskKey(
        organisation,
        finding.get("committee"),
        str(finding.get("ground")),
        str(finding.get("level") or "risk"),
        finding.get("rule"),
        finding.get("operation"),
        finding.get("administration"),
        finding.get("organisation"),
        finding.get("area"),
    )


def _names(finding: dict[str, Any]) -> dict[str, str]:
    """Person ref -> name from a structural finding's `people` (screenings stored before
    names were recorded have none: their refs stand in)."""
    return {
        str(p["ref"]): str(p["name"])
        for p in finding.get("people") or ()
        if isinstance(p, dict) and "ref" in p and "name" in p
    }


@dataclass(frozen=True, slots=True)
class Occurrence:
    screening: str
    screened_at: datetime
    case: str
    as_of: date
    outcome: str
    key: RiskKey
    data: dict[str, Any]

    def row(self) -> Row:
        return (
            self.screening,
            self.screened_at,
            self.case,
            self.as_of,
            self.outcome,
            *self.key,
            tuple(self.data.get("persons") or ()),
            tuple(_names(self.data).get(p, p) for p in self.data.get("persons") or ()),
            (self.data.get("explanation") or {}).get("sv"),
        )


@dataclass(slots=True)
class Risk:
    """One structural risk: recurring across screenings, or in the registry on a day."""

    key: RiskKey
    source: str = SCREENINGS
    persons: set[str] = field(default_factory=set)
    names: dict[str, str] = field(default_factory=dict)  # person ref -> name
    screenings: int = 0
    cases: list[str] = field(default_factory=list)
    first_as_of: date | None = None
    last_as_of: date | None = None
    last_screening: str | None = None
    data: dict[str, Any] = field(default_factory=dict)

    def add(self, occurrence: Occurrence) -> None:
        self.persons.update(occurrence.data.get("persons") or ())
        self.names.update(_names(occurrence.data))
        self.screenings += 1
        if occurrence.case not in self.cases:
            self.cases.append(occurrence.case)
        if self.first_as_of is None or occurrence.as_of < self.first_as_of:
            self.first_as_of = occurrence.as_of
        if self.last_as_of is None or occurrence.as_of >= self.last_as_of:
            self.last_as_of, self.last_screening = occurrence.as_of, occurrence.screening
            self.data = occurrence.data

    def row(self) -> Row:
        return (
            self.source,
            *self.key,
            tuple(sorted(self.persons)),
            tuple(self.names.get(p, p) for p in sorted(self.persons)),
            self.screenings,
            tuple(self.cases),
            self.first_as_of,
            self.last_as_of,
            self.last_screening,
            tuple(self.data.get("legal_basis") or ()),
            (self.data.get("explanation") or {}).get("sv"),
        )


def occurrences(session: Session, q: Query) -> list[Occurrence]:
    """Structural findings of the stored screenings in scope (one statement)."""
    found = []
    row: Any
    for row in session.execute(repository.structural_stmt(q)):
        sid, created, case, as_of, outcome, committee, org, ground, level, rule, data = row
        finding = {"committee": committee, **(data or {}), "ground": ground, "level": level}
        found.append(
            Occurrence(
                screening=sid,
                screened_at=created,
                case=case,
                as_of=as_of,
                outcome=outcome,
                key=_key(org, {**finding, "rule": rule}),
                data=data or {},
            )
        )
    return found


def _sort_key(risk: Risk) -> tuple[str, ...]:
    return (risk.source, *(v or "" for v in risk.key))


def group(found: Iterable[Occurrence]) -> list[Risk]:
    risks: dict[RiskKey, Risk] = {}
    for occurrence in found:
        risks.setdefault(occurrence.key, Risk(occurrence.key)).add(occurrence)
    return sorted(risks.values(), key=_sort_key)


def _wanted(q: Query, finding: dict[str, Any]) -> bool:
    f = q.filters
    return (
        (not f.grounds or finding.get("ground") in f.grounds)
        and (not f.levels or finding.get("level") in f.levels)
        and (f.committee is None or finding.get("committee") == f.committee)
    )


def registry_risks(session: Session, q: Query) -> list[Risk]:
    """The engine's organisation report at `to` (else today) for the organisation filter,
    else the key's own organisations, else every kommun and region. Filters: organisation,
    committee, ground, level and `to`; outcome and resolved are about screenings, so
    `outcome` or `resolved=true` leave this source out."""
    if q.filters.outcome is not None or q.filters.resolved:
        return []
    as_of = q.filters.period_to or screening_service.today()
    found: dict[str, dict[str, Any]] = {}
    for ref in registry_repository.member_organisation_refs(session, q):
        try:
            report = screening_service.organisation_structural_risks(
                session, q.principal, ref, as_of
            )
        except NotFound:  # a key limited to an organisation that is not registered (yet)
            continue
        for risk in report.structural:
            finding = risk.as_json()
            if _wanted(q, finding):
                found.setdefault(canonical_json(finding), finding)
    owners = registry_repository.committee_organisations(
        session, {str(f.get("committee")) for f in found.values()}
    )
    risks = [
        Risk(
            _key(owners.get(str(f.get("committee"))), f),
            source=REGISTRY,
            persons=set(f.get("persons") or ()),
            names=_names(f),
            first_as_of=as_of,
            last_as_of=as_of,
            data=f,
        )
        for f in found.values()
    ]
    return sorted(risks, key=_sort_key)


def all_risks(session: Session, q: Query) -> tuple[list[Occurrence], list[Risk]]:
    found = occurrences(session, q)
    return found, group(found) + registry_risks(session, q)


def structural_report(session: Session, q: Query) -> Report:
    """Structural risks, one row per body and ground and source, and every occurrence."""
    found, risks = all_risks(session, q)
    return Report(
        name="structural-risks",
        generated_at=utcnow(),
        filters=q.filters.applied(),
        sections=[
            Section("risks", RISK_COLUMNS, [r.row() for r in risks]),
            Section("occurrences", OCCURRENCE_COLUMNS, [o.row() for o in found]),
        ],
    )
