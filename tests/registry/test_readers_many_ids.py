"""Who reads a stored object, asked for more ids than one statement can bind.

`app/registry/readers.py` and `crud/audit_readers.readers_of` once put every id into
one `IN` list: past 65,535 ids PostgreSQL refuses the statement (SQLite's limit depends
on its build), so
a limited key's import linking that many stored objects of one kind failed with a
server error. They now read in chunks (`repository.in_values`); the answer for the real
objects among the many must be the one they get alone.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Committee, Organisation
from app.registry import readers as readers_module
from app.registry.crud.audit_readers import readers_of
from tests.security.scope_world import JOINT_VENTURE, build
from tests.support.api import ApiClient
from tests.support.registry import import_document

MANY = 70_000  # past both databases' bound-parameter limits


def _ids(session: Session, *refs: str) -> dict[str, int]:
    rows = session.execute(
        select(Organisation.ref, Organisation.id).where(Organisation.ref.in_(refs))
    )
    return {ref: organisation_id for ref, organisation_id in rows}


def test_readers_of_many_ids_match_the_few(
    session: Session, admin: ApiClient, client_for: Callable[..., ApiClient]
) -> None:
    build(admin, client_for)
    import_document(admin, JOINT_VENTURE)
    ids = _ids(session, "joint-ab", "cederby-dotter", "ankeby", "cederby", "ankeby-vatten")
    real = {ids["joint-ab"], ids["cederby-dotter"]}
    unknown = set(range(10_000_000, 10_000_000 + MANY))

    alone = readers_of(session, real)
    among_many = readers_of(session, real | unknown)

    assert {o: among_many[o] for o in real} == alone
    # The joint company is read by both owners' kommuner, its subsidiary through it.
    assert {ids["ankeby"], ids["cederby"], ids["ankeby-vatten"]} <= alone[ids["cederby-dotter"]]
    assert all(among_many[o] == {o} for o in list(unknown)[:100])


def test_readers_of_many_objects_of_a_kind_match_the_few(
    session: Session, admin: ApiClient, client_for: Callable[..., ApiClient]
) -> None:
    build(admin, client_for)
    ids = _ids(session, "ankeby")
    real = set(session.scalars(select(Committee.id)))
    assert real, "the scope world has committees"
    unknown = set(range(10_000_000, 10_000_000 + MANY))

    alone = readers_module.readers(session, {"committee": real, "organisation": {ids["ankeby"]}})
    among_many = readers_module.readers(
        session, {"committee": real | unknown, "organisation": {ids["ankeby"]} | unknown}
    )

    assert {e: among_many[e] for e in alone} == alone
    assert all(among_many[("committee", i)] == set() for i in list(unknown)[:100])
