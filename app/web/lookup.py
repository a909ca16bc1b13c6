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
