"""Decision selects, and the one definition of "a decision settles a finding"."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, exists, or_, select
from sqlalchemy.orm import Session

from app.decisions.schemas import DecisionAuditRef
from app.models import AuditEntry, Case, CaseParticipant, Finding, JavDecision, Person, Screening
from app.security import scoping
from app.security.deps import Principal

FLAG_LEVELS = ("jav", "mojligt_jav")


def settles(
    decision_screening_id: Any, decision_case_id: Any, screening_id: Any, screening_case_id: Any
) -> ColumnElement[bool]:
    """A decision settles a finding of the same person when it is linked to the finding's
    screening, or, without a link, when it was recorded in the screening's case."""
    return or_(
        decision_screening_id == screening_id,
        and_(decision_screening_id.is_(None), decision_case_id == screening_case_id),
    )


def settling_decisions() -> Select[int]:
    """Decisions settling the Finding/Screening of the enclosing query (correlated)."""
    return (
        select(JavDecision.id)
        .join(Person, Person.id == JavDecision.person_id)
        .where(
            Person.ref == Finding.person_ref,
            settles(JavDecision.screening_id, JavDecision.case_id, Screening.id, Screening.case_id),
        )
        .correlate(Finding, Screening)
    )


def person_by_ref(session: Session, ref: str) -> Person | None:
    return session.scalars(select(Person).where(Person.ref == ref)).first()


def person_visible(session: Session, principal: Principal, person_id: int) -> bool:
    predicate = scoping.person_id_predicate(principal, Person.__table__.c.id)
    if predicate is None:
        return True
    return session.scalar(select(Person.id).where(Person.id == person_id, predicate)) is not None


def person_in_case(session: Session, person_id: int, case: Case) -> bool:
    """The person took part in the case, or a screening of it found something about them."""
    person_ref = select(Person.ref).where(Person.id == person_id).scalar_subquery()
    participant = exists().where(
        CaseParticipant.case_id == case.id, CaseParticipant.person_id == person_id
    )
    found = exists().where(
        Finding.screening_id == Screening.id,
        Screening.case_id == case.id,
        Finding.person_ref == person_ref,
    )
    return bool(session.scalar(select(or_(participant, found))))


def of_case(case_id: Any, case_ref: Any, committee_id: Any) -> ColumnElement[bool]:
    """Screenings of a stored case: of the case itself, or inline under the same ref in
    the same committee (another kommun's inline screening may carry the same ref). The
    arguments are a case's values, or `Case`'s columns for a correlated subquery."""
    return or_(
        Screening.case_id == case_id,
        and_(
            Screening.case_id.is_(None),
            Screening.case_ref == case_ref,
            Screening.committee_id == committee_id,
        ),
    )


def screening_of_case(session: Session, screening_id: str, case: Case) -> Screening | None:
    """The screening, if it screened this case (`of_case`)."""
    return session.scalars(
        select(Screening).where(
            Screening.id == screening_id, of_case(case.id, case.ref, case.committee_id)
        )
    ).first()


def case_decisions_stmt(case_id: int) -> Select[JavDecision]:
    return select(JavDecision).where(JavDecision.case_id == case_id).order_by(JavDecision.id)


def person_decisions_stmt(principal: Principal, person_id: int) -> Select[JavDecision]:
    """The person's decisions in cases the key can see."""
    stmt = select(JavDecision).where(JavDecision.person_id == person_id)
    visible_cases = scoping.apply(
        select(Case.id), scoping.committee_id_predicate(principal, Case.__table__.c.committee_id)
    )
    if principal.scoped:
        stmt = stmt.where(JavDecision.case_id.in_(visible_cases))
    return stmt.order_by(JavDecision.id)


def audit_refs(session: Session, entry_ids: Iterable[int | None]) -> dict[int, DecisionAuditRef]:
    """Entry id (the decision's audit_sequence column) -> its id, chain, sequence, hash."""
    wanted = sorted({s for s in entry_ids if s is not None})
    rows = session.execute(
        select(AuditEntry.id, AuditEntry.chain_id, AuditEntry.sequence, AuditEntry.hash).where(
            AuditEntry.id.in_(wanted)
        )
    )
    return {
        entry_id: DecisionAuditRef(id=entry_id, chain=chain_id, sequence=sequence, hash=digest)
        for entry_id, chain_id, sequence, digest in rows
    }


def settled_findings(
    session: Session, decisions: Sequence[JavDecision], person_refs: dict[int, str]
) -> dict[int, list[tuple[str, str, str, str | None]]]:
    """decision id -> (screening, ground, level, rule) of the flags it settles (one select)."""
    out: dict[int, list[tuple[str, str, str, str | None]]] = {d.id: [] for d in decisions}
    if not decisions:
        return out
    linked = {d.screening_id for d in decisions if d.screening_id}
    unlinked_cases = {d.case_id for d in decisions if not d.screening_id}
    rows = session.execute(
        select(
            Screening.id,
            Screening.case_id,
            Finding.person_ref,
            Finding.ground,
            Finding.level,
            Finding.rule,
        )
        .join(Finding, Finding.screening_id == Screening.id)
        .where(
            Finding.structural.is_(False),
            Finding.level.in_(FLAG_LEVELS),
            Finding.person_ref.in_(sorted(set(person_refs.values()))),
            or_(Screening.id.in_(sorted(linked)), Screening.case_id.in_(sorted(unlinked_cases))),
        )
        .order_by(Screening.created_at, Screening.id, Finding.position)
    ).all()
    for d in decisions:
        person = person_refs[d.person_id]
        out[d.id] = [
            (sid, ground, level, rule)
            for sid, case_id, ref, ground, level, rule in rows
            if ref == person and (sid == d.screening_id if d.screening_id else case_id == d.case_id)
        ]
    return out
