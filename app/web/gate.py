"""The web pages that screen (a case, a new meeting, a meeting's attendance) take one of
the process's screening turns, as the API's routes do (`app/screening/gate.py`): the
form's CSRF token and the user's permission are checked first, so a refused form is
answered at once."""

from __future__ import annotations

from collections.abc import AsyncIterator

from fastapi import Request

from app.db import SessionDep
from app.screening.gate import screening_gate
from app.security.roles import Permission
from app.web.routing import FormUserDep, require


async def web_screening_turn(
    request: Request, user: FormUserDep, session: SessionDep
) -> AsyncIterator[None]:
    """A screening turn for a signed-in user who may screen, held until the page answers."""
    require(user, Permission.SCREEN)
    async with screening_gate(request, session):
        yield
