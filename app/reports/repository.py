"""Report selects. Every statement applies the key's scope and the report filters."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import ColumnElement, Select, false, select, true
from sqlalchemy.orm import Session, aliased, selectinload

from app.models import (
    Agreement,
    AgreementPrincipal,
    Committee,
    CommitteeParticipant,
    Finding,
    Organisation,
    OrganisationMember,
    Responsibility,
    ResponsibilityScope,
    Screening,
)
from app.reports.filters import ReportFilters, query_error
from app.security import scoping
from app.security.deps import Principal

CommitteeOrg = aliased(Organisation, name="committee_org")


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


def _all(*clauses: ColumnElement[bool] | None) -> list[ColumnElement[bool]]:
    return [c for c in clauses if c is not None]


def screening_clauses(q: Query) -> list[ColumnElement[bool]]:
    """Scope, organisation, committee, period (as_of) and outcome, on Screening."""
    f, view = q.filters, q.organisation_view()
    return _all(
        scoping.committee_id_predicate(q.principal, Screening.committee_id),
        None if view is None else scoping.committee_id_predicate(view, Screening.committee_id),
        None if q.committee_id is None else Screening.committee_id == q.committee_id,
        None if f.period_from is None else Screening.as_of >= f.period_from,
        None if f.period_to is None else Screening.as_of <= f.period_to,
        None if f.outcome is None else Screening.outcome == f.outcome,
    )


def finding_clauses(q: Query) -> list[ColumnElement[bool]]:
    f = q.filters
    return _all(
        Finding.ground.in_(f.grounds) if f.grounds else None,
        Finding.level.in_(f.levels) if f.levels else None,
    )


def structural_stmt(q: Query) -> Select[tuple[object, ...]]:
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


def gemensamma_namnder(session: Session, q: Query) -> Sequence[Committee]:
    view = q.organisation_view()
    stmt = select(Committee).where(
        Committee.kind == "gemensam_namnd",
        *_all(
            scoping.committee_predicate(q.principal),
            None if view is None else scoping.committee_predicate(view),
            None if q.committee_id is None else Committee.id == q.committee_id,
        ),
    )
    stmt = stmt.options(
        selectinload(Committee.organisation),
        selectinload(Committee.participants).selectinload(CommitteeParticipant.organisation),
        selectinload(Committee.responsibilities)
        .selectinload(Responsibility.scopes)
        .selectinload(ResponsibilityScope.organisation),
    )
    return session.scalars(stmt.order_by(Committee.ref)).all()


def forbund(session: Session, q: Query) -> Sequence[tuple[Organisation, list[Committee]]]:
    """Kommunalförbund with their members and the committees (direktion, ...) they have."""
    view = q.organisation_view()
    clauses = _all(
        scoping.organisation_predicate(q.principal),
        None if view is None else scoping.organisation_predicate(view),
    )
    if q.committee_id is not None:
        owner = select(Committee.organisation_id).where(Committee.id == q.committee_id)
        clauses.append(Organisation.id.in_(owner))
    stmt = (
        select(Organisation)
        .where(Organisation.kind == "kommunalforbund", *clauses)
        .options(selectinload(Organisation.members).selectinload(OrganisationMember.member))
        .order_by(Organisation.ref)
    )
    organisations = session.scalars(stmt).all()
    committees = session.scalars(
        select(Committee)
        .where(Committee.organisation_id.in_([o.id for o in organisations]))
        .options(
            selectinload(Committee.responsibilities)
            .selectinload(Responsibility.scopes)
            .selectinload(ResponsibilityScope.organisation)
        )
        .order_by(Committee.ref)
    ).all()
    return [(o, [c for c in committees if c.organisation_id == o.id]) for o in organisations]


def agreements(session: Session, q: Query) -> Sequence[Agreement]:
    """Agreements in force at some point of the period (all of them without a period)."""
    f, view = q.filters, q.organisation_view()
    if q.committee_id is not None:
        return []  # an agreement binds organisations, not a committee
    stmt = select(Agreement).where(
        *_all(
            scoping.agreement_predicate(q.principal),
            None if view is None else scoping.agreement_predicate(view),
            None
            if f.period_to is None
            else (Agreement.valid_from.is_(None) | (Agreement.valid_from <= f.period_to)),
            None
            if f.period_from is None
            else (Agreement.valid_to.is_(None) | (Agreement.valid_to >= f.period_from)),
        )
    )
    stmt = stmt.options(
        selectinload(Agreement.performer),
        selectinload(Agreement.principals).selectinload(AgreementPrincipal.organisation),
    )
    return session.scalars(stmt.order_by(Agreement.ref)).all()
