"""Named server-side prepared statements for a screening's statements (PostgreSQL).

A statement sent with bind parameters is parsed and planned by PostgreSQL at every run.
The screening's reach, its chain head's lock and its write are constant texts run once
per screening; prepared once per connection, each is parsed once and, as they run with
generic plans (the reach's `SET LOCAL`, which also covers the lock and the write that
follow it), planned once. The head's lock took 0.9 ms of database time a national
screening unprepared (parse 0.22, planning 0.47, execution 0.2 ms), 0.49 ms prepared
(statement logging, BENCHMARKS.md run J). The case's references, which run before the
reach, are not prepared: under "auto" PostgreSQL keeps planning them with their values
(their generic plans' estimates are higher), so preparing them saved nothing
measurable. The party lookup is, since it reads the name's bearers near the case too
(run M): 1.3 ms to plan with its values, its generic plan as fast to run; it asks for
generic plans until the commit, as the reach does (`generic_plans_until_commit` sends
that once a transaction). A limited key's check of a case's references
(app/cases/scope_statement.py) is prepared and planned generically on its own
(`generic_plan_alone`): under "auto" PostgreSQL planned it with its values at every run,
1.0-1.2 ms, for a plan no faster than the generic one.

`PREPARE name(types) AS ...` on a connection's first use, then `EXECUTE name(args)`.
Not psycopg's own preparation: the engine keeps `prepare_threshold` None (app/db.py: its
automatic preparation after five runs gave an import's statements generic plans made on
stale statistics), under which psycopg ignores `prepare=True`; and psycopg sends
`DEALLOCATE ALL` at a rollback once it has prepared anything, so its statements would not
outlive a failed request. An SQL-level PREPARE outlives rollbacks (it is not
transactional) and lives as long as the connection. EXECUTE takes no bind parameters
(PostgreSQL cannot type `$n` in a utility statement), so its arguments are literals
(`app.sql_literals`: written directly for plain types, else by `psycopg.sql.Literal`) and
cast to the declared types, sent with no parameters; declared types also keep one
statement per name whatever Python type a value has (psycopg would send a list of small
ints as int2[], of larger ones as int4[]).

A prepared statement is session state: behind PgBouncer in transaction mode set
`JAVSKOLL_DB_PREPARE_REACH=false` (the engine option `PLAIN_STATEMENTS_OPTION`) and each
statement runs plain, with bind parameters, parsed and planned at every run.
"""

from __future__ import annotations

import re
import weakref
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, cast

from psycopg import Connection as PgConnection
from psycopg import errors
from sqlalchemy import Connection, CursorResult, TextClause, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session
from sqlalchemy.util.typing import TupleAny

from app.db import PLAIN_STATEMENTS_OPTION, generic_plans_until_commit
from app.sql_literals import literal

_PLACEHOLDER = re.compile(r"(?<![:\w]):([a-z_]+)\b")
_NO_PARAMETERS = {"no_parameters": True}
# The names prepared on each driver connection (psycopg), forgotten with the connection.
_prepared: weakref.WeakKeyDictionary[Any, set[str]] = weakref.WeakKeyDictionary()


@dataclass(frozen=True)
class PreparedStatement:
    """One constant statement with `:name` placeholders, prepared by name.

    `parameters`: every placeholder's name and PostgreSQL type, in the PREPARE's order.
    `generic_plan`: plan it generically for the rest of the transaction (`SET LOCAL`,
    one statement more) rather than leave the choice to PostgreSQL's "auto".
    `generic_plan_alone`: plan this statement generically and set the mode back after
    it (two statements more): for a statement before others that must keep "auto"."""

    name: str
    sql: str
    parameters: tuple[tuple[str, str], ...]
    generic_plan: bool = False
    generic_plan_alone: bool = False
    plain: TextClause = field(init=False, repr=False, compare=False)
    prepare_sql: str = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        position = {name: i + 1 for i, (name, _type) in enumerate(self.parameters)}
        used = set(_PLACEHOLDER.findall(self.sql))
        if used != set(position):
            raise ValueError(f"{self.name}: placeholders {sorted(used)} != {sorted(position)}")
        body = _PLACEHOLDER.sub(lambda m: f"${position[m.group(1)]}", self.sql)
        types = ", ".join(type_ for _name, type_ in self.parameters)
        object.__setattr__(self, "prepare_sql", f"PREPARE {self.name}({types}) AS {body}")
        object.__setattr__(self, "plain", text(self.sql))

    def execute(self, session: Session, values: Mapping[str, Any]) -> CursorResult[*TupleAny]:
        """Run it with these values (one per parameter): EXECUTE, after PREPARE on the
        connection's first use; plain under `PLAIN_STATEMENTS_OPTION`."""
        connection = session.connection()
        if connection.get_execution_options().get(PLAIN_STATEMENTS_OPTION):
            # Planned at every run anyway: with its values, as PostgreSQL chooses.
            return connection.execute(self.plain, dict(values))
        driver = cast(PgConnection[Any], connection.connection.driver_connection)
        names = _prepared.setdefault(driver, set())
        if self.name not in names:
            connection.exec_driver_sql(self.prepare_sql, execution_options=_NO_PARAMETERS)
            names.add(self.name)
        arguments = ", ".join(
            f"{literal(values[name], driver)}::{type_}" for name, type_ in self.parameters
        )
        if self.generic_plan:
            generic_plans_until_commit(connection)
        execute = f"EXECUTE {self.name}({arguments})"
        try:
            if self.generic_plan_alone:
                return _with_generic_plan(connection, execute)
            return connection.exec_driver_sql(execute, execution_options=_NO_PARAMETERS)
        except DBAPIError as exc:
            if isinstance(exc.orig, errors.InvalidSqlStatementName):
                # The server's statements are gone (DISCARD ALL, DEALLOCATE, a pooler
                # that swapped the session): this request fails, the next on this
                # connection prepares them again instead of failing in turn.
                _prepared.pop(driver, None)
            raise


# The mode before and generic from here: the fenced subquery (OFFSET 0 keeps it from
# being pulled up into the outer select list) yields its row, read before, before the
# outer select list sets the new mode for that row.
_GENERIC_FROM_HERE = (
    "SELECT s.mode, set_config('plan_cache_mode', 'force_generic_plan', true)"
    " FROM (SELECT current_setting('plan_cache_mode') AS mode OFFSET 0) s"
)


def _with_generic_plan(connection: Connection, execute: str) -> CursorResult[*TupleAny]:
    """`execute` planned generically, then the transaction's mode as it was (a caller's
    `generic_plans_until_commit` is kept). psycopg's cursor holds the rows it received,
    so the statement after it does not disturb the result returned. Set back only when
    `execute` succeeded: a failed statement aborts the transaction, whose rollback (to a
    savepoint, too) undoes the mode, and another statement would only replace the error
    the caller must see (a statement the server forgot, a timeout)."""
    before = connection.exec_driver_sql(_GENERIC_FROM_HERE).scalar_one()
    result = connection.exec_driver_sql(execute, execution_options=_NO_PARAMETERS)
    connection.exec_driver_sql(
        "SELECT set_config('plan_cache_mode', %(mode)s, true)", {"mode": before}
    ).close()
    return result
