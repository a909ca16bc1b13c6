"""The selects that match an unregistered party (orgnr, personnummer hash, name tokens)."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from sqlalchemy import Row, func, literal, select, text, union, union_all
from sqlalchemy.orm import Session

from app.models import (
    AdministrationServes,
    Appointment,
    Interest,
    NameToken,
    Organisation,
    Person,
    Relation,
)
from app.screening.sql import in_ids, in_values

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


def name_candidates_page(
    session: Session, kind: str, tokens: Collection[str], *, offset: int, limit: int
) -> list[Row[Any]]:
    """(kind, id, ref, name, key) of the candidates of one kind past the first `offset`, in
    `name_candidates`' order: the further pages a limited key reads when other kommuner's
    namesakes filled the first (`app.screening.matching`)."""
    wanted = sorted(tokens)
    if kind == "person":
        best = _best_owners(NameToken.person_id, wanted, offset=offset, limit=limit)
        model: Any = Person
        key = Person.personnummer_hash
    else:
        best = _best_owners(NameToken.organisation_id, wanted, offset=offset, limit=limit)
        model = Organisation
        key = Organisation.orgnr
    statement = (
        select(literal(kind).label("kind"), model.id, model.ref, model.name, key.label("key"))
        .join(best, best.c.owner == model.id)
        .order_by(best.c.hits.desc(), model.id)
    )
    return list(session.execute(statement))


def near_name_candidates(
    session: Session,
    tokens: Collection[str],
    committee_id: int,
    participant_ids: Collection[int],
) -> list[Row[Any]]:
    """(kind, id, ref, name, key) of the persons and organisations near the case that
    share a name token, however many others share it: the participants (or, when the
    case names none, everyone ever appointed to its committee or to an administration
    serving it: a superset of the default participants on any day), the persons related
    to them or represented by them, and the organisations they hold an interest or an
    appointment in. Read where a name is common, so that it cannot crowd out the
    namesakes that could decide a jäv (`app.screening.name_candidates`)."""
    wanted = sorted(tokens)
    seated = (
        select(Person.id).where(in_ids(Person.id, participant_ids))
        if participant_ids
        else union(
            select(Appointment.person_id).where(Appointment.committee_id == committee_id),
            select(Appointment.person_id)
            .join(
                AdministrationServes,
                AdministrationServes.administration_id == Appointment.administration_id,
            )
            .where(AdministrationServes.committee_id == committee_id),
        )
    ).cte("seated")
    seated_ids = select(seated.c[0])
    near_persons = union(
        seated_ids,
        select(Relation.related_id).where(Relation.person_id.in_(seated_ids)),
        select(Relation.person_id).where(Relation.related_id.in_(seated_ids)),
        select(Interest.on_behalf_of_id).where(
            Interest.person_id.in_(seated_ids), Interest.on_behalf_of_id.is_not(None)
        ),
    ).subquery()
    near_orgs = union(
        select(Interest.organisation_id).where(
            Interest.person_id.in_(seated_ids), Interest.organisation_id.is_not(None)
        ),
        select(Appointment.organisation_id).where(
            Appointment.person_id.in_(seated_ids), Appointment.organisation_id.is_not(None)
        ),
    ).subquery()
    named = select(NameToken.person_id, NameToken.organisation_id).where(
        in_values(NameToken.token, wanted)
    )
    persons = select(
        literal("person").label("kind"),
        Person.id,
        Person.ref,
        Person.name,
        Person.personnummer_hash.label("key"),
    ).where(
        Person.id.in_(select(near_persons.c[0])),
        Person.id.in_(named.with_only_columns(NameToken.person_id)),
    )
    orgs = select(
        literal("organisation"),
        Organisation.id,
        Organisation.ref,
        Organisation.name,
        Organisation.orgnr,
    ).where(
        Organisation.id.in_(select(near_orgs.c[0])),
        Organisation.id.in_(named.with_only_columns(NameToken.organisation_id)),
    )
    return list(session.execute(union_all(persons, orgs)))


def name_candidates(session: Session, tokens: Collection[str]) -> list[Row[Any]]:
    """(kind, id, ref, name, key) of persons and organisations sharing the most name
    tokens; `key` is the personnummer hash or orgnr registered for it, if any."""
    wanted = sorted(tokens)
    p, o = (
        _best_owners(NameToken.person_id, wanted),
        _best_owners(NameToken.organisation_id, wanted),
    )
    persons = select(
        literal("person").label("kind"),
        Person.id,
        Person.ref,
        Person.name,
        Person.personnummer_hash.label("key"),
    ).join(p, p.c.owner == Person.id)
    orgs = select(
        literal("organisation").label("kind"),
        Organisation.id,
        Organisation.ref,
        Organisation.name,
        Organisation.orgnr.label("key"),
    ).join(o, o.c.owner == Organisation.id)
    return list(session.execute(union_all(persons, orgs)))


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
    """
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
)


def lookup(
    session: Session,
    orgnrs: Collection[str],
    hashes: Collection[str],
    tokens: Collection[str],
) -> tuple[list[Row[Any]], list[Row[Any]], list[Row[Any]]]:
    """The three lookups above as ONE statement (a UNION ALL): (organisations by orgnr,
    persons by personnummer hash, name candidates), each as rows of (source, kind, id,
    ref, name, key), by id."""
    if session.get_bind().dialect.name == "postgresql":
        params = {
            "orgnrs": sorted(set(orgnrs)),
            "hashes": sorted(set(hashes)),
            "tokens": sorted(set(tokens)),
            "limit": NAME_CANDIDATES,
        }
        rows = list(session.execute(PG_LOOKUP, params))
    else:
        rows = list(session.execute(built_lookup(orgnrs, hashes, tokens)))
    rows.sort(key=lambda r: (r.source, r.id))
    return (
        [r for r in rows if r.source == "orgnr"],
        [r for r in rows if r.source == "personnummer"],
        [r for r in rows if r.source == "name"],
    )


def built_lookup(orgnrs: Collection[str], hashes: Collection[str], tokens: Collection[str]) -> Any:
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
    return union_all(by_orgnr, by_hash, *_name_candidates(tokens))


def _name_candidates(tokens: Collection[str]) -> tuple[Any, Any]:
    """`name_candidates` as two selects of (source, kind, id, ref, name, key)."""
    wanted = sorted(tokens)
    p, o = (
        _best_owners(NameToken.person_id, wanted),
        _best_owners(NameToken.organisation_id, wanted),
    )
    persons = select(
        literal("name"),
        literal("person"),
        Person.id,
        Person.ref,
        Person.name,
        Person.personnummer_hash,
    ).join(p, p.c.owner == Person.id)
    orgs = select(
        literal("name"),
        literal("organisation"),
        Organisation.id,
        Organisation.ref,
        Organisation.name,
        Organisation.orgnr,
    ).join(o, o.c.owner == Organisation.id)
    return persons, orgs
