"""`POST /v1/whatif` and `GET /v1/whatif/{id}` (auditor, admin)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse

from app.db import SessionDep
from app.errors import Conflict
from app.reports.filters import OutputDep
from app.reports.respond import respond
from app.reports.router import FORMATS
from app.security.deps import AuditReader
from app.whatif import service
from app.whatif.report import as_report
from app.whatif.schemas import WhatIfIn, WhatIfJobOut, WhatIfReport

router = APIRouter(tags=["what-if"])
GET_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: dict(FORMATS[200]),
    409: {"description": "CSV or XLSX asked for before the job is done"},
}


@router.post(
    "/whatif",
    status_code=202,
    response_model=WhatIfJobOut,
    responses={202: {"description": "Started; poll the Location for progress and report"}},
)
def create_whatif(
    body: WhatIfIn, request: Request, session: SessionDep, principal: AuditReader
) -> JSONResponse:
    """Replay every stored screening in the filter (and the key's scope) with the rule
    parameters changed, as a job; nothing in the stored screenings changes."""
    job = service.create(session, principal, body, request.app.state.sessionmaker)
    return JSONResponse(
        job.model_dump(mode="json", by_alias=True),
        status_code=202,
        headers={"Location": f"/v1/whatif/{job.id}"},
    )


@router.get(
    "/whatif/{job_id}",
    response_model=WhatIfJobOut,
    responses=GET_RESPONSES,
)
def get_whatif(
    job_id: str, session: SessionDep, principal: AuditReader, output: OutputDep
) -> Response:
    """The job's progress and, once done, its report: JSON (the job), or the report as
    CSV or XLSX (Accept header or ?format=)."""
    job = service.get(session, principal, job_id)
    if output.format == "json":
        out = service.job_out(job)
        return JSONResponse(out.model_dump(mode="json", by_alias=True))
    if job.status != "done" or job.report is None:
        raise Conflict(f"The what-if job is {job.status}; its report is not ready.")
    return respond(as_report(job.id, WhatIfReport.model_validate(job.report)), output)
