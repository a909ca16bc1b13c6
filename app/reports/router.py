"""GET /v1/reports/*: reports for auditors as JSON, CSV or XLSX (auditor, admin)."""

from __future__ import annotations

from collections.abc import Callable

from fastapi import APIRouter, Response
from sqlalchemy.orm import Session

from app.db import SessionDep, continue_read_only
from app.reports import repository
from app.reports.filters import OutputDep, ReportFiltersDep
from app.reports.model import Report, ReportOut
from app.reports.respond import respond
from app.reports.samverkan import samverkan_report
from app.reports.screenings import screenings_report
from app.reports.structural import structural_report
from app.reports.summary import summary_report
from app.security.deps import ReportReader

router = APIRouter(prefix="/reports", tags=["reports"])

FORMATS = {
    200: {
        "model": ReportOut,
        "content": {
            "application/json": {},
            "text/csv": {},
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {},
        },
        "description": "The report as JSON, CSV (one section, streamed) or XLSX "
        "(a sheet per section)",
    }
}


def _run(
    build: Callable[[Session, repository.Query], Report],
    session: Session,
    principal: ReportReader,
    filters: ReportFiltersDep,
    output: OutputDep,
) -> Response:
    continue_read_only(session)
    return respond(build(session, repository.resolve(session, principal, filters)), output)


@router.get("/screenings", responses=FORMATS)  # type: ignore[arg-type]
def screenings(
    session: SessionDep, principal: ReportReader, filters: ReportFiltersDep, output: OutputDep
) -> Response:
    """Screenings with every finding and the jäv decision settling it; the decisions."""
    return _run(screenings_report, session, principal, filters, output)


@router.get("/summary", responses=FORMATS)  # type: ignore[arg-type]
def summary(
    session: SessionDep, principal: ReportReader, filters: ReportFiltersDep, output: OutputDep
) -> Response:
    """Per committee (and ground): screenings, flags by level, decisions, unresolved flags,
    and cases decided without a screening."""
    return _run(summary_report, session, principal, filters, output)


@router.get("/structural-risks", responses=FORMATS)  # type: ignore[arg-type]
def structural_risks(
    session: SessionDep, principal: ReportReader, filters: ReportFiltersDep, output: OutputDep
) -> Response:
    """Structural risks found by stored screenings, grouped by body and ground."""
    return _run(structural_report, session, principal, filters, output)


@router.get("/samverkan", responses=FORMATS)  # type: ignore[arg-type]
def samverkan(
    session: SessionDep, principal: ReportReader, filters: ReportFiltersDep, output: OutputDep
) -> Response:
    """Gemensamma nämnder, kommunalförbund and agreements, who takes part, their risks."""
    return _run(samverkan_report, session, principal, filters, output)
