"""Keeps the name index (`name_tokens`) in step with person and organisation names.

Two session listeners cover every way the application writes those rows:

* `after_flush`: Person/Organisation objects inserted, or renamed, through the ORM unit
  of work;
* `do_orm_execute`: INSERT/UPDATE statements on the `persons` / `organisations` tables run
  through `Session.execute` (the import writes in bulk that way). The rows touched are
  found by the `ref` / `id` in the statement's parameters and re-indexed from their
  stored names after the statement ran.

Both write in the caller's transaction, so the index commits or rolls back with the
names. Deleted owners cascade away in the database. Registering the listeners is a side
effect of importing this module, which `app.screening` does.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy import Table, delete, event, insert, inspect, or_, select
from sqlalchemy.engine import Result
from sqlalchemy.orm import ORMExecuteState, Session

from app.models import NameToken, Organisation, Person
from app.models.name_index import TOKEN_LENGTH
from app.screening.names import index_tokens

logger = logging.getLogger(__name__)

INDEXED_TABLES: dict[str, type[Person] | type[Organisation]] = {
    "persons": Person, "organisations": Organisation,
}
_REF_KEYS = ("ref", "b_ref")
_ID_KEYS = ("id", "b_id")
_NAME_KEYS = ("name", "b_name")


def token_rows(
    persons: Iterable[tuple[int, str]], organisations: Iterable[tuple[int, str]]
) -> list[dict[str, Any]]:
    """Index rows for (id, name) pairs of persons and organisations."""
    rows: list[dict[str, Any]] = []
    for person_id, name in persons:
        rows.extend(
            {"token": t[:TOKEN_LENGTH], "person_id": person_id, "organisation_id": None}
            for t in sorted(index_tokens(name))
        )
    for org_id, name in organisations:
        rows.extend(
            {"token": t[:TOKEN_LENGTH], "person_id": None, "organisation_id": org_id}
            for t in sorted(index_tokens(name))
        )
    return rows


def reindex(
    session: Session,
    persons: Iterable[tuple[int, str]] = (),
    organisations: Iterable[tuple[int, str]] = (),
) -> None:
    """Replace the index rows of the given persons and organisations (ids and names)."""
    persons, organisations = list(persons), list(organisations)
    person_ids = [p for p, _ in persons]
    org_ids = [o for o, _ in organisations]
    if not person_ids and not org_ids:
        return
    connection = session.connection()
    connection.execute(
        delete(NameToken).where(
            or_(NameToken.person_id.in_(person_ids), NameToken.organisation_id.in_(org_ids))
        )
    )
    rows = token_rows(persons, organisations)
    if rows:
        connection.execute(insert(NameToken), rows)


def rebuild(session: Session) -> None:
    """Re-index every person and organisation (repair tool; reads the whole registry)."""
    session.connection().execute(delete(NameToken))
    persons = session.execute(select(Person.id, Person.name)).all()
    orgs = session.execute(select(Organisation.id, Organisation.name)).all()
    rows = token_rows(persons, orgs)
    if rows:
        session.connection().execute(insert(NameToken), rows)


def _name_changed(obj: Any) -> bool:
    return bool(inspect(obj).attrs.name.history.has_changes())


@event.listens_for(Session, "after_flush")
def _index_flushed(session: Session, _context: Any) -> None:
    changed = [o for o in session.new if isinstance(o, Person | Organisation)]
    changed += [
        o for o in session.dirty if isinstance(o, Person | Organisation) and _name_changed(o)
    ]
    if not changed:
        return
    persons = [(o.id, o.name) for o in changed if isinstance(o, Person)]
    organisations = [(o.id, o.name) for o in changed if isinstance(o, Organisation)]
    reindex(session, persons, organisations)


def _params(state: ORMExecuteState) -> list[Mapping[str, Any]]:
    params: Any = state.parameters
    if params is None:
        return []
    return list(params) if isinstance(params, list | tuple) else [params]


def _first(row: Mapping[str, Any], keys: tuple[str, ...]) -> Any:
    return next((row[k] for k in keys if row.get(k) is not None), None)


def _reindex_rows(state: ORMExecuteState, table: Table, params: list[Mapping[str, Any]]) -> None:
    model = INDEXED_TABLES[table.name]
    refs = {r for row in params if (r := _first(row, _REF_KEYS)) is not None}
    ids = {i for row in params if (i := _first(row, _ID_KEYS)) is not None}
    if not refs and not ids:
        logger.warning("name_index_skipped", extra={"table": table.name})
        return
    wanted = or_(model.ref.in_(sorted(refs)), model.id.in_(sorted(ids)))
    found = state.session.execute(select(model.id, model.name).where(wanted))
    rows = [(r.id, r.name) for r in found]
    if model is Person:
        reindex(state.session, persons=rows)
    else:
        reindex(state.session, organisations=rows)


@event.listens_for(Session, "do_orm_execute")
def _index_statements(state: ORMExecuteState) -> Result[Any] | None:
    if not (state.is_insert or state.is_update):
        return None
    table = getattr(state.statement, "table", None)
    if not isinstance(table, Table) or table.name not in INDEXED_TABLES:
        return None
    params = _params(state)
    if state.is_update and not any(_first(row, _NAME_KEYS) is not None for row in params):
        return None  # the name did not change
    result: Any = state.invoke_statement()
    # Rows the caller wants back (RETURNING) survive our own statements only when frozen.
    out: Result[Any] = result.freeze()() if result.returns_rows else result
    _reindex_rows(state, table, params)
    return out
