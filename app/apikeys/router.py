"""Admin API for keys: create (shown once), list, revoke."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Path, Request
from pydantic import BaseModel, Field

from app.apikeys import service
from app.audit.chain import Actor
from app.config import SettingsDep
from app.db import SessionDep
from app.security.deps import KeyManager
from app.security.roles import Role
from app.strictmodel import StrictModel

router = APIRouter(prefix="/apikeys", tags=["api keys"])

RefStr = Annotated[str, Field(min_length=1, max_length=200)]


class ApiKeyOut(BaseModel):
    id: int
    name: str
    role: Role
    prefix: str
    organisations: list[str] | None = Field(
        description="The organisations the key is limited to (null: not limited)"
    )
    created_at: datetime
    revoked_at: datetime | None


class ApiKeyCreated(ApiKeyOut):
    key: str


class ApiKeyList(BaseModel):
    items: list[ApiKeyOut]
    total: int


class ApiKeyCreate(StrictModel):
    name: Annotated[str, Field(min_length=1, max_length=200)]
    role: Role
    organisations: Annotated[list[RefStr] | None, Field(max_length=1000)] = None


@router.post("", status_code=201, response_model=ApiKeyCreated)
def create_api_key(
    body: ApiKeyCreate, settings: SettingsDep, session: SessionDep, principal: KeyManager
) -> dict[str, Any]:
    """Create a key. The key itself is in this answer only; it is stored as an HMAC."""
    service.require_known_organisations(session, body.organisations)
    created = service.create_key(
        session,
        role=body.role,
        name=body.name,
        organisation_refs=body.organisations,
        secret=settings.hash_secret,
        actor=Actor(principal.key_id, principal.name),
    )
    session.commit()
    return {**service.key_summary(created.record), "key": created.key}


@router.get("", response_model=ApiKeyList)
def list_api_keys(session: SessionDep, _: KeyManager) -> dict[str, Any]:
    """Every key with its role and scope (never the key material)."""
    items = [service.key_summary(k) for k in service.list_keys(session)]
    return {"items": items, "total": len(items)}


@router.delete("/{key_id}", response_model=ApiKeyOut)
def revoke_api_key(
    request: Request,
    key_id: Annotated[int, Path(ge=1, le=2**62)],
    session: SessionDep,
    principal: KeyManager,
) -> dict[str, Any]:
    """Revoke a key; it stops working at once. Revoking twice is harmless."""
    record = service.revoke_key(session, key_id, actor=Actor(principal.key_id, principal.name))
    session.commit()
    request.app.state.principal_cache.clear()  # revoked here: refused from the next request
    return service.key_summary(record)
