"""Report selects: the request (scope and filters resolved), the clauses every report
shares, and the screening, finding and decision rows. Every statement applies the key's scope
and the report filters. Registry selects are in `registry_repository`, the summary's
aggregates in `summary_repository`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Select,
    and_,
    false,
    select,
    true,
)
from sqlalchemy.orm import Session, aliased

from app.decisions import repository as decisions_repo
from app.decisions.repository import FLAG_LEVELS
from app.errors import query_error
from app.models import (
    Case,
    Committee,
    Finding,
    JavDecision,
    Organisation,
    Person,
    Screening,
)
from app.reports.filters import ReportFilters
from app.security import scoping
from app.security.deps import Principal

Rows = Select[*tuple[Any, ...]]  # a select of several columns
CommitteeOrg = aliased(Organisation, name="committee_org")
# The person a finding names, by ref (the name as the registry holds it now).
FindingPerson = aliased(Person, name="finding_person")
# The columns themselves (ColumnElements), as the scoping predicates expect.
_SCREENING_COMMITTEE = Screening.__table__.c.committee_id
_CASE_COMMITTEE = Case.__table__.c.committee_id


@dataclass(frozen=True, slots=True)
class Query:
    """A report request: who asks, the filters, and the committee filter resolved to an id."""

    principal: Principal
    filters: ReportFilters
    committee_id: int | None = None

    def organisation_view(self) -> Principal | None:
        ref = self.filters.organisation
        return None if ref is None else scoping.organisation_view(ref)


def resolve(session: Session, principal: Principal, filters: ReportFilters) -> Query:
    """Check the organisation and committee filters name something in the key's scope."""
    if filters.organisation is not None:
        stmt = select(Organisation.id).where(Organisation.ref == filters.organisation)
        stmt = scoping.apply(stmt, scoping.organisation_predicate(principal))
        if session.scalar(stmt) is None:
            raise query_error("organisation", "unknown organisation", "unknown_ref")
    committee_id = None
    if filters.committee is not None:
        stmt = select(Committee.id).where(Committee.ref == filters.committee)
        committee_id = session.scalar(scoping.apply(stmt, scoping.committee_predicate(principal)))
        if committee_id is None:
            raise query_error("committee", "unknown committee", "unknown_ref")
    return Query(principal, filters, committee_id)


def present(*clauses: ColumnElement[bool] | None) -> list[ColumnElement[bool]]:
    return [c for c in clauses if c is not None]


def screening_clauses(q: Query) -> list[ColumnElement[bool]]:
    """Scope, organisation, committee, period (as_of) and outcome, on Screening."""
    f, view = q.filters, q.organisation_view()
    return present(
        scoping.committee_id_predicate(q.principal, _SCREENING_COMMITTEE),
        None if view is None else scoping.committee_id_predicate(view, _SCREENING_COMMITTEE),
        None if q.committee_id is None else Screening.committee_id == q.committee_id,
        None if f.period_from is None else Screening.as_of >= f.period_from,
        None if f.period_to is None else Screening.as_of <= f.period_to,
        None if f.outcome is None else Screening.outcome == f.outcome,
    )


def finding_clauses(q: Query) -> list[ColumnElement[bool]]:
    f = q.filters
    return present(
        Finding.ground.in_(f.grounds) if f.grounds else None,
        Finding.level.in_(f.levels) if f.levels else None,
    )


def structural_stmt(q: Query) -> Rows:
    """Structural findings of stored screenings (a jäv decision never settles these, so
    `resolved=true` selects none and `resolved=false` all)."""
    stmt = (
        select(
            Screening.id,
            Screening.created_at,
            Screening.case_ref,
            Screening.as_of,
            Screening.outcome,
            Committee.ref,
            CommitteeOrg.ref,
            Finding.ground,
            Finding.level,
            Finding.rule,
            Finding.data,
        )
        .select_from(Screening)
        .join(Finding, Finding.screening_id == Screening.id)
        .outerjoin(Committee, Committee.id == Screening.committee_id)
        .outerjoin(CommitteeOrg, CommitteeOrg.id == Committee.organisation_id)
        .where(Finding.structural.is_(True), *screening_clauses(q), *finding_clauses(q))
    )
    if q.filters.resolved is not None:
        stmt = stmt.where(false() if q.filters.resolved else true())
    return stmt.order_by(Screening.as_of, Screening.created_at, Screening.id, Finding.position)


# --- screenings, findings and decisions (reports a and b) --------------------------------


def _latest_settling_decision() -> Any:
    return (
        decisions_repo.settling_decisions()
        .order_by(JavDecision.decided_on.desc(), JavDecision.id.desc())
        .limit(1)
        .scalar_subquery()
    )


def findings_select(q: Query) -> Rows:
    """One row per finding of each screening in the report (a clear screening without
    findings gives one row of NULL finding columns), with the latest decision settling it."""
    f = q.filters
    stmt = (
        select(
            Screening.id.label("screening"),
            Screening.created_at.label("screened_at"),
            Screening.case_ref.label("case"),
            Screening.committee_id.label("committee_id"),
            CommitteeOrg.ref.label("organisation"),
            Committee.ref.label("committee"),
            Screening.as_of.label("as_of"),
            Screening.outcome.label("outcome"),
            Screening.rules_version.label("rules_version"),
            Screening.audit_sequence.label("audit_sequence"),
            Finding.position.label("position"),
            Finding.structural.label("structural"),
            Finding.person_ref.label("person"),
            FindingPerson.name.label("person_name"),
            Finding.ground.label("ground"),
            Finding.level.label("level"),
            Finding.rule.label("rule"),
            Finding.data.label("data"),
            JavDecision.id.label("decision_id"),
            JavDecision.decision.label("decision"),
            JavDecision.obviously_insignificant.label("obviously_insignificant"),
            JavDecision.decided_on.label("decided_on"),
            JavDecision.protocol_paragraph.label("protocol_paragraph"),
        )
        .select_from(Screening)
        .outerjoin(Committee, Committee.id == Screening.committee_id)
        .outerjoin(CommitteeOrg, CommitteeOrg.id == Committee.organisation_id)
        .outerjoin(Finding, Finding.screening_id == Screening.id)
        .outerjoin(FindingPerson, FindingPerson.ref == Finding.person_ref)
        .outerjoin(JavDecision, JavDecision.id == _latest_settling_decision())
        .where(*screening_clauses(q), *finding_clauses(q))
    )
    if f.resolved is not None:
        person_finding = and_(Finding.id.is_not(None), Finding.structural.is_(False))
        if f.resolved:
            stmt = stmt.where(person_finding, JavDecision.id.is_not(None))
        else:
            stmt = stmt.where(
                person_finding, Finding.level.in_(FLAG_LEVELS), JavDecision.id.is_(None)
            )
    return stmt


def findings_stmt(q: Query) -> Rows:
    return findings_select(q).order_by(
        Screening.as_of, Screening.created_at, Screening.id, Finding.position
    )


def case_clauses(q: Query) -> list[ColumnElement[bool]]:
    """Scope, organisation and committee for tables owned through a case."""
    view = q.organisation_view()
    return present(
        scoping.committee_id_predicate(q.principal, _CASE_COMMITTEE),
        None
        if view is None
        else scoping.committee_id_predicate(view, Case.__table__.c.committee_id),
        None if q.committee_id is None else Case.committee_id == q.committee_id,
    )


def decided_in_period(q: Query) -> list[ColumnElement[bool]]:
    f = q.filters
    return present(
        None if f.period_from is None else JavDecision.decided_on >= f.period_from,
        None if f.period_to is None else JavDecision.decided_on <= f.period_to,
    )


def decisions_stmt(q: Query) -> Rows:
    """Decisions recorded in the cases in scope, decided in the period."""
    stmt = (
        select(
            JavDecision.id,
            Case.ref,
            CommitteeOrg.ref,
            Committee.ref,
            Person.ref,
            Person.name,
            JavDecision.raised_by,
            JavDecision.decision,
            JavDecision.obviously_insignificant,
            JavDecision.decided_on,
            JavDecision.protocol_paragraph,
            JavDecision.screening_id,
            JavDecision.recorded_by_name,
            JavDecision.created_at,
            JavDecision.audit_sequence,
        )
        .join(Case, Case.id == JavDecision.case_id)
        .join(Committee, Committee.id == Case.committee_id)
        .join(CommitteeOrg, CommitteeOrg.id == Committee.organisation_id)
        .join(Person, Person.id == JavDecision.person_id)
        .where(*case_clauses(q), *decided_in_period(q))
    )
    return stmt.order_by(JavDecision.decided_on, JavDecision.id)
