"""Which organisations an audit entry of a write to a person's row belongs to.

A write to a person's appointment, interest or relation names the person, and the entry
used to belong to every organisation the person is appointed in: so when one person sits
in two kommuner, each kommun's auditor read the other's appointment, company or relation
in full (review of run L), rows that its registry reads answer 404 for. An organisation
now gets such an entry only when a key limited to it reads the row
(`scoping.organisation_view` with the resource's read predicate), as the row stands when
the entry is written: after a create or an update, before a delete.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Organisation
from app.registry.crud.resources import Resource
from app.security.scoping import organisation_view

#: The sections whose rows belong to a person, and so reached kommuner through the person.
PERSON_ROWS = frozenset({"appointments", "interests", "relations"})


def readers(session: Session, res: Resource, row_id: int, organisations: set[int]) -> set[int]:
    """Those of `organisations` whose view reads the row (all of them for other rows)."""
    if res.section not in PERSON_ROWS or not organisations:
        return organisations
    refs = session.execute(
        select(Organisation.id, Organisation.ref).where(Organisation.id.in_(sorted(organisations)))
    ).all()
    kept: set[int] = set()
    for organisation_id, ref in refs:
        predicate = res.scope(organisation_view(ref))
        stmt = select(res.model.id).where(res.model.id == row_id)
        if session.scalar(stmt if predicate is None else stmt.where(predicate)) is not None:
            kept.add(organisation_id)
    return kept
