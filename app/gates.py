"""Per-process turns: at most N requests of one kind worked on at a time in a worker.

Each serving process has a pool of threads for the sync routes, and an event loop in
front of it. A request that must wait its turn waits in the event loop (a coroutine, no
thread, no database connection), and takes a thread only when its turn comes. Two kinds
of work have a gate: imports (memory: `app/registry/import_gate.py`) and screenings
(CPU and the audit chain's locks: `app/screening/gate.py`). A turn is taken after the
request's key has been checked, so only a key that may do the work can wait for it.

A client that gives up while its request waits (it closed the connection: a timeout, a
user who left) withdraws it: the wait ends with 499 (`ClientClosedRequest`, which nobody
reads but the logs and metrics) and the work is never done, so an overloaded worker does
not go on to import or screen for nobody. The request's body has been read by then, so
the next message from the server is the disconnect, if it comes.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import anyio
from fastapi import Request
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from app.errors import ClientClosedRequest


def turns(request: Request, kind: str, size: int) -> anyio.Semaphore:
    """This process's semaphore for `kind`, made on first use in the worker's own event
    loop (one per serving process) with `size` turns."""
    state = request.app.state
    gates: dict[str, anyio.Semaphore] | None = getattr(state, "gates", None)
    if gates is None:
        gates = state.gates = {}
    gate = gates.get(kind)
    if gate is None:
        gate = gates[kind] = anyio.Semaphore(size)
    return gate


@asynccontextmanager
async def turn(request: Request, session: Session, kind: str, size: int) -> AsyncIterator[None]:
    """Hold one of this process's `kind` turns. A key looked up in the database (not in
    the key cache) left the request's read transaction open: it is rolled back before the
    wait, so that a waiting request holds no pooled connection and, on SQLite, not the
    write lock that the holder of the turn needs (a waiting import holding it stalled
    every writer for the 30 s busy timeout). Nothing is written before a gate; it is not
    committed, because a commit also marks the request's Idempotency-Key as carried out
    (`app/idempotency/middleware.py`)."""
    gate = turns(request, kind, size)
    if session.in_transaction():
        await run_in_threadpool(session.rollback)
    await _acquire_unless_gone(gate, request)
    try:
        yield
    finally:
        gate.release()


async def _acquire_unless_gone(gate: anyio.Semaphore, request: Request) -> None:
    """Take a turn of `gate` (in arrival order), or raise ClientClosedRequest if the client
    disconnects first: one task waits for the turn, another for the disconnect, and the
    first to finish cancels the other."""
    if gate.value > 0 and gate.statistics().tasks_waiting == 0:
        gate.acquire_nowait()  # a free turn and no one before us: no watch needed
        return
    acquired = gone = False
    try:
        async with anyio.create_task_group() as group:

            async def watch() -> None:
                nonlocal gone
                while (await request.receive())["type"] != "http.disconnect":
                    # A body the route has not read from `receive` (the input guard
                    # replays the one it read) or an empty one: nothing needs it now.
                    await anyio.lowlevel.checkpoint()
                gone = True
                group.cancel_scope.cancel()

            group.start_soon(watch)
            await gate.acquire()
            acquired = True
            group.cancel_scope.cancel()
    except BaseException:
        # Cancelled from outside (a server shutting down) or the watch failed: a turn
        # taken must not be lost to the process.
        if acquired:
            gate.release()
        raise
    if gone:
        if acquired:
            gate.release()
        raise ClientClosedRequest("The client closed the connection while the request waited.")
