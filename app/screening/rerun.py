"""Re-screen a stored case: the current rules and registry, the original `as_of`.

`POST /v1/screenings/{id}/rerun` stores a new screening through the screening service
(with its own audit entry, which records the screening it reran) and answers it with a
diff against the original: new, removed and changed findings, and whether the rules
version or outcome moved.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends
from pydantic import Field
from sqlalchemy.orm import Session

from app.config import SettingsDep
from app.db import SessionDep
from app.errors import Conflict, NotFound
from app.screening import repository as repo
from app.screening import service
from app.screening.diff import ScreeningDiff, diff
from app.screening.gate import screening_turn
from app.screening.result import ScreeningResult
from app.screening.schemas import ScreeningIn
from app.security.deps import Principal, Screener

router = APIRouter(tags=["screening"])


class ScreeningRerun(ScreeningResult):
    """The new screening, the one it reran, and what moved."""

    rerun_of: str = Field(description="The id of the screening screened again (= reran)")
    diff: ScreeningDiff


def rerun(
    session: Session, principal: Principal, screening_id: str, *, pnr_secret: str
) -> ScreeningRerun:
    """Screen the original's stored case again at its as_of; the new result and the diff."""
    original = repo.screening(session, principal, screening_id)
    if original is None:
        raise NotFound(f"No screening '{screening_id}'.")
    if original.case_id is None:
        raise Conflict(
            "This screening was of an inline case that is not stored; store the case "
            "(POST /v1/cases) and screen it by ref."
        )
    previous = ScreeningResult.model_validate(original.result)
    result = service.screen(
        session,
        principal,
        ScreeningIn(case=original.case_ref, as_of=original.as_of),
        pnr_secret=pnr_secret,
        reran=original.id,
    )
    return ScreeningRerun(**dict(result), rerun_of=original.id, diff=diff(previous, result))


@router.post("/screenings/{screening_id}/rerun", status_code=201, response_model=ScreeningRerun)
def rerun_screening(
    screening_id: str,
    settings: SettingsDep,
    session: SessionDep,
    principal: Screener,
    _turn: Annotated[None, Depends(screening_turn)],
) -> ScreeningRerun:
    """Screen the stored case again with today's rules and registry at the original as_of;
    stored and audited as a new screening, answered with a diff against the original."""
    result = rerun(session, principal, screening_id, pnr_secret=settings.pnr_secret)
    session.commit()
    return result
