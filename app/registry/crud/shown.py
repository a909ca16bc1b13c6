"""What a limited key is shown of a registry object it reads: the refs it names that the
key reads too (a shared förening's members)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Organisation
from app.registry.crud.resources import Resource
from app.security.deps import Principal


def shown(
    session: Session, principal: Principal, res: Resource, outs: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """What a limited key is shown: an organisation it reads (a förening is shared) names
    only the members it reads too. Before run Q a förening's `members` named another
    kommun's company that answered 404, which told the key it existed. Only answers are
    cut: a PATCH merges into the stored row, which keeps every member."""
    if principal.organisation_refs is None or res.section != "organisations":
        return outs
    named = {m for out in outs for m in out["members"]}
    if not named:
        return outs
    stmt = select(Organisation.ref).where(Organisation.ref.in_(sorted(named)))
    predicate = res.scope(principal)
    readable = set(session.scalars(stmt if predicate is None else stmt.where(predicate)))
    return [{**out, "members": [m for m in out["members"] if m in readable]} for out in outs]
