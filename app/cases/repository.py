"""Selects for cases and the registry references a case makes."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from sqlalchemy import (
    BigInteger,
    Select,
    String,
    cast,
    false,
    literal_column,
    null,
    select,
    text,
    union_all,
)
from sqlalchemy.orm import Session, selectinload

from app.models import (
    Case,
    Committee,
    CommitteeParticipant,
    CustomArea,
    Operation,
    Organisation,
    Person,
)
from app.screening.sql import in_values
from app.security import scoping
from app.security.deps import Principal

# The column itself (a ColumnElement), as the scoping predicates expect.
_CASE_COMMITTEE = Case.__table__.c.committee_id


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


# `references` on PostgreSQL: a constant text with one array parameter per kind (an empty
# array reads nothing), so nothing is built, keyed or compiled per case. The committee's
# organisation is read by a subquery per committee, not a JOIN: one index probe each,
# whatever the plan. Under a generic plan (which the service's connections used for every
# statement until run I) the JOIN was a merge join that walked the organisations' primary
# key up to the committee's organisation: 20-30 ms for a kommun imported after the
# national registry (tests/cases/test_pg_plans.py).
PG_REFERENCES = text(
    """
SELECT 'person' AS kind, ref, id, CAST(NULL AS bigint) AS org_id, CAST(NULL AS varchar) AS org_ref
FROM persons WHERE ref = ANY (CAST(:persons AS varchar[]))
UNION ALL
SELECT 'organisation', ref, id, NULL, NULL
FROM organisations WHERE ref = ANY (CAST(:organisations AS varchar[]))
UNION ALL
SELECT 'operation', ref, id, NULL, NULL
FROM operations WHERE ref = ANY (CAST(:operations AS varchar[]))
UNION ALL
SELECT 'committee', c.ref, c.id, c.organisation_id,
       (SELECT o.ref FROM organisations o WHERE o.id = c.organisation_id)
FROM committees c
WHERE c.ref = ANY (CAST(:committees AS varchar[]))
"""
)


def references(
    session: Session,
    persons: Iterable[str],
    organisations: Iterable[str],
    operations: Iterable[str],
    committees: Iterable[str],
) -> dict[str, dict[str, Any]]:
    """`ids_by_ref` of persons, organisations and operations and `committees_by_ref`, in
    ONE statement (a UNION ALL; a kind with no refs is left out of it): kind -> ref ->
    id, and for committees ref -> (committee id, organisation id, organisation ref)."""
    if session.get_bind().dialect.name == "postgresql":
        params = {
            "persons": sorted(set(persons)),
            "organisations": sorted(set(organisations)),
            "operations": sorted(set(operations)),
            "committees": sorted(set(committees)),
        }
        return _by_kind(session.execute(PG_REFERENCES, params))
    return _by_kind(
        session.execute(built_references(persons, organisations, operations, committees))
    )


def _by_kind(rows: Iterable[Any]) -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = {
        "person": {}, "organisation": {}, "operation": {}, "committee": {},
    }  # fmt: skip
    for kind, ref, id_, org_id, org_ref in rows:
        found[kind][ref] = (id_, org_id, org_ref) if kind == "committee" else id_
    return found


def built_references(
    persons: Iterable[str],
    organisations: Iterable[str],
    operations: Iterable[str],
    committees: Iterable[str],
) -> Any:
    """`references`' statement built with SQLAlchemy (SQLite's)."""
    parts: list[Select[str, str, int, int, str]] = []
    for kind, model, refs in (
        ("person", Person, persons),
        ("organisation", Organisation, organisations),
        ("operation", Operation, operations),
    ):
        wanted = sorted(set(refs))
        if wanted:
            parts.append(
                select(
                    literal_column(f"'{kind}'", String).label("kind"), model.ref, model.id,
                    cast(null(), BigInteger).label("org_id"),
                    cast(null(), String).label("org_ref"),
                ).where(in_values(model.ref, wanted))
            )  # fmt: skip
    parts.append(
        select(
            literal_column("'committee'", String).label("kind"), Committee.ref, Committee.id,
            Organisation.id, Organisation.ref,
        )
        .join(Organisation, Organisation.id == Committee.organisation_id)
        .where(in_values(Committee.ref, committees))
    )  # fmt: skip
    return union_all(*parts)


def committee_rows_by_id(session: Session, ids: Iterable[int]) -> dict[int, tuple[str, int]]:
    """committee id -> (ref, organisation id)."""
    rows = session.execute(
        select(Committee.id, Committee.ref, Committee.organisation_id).where(_in(Committee.id, ids))
    ).all()
    return {cid: (ref, oid) for cid, ref, oid in rows}


def committee_organisation_refs(session: Session, committee_id: int) -> frozenset[str]:
    """The organisation of a committee and, for a gemensam nämnd, its participants."""
    own = select(Organisation.ref).join(Committee, Committee.organisation_id == Organisation.id)
    shared = select(Organisation.ref).join(
        CommitteeParticipant, CommitteeParticipant.organisation_id == Organisation.id
    )
    rows = session.scalars(
        own.where(Committee.id == committee_id).union(
            shared.where(CommitteeParticipant.committee_id == committee_id)
        )
    )
    return frozenset(rows)


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


def case_in_scope(session: Session, principal: Principal, ref: str) -> bool:
    """Whether the case of this ref is one the key reads (its committee in scope)."""
    stmt = scoping.apply(
        select(Case.id).where(Case.ref == ref),
        scoping.committee_id_predicate(principal, Case.__table__.c.committee_id),
    )
    return session.scalar(stmt) is not None


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
