"""The /v1 router: health is public, everything else requires an API key."""

from __future__ import annotations

from fastapi import APIRouter, Depends

from app.apikeys.router import router as apikeys_router
from app.auditlog.router import router as audit_router
from app.cases.router import router as cases_router
from app.decisions.router import router as decisions_router
from app.meetings.router import router as meetings_router
from app.registry.router import router as registry_router
from app.reports.router import router as reports_router
from app.screening.replay import router as replay_router
from app.screening.rerun import router as rerun_router
from app.screening.router import router as screening_router
from app.security.deps import get_principal
from app.security.probes import probe_guard
from app.strictquery import reject_unknown_query_parameters
from app.system.router import public_router
from app.system.router import router as system_router
from app.whatif.router import router as whatif_router


def build_router() -> APIRouter:
    # Strict reading of query strings on every route; after authentication, so that an
    # anonymous caller learns nothing about parameters.
    strict_query = Depends(reject_unknown_query_parameters)
    v1 = APIRouter(prefix="/v1")
    v1.include_router(public_router, dependencies=[strict_query])
    # The probe guard wraps authentication: it counts wrong keys and refused probes.
    authenticated = APIRouter(
        dependencies=[Depends(probe_guard), Depends(get_principal), strict_query]
    )
    authenticated.include_router(system_router)
    # Before the cases and registry routers: their `/cases/{ref:path}` and
    # `/persons/{ref:path}` would swallow `/cases/{ref}/decisions`, `/persons/{ref}/decisions`.
    authenticated.include_router(decisions_router)
    # Before the registry router: its `/organisations/{ref:path}` would swallow
    # `/organisations/{ref}/structural-risks`.
    authenticated.include_router(screening_router)
    authenticated.include_router(rerun_router)
    authenticated.include_router(replay_router)
    authenticated.include_router(whatif_router)
    authenticated.include_router(registry_router)
    authenticated.include_router(apikeys_router)
    authenticated.include_router(audit_router)
    authenticated.include_router(reports_router)
    authenticated.include_router(meetings_router)
    # After any router with `/cases/{ref:path}/...` routes (decisions): `GET /cases/{ref:path}`
    # matches every path below /cases.
    authenticated.include_router(cases_router)
    # Domain routers are added here as they land (registry, cases, screenings, audit, ...).
    v1.include_router(authenticated)
    return v1
