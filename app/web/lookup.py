"""Display names for the refs a page shows (people, organisations, committees, ...).

Only refs that already appear in something the key may read (a screening it can open, a
registry object in scope) are looked up here: the name adds nothing the screening's own
explanation does not already state.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Administration, Committee, Operation, Organisation, Person
from app.pagination import PageParams
from app.registry.crud import service as crud
from app.registry.crud.resources import RESOURCES
from app.security.deps import Principal

_NAMED: tuple[Any, ...] = (Person, Organisation, Committee, Administration, Operation)


def names(session: Session, refs: Iterable[str | None]) -> dict[str, str]:
    """ref -> name for every ref found among the named registry objects."""
    wanted = sorted({r for r in refs if r})
    found: dict[str, str] = {}
    if not wanted:
        return found
    for model in _NAMED:
        rows = session.execute(select(model.ref, model.name).where(model.ref.in_(wanted))).all()
        for ref, name in rows:
            found.setdefault(ref, name)
    return found


def committee_choices(session: Session, principal: Principal) -> list[tuple[str, str]]:
    """(ref, name) of the committees the key may see, for a form's "Nämnd" list."""
    listed = crud.list_objects(
        session, principal, RESOURCES["committees"], [], PageParams(limit=500, offset=0)
    )
    return [(c["ref"], c["name"]) for c in listed["items"]]
