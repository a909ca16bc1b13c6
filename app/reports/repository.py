"""Report selects. Every statement applies the key's scope and the report filters."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Select,
    and_,
    case,
    distinct,
    exists,
    false,
    func,
    literal,
    or_,
    select,
    true,
)
from sqlalchemy.orm import Session, aliased, selectinload

from app.decisions import repository as decisions_repo
from app.decisions.repository import FLAG_LEVELS
from app.errors import query_error
from app.models import (
    Agreement,
    AgreementPrincipal,
    Case,
    Committee,
    CommitteeParticipant,
    Finding,
    JavDecision,
    Organisation,
    OrganisationMember,
    Person,
    Responsibility,
    ResponsibilityScope,
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


def _all(*clauses: ColumnElement[bool] | None) -> list[ColumnElement[bool]]:
    return [c for c in clauses if c is not None]


def screening_clauses(q: Query) -> list[ColumnElement[bool]]:
    """Scope, organisation, committee, period (as_of) and outcome, on Screening."""
    f, view = q.filters, q.organisation_view()
    return _all(
        scoping.committee_id_predicate(q.principal, _SCREENING_COMMITTEE),
        None if view is None else scoping.committee_id_predicate(view, _SCREENING_COMMITTEE),
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


def _case_clauses(q: Query) -> list[ColumnElement[bool]]:
    """Scope, organisation and committee for tables owned through a case."""
    view = q.organisation_view()
    return _all(
        scoping.committee_id_predicate(q.principal, _CASE_COMMITTEE),
        None
        if view is None
        else scoping.committee_id_predicate(view, Case.__table__.c.committee_id),
        None if q.committee_id is None else Case.committee_id == q.committee_id,
    )


def _decided_in_period(q: Query) -> list[ColumnElement[bool]]:
    f = q.filters
    return _all(
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
        .where(*_case_clauses(q), *_decided_in_period(q))
    )
    return stmt.order_by(JavDecision.decided_on, JavDecision.id)


def _flag(rows: Any, *conditions: ColumnElement[bool]) -> Any:
    return func.coalesce(
        func.sum(
            case(
                (and_(rows.c.structural.is_(False), rows.c.level.in_(FLAG_LEVELS), *conditions), 1),
                else_=0,
            )
        ),
        0,
    )


def _level(rows: Any, level: str) -> Any:
    return func.coalesce(func.sum(case((rows.c.level == level, 1), else_=0)), 0)


def grounds_summary_stmt(q: Query) -> Rows:
    """Per committee and ground: screenings, findings by level, decided and unresolved."""
    rows = findings_select(q).subquery()
    return (
        select(
            rows.c.organisation,
            rows.c.committee,
            rows.c.ground,
            func.count(distinct(rows.c.screening)),
            _level(rows, "jav"),
            _level(rows, "mojligt_jav"),
            _level(rows, "undantag"),
            _level(rows, "risk"),
            _flag(rows, rows.c.decision == "jav"),
            _flag(rows, rows.c.decision == "ej_jav"),
            _flag(rows, rows.c.decision_id.is_(None)),
        )
        .where(rows.c.ground.is_not(None))
        .group_by(rows.c.organisation, rows.c.committee, rows.c.ground)
        .order_by(rows.c.organisation, rows.c.committee, rows.c.ground)
    )


def committees_summary_stmt(q: Query) -> Rows:
    """Per committee: screenings and findings (filtered like report a), decisions recorded
    in the period, and cases decided without any screening on record."""
    rows = findings_select(q).subquery()
    screened = (
        select(
            rows.c.committee_id.label("committee_id"),
            func.count(distinct(rows.c.screening)).label("screenings"),
            func.count(distinct(case((rows.c.outcome == "flagged", rows.c.screening)))).label(
                "flagged"
            ),
            func.count(distinct(case((rows.c.outcome == "clear", rows.c.screening)))).label(
                "clear"
            ),
            _level(rows, "jav").label("jav"),
            _level(rows, "mojligt_jav").label("mojligt_jav"),
            _level(rows, "undantag").label("undantag"),
            _level(rows, "risk").label("risk"),
            _flag(rows, rows.c.decision_id.is_(None)).label("unresolved"),
        )
        .group_by(rows.c.committee_id)
        .subquery()
    )
    decided = (
        select(
            Case.committee_id.label("committee_id"),
            func.sum(case((JavDecision.decision == "jav", 1), else_=0)).label("jav"),
            func.sum(case((JavDecision.decision == "ej_jav", 1), else_=0)).label("ej_jav"),
            func.sum(case((JavDecision.obviously_insignificant.is_(True), 1), else_=0)).label("oi"),
        )
        .join(Case, Case.id == JavDecision.case_id)
        .where(*_case_clauses(q), *_decided_in_period(q))
        .group_by(Case.committee_id)
        .subquery()
    )
    unscreened = _unscreened_cases(q)
    view = q.organisation_view()
    committees = select(Committee.id).where(
        *_all(
            scoping.committee_predicate(q.principal),
            None if view is None else scoping.committee_predicate(view),
            None if q.committee_id is None else Committee.id == q.committee_id,
        )
    )
    zero = literal(0)
    return (
        select(
            CommitteeOrg.ref,
            Committee.ref,
            Committee.name,
            func.coalesce(screened.c.screenings, zero),
            func.coalesce(screened.c.flagged, zero),
            func.coalesce(screened.c.clear, zero),
            func.coalesce(screened.c.jav, zero),
            func.coalesce(screened.c.mojligt_jav, zero),
            func.coalesce(screened.c.undantag, zero),
            func.coalesce(screened.c.risk, zero),
            func.coalesce(decided.c.jav, zero),
            func.coalesce(decided.c.ej_jav, zero),
            func.coalesce(decided.c.oi, zero),
            func.coalesce(screened.c.unresolved, zero),
            func.coalesce(unscreened.c.cases, zero),
        )
        .select_from(Committee)
        .join(CommitteeOrg, CommitteeOrg.id == Committee.organisation_id)
        .outerjoin(screened, screened.c.committee_id == Committee.id)
        .outerjoin(decided, decided.c.committee_id == Committee.id)
        .outerjoin(unscreened, unscreened.c.committee_id == Committee.id)
        .where(
            Committee.id.in_(committees),
            or_(
                screened.c.committee_id.is_not(None),
                decided.c.committee_id.is_not(None),
                unscreened.c.committee_id.is_not(None),
            ),
        )
        .order_by(CommitteeOrg.ref, Committee.ref)
    )


def _unscreened_cases(q: Query) -> Any:
    """Cases decided (decision_date in the period, or a jäv decision recorded in it) with
    no screening on record, counted per committee."""
    f = q.filters
    if f.period_from is None and f.period_to is None:
        dated: ColumnElement[bool] = Case.decision_date.is_not(None)
    else:
        dated = and_(
            *_all(
                Case.decision_date.is_not(None),
                None if f.period_from is None else Case.decision_date >= f.period_from,
                None if f.period_to is None else Case.decision_date <= f.period_to,
            )
        )
    recorded = exists().where(JavDecision.case_id == Case.id, *_decided_in_period(q))
    screened = exists().where(
        or_(
            Screening.case_id == Case.id,
            and_(Screening.case_id.is_(None), Screening.case_ref == Case.ref),
        )
    )
    return (
        select(Case.committee_id.label("committee_id"), func.count(Case.id).label("cases"))
        .where(or_(dated, recorded), ~screened, *_case_clauses(q))
        .group_by(Case.committee_id)
        .subquery()
    )
