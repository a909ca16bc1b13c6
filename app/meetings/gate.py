"""A meeting created or replaced screens its whole agenda: it takes one of the process's
screening turns (`app/screening/gate.py`), after its key and its body have been checked,
so that a refused or invalid meeting is answered at once."""

from __future__ import annotations

from collections.abc import AsyncIterator

from fastapi import Request

from app.db import SessionDep
from app.meetings.schemas import MeetingIn
from app.screening.gate import screening_gate
from app.security.deps import Screener


async def meeting_turn(
    request: Request, _: Screener, session: SessionDep, body: MeetingIn
) -> AsyncIterator[MeetingIn]:
    """The meeting's body, validated, once the process has a screening turn for it."""
    async with screening_gate(request, session):
        yield body
