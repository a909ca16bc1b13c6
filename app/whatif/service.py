"""Start a what-if job (checked, stored, run in a thread) and read it back."""

from __future__ import annotations

from sqlalchemy.orm import Session, sessionmaker

from app.db_types import utcnow
from app.errors import NotFound, Unprocessable, field_error
from app.models import WhatIfJob
from app.rules.parameter_overrides import OverrideError, check_value
from app.rules.parameters import default_parameters
from app.screening.ids import new_screening_id
from app.security.deps import Principal
from app.whatif import repository as repo
from app.whatif import runner
from app.whatif.schemas import WhatIfIn, WhatIfJobOut, WhatIfProgress, WhatIfReport


def _check(session: Session, principal: Principal, body: WhatIfIn) -> None:
    """Every problem at once, each at its field: unknown parameters, values of the wrong
    type, unknown (or out of scope) organisation and committee, a reversed period."""
    errors = []
    known = default_parameters().by_name
    for name, value in body.parameters.items():
        pointer = "/parameters/" + name.replace("~", "~0").replace("/", "~1")
        if name not in known:
            errors.append(
                field_error(
                    pointer, "unknown parameter (GET /v1/rules lists them)", "unknown_parameter"
                )
            )
            continue
        try:
            check_value(known[name], value)
        except OverrideError as exc:
            errors.append(field_error(pointer, str(exc), "invalid_value"))
    try:
        runner.resolve_filter(session, principal, body)
    except LookupError as exc:
        field = str(exc.args[0])
        errors.append(field_error(f"/filter/{field}", f"unknown {field}", "unknown_reference"))
    f = body.filter
    if f.from_ and f.to and f.to < f.from_:
        errors.append(
            field_error("/filter/to", "the period ends before it starts", "period_reversed")
        )
    if errors:
        detail = "; ".join(f"{e['pointer']}: {e['detail']}" for e in errors[:5])
        raise Unprocessable(detail, errors=errors)


def create(
    session: Session, principal: Principal, body: WhatIfIn, make_session: sessionmaker[Session]
) -> WhatIfJobOut:
    """Check the request, store the job (committed), start its thread; the job as queued."""
    _check(session, principal, body)
    job = WhatIfJob(
        id="wif_" + new_screening_id().removeprefix("scr_"),
        created_at=utcnow(),
        status="queued",
        done=0,
        total=0,
        request=body.model_dump(mode="json", by_alias=True),
        api_key_id=principal.key_id,
        key_name=principal.name,
        key_role=str(principal.role),
        key_scope=sorted(principal.organisation_refs)
        if principal.organisation_refs is not None
        else None,
        runner=runner.runner_id(),
    )
    session.add(job)
    session.commit()
    out = job_out(job)
    runner.start(make_session, job.id)
    return out


def job_out(job: WhatIfJob) -> WhatIfJobOut:
    return WhatIfJobOut(
        id=job.id,
        status=job.status,
        created_at=job.created_at,
        finished_at=job.finished_at,
        progress=WhatIfProgress(done=job.done, total=job.total),
        request=WhatIfIn.model_validate(job.request),
        report=WhatIfReport.model_validate(job.report) if job.report is not None else None,
        error=job.error,
    )


def get(session: Session, principal: Principal, job_id: str) -> WhatIfJob:
    found = repo.job(session, principal, job_id)
    if found is None:
        raise NotFound(f"No what-if job '{job_id}'.")
    return found
