"""POST/GET /v1/cases/{ref}/decisions and GET /v1/persons/{ref}/decisions."""

from __future__ import annotations

from fastapi import APIRouter

from app.db import SessionDep
from app.decisions import service
from app.decisions.schemas import DecisionIn, DecisionOut, DecisionPage
from app.pagination import PageDep
from app.security.deps import CaseReader, Decider

router = APIRouter(tags=["decisions"])


@router.post("/cases/{ref:path}/decisions", status_code=201, response_model=DecisionOut)
def record_decision(
    ref: str, body: DecisionIn, session: SessionDep, principal: Decider
) -> DecisionOut:
    """Record what the nämnd decided about one person's jäv in this case (audited)."""
    decision = service.record_decision(session, principal, ref, body)
    session.commit()
    return decision


@router.get("/cases/{ref:path}/decisions", response_model=DecisionPage)
def case_decisions(
    ref: str, session: SessionDep, principal: CaseReader, page: PageDep
) -> DecisionPage:
    """The jäv decisions recorded in a case, with the findings each one settles."""
    return service.case_decisions(session, principal, ref, page)


@router.get("/persons/{ref:path}/decisions", response_model=DecisionPage)
def person_decisions(
    ref: str, session: SessionDep, principal: CaseReader, page: PageDep
) -> DecisionPage:
    """One person's jäv decisions across the cases this key can see."""
    return service.person_decisions(session, principal, ref, page)
