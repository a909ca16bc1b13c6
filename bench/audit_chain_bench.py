"""Audited appends per second: every writer on one chain (what the single chain head
forced on all of them) against each writer on its own organisation's chain.

    .venv/bin/python bench/audit_chain_bench.py --server postgresql+psycopg://postgres@127.0.0.1:5432/postgres

Creates a fresh database on the server, migrates it, and runs `--threads` writers that
each append `--per-thread` entries (a screening-sized payload, one commit each) twice:
all on one organisation's chain, then each on its own. Prints JSON; drops the database.
"""

from __future__ import annotations

import argparse
import json
import sys
import threading
import time
import uuid
from pathlib import Path
from typing import Any

import psycopg
from sqlalchemy.engine import make_url

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.audit import chain, verify  # noqa: E402
from app.config import Settings  # noqa: E402
from app.db import make_engine, make_sessionmaker  # noqa: E402
from app.migrate import upgrade  # noqa: E402

PAYLOAD = {"findings": [{"person": f"p-{n}", "ground": "x" * 40} for n in range(20)]}


def _run(factory: Any, threads: int, per_thread: int, organisation_of: Any) -> float:
    start = threading.Barrier(threads + 1)

    def worker(number: int) -> None:
        start.wait()
        for n in range(per_thread):
            with factory() as session:
                chain.append(
                    session,
                    kind="bench.append",
                    actor=chain.Actor(None, "bench"),
                    data={**PAYLOAD, "n": n},
                    organisations=[organisation_of(number)],
                )
                session.commit()

    workers = [threading.Thread(target=worker, args=(i,)) for i in range(threads)]
    for w in workers:
        w.start()
    start.wait()
    began = time.perf_counter()
    for w in workers:
        w.join()
    return threads * per_thread / (time.perf_counter() - began)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--server", required=True, help="a PostgreSQL URL on the server")
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--per-thread", type=int, default=200)
    args = parser.parse_args()
    name = f"javskoll_bench_{uuid.uuid4().hex[:8]}"
    admin = make_url(args.server).set(drivername="postgresql", database="postgres")
    admin_dsn = admin.render_as_string(hide_password=False)
    url = (
        make_url(args.server)
        .set(drivername="postgresql+psycopg", database=name)
        .render_as_string(hide_password=False)
    )
    with psycopg.connect(admin_dsn, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        upgrade(url)
        engine = make_engine(
            Settings(environment="test", database_url=url, db_pool_size=args.threads + 2)
        )
        factory = make_sessionmaker(engine)
        one_chain = _run(factory, args.threads, args.per_thread, lambda _: 1000)
        own_chains = _run(factory, args.threads, args.per_thread, lambda n: 2000 + n)
        with factory() as session:
            ok = verify.verify(session).ok
        engine.dispose()
        print(
            json.dumps(
                {
                    "threads": args.threads,
                    "appends": args.threads * args.per_thread,
                    "one_chain_appends_per_s": round(one_chain, 1),
                    "own_chains_appends_per_s": round(own_chains, 1),
                    "ratio": round(own_chains / one_chain, 2),
                    "verified": ok,
                }
            )
        )
    finally:
        with psycopg.connect(admin_dsn, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


if __name__ == "__main__":
    main()
