"""Public health and readiness, and the vocabularies."""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select, text

from app import __version__
from app.config import SettingsDep
from app.db import SQLITE_BEGIN_OPTION, SessionDep
from app.models import Appointment, CustomArea
from app.security import scoping
from app.security.deps import RegistryReader
from app.vocabularies import vocabularies


class Health(BaseModel):
    status: Literal["ok"] = Field(description="`ok`: the process answers")
    version: str = Field(description="The service version")


class Vocabularies(BaseModel):
    """Every controlled vocabulary of the contract (areas include administrator-added ones)."""

    model_config = ConfigDict(extra="allow")  # a vocabulary added later is still sent

    organisation_kind: list[str]
    committee_kind: list[str]
    responsibility_role: list[str]
    area: list[str]
    appointment_role: list[str]
    interest_kind: list[str]
    relation_kind: list[str]
    matter: list[str]
    party_role: list[str]
    participant_role: list[str]
    raised_by: list[str]
    decision: list[str]
    ground: list[str]
    structural_ground: list[str]
    level: list[str]
    party: list[str]


class Readiness(BaseModel):
    status: Literal["ready", "unavailable"] = Field(description="Whether requests can be served")
    database: str = Field(description="`ok`, or the kind of error reaching the database")


public_router = APIRouter(tags=["system"])
router = APIRouter(tags=["system"])


@public_router.get("/health", response_model=Health)
def health() -> dict[str, str]:
    """Liveness: the process answers. Does not touch the database."""
    return {"status": "ok", "version": __version__}


@public_router.get(
    "/ready",
    response_model=Readiness,
    responses={503: {"description": "Not ready: the database does not answer"}},
)
def ready(request: Request, response: Response, settings: SettingsDep) -> dict[str, Any]:
    """Readiness: the database answers a trivial query."""
    try:
        with request.app.state.engine.connect() as connection:
            connection.execution_options(**{SQLITE_BEGIN_OPTION: "DEFERRED"})
            connection.execute(text("SELECT 1"))
    except Exception as exc:  # noqa: BLE001 - any failure means not ready
        response.status_code = 503
        response.headers["Retry-After"] = str(settings.db_retry_after_seconds)
        return {"status": "unavailable", "database": type(exc).__name__}
    return {"status": "ready", "database": "ok"}


@router.get("/vocabularies", response_model=Vocabularies)
def get_vocabularies(session: SessionDep, principal: RegistryReader) -> dict[str, list[str]]:
    """Every controlled vocabulary of the contract, with administrator-added areas, and
    `party`: the party abbreviations the key's appointments use (parties are local, not a
    closed list; meetings order ersättare by them)."""
    custom = session.scalars(select(CustomArea.code).order_by(CustomArea.code)).all()
    stmt = select(Appointment.party).where(Appointment.party.is_not(None)).distinct()
    stmt = scoping.apply(
        stmt, scoping.person_id_predicate(principal, Appointment.__table__.c.person_id)
    )
    parties = sorted(p for p in session.scalars(stmt).all() if p)
    return vocabularies(custom, parties)
