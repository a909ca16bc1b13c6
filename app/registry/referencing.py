"""What still refers to a registry row by foreign key, for a refused delete (409)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import ColumnElement, Table, and_, func, select
from sqlalchemy.orm import Session

from app.db import Base

Row = dict[str, Any]


#: What `referencing` answers for the rows a limited key may not read: one entry, with no
#: type, count or ref of them (the refused delete must not describe another kommun's data).
OUTSIDE_SCOPE = "outside_scope"


def referencing(
    session: Session,
    table: Table,
    row_id: int,
    sample: int = 5,
    readable: Callable[[Table], ColumnElement[bool]] | None = None,
) -> list[Row]:
    """What still points at one row, by foreign key (own child rows, ON DELETE CASCADE, aside).

    Each entry names the referring table, how many rows refer, and a few refs: the rows'
    own refs, or for child rows without one, the refs of the parent they belong to.
    With `readable` (a key limited to some organisations: the read predicate of a table
    with refs), only rows whose owner with a ref the key reads are counted and named, and
    any others show as one `OUTSIDE_SCOPE` entry without count or refs.
    """
    found: list[Row] = []
    hidden = False
    for other in Base.metadata.sorted_tables:
        for fk in other.foreign_keys:
            if fk.column.table is not table or fk.ondelete == "CASCADE":
                continue
            where = fk.parent == row_id
            count = session.scalar(select(func.count()).select_from(other).where(where)) or 0
            if not count:
                continue
            if readable is None:
                refs = _sample_refs(session, other, where, sample)
                found.append({"type": other.name, "count": count, "refs": refs})
                continue
            seen, every, refs = _readable_owners(session, other, where, sample, readable)
            hidden = hidden or seen < every
            if seen:
                found.append({"type": other.name, "count": seen, "refs": refs})
    if hidden:
        found.append({"type": OUTSIDE_SCOPE})
    return found


def _ref_owner(table: Table, where: Any) -> tuple[Table, Any] | None:
    """The nearest table with refs that the rows `where` selects belong to (themselves, a
    parent or a grandparent), and a select of those owners' ids."""
    stmt: Any = select(table.c.id).where(where)
    current = table
    for _ in range(3):  # child row -> parent (-> grandparent, e.g. scope -> responsibility)
        if "ref" in current.c:
            return current, stmt
        owner = next((fk for fk in current.foreign_keys if fk.ondelete == "CASCADE"), None)
        if owner is None:
            return None
        stmt = select(owner.parent).where(current.c.id.in_(stmt))
        current = owner.column.table
    return None


def _readable_owners(
    session: Session,
    table: Table,
    where: Any,
    sample: int,
    readable: Callable[[Table], ColumnElement[bool]],
) -> tuple[int, int, list[str]]:
    """(owners the key reads, all owners, a few refs of the first) of the referring rows."""
    # Rows with no owner with a ref (screenings, decisions) are counted as themselves.
    owner, ids = _ref_owner(table, where) or (table, select(table.c.id).where(where))
    mine = and_(owner.c.id.in_(ids), readable(owner))
    every = session.scalar(select(func.count()).select_from(owner).where(owner.c.id.in_(ids))) or 0
    seen = session.scalar(select(func.count()).select_from(owner).where(mine)) or 0
    if "ref" not in owner.c:
        return seen, every, []
    refs = select(owner.c.ref).where(mine, owner.c.ref.is_not(None))
    return seen, every, list(session.scalars(refs.order_by(owner.c.ref).limit(sample)))


def _sample_refs(session: Session, table: Table, where: Any, sample: int) -> list[str]:
    """Refs of the referring rows, or of the nearest owning parent that has one."""
    found = _ref_owner(table, where)
    if found is None:
        return []
    owner, ids = found
    refs = select(owner.c.ref).where(owner.c.id.in_(ids), owner.c.ref.is_not(None))
    return list(session.scalars(refs.distinct().order_by(owner.c.ref).limit(sample)))
