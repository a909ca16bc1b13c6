"""The selects that match an unregistered party (orgnr, personnummer hash, name tokens)."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from sqlalchemy import Row, func, literal, select, text, union_all
from sqlalchemy.orm import Session

from app.models import NameToken, Organisation, Person
from app.prepared import PreparedStatement
from app.screening.near_parties import PG_NEAR_BRANCHES, PG_NEAR_CTES, near_selects
from app.screening.sql import in_values

NAME_CANDIDATES = 50  # per kind (persons, organisations), most shared tokens first


def organisations_by_orgnr(session: Session, orgnrs: Collection[str]) -> list[Row[Any]]:
    return list(
        session.execute(
            select(Organisation.id, Organisation.ref, Organisation.name, Organisation.orgnr)
            .where(in_values(Organisation.orgnr, orgnrs))
            .order_by(Organisation.id)
        )
    )


def persons_by_pnr_hash(session: Session, hashes: Collection[str]) -> list[Row[Any]]:
    return list(
        session.execute(
            select(Person.id, Person.ref, Person.name, Person.personnummer_hash)
            .where(in_values(Person.personnummer_hash, hashes))
            .order_by(Person.id)
        )
    )


def _best_owners(
    column: Any, wanted: list[str], *, offset: int = 0, limit: int = NAME_CANDIDATES
) -> Any:
    """The owners (persons or organisations, by `column`) sharing the most of `wanted`'s
    name tokens, as a subquery of (owner, hits): `limit` of them from `offset` in that
    order (most hits, then lowest id)."""
    hits = func.count(NameToken.id).label("hits")
    best = (
        select(column.label("owner"), hits)
        .where(in_values(NameToken.token, wanted), column.is_not(None))
        .group_by(column)
        .order_by(hits.desc(), column)
        .limit(limit)
    )
    return (best.offset(offset) if offset else best).subquery()


# kind -> (its table, its owner column in the name index, its identifier: the "key")
_NAMED: dict[str, tuple[Any, Any, Any]] = {
    "person": (Person, NameToken.person_id, Person.personnummer_hash),
    "organisation": (Organisation, NameToken.organisation_id, Organisation.orgnr),
}


def _name_branch(
    kind: str, wanted: list[str], *, offset: int = 0, limit: int = NAME_CANDIDATES
) -> tuple[Any, Any]:
    """(the select of one kind's candidates as rows of (source "name", kind, id, ref,
    name, key), the `_best_owners` subquery it joins, for its order)."""
    model, column, key = _NAMED[kind]
    best = _best_owners(column, wanted, offset=offset, limit=limit)
    statement = select(
        literal("name").label("source"),
        literal(kind).label("kind"),
        model.id,
        model.ref,
        model.name,
        key.label("key"),
    ).join(best, best.c.owner == model.id)
    return statement, best


def name_candidates_page(
    session: Session, kind: str, tokens: Collection[str], *, offset: int, limit: int
) -> list[Row[Any]]:
    """The candidates of one kind past the first `offset`, in `name_candidates`' order:
    the further pages a limited key reads when other kommuner's namesakes filled the
    first (`app.screening.name_candidates`)."""
    statement, best = _name_branch(kind, sorted(tokens), offset=offset, limit=limit)
    model = _NAMED[kind][0]
    return list(session.execute(statement.order_by(best.c.hits.desc(), model.id)))


def near_name_candidates(
    session: Session,
    tokens: Collection[str],
    committee_id: int | None,
    participant_ids: Collection[int],
) -> list[Row[Any]]:
    """(source, kind, id, ref, name, key) of the persons and organisations near the case
    sharing a name token (`app.screening.near_parties`): for a meeting's items, which
    share the name index's candidates (`lookup` reads them in its one statement). On
    PostgreSQL the lookup's own text, prepared (built and planned for each item, a
    40-item meeting took 0.76-0.91 s instead of 0.29 s, BENCHMARKS.md run M)."""
    if not tokens:
        return []
    if session.get_bind().dialect.name == "postgresql":
        values = {
            "participants": sorted(set(participant_ids)),
            "committee_id": committee_id,
            "tokens": sorted(set(tokens)),
        }
        return list(PREPARED_NEAR.execute(session, values))
    persons, organisations = near_selects(tokens, committee_id, participant_ids)
    return list(session.execute(union_all(persons, organisations)))


def name_candidates(session: Session, tokens: Collection[str]) -> list[Row[Any]]:
    """(source, kind, id, ref, name, key) of persons and organisations sharing the most
    name tokens; `key` is the personnummer hash or orgnr registered for it, if any."""
    return list(session.execute(union_all(*_name_candidates(tokens))))


def _pg_name_branch(kind: str, table: str, alias: str, column: str, key: str) -> str:
    """One name branch of PG_LOOKUP: the text of `_best_owners` joined to its owners."""
    return f"""SELECT 'name', '{kind}', {alias}.id, {alias}.ref, {alias}.name, {alias}.{key}
FROM {table} {alias} JOIN (
    SELECT t.{column} AS owner, count(t.id) AS hits FROM name_tokens t
    WHERE t.token = ANY (CAST(:tokens AS varchar[])) AND t.{column} IS NOT NULL
    GROUP BY t.{column} ORDER BY hits DESC, t.{column} LIMIT :limit
) b ON b.owner = {alias}.id
"""  # noqa: S608 - fixed identifiers from this module, no value


# `lookup` on PostgreSQL: the same UNION ALL as a constant text with array parameters
# (nothing built, keyed or compiled per screening; tests/screening/test_constant_sql.py
# holds it to the built statement). Fixed identifiers only; every value is bound.
PG_LOOKUP = text(
    "WITH"
    + PG_NEAR_CTES
    + """
SELECT 'orgnr' AS source, 'organisation' AS kind, o.id, o.ref, o.name, o.orgnr AS key
FROM organisations o WHERE o.orgnr = ANY (CAST(:orgnrs AS varchar[]))
UNION ALL
SELECT 'personnummer', 'person', p.id, p.ref, p.name, p.personnummer_hash
FROM persons p WHERE p.personnummer_hash = ANY (CAST(:hashes AS varchar[]))
UNION ALL
"""
    + _pg_name_branch("person", "persons", "p", "person_id", "personnummer_hash")
    + "UNION ALL\n"
    + _pg_name_branch("organisation", "organisations", "o", "organisation_id", "orgnr")
    + "UNION ALL"
    + PG_NEAR_BRANCHES
)


# Prepared and planned generically from here to the commit (the reach that follows is
# too): planned with its values at every run, the lookup with its near branches took
# 1.3 ms to plan and 1.1 ms to run; its generic plan runs as fast (BENCHMARKS.md run M).
PREPARED_LOOKUP = PreparedStatement(
    "javskoll_party_lookup",
    PG_LOOKUP.text,
    (
        ("orgnrs", "varchar[]"),
        ("hashes", "varchar[]"),
        ("tokens", "varchar[]"),
        ("limit", "bigint"),
        ("committee_id", "bigint"),
        ("participants", "bigint[]"),
    ),
    generic_plan=True,
)


# The near bearers alone, for a meeting's items: planned generically on their own (the
# meeting's other statements keep "auto": generic plans for all of them cost a 40-item
# meeting 1.28 s in run I).
PREPARED_NEAR = PreparedStatement(
    "javskoll_near_parties",
    "WITH"
    + PG_NEAR_CTES
    + "\nSELECT * FROM ("
    + PG_NEAR_BRANCHES
    + ") AS near(source, kind, id, ref, name, key)",
    (("participants", "bigint[]"), ("committee_id", "bigint"), ("tokens", "varchar[]")),
    generic_plan_alone=True,
)


def lookup(
    session: Session,
    orgnrs: Collection[str],
    hashes: Collection[str],
    tokens: Collection[str],
    committee_id: int | None = None,
    participant_ids: Collection[int] = (),
) -> tuple[list[Row[Any]], list[Row[Any]], list[Row[Any]], list[Row[Any]]]:
    """The four lookups as ONE statement (a UNION ALL): (organisations by orgnr, persons
    by personnummer hash, name candidates, the name's bearers near the case of
    `committee_id` with `participant_ids`: `app.screening.near_parties`), each as rows
    of (source, kind, id, ref, name, key), by id."""
    if session.get_bind().dialect.name == "postgresql":
        params = {
            "orgnrs": sorted(set(orgnrs)),
            "hashes": sorted(set(hashes)),
            "tokens": sorted(set(tokens)),
            "limit": NAME_CANDIDATES,
            "committee_id": committee_id,
            "participants": sorted(set(participant_ids)),
        }
        rows = list(PREPARED_LOOKUP.execute(session, params))
    else:
        statement = built_lookup(orgnrs, hashes, tokens, committee_id, participant_ids)
        rows = list(session.execute(statement))
    rows.sort(key=lambda r: (r.source, r.id))
    return (
        [r for r in rows if r.source == "orgnr"],
        [r for r in rows if r.source == "personnummer"],
        [r for r in rows if r.source == "name"],
        [r for r in rows if r.source == "near"],
    )


def built_lookup(
    orgnrs: Collection[str],
    hashes: Collection[str],
    tokens: Collection[str],
    committee_id: int | None = None,
    participant_ids: Collection[int] = (),
) -> Any:
    """`lookup`'s statement built with SQLAlchemy (SQLite's; PostgreSQL's is PG_LOOKUP)."""
    by_orgnr = select(
        literal("orgnr").label("source"),
        literal("organisation").label("kind"),
        Organisation.id,
        Organisation.ref,
        Organisation.name,
        Organisation.orgnr.label("key"),
    ).where(in_values(Organisation.orgnr, orgnrs))
    by_hash = select(
        literal("personnummer"),
        literal("person"),
        Person.id,
        Person.ref,
        Person.name,
        Person.personnummer_hash,
    ).where(in_values(Person.personnummer_hash, hashes))
    near = near_selects(tokens, committee_id, participant_ids)
    return union_all(by_orgnr, by_hash, *_name_candidates(tokens), *near)


def _name_candidates(tokens: Collection[str]) -> tuple[Any, ...]:
    """`name_candidates` as one select of each kind."""
    wanted = sorted(tokens)
    return tuple(_name_branch(kind, wanted)[0] for kind in _NAMED)
