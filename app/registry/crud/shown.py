"""What a limited key is shown of a registry object it reads: the refs it names that the
key reads too (a shared förening's members)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from app.models import Organisation
from app.registry.crud.resources import Resource
from app.registry.scope import refs_where
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
    predicate = res.scope(principal)
    assert predicate is not None  # noqa: S101 - a limited key
    readable = refs_where(session, Organisation, predicate, named)
    return [{**out, "members": [m for m in out["members"] if m in readable]} for out in outs]
