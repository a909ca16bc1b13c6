"""A stored case, resolved, in one statement on PostgreSQL.

The ORM path (`repository.case_by_ref`, then `resolve.resolve_stored`) reads a stored
case in eight statements: the case, its three child lists, then the refs of the persons,
operations, committees and organisations they name. A screening of a stored case paid
for all eight before it read a single fact (issue 15: the screening's own round trips).
Here one statement returns the case row with each child list as a JSON array, the refs
already joined in, ordered by position as the ORM relationships are; the scope predicate
is the ORM path's own (`scoping.committee_id_predicate`). The result is the same
`ResolvedCase`, field for field (tests/cases/test_pg_read.py compares the two).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import literal_column, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnClause

from app.cases.resolve import ResolvedCase, ResolvedEarlier, ResolvedParticipant, ResolvedParty
from app.models import Case, Committee, Organisation
from app.security import scoping
from app.security.deps import Principal

# Correlated on the outer `cases` row; each element a JSON array in the order below.
_PARTIES: ColumnClause[Any] = literal_column(
    """(SELECT COALESCE(json_agg(json_build_array(
        p.role, p.person_id, pe.ref, p.organisation_id, po.ref, p.operation_id, op.ref,
        p.committee_id, pc.ref, p.name, p.orgnr, p.personnummer_hash,
        p.personnummer_masked) ORDER BY p.position), '[]'::json)
    FROM case_parties p
    LEFT JOIN persons pe ON pe.id = p.person_id
    LEFT JOIN organisations po ON po.id = p.organisation_id
    LEFT JOIN operations op ON op.id = p.operation_id
    LEFT JOIN committees pc ON pc.id = p.committee_id
    WHERE p.case_id = cases.id)"""
)
_PARTICIPANTS: ColumnClause[Any] = literal_column(
    """(SELECT COALESCE(json_agg(json_build_array(pe.ref, p.person_id, p.role)
        ORDER BY p.position), '[]'::json)
    FROM case_participants p LEFT JOIN persons pe ON pe.id = p.person_id
    WHERE p.case_id = cases.id)"""
)
_EARLIER: ColumnClause[Any] = literal_column(
    """(SELECT COALESCE(json_agg(json_build_array(
        pe.ref, e.person_id, eo.ref, e.organisation_id, ec.ref, e.committee_id, e.final)
        ORDER BY e.position), '[]'::json)
    FROM case_earlier_handling e
    LEFT JOIN persons pe ON pe.id = e.person_id
    LEFT JOIN organisations eo ON eo.id = e.organisation_id
    LEFT JOIN committees ec ON ec.id = e.committee_id
    WHERE e.case_id = cases.id)"""
)


def resolved_by_ref(session: Session, principal: Principal, ref: str) -> ResolvedCase | None:
    """The stored case named by ref, resolved, if this key sees its committee."""
    stmt = (
        select(
            Case.id,
            Case.ref,
            Case.committee_id,
            Case.area,
            Case.matter,
            Case.title,
            Case.decision_date,
            Case.version,
            Case.created_at,
            Case.updated_at,
            Committee.ref,
            Organisation.id,
            Organisation.ref,
            _PARTIES,
            _PARTICIPANTS,
            _EARLIER,
        )
        .join(Committee, Committee.id == Case.committee_id)
        .join(Organisation, Organisation.id == Committee.organisation_id)
        .where(Case.ref == ref)
    )
    stmt = scoping.apply(
        stmt, scoping.committee_id_predicate(principal, Case.__table__.c.committee_id)
    )
    row = session.execute(stmt).first()
    return None if row is None else _resolved(tuple(row))


def _known(ref: str | None, row_id: int) -> str:
    """A referenced row's ref; a row gone from under a stored case fails closed, as the
    ORM path does (its lookup raises), rather than screening the case without it. The
    foreign keys forbid it today: this holds if that ever changes."""
    if ref is None:
        raise LookupError(f"a stored case names row {row_id}, which does not exist")
    return ref


def _party(item: list[Any]) -> ResolvedParty:
    role, person, person_ref, org, org_ref, op, op_ref, committee, committee_ref = item[:9]
    if person:
        return ResolvedParty(role, "person", _known(person_ref, person), person)
    if org:
        return ResolvedParty(role, "organisation", _known(org_ref, org), org)
    if op:
        return ResolvedParty(role, "operation", _known(op_ref, op), op)
    if committee:
        return ResolvedParty(role, "committee", _known(committee_ref, committee), committee)
    name, orgnr, pnr_hash, pnr_masked = item[9:]
    return ResolvedParty(
        role,
        "unregistered",
        name=name,
        orgnr=orgnr,
        personnummer_hash=pnr_hash,
        personnummer_masked=pnr_masked,
    )


def _resolved(row: tuple[Any, ...]) -> ResolvedCase:
    (case_id, ref, committee_id, area, matter, title, decision_date, version, created_at,
     updated_at, committee_ref, org_id, org_ref, parties, participants, earlier) = row  # fmt: skip
    day: date | None = decision_date
    return ResolvedCase(
        ref=ref,
        committee_ref=committee_ref,
        committee_id=committee_id,
        organisation_ref=org_ref,
        organisation_id=org_id,
        matter=matter,
        area=area,
        title=title,
        decision_date=day,
        parties=tuple(_party(p) for p in parties),
        earlier_handling=tuple(
            ResolvedEarlier(
                _known(person_ref, person_id),
                person_id,
                _known(o_ref, o_id) if o_id else None,
                o_id,
                _known(c_ref, c_id) if c_id else None,
                c_id,
                final,
            )
            for person_ref, person_id, o_ref, o_id, c_ref, c_id, final in earlier
        ),
        participants=tuple(
            ResolvedParticipant(_known(person_ref, person_id), person_id, role)
            for person_ref, person_id, role in participants
        ),
        case_id=case_id,
        stored={"version": version, "created_at": created_at, "updated_at": updated_at},
    )
