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

from app.db import SessionDep
from app.gates import turn
from app.security.deps import Screener


async def screening_turn(request: Request, _: Screener, session: SessionDep) -> AsyncIterator[None]:
    """Wait for this process's screening turn (holding no connection: `app.gates.turn`);
    hold it until the screening has answered."""
    size = request.app.state.settings.screenings_per_worker
    async with turn(request, session, "screening", size):
        yield
