"""Report selects of the summary report: screenings, findings and decisions counted per
committee and ground. Built on the rows of `app.reports.repository.findings_select`."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, and_, case, distinct, exists, func, literal, or_, select

from app.decisions.repository import FLAG_LEVELS
from app.models import Case, Committee, JavDecision, Screening
from app.reports.repository import (
    CommitteeOrg,
    Query,
    Rows,
    case_clauses,
    decided_in_period,
    findings_select,
    present,
)
from app.security import scoping


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
        .where(*case_clauses(q), *decided_in_period(q))
        .group_by(Case.committee_id)
        .subquery()
    )
    unscreened = _unscreened_cases(q)
    view = q.organisation_view()
    committees = select(Committee.id).where(
        *present(
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
            *present(
                Case.decision_date.is_not(None),
                None if f.period_from is None else Case.decision_date >= f.period_from,
                None if f.period_to is None else Case.decision_date <= f.period_to,
            )
        )
    recorded = exists().where(JavDecision.case_id == Case.id, *decided_in_period(q))
    screened = exists().where(
        or_(
            Screening.case_id == Case.id,
            and_(Screening.case_id.is_(None), Screening.case_ref == Case.ref),
        )
    )
    return (
        select(Case.committee_id.label("committee_id"), func.count(Case.id).label("cases"))
        .where(or_(dated, recorded), ~screened, *case_clauses(q))
        .group_by(Case.committee_id)
        .subquery()
    )
