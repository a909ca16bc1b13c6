"""At most `screenings_per_worker` screenings worked on at a time in one serving process
(`POST /v1/screenings`, a rerun, and a meeting created or replaced: one turn each).

A screening is CPU in the worker (facts, rules, the stored document) and a short
transaction that ends by linking its audit entry under its organisation's chain head.
With the sync routes' 32 threads, an overloaded worker ran dozens at once: each waited
for the interpreter lock while holding a database connection and, at the end, a chain
head's row lock, so the screenings of one organisation queued behind threads that were
not running. Offered 100 national screenings/s on 2 workers (2 cores, the machine's
edge), unbounded workers fell to 55-85/s with a p99 of 10-35 s in four runs of five;
with 4 at a time they answered 100/s in four runs of six (BENCHMARKS.md, run H), at the
price of some closed-loop throughput. Further screenings wait their turn in the event
loop (`app/gates.py`), in arrival order, and are then answered as usual; nothing is
refused.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

from fastapi import Request
from starlette.concurrency import run_in_threadpool

from app.db import SessionDep
from app.gates import turns
from app.security.deps import Screener


async def screening_turn(request: Request, _: Screener, session: SessionDep) -> AsyncIterator[None]:
    """Wait for this process's screening turn; hold it until the screening has answered.

    A key looked up in the database (not in the key cache) left the request's read
    transaction open: it is ended before the wait, so that a waiting screening holds no
    pooled connection (and on SQLite not the write lock); the screening begins a new one
    when its turn comes. Nothing has been written by then, and it is rolled back, not
    committed: a commit would also mark the request's Idempotency-Key as carried out
    (`app/idempotency/middleware.py` marks it in the request's own commit)."""
    gate = turns(request, "screening", request.app.state.settings.screenings_per_worker)
    if session.in_transaction():
        await run_in_threadpool(session.rollback)
    async with gate:
        yield
