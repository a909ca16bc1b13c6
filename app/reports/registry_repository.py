"""Report selects over the registry itself: organisations, committees and agreements
(the structural and samverkan reports). Scope and filters as in `app.reports.repository`."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from app.models import (
    Agreement,
    AgreementPrincipal,
    Committee,
    CommitteeParticipant,
    Organisation,
    OrganisationMember,
    Responsibility,
    ResponsibilityScope,
)
from app.reports.repository import Query, present
from app.security import scoping


def member_organisation_refs(session: Session, q: Query) -> list[str]:
    """Whose registry the engine's organisation report runs over: the organisation filter,
    else the key's own organisations, else every kommun and region."""
    if q.filters.organisation is not None:
        return [q.filters.organisation]
    if q.principal.organisation_refs is not None:
        return sorted(q.principal.organisation_refs)
    stmt = select(Organisation.ref).where(Organisation.kind.in_(("kommun", "region")))
    return list(session.scalars(stmt.order_by(Organisation.ref)))


def committee_organisations(session: Session, refs: set[str]) -> dict[str, str]:
    """committee ref -> the ref of the organisation it belongs to."""
    rows = session.execute(
        select(Committee.ref, Organisation.ref)
        .join(Organisation, Organisation.id == Committee.organisation_id)
        .where(Committee.ref.in_(sorted(refs)))
    )
    return dict(rows.all())


def gemensamma_namnder(session: Session, q: Query) -> Sequence[Committee]:
    view = q.organisation_view()
    stmt = select(Committee).where(
        Committee.kind == "gemensam_namnd",
        *present(
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
    clauses = present(
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
        *present(
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
