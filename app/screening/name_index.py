"""Keeps the name index (`name_tokens`) in step with person and organisation names.

Database triggers queue every person or organisation inserted or renamed, whatever wrote
it (ORM, bulk executemany, PostgreSQL COPY, raw SQL: revision d4e5f6a7b8c9). Before any
session commits, `drain` turns the queue into index tokens in the same transaction, so
the index commits or rolls back with the names. When nothing was written the drain is one
cheap select of an empty table, and a transaction declared to write no names
(`writes_no_names`, a screening's) skips even that. Deleted owners' tokens cascade away
in the database.

Registering the listener is a side effect of importing this module, which `app.screening`
does (the API and the CLI import it through the routers).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any, TypeVar

from sqlalchemy import delete, event, select
from sqlalchemy.orm import Session, SessionTransaction

from app.models import NameIndexQueue, NameToken, Organisation, Person
from app.models.name_index import TOKEN_LENGTH
from app.registry.repository import bulk_insert, is_postgresql, table_of
from app.screening.names import index_tokens_once
from app.screening.sql import in_ids

# Ids per statement. PostgreSQL: one `= ANY(:array)` parameter under a constant statement
# text (nothing to render or parse per id). Elsewhere an IN-list of bound parameters, well
# under SQLite's host parameter limit.
ARRAY_BATCH = 20_000
BATCH = 5_000
T = TypeVar("T")


def _batches(items: Sequence[T], size: int) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def token_rows(
    persons: Iterable[tuple[int, str]], organisations: Iterable[tuple[int, str]]
) -> list[dict[str, Any]]:
    """Index rows for (id, name) pairs of persons and organisations."""
    rows: list[dict[str, Any]] = []
    for person_id, name in persons:
        rows.extend(
            {"token": t[:TOKEN_LENGTH], "person_id": person_id, "organisation_id": None}
            for t in sorted(index_tokens_once(name))
        )
    for org_id, name in organisations:
        rows.extend(
            {"token": t[:TOKEN_LENGTH], "person_id": None, "organisation_id": org_id}
            for t in sorted(index_tokens_once(name))
        )
    return rows


def reindex(session: Session, person_ids: Iterable[int], organisation_ids: Iterable[int]) -> None:
    """Replace the index rows of these persons and organisations from their stored names.

    Per batch of ids: one delete, one select of the names and one bulk insert (COPY on
    PostgreSQL for large batches, `bulk_insert`); lookups by `in_ids`."""
    connection = session.connection()
    size = ARRAY_BATCH if is_postgresql(session) else BATCH
    tokens = table_of(NameToken)
    for batch in _batches(sorted(set(person_ids)), size):
        connection.execute(delete(NameToken).where(in_ids(NameToken.person_id, batch)))
        named = connection.execute(select(Person.id, Person.name).where(in_ids(Person.id, batch)))
        bulk_insert(session, tokens, token_rows(((r.id, r.name) for r in named), ()))
    for batch in _batches(sorted(set(organisation_ids)), size):
        connection.execute(delete(NameToken).where(in_ids(NameToken.organisation_id, batch)))
        named = connection.execute(
            select(Organisation.id, Organisation.name).where(in_ids(Organisation.id, batch))
        )
        bulk_insert(session, tokens, token_rows((), ((r.id, r.name) for r in named)))


def drain(session: Session) -> int:
    """Index every queued person and organisation; return how many queue rows were done."""
    connection = session.connection()
    queued = connection.execute(
        select(NameIndexQueue.id, NameIndexQueue.person_id, NameIndexQueue.organisation_id)
    ).all()
    if not queued:
        return 0
    reindex(
        session,
        (row.person_id for row in queued if row.person_id is not None),
        (row.organisation_id for row in queued if row.organisation_id is not None),
    )
    size = ARRAY_BATCH if is_postgresql(session) else BATCH
    for batch in _batches([row.id for row in queued], size):
        connection.execute(delete(NameIndexQueue).where(in_ids(NameIndexQueue.id, batch)))
    return len(queued)


def rebuild(session: Session) -> None:
    """Re-index every person and organisation (repair tool; reads the whole registry)."""
    connection = session.connection()
    connection.execute(delete(NameToken))
    connection.execute(delete(NameIndexQueue))
    reindex(
        session,
        connection.execute(select(Person.id)).scalars().all(),
        connection.execute(select(Organisation.id)).scalars().all(),
    )


#: session.info key: this transaction writes no person or organisation (no drain needed).
NO_NAMES_WRITTEN = "javskoll.no_names_written"


def writes_no_names(session: Session) -> None:
    """Declare that the session's current transaction inserts and renames no person and
    no organisation, so its commit skips the drain's select (a screening: issue 15). The
    declaration ends with the transaction."""
    session.info[NO_NAMES_WRITTEN] = True


@event.listens_for(Session, "before_commit")
def _drain_before_commit(session: Session) -> None:
    if session.info.pop(NO_NAMES_WRITTEN, False):
        return
    if session.in_transaction():
        drain(session)


@event.listens_for(Session, "after_transaction_end")
def _forget_declaration(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is None:  # the session's own transaction, not a savepoint
        session.info.pop(NO_NAMES_WRITTEN, None)
