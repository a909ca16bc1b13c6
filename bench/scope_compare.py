"""Each organisation-scope predicate against its earlier set form, on a real database:
the same rows, and how long each takes, for a list (all rows) and a page (50 by id). The
predicates compared are `tests/security/scoping_reference.PREDICATES`.

    .venv/bin/python -m bench.scope_compare --url postgresql+psycopg://.../javskoll_bench_x \
        --keys "kom-156;reg-01;kom-001,kom-002"

A key per `;`, its organisations `,`-separated. The earlier forms are the oracle of
tests/security/test_scoping_shapes.py (tests/security/scoping_reference.py). Prints one
line per key and predicate; nothing here asserts a time (BENCHMARKS.md run J).
"""

from __future__ import annotations

import argparse
import time
from typing import Any

from sqlalchemy import Connection, create_engine, select

from app.security import scoping
from app.security.deps import Principal
from app.security.roles import Role
from tests.security import scoping_reference as reference


def _timed(connection: Connection, statement: Any) -> tuple[float, list[int]]:
    started = time.perf_counter()
    rows = sorted(connection.execute(statement).scalars().all())
    return (time.perf_counter() - started) * 1000, rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--url", required=True)
    parser.add_argument("--keys", required=True, help="organisation refs: ';' between keys")
    args = parser.parse_args()
    engine = create_engine(args.url)
    with engine.connect() as connection:
        for key in args.keys.split(";"):
            principal = Principal(7, "compare", Role.SCREENER, frozenset(key.split(",")))
            for name, (table, predicate_of) in reference.PREDICATES.items():
                seen = {}
                for label, module in (("before", reference), ("now", scoping)):
                    where = predicate_of(module, principal)
                    full = _timed(connection, select(table.id).where(where))
                    page = _timed(
                        connection, select(table.id).where(where).order_by(table.id).limit(50)
                    )
                    seen[label] = (full, page)
                (fb, pb), (fn, pn) = seen["before"], seen["now"]
                same = fb[1] == fn[1] and pb[1] == pn[1]
                verdict = "same rows" if same else "DIFFERENT"
                print(
                    f"{key:22s} {name:24s} rows {len(fn[1]):6d}"
                    f"  list {fb[0]:7.1f} -> {fn[0]:7.1f} ms"
                    f"  page {pb[0]:7.1f} -> {pn[0]:7.1f} ms  {verdict}"
                )


if __name__ == "__main__":
    main()
