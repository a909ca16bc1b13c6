"""Which organisations an audit entry of a write to a person or a person's row belongs to.

A write to a person's appointment, interest or relation names the person, and the entry
used to belong to every organisation the person is appointed in: so when one person sits
in two kommuner, each kommun's auditor read the other's appointment, company or relation
in full (review of run L), rows that its registry reads answer 404 for; and a kommun that
only appointed a person (`appointed_by`) read the writes to the person itself.

An entry belonging to organisation X is read by every key whose organisations see X
(`scoping.audit_entry_predicate`): X's own, the members of X (a förbund), X's owners and
their owners. So X is kept only when a key limited to each of those reads the row
(`scoping.organisation_view` with the resource's read predicate); an entry that no
organisation may have is read by unlimited keys only. An update is kept for those that
read the row both before and after it (its `changes` show both).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Organisation, OrganisationMember, OrganisationOwner
from app.registry.crud.resources import Resource
from app.registry.repository import in_values
from app.security import scope_sets
from app.security.scoping import organisation_view

#: A person and the sections whose rows belong to one: their entries reach kommuner through
#: the person (those that appointed them too, whose keys may not read them).
PERSON_ROWS = frozenset({"persons", "appointments", "interests", "relations"})


def _pairs(session: Session, key: Any, value: Any, keys: set[int]) -> list[tuple[Any, Any]]:
    """(key, value) rows for `keys`, in chunks a statement can bind (`in_values`)."""
    return [
        (k, v)
        for where in in_values(session, key, keys)
        for k, v in session.execute(select(key, value).where(where))
    ]


def readers_of(session: Session, organisations: set[int]) -> dict[int, set[int]]:
    """Per organisation X, the organisations whose keys read what belongs to X (the
    inverse of `scope_sets.visible_organisation_ids`)."""
    audience = {x: {x} for x in organisations}
    for x, member in _pairs(
        session, OrganisationMember.organisation_id, OrganisationMember.member_id, organisations
    ):
        audience[x].add(member)
    # Up the ownership chain, a level at a time, as far as a key's scope follows it down
    # (`scope_sets.owned_below`, `MAX_OWNERSHIP_DEPTH` levels).
    # `below[o]`: the organisations X whose owners' owners are still to be read through o.
    below: dict[int, set[int]] = {x: {x} for x in organisations}
    passed: dict[int, set[int]] = {}
    for _level in range(scope_sets.MAX_OWNERSHIP_DEPTH):
        if not below:
            break
        for node, xs in below.items():
            passed.setdefault(node, set()).update(xs)
        above: dict[int, set[int]] = {}
        for owned, owner in _pairs(
            session, OrganisationOwner.organisation_id, OrganisationOwner.owner_id, set(below)
        ):
            for x in below[owned]:
                audience[x].add(owner)
            # An ownership cycle ends here: nothing new goes through an owner twice.
            if new := below[owned] - passed.get(owner, set()):
                above.setdefault(owner, set()).update(new)
        below = above
    return audience


def _reads(session: Session, res: Resource, row_id: int, organisation_ids: set[int]) -> set[int]:
    """Those of `organisation_ids` whose view reads the row as it stands."""
    refs = _pairs(session, Organisation.id, Organisation.ref, organisation_ids)
    found: set[int] = set()
    for organisation_id, ref in refs:
        predicate = res.scope(organisation_view(ref))
        stmt = select(res.model.id).where(res.model.id == row_id)
        if session.scalar(stmt if predicate is None else stmt.where(predicate)) is not None:
            found.add(organisation_id)
    return found


def readers(session: Session, res: Resource, row_id: int, organisations: set[int]) -> set[int]:
    """Those of `organisations` whose whole audience reads the row (all of them for the
    rows of other sections)."""
    if res.section not in PERSON_ROWS or not organisations:
        return organisations
    audience = readers_of(session, organisations)
    reads = _reads(session, res, row_id, set().union(*audience.values()))
    return {x for x in organisations if audience[x] <= reads}
