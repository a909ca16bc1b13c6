"""Selects for cases and the registry references a case makes."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from sqlalchemy import Select, false, select
from sqlalchemy.orm import Session, selectinload

from app.models import Case, Committee, CustomArea, Organisation, Person
from app.security import scoping
from app.security.deps import Principal

# The column itself (a ColumnElement), as the scoping predicates expect.
_CASE_COMMITTEE = Case.__table__.c.committee_id
_PERSON_ID = Person.__table__.c.id


def _in(column: Any, values: Iterable[Any]) -> Any:
    """`column IN (values)`, or a constant false that reads no row (still one statement)."""
    wanted = sorted(set(values))
    return column.in_(wanted) if wanted else false()


def ids_by_ref(session: Session, model: Any, refs: Iterable[str]) -> dict[str, int]:
    """ref -> id for the refs that exist (one statement, also for an empty list)."""
    rows = session.execute(select(model.ref, model.id).where(_in(model.ref, refs))).all()
    return {ref: id_ for ref, id_ in rows}


def refs_by_id(session: Session, model: Any, ids: Iterable[int]) -> dict[int, str]:
    """id -> ref (one statement, also for an empty list)."""
    rows = session.execute(select(model.id, model.ref).where(_in(model.id, ids))).all()
    return {id_: ref for id_, ref in rows}


def committees_by_ref(session: Session, refs: Iterable[str]) -> dict[str, tuple[int, int, str]]:
    """committee ref -> (committee id, organisation id, organisation ref)."""
    rows = session.execute(
        select(Committee.ref, Committee.id, Organisation.id, Organisation.ref)
        .join(Organisation, Organisation.id == Committee.organisation_id)
        .where(_in(Committee.ref, refs))
    ).all()
    return {ref: (cid, oid, oref) for ref, cid, oid, oref in rows}


def committee_rows_by_id(session: Session, ids: Iterable[int]) -> dict[int, tuple[str, int]]:
    """committee id -> (ref, organisation id)."""
    rows = session.execute(
        select(Committee.id, Committee.ref, Committee.organisation_id).where(_in(Committee.id, ids))
    ).all()
    return {cid: (ref, oid) for cid, ref, oid in rows}


def committee_in_scope(session: Session, principal: Principal, committee_id: int) -> bool:
    predicate = scoping.committee_predicate(principal)
    if predicate is None:
        return True
    found = session.scalar(select(Committee.id).where(Committee.id == committee_id, predicate))
    return found is not None


def persons_out_of_scope(
    session: Session, principal: Principal, person_ids: Iterable[int]
) -> set[int]:
    """The persons a limited key does not see (appointed nowhere in its organisations)."""
    wanted = set(person_ids)
    predicate = scoping.person_id_predicate(principal, _PERSON_ID)
    if predicate is None or not wanted:
        return set()
    visible = session.scalars(select(Person.id).where(_in(Person.id, wanted), predicate))
    return wanted - set(visible)


def custom_area_exists(session: Session, code: str) -> bool:
    return session.get(CustomArea, code) is not None


def _with_children(stmt: Select[Case]) -> Select[Case]:
    return stmt.options(
        selectinload(Case.parties),
        selectinload(Case.participants),
        selectinload(Case.earlier_handling),
    )


def case_by_ref(session: Session, principal: Principal, ref: str) -> Case | None:
    """The case with its parties, participants and earlier handling, if in scope."""
    stmt = _with_children(select(Case).where(Case.ref == ref))
    stmt = scoping.apply(stmt, scoping.committee_id_predicate(principal, _CASE_COMMITTEE))
    return session.scalars(stmt).first()


def case_exists(session: Session, ref: str) -> bool:
    return session.scalar(select(Case.id).where(Case.ref == ref)) is not None


def list_cases_stmt(
    principal: Principal,
    *,
    committee_id: int | None,
    matter: str | None,
    decided_from: date | None,
    decided_to: date | None,
) -> Select[Case]:
    stmt = _with_children(select(Case))
    if committee_id is not None:
        stmt = stmt.where(Case.committee_id == committee_id)
    if matter is not None:
        stmt = stmt.where(Case.matter == matter)
    if decided_from is not None:
        stmt = stmt.where(Case.decision_date >= decided_from)
    if decided_to is not None:
        stmt = stmt.where(Case.decision_date <= decided_to)
    stmt = scoping.apply(stmt, scoping.committee_id_predicate(principal, _CASE_COMMITTEE))
    return stmt.order_by(Case.id)
