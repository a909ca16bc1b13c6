"""At most `screenings_per_worker` screenings worked on at a time in one serving process.

One turn each: `POST /v1/screenings`, a rerun, a replay (`app/screening/replay.py`), a
meeting created or replaced (`app/meetings/gate.py`), and the web pages that screen a
case or a meeting (`app/web/gate.py`). A screening is CPU in the worker (facts, rules,
the stored document) and a short transaction that ends by linking its audit entry under
its organisation's chain head. With the sync routes' 32 threads, an overloaded worker ran
dozens at once: each waited for the interpreter lock while holding a database connection
and, at the end, a chain head's row lock, so the screenings of one organisation queued
behind threads that were not running. Offered 100 national screenings/s on 2 workers (2
cores, the machine's edge), unbounded workers fell to 55-85/s with a p99 of 10-35 s in
four runs of five; with 4 at a time they answered 100/s in four runs of six
(BENCHMARKS.md, run H), at the price of some closed-loop throughput. Further screenings
wait their turn in the event loop (`app/gates.py`), in arrival order, and are then
answered as usual; nothing is refused.

The key is checked before the wait, and so is the body where a route takes one: the
dependency declares it, so FastAPI validates it before calling the dependency, and a
request that gets a 401, 403 or 422 never waits for a turn.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager

from fastapi import Request
from sqlalchemy.orm import Session

from app.db import SessionDep
from app.gates import turn
from app.screening.schemas import ScreeningIn
from app.security.deps import Screener


def screening_gate(request: Request, session: Session) -> AbstractAsyncContextManager[None]:
    """This process's screening turn (holding no connection while it waits:
    `app.gates.turn`), for the dependencies here and in the meetings and web modules."""
    return turn(request, session, "screening", request.app.state.settings.screenings_per_worker)


async def screening_turn(request: Request, _: Screener, session: SessionDep) -> AsyncIterator[None]:
    """A screening turn for a route without a body (a rerun), held until it has answered."""
    async with screening_gate(request, session):
        yield


async def screening_body_turn(
    request: Request, _: Screener, session: SessionDep, body: ScreeningIn
) -> AsyncIterator[ScreeningIn]:
    """`POST /v1/screenings`' body, validated before its turn is waited for (its inline
    case too: `ScreeningIn.checked_case`)."""
    body.checked_case()
    async with screening_gate(request, session):
        yield body
