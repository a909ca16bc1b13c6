"""Registry selects. Bulk loaders work on Core rows in IN-chunks (no per-row round trips)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from datetime import date
from operator import itemgetter
from typing import Any, cast

from psycopg.types.json import Json
from sqlalchemy import (
    ARRAY,
    JSON,
    ColumnElement,
    Table,
    and_,
    any_,
    bindparam,
    delete,
    insert,
    or_,
    select,
    text,
)
from sqlalchemy.orm import Session, aliased
from sqlalchemy.sql import Select

from app.models import Committee, CustomArea, Organisation, OrganisationOwner, Person

# Well under SQLite's 32,766 host parameters and PostgreSQL's 65,535.
CHUNK = 1000

Row = dict[str, Any]


def table_of(model: Any) -> Table:
    """A mapped class's Table (typed as such)."""
    return cast(Table, model.__table__)


def chunks(values: Iterable[Any], size: int = CHUNK) -> Iterator[list[Any]]:
    batch: list[Any] = []
    for value in values:
        batch.append(value)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


# PostgreSQL: this many values per `= ANY(:array)` statement (one parameter, constant SQL
# text: nothing to render or parse per value, unlike an IN-list of bound parameters).
ARRAY_CHUNK = 20_000


def is_postgresql(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def in_values(session: Session, column: Any, values: Iterable[Any]) -> Iterator[Any]:
    """WHERE clauses that together cover `values`: `column = ANY(:array)` in large chunks
    on PostgreSQL, `column IN (...)` in chunks of `CHUNK` elsewhere. A dialect branch."""
    distinct = sorted(set(values), key=str)
    if is_postgresql(session):
        array_type = ARRAY(column.type)
        for batch in chunks(distinct, ARRAY_CHUNK):
            yield column == any_(bindparam("values", batch, type_=array_type))
        return
    for batch in chunks(distinct):
        yield column.in_(batch)


def rows_where_in(
    session: Session,
    table: Table,
    column: str,
    values: Iterable[Any],
    columns: Iterable[str] | None = None,
) -> list[Row]:
    """Rows of `table` whose `column` is in `values`, as plain dicts (`columns` or all)."""
    names = list(columns) if columns else list(table.c.keys())
    stmt = select(*(table.c[c] for c in names))
    out: list[Row] = []
    for where in in_values(session, table.c[column], values):
        # zip over plain tuples: several times faster than RowMapping access per field
        out.extend(dict(zip(names, row, strict=True)) for row in session.execute(stmt.where(where)))
    return out


# Casts of the key columns of keyless rows, for `rows_by_keys`.
_ARRAY_CASTS = {"INTEGER": "bigint[]", "BIGINT": "bigint[]", "DATE": "date[]"}


def rows_by_keys(
    session: Session,
    table: Table,
    key_columns: Sequence[str],
    keys: Iterable[tuple[Any, ...]],
    columns: Iterable[str],
) -> list[Row] | None:
    """PostgreSQL: the rows whose `key_columns` equal one of `keys` (NULL equal to NULL), by
    a join of the table on the keys sent as arrays (`unnest`), ARRAY_CHUNK keys a statement:
    only the rows the keys match, however many other rows their persons have. None
    elsewhere (the caller reads by person instead). A dialect branch."""
    if not is_postgresql(session):
        return None
    names = list(columns)
    selected = ", ".join(f't."{c}"' for c in names)
    stmt = text(f"SELECT {selected} {_keys_join(table, key_columns)}")  # noqa: S608
    out: list[Row] = []
    for _, params in _key_params(table, key_columns, keys):
        out.extend(dict(zip(names, row, strict=True)) for row in session.execute(stmt, params))
    return out


def _keys_join(table: Table, key_columns: Sequence[str], limits: bool = False) -> str:
    """`FROM table JOIN the keys`: the keys sent as arrays (`unnest`), NULL equal to NULL;
    with `limits`, each key also has a number `d.e` and its position `d.n`. Identifiers
    from the table metadata only; every value is a bound array."""
    first, *rest = key_columns
    casts = [_ARRAY_CASTS.get(str(table.c[c].type).split("(")[0], "text[]") for c in key_columns]
    arrays = ", ".join(f"CAST(:k{i} AS {cast})" for i, cast in enumerate(casts))
    on = " AND ".join(
        [f't."{first}" = d.k0']
        + [f't."{c}" IS NOT DISTINCT FROM d.k{i + 1}' for i, c in enumerate(rest)]
    )
    aliases = ", ".join(f"k{i}" for i in range(len(key_columns)))
    if limits:
        arrays, aliases = f"{arrays}, CAST(:e AS bigint[])) WITH ORDINALITY", f"{aliases}, e, n"
    else:
        arrays += ")"
    return f'FROM "{table.name}" AS t JOIN unnest({arrays} AS d({aliases}) ON {on}'


def _key_params(
    table: Table, key_columns: Sequence[str], keys: Iterable[tuple[Any, ...]]
) -> Iterator[tuple[list[tuple[Any, ...]], dict[str, str]]]:
    """The parameters of `_keys_join`, ARRAY_CHUNK distinct keys a statement (with the
    keys). Each array goes as the text of an array literal (`{1,NULL,3}`), which the
    statement casts: psycopg adapts one string many times faster than a list of 5,000
    values (~0.2 s of an interests document's CPU went to dumping lists)."""
    texts = [_ARRAY_CASTS.get(str(table.c[c].type).split("(")[0]) is None for c in key_columns]
    # Distinct, in first-seen order (sorting 50,000 keys by their text cost 0.1 s a document)
    wanted = list(dict.fromkeys(keys))
    for batch in chunks(wanted, ARRAY_CHUNK):
        params = {
            f"k{i}": _array_literal([key[i] for key in batch], quoted)
            for i, quoted in enumerate(texts)
        }
        yield batch, params


_LITERAL_TYPES = {int, date, type(None)}


def _array_literal(values: list[Any], quoted: bool) -> str:
    """PostgreSQL's text form of an array of integers or dates (ISO), or of strings (each
    double-quoted, backslash and double quote escaped); None is NULL."""
    # The usual cases joined in C (5,000 keys an array): str() of an int or a date is its
    # literal, and "None" cannot be part of one; strings with nothing to escape.
    if not quoted and set(map(type, values)) <= _LITERAL_TYPES:
        return "{" + ",".join(map(str, values)).replace("None", "NULL") + "}"
    if quoted and None not in values:
        whole = "".join(values)
        if '"' not in whole and "\\" not in whole:
            return '{"' + '","'.join(values) + '"}' if values else "{}"
    return general_array_literal(values, quoted)


def general_array_literal(values: list[Any], quoted: bool) -> str:
    """`_array_literal` value by value: the definition its fast paths must match."""
    if quoted:
        items = (
            "NULL" if v is None else '"' + v.replace("\\", "\\\\").replace('"', '\\"') + '"'
            for v in values
        )
    else:
        items = (
            "NULL" if v is None else v.isoformat() if isinstance(v, date) else str(int(v))
            for v in values
        )
    return "{" + ",".join(items) + "}"


def counts_over(
    session: Session, table: Table, key_columns: Sequence[str], limits: dict[tuple[Any, ...], int]
) -> dict[tuple[Any, ...], tuple[int, int]]:
    """PostgreSQL: the natural keys of `limits` with more rows than their limit (matched as
    by `rows_by_keys`), each with how many rows and how many of them without a ref. The
    server counts and compares: only those keys come back (usually none), not a row or a
    count per key."""
    join = _keys_join(table, key_columns, limits=True)
    sql = f"SELECT d.n, count(*), count(t.ref) {join} GROUP BY d.n, d.e HAVING count(*) > d.e"  # noqa: S608
    stmt = text(sql)
    out: dict[tuple[Any, ...], tuple[int, int]] = {}
    for batch, params in _key_params(table, key_columns, limits):
        params["e"] = _array_literal([limits[key] for key in batch], False)
        for n, rows, with_ref in session.execute(stmt, params):
            out[batch[n - 1]] = (rows, rows - with_ref)
    return out


def ids_by_ref(session: Session, table: Table, refs: Iterable[str]) -> dict[str, int]:
    out: dict[str, int] = {}
    for where in in_values(session, table.c.ref, refs):
        stmt = select(table.c.ref, table.c.id).where(where)
        out.update((ref, row_id) for ref, row_id in session.execute(stmt))
    return out


def rows_by_ref(
    session: Session, table: Table, refs: Iterable[str], columns: Iterable[str] | None = None
) -> dict[str, Row]:
    return {row["ref"]: row for row in rows_where_in(session, table, "ref", refs, columns)}


def rows_by_id(session: Session, table: Table, ids: Iterable[int]) -> dict[int, Row]:
    return {row["id"]: row for row in rows_where_in(session, table, "id", ids)}


def custom_area_codes(session: Session) -> set[str]:
    return set(session.scalars(select(CustomArea.code)).all())


def owner_refs_of(session: Session, refs: Sequence[str]) -> dict[str, list[str]]:
    """Stored owners (by ref) of the given organisations (by ref)."""
    owned, owner = aliased(Organisation), aliased(Organisation)
    out: dict[str, list[str]] = {}
    for where in in_values(session, owned.ref, refs):
        stmt = (
            select(owned.ref, owner.ref)
            .join(OrganisationOwner, OrganisationOwner.organisation_id == owned.id)
            .join(owner, owner.id == OrganisationOwner.owner_id)
            .where(where)
        )
        for owned_ref, owner_ref in session.execute(stmt):
            out.setdefault(owned_ref, []).append(owner_ref)
    return out


def parent_refs_of(session: Session, refs: Sequence[str]) -> dict[str, str]:
    """Stored parent committee (by ref) of the given committees (by ref)."""
    child, parent = aliased(Committee), aliased(Committee)
    out: dict[str, str] = {}
    for where in in_values(session, child.ref, refs):
        stmt = select(child.ref, parent.ref).join(parent, parent.id == child.parent_id)
        for child_ref, parent_ref in session.execute(stmt.where(where)):
            out[child_ref] = parent_ref
    return out


def person_refs_by_pnr_hash(
    session: Session, hashes: Iterable[str], where: ColumnElement[bool] | None = None
) -> dict[str, list[str]]:
    """Persons by personnummer hash; `where` limits them (to a key's scope)."""
    out: dict[str, list[str]] = {}
    for batch in in_values(session, Person.personnummer_hash, hashes):
        stmt = select(Person.personnummer_hash, Person.ref).where(batch)
        if where is not None:
            stmt = stmt.where(where)
        for digest, ref in session.execute(stmt):
            if digest is not None:  # the `in_` filter guarantees it; the column is nullable
                out.setdefault(digest, []).append(ref)
    return out


COPY_THRESHOLD = 500  # rows; below this a plain executemany is as fast


def bulk_insert(session: Session, table: Table, rows: list[Row]) -> None:
    """INSERT many rows. A dialect branch (with `reserve_ids`, `analyze_grown`): PostgreSQL
    takes large batches by COPY (an order of magnitude faster than multi-row VALUES);
    elsewhere executemany."""
    if not rows:
        return
    if len(rows) < COPY_THRESHOLD or session.get_bind().dialect.name != "postgresql":
        session.execute(insert(table), rows)
        return
    defaults = {
        col.name: col.default.arg(None) if callable(col.default.arg) else col.default.arg  # type: ignore[attr-defined]
        for col in table.columns
        if col.default is not None and not col.primary_key and col.name not in rows[0]
    }
    columns = [*rows[0].keys(), *defaults.keys()]
    json_columns = {c.name for c in table.columns if isinstance(c.type, JSON)}
    quoted = ", ".join(f'"{c}"' for c in columns)
    cursor = session.connection().connection.driver_connection.cursor()  # type: ignore[union-attr]
    # The row's values in column order by one C call (`itemgetter`), JSON wrapped where due.
    getter = itemgetter(*columns)
    single = len(columns) == 1
    json_at = [i for i, c in enumerate(columns) if c in json_columns]
    with cursor.copy(f'COPY "{table.name}" ({quoted}) FROM STDIN') as copy:
        for row in rows:
            got = getter({**row, **defaults} if defaults else row)
            values: Sequence[Any] = (got,) if single else got
            if json_at:
                values = list(values)
                for i in json_at:
                    values[i] = Json(values[i])
            copy.write_row(values)


def reserve_ids(session: Session, table: Table, count: int) -> list[int] | None:
    """PostgreSQL, for a batch that goes by COPY: `count` ids drawn from the table's
    sequence, so that the new rows carry their ids and need not be read back by ref
    (1.5 s per 50,000 rows). None elsewhere and for small batches: insert, then read back."""
    if count < COPY_THRESHOLD or session.get_bind().dialect.name != "postgresql":
        return None
    stmt = text("SELECT nextval(pg_get_serial_sequence(:t, 'id')) FROM generate_series(1, :n)")
    return list(session.scalars(stmt, {"t": table.name, "n": count}))


ANALYZE_MIN_ROWS = 1000  # created rows in one table before `analyze_grown` looks at it


def analyze_grown(session: Session, created: dict[Table, int]) -> None:
    """PostgreSQL: ANALYZE each table whose created rows outnumber what its statistics
    count (`pg_class.reltuples`; -1 or 0 when never analysed), i.e. that at least doubled.
    In the import's transaction: ANALYZE samples the transaction's own new rows, and its
    statistics commit (or roll back) with them. Elsewhere nothing (SQLite plans without)."""
    grown = {t.name: n for t, n in created.items() if n >= ANALYZE_MIN_ROWS}
    if not grown or session.get_bind().dialect.name != "postgresql":
        return
    stmt = text("SELECT relname, reltuples FROM pg_class WHERE relname = ANY(:names)")
    known = {name: n for name, n in session.execute(stmt, {"names": sorted(grown)})}
    for name in sorted(grown):
        if grown[name] > known.get(name, 0):
            session.execute(text(f'ANALYZE "{name}"'))


def delete_where_in(session: Session, table: Table, column: str, values: Iterable[Any]) -> None:
    for where in in_values(session, table.c[column], values):
        session.execute(delete(table).where(where))


def valid_on(col_from: Any, col_to: Any, day: Any) -> ColumnElement[bool]:
    """Valid on `day`: open ends allowed, `valid_to` inclusive."""
    return and_(or_(col_from.is_(None), col_from <= day), or_(col_to.is_(None), col_to >= day))


def ordered(stmt: Select[Any], *keys: Any) -> Select[Any]:
    return stmt.order_by(*keys)
