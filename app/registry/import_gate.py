"""At most `imports_per_worker` imports processed at a time in one serving process.

An import of a 50,000-object document holds some 60-80 MB of Python objects while it is
validated and written; two in one process at once took a worker to 322-352 MB (issue 15:
at most 300 MB per worker, BENCHMARKS.md run G). Uvicorn's workers share one listening
socket, so nothing stops one worker from taking both of two concurrent imports. This
middleware makes a further import in the same process wait its turn (in the event loop,
holding neither a thread nor a database connection) until one finishes; imports in
other workers still run alongside. A waiting request is answered as usual when its turn
comes: nothing is refused, and the per-section locks (`importdoc/locks.py`) still order
imports across processes.

It sits inside the input guard: the body has been received and checked by then, so a
slow or hostile upload cannot hold a turn while it trickles in, and a refused body never
takes one.
"""

from __future__ import annotations

import anyio
from starlette.types import ASGIApp, Receive, Scope, Send

GATED_PATHS = frozenset({"/v1/import"})


class ImportGateMiddleware:
    def __init__(self, app: ASGIApp, imports_per_worker: int) -> None:
        self.app = app
        self.turns = anyio.Semaphore(imports_per_worker)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "POST" or scope["path"] not in GATED_PATHS:
            await self.app(scope, receive, send)
            return
        async with self.turns:
            await self.app(scope, receive, send)
