"""`/v1/screenings`, `/v1/rules`, `/v1/organisations/{ref}/structural-risks`."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from app.config import SettingsDep
from app.dates import IsoDate
from app.db import SessionDep
from app.metrics.instruments import record_screening
from app.pagination import PageDep
from app.screening import name_index, service
from app.screening.gate import screening_body_turn
from app.screening.result import OrganisationStructuralRisks, ScreeningPage, ScreeningResult
from app.screening.rules_catalogue import RulesCatalogue, catalogue
from app.screening.schemas import ScreeningIn
from app.security.deps import CaseReader, PrincipalDep, RegistryReader, Screener

router = APIRouter(tags=["screening"])


@router.post("/screenings", status_code=201, response_model=ScreeningResult)
def create_screening(
    settings: SettingsDep,
    session: SessionDep,
    principal: Screener,
    body: Annotated[ScreeningIn, Depends(screening_body_turn)],
) -> ScreeningResult:
    """Screen a stored case (by ref) or an inline case; audited before the answer is sent.
    At most `JAVSKOLL_SCREENINGS_PER_WORKER` at a time per serving process; a further one
    waits its turn once its key and body are checked (app/screening/gate.py)."""
    result = service.screen(session, principal, body, pnr_secret=settings.pnr_secret)
    name_index.writes_no_names(session)  # a screening writes no person or organisation
    session.commit()
    record_screening(
        result.outcome,
        [(str(f.ground), str(f.level)) for f in result.findings]
        + [(str(s.ground), str(s.level)) for s in result.structural],
    )
    return result


@router.get("/screenings", response_model=ScreeningPage)
def list_screenings(
    session: SessionDep,
    principal: CaseReader,
    page: PageDep,
    case: Annotated[str | None, Query(description="the screened case's ref")] = None,
) -> ScreeningPage:
    """Stored screenings in scope, newest first; filter by case ref."""
    return service.list_screenings(session, principal, page, case_ref=case)


@router.get("/screenings/{screening_id}", response_model=ScreeningResult)
def get_screening(screening_id: str, session: SessionDep, principal: CaseReader) -> ScreeningResult:
    """One stored screening, exactly as it was answered."""
    return service.get_screening(session, principal, screening_id)


@router.get("/rules", response_model=RulesCatalogue)
def get_rules(_: PrincipalDep) -> RulesCatalogue:
    """Every rule (id, ground, level, legal basis, validity, description), every dated
    parameter a what-if may change (current value, period, source), and the rules version
    stamped on each screening."""
    return catalogue(service.today())


@router.get(
    "/organisations/{ref:path}/structural-risks", response_model=OrganisationStructuralRisks
)
def structural_risks(
    ref: str,
    session: SessionDep,
    principal: RegistryReader,
    as_of: Annotated[IsoDate | None, Query(description="default: today")] = None,
) -> OrganisationStructuralRisks:
    """Where drift and tillsyn meet in and around an organisation (structural report)."""
    return service.organisation_structural_risks(session, principal, ref, as_of)
