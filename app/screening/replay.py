"""What the engine knew, and what today's rules make of it.

`GET /v1/screenings/{id}/facts` answers the facts snapshot the screening evaluated, as
stored beside it (its hash is in the screening's audit entry); a key limited to some
organisations gets it cut to what it may read (`app/screening/facts_view.py`). `POST
/v1/screenings/{id}/replay` evaluates those stored facts with the current rules and answers
the diff against the original answer; nothing is stored and nothing is audited.
Both: screener, auditor or admin; a screening out of the key's scope is a 404.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.orm import Session

from app.db import SessionDep
from app.errors import Conflict, Forbidden, NotFound
from app.rules import evaluate
from app.rules.facts import FactsSnapshot
from app.screening import facts_repository, facts_view
from app.screening.diff import ScreeningDiff, diff
from app.screening.facts_codec import FACTS_FORMAT, FactsFormatError, decode
from app.screening.gate import screening_gate
from app.screening.result import ScreeningEvaluation, ScreeningResult
from app.security.deps import Principal, PrincipalDep
from app.security.roles import Permission

router = APIRouter(tags=["screening"])


def _screener_or_auditor(principal: PrincipalDep) -> Principal:
    """Those who screen (screener) and those who check screenings (auditor); admin both."""
    if not (principal.can(Permission.SCREEN) or principal.can(Permission.AUDIT_READ)):
        raise Forbidden(f"The role '{principal.role}' may not read the facts of screenings.")
    return principal


FactsReader = Annotated[Principal, Depends(_screener_or_auditor)]


async def replay_turn(request: Request, _: FactsReader, session: SessionDep) -> AsyncIterator[None]:
    """A replay is a screening's CPU without its writes: it takes a screening turn
    (`app/screening/gate.py`) once its key is checked. A what-if runs as a background job
    and takes none."""
    async with screening_gate(request, session):
        yield


class ScreeningFactsOut(BaseModel):
    """The facts a screening evaluated (personnummer never included)."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    screening: str
    case: str
    as_of: date
    format: int = Field(description="Version of the stored form")
    facts_hash: str = Field(
        description="SHA-256 of the stored canonical JSON; the audit entry covers it"
    )
    redacted: bool = Field(
        description="True when the key is limited to some organisations and the snapshot "
        "held facts outside them: those are left out, and only an unlimited key can check "
        "the snapshot against facts_hash"
    )
    snapshot: FactsSnapshot = Field(
        description="The case, and the persons (appointments, interests, relations), "
        "organisations (ownership), committees (responsibilities), administrations, "
        "operations and agreements the rules read (those the key may read)"
    )


class ScreeningReplay(BaseModel):
    """The stored facts judged by today's rules, and what moved against the original."""

    screening: str
    case: str
    as_of: date
    facts_hash: str
    replayed: ScreeningEvaluation = Field(description="Today's rules on the stored facts")
    diff: ScreeningDiff
    unchanged: bool = Field(description="True when no outcome or finding moved")


def _load(
    session: Session, principal: Principal, screening_id: str
) -> tuple[ScreeningResult, FactsSnapshot, str]:
    found = facts_repository.screening_with_facts(session, principal, screening_id)
    if found is None:
        raise NotFound(f"No screening '{screening_id}'.")
    screening, facts = found
    if facts is None:
        raise NotFound(
            f"Screening '{screening_id}' was stored before screenings kept their facts; "
            "rerun it (POST /v1/screenings/{id}/rerun) to screen the case again."
        )
    try:
        snapshot = decode(facts.facts)
    except FactsFormatError:
        raise Conflict(
            f"The stored facts of screening '{screening_id}' cannot be read; run "
            "`javskoll audit verify`."
        ) from None
    return ScreeningResult.model_validate(screening.result), snapshot, facts.facts_hash


@router.get("/screenings/{screening_id}/facts", response_model=ScreeningFactsOut)
def screening_facts(
    screening_id: str, session: SessionDep, principal: FactsReader
) -> ScreeningFactsOut:
    """The facts snapshot the screening evaluated, exactly as stored with it; for a key
    limited to some organisations, without what it may not read."""
    original, snapshot, digest = _load(session, principal, screening_id)
    shown, redacted = facts_view.facts_for(session, principal, snapshot)
    return ScreeningFactsOut(
        screening=original.id,
        case=original.case,
        as_of=original.as_of,
        format=FACTS_FORMAT,
        facts_hash=digest,
        redacted=redacted,
        snapshot=shown,
    )


def replay(session: Session, principal: Principal, screening_id: str) -> ScreeningReplay:
    original, snapshot, digest = _load(session, principal, screening_id)
    replayed = ScreeningEvaluation.of(evaluate(snapshot), snapshot)
    changes = diff(original, replayed)
    return ScreeningReplay(
        screening=original.id,
        case=original.case,
        as_of=original.as_of,
        facts_hash=digest,
        replayed=replayed,
        diff=changes,
        unchanged=changes.empty,
    )


@router.post("/screenings/{screening_id}/replay", response_model=ScreeningReplay)
def replay_screening(
    screening_id: str,
    session: SessionDep,
    principal: FactsReader,
    _turn: Annotated[None, Depends(replay_turn)],
) -> ScreeningReplay:
    """The stored facts through the current rules (what was known then, judged by today's
    rules), answered with the diff against the original; nothing is stored or audited."""
    return replay(session, principal, screening_id)
