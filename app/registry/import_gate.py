"""At most `imports_per_worker` imports worked on at a time in one serving process.

An import of a 50,000-object document holds some 60-80 MB of Python objects while it is
validated and written; two in one process at once took a worker to 322-352 MB (issue 15:
at most 300 MB per worker, BENCHMARKS.md run G). Uvicorn's workers share one listening
socket, so nothing stops one worker from taking both of two concurrent imports. The
import route depends on `import_turn`: a further import in the same process waits its
turn in the event loop until one finishes, then runs and is answered as usual; imports
in other workers still run alongside, and the per-section locks (`importdoc/locks.py`)
still order imports across processes.

The turn is taken after the key is checked (`RegistryWriter`), so only a key that may
import can wait for one: a wrong or read-only key is refused at once, and cannot park a
body in a busy worker. The body has been received and checked by the input guard
before, so a slow upload cannot hold a turn while it trickles in.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

from fastapi import Request

from app.db import SessionDep
from app.gates import turn
from app.security.deps import RegistryWriter


async def import_turn(
    request: Request, _: RegistryWriter, session: SessionDep
) -> AsyncIterator[None]:
    """Wait for this process's import turn (holding no connection: `app.gates.turn`);
    hold it until the import has answered."""
    size = request.app.state.settings.imports_per_worker
    async with turn(request, session, "import", size):
        yield
