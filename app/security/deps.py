"""Authentication (Bearer API key → Principal) and permission dependencies."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from app.db import SessionDep, end_read
from app.errors import Forbidden, Unauthorized
from app.models import ApiKey
from app.security.keys import hash_key
from app.security.principal_cache import TtlCache
from app.security.roles import ROLE_PERMISSIONS, Permission, Role


@dataclass(frozen=True, slots=True)
class Principal:
    key_id: int
    name: str
    role: Role
    # None: unscoped; otherwise the organisation refs the key is limited to.
    organisation_refs: frozenset[str] | None

    @property
    def scoped(self) -> bool:
        return self.organisation_refs is not None

    def can(self, permission: Permission) -> bool:
        return permission in ROLE_PERMISSIONS[self.role]


def _bearer_token(request: Request) -> str:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorized("Send 'Authorization: Bearer <api key>'.")
    return token.strip()


async def get_principal(request: Request, session: SessionDep) -> Principal:
    """The key's principal: from the cache (memory only, on the event loop), or looked up
    in a worker thread. A sync dependency would cost every request a thread round trip."""
    token = _bearer_token(request)
    key_hash = hash_key(token, request.app.state.settings.hash_secret)
    cache: TtlCache[Principal] = request.app.state.principal_cache
    cached = cache.get(key_hash)
    if cached is not None:
        request.state.principal = cached
        return cached
    principal = await run_in_threadpool(_load_principal, session, key_hash)
    cache.put(key_hash, principal)
    request.state.principal = principal
    return principal


def _load_principal(session: Session, key_hash: str) -> Principal:
    key = session.scalar(
        select(ApiKey).where(ApiKey.key_hash == key_hash, ApiKey.revoked_at.is_(None))
    )
    if key is None:
        raise Unauthorized("The API key is unknown or revoked.")
    principal = Principal(
        key_id=key.id,
        name=key.name,
        role=Role(key.role),
        organisation_refs=(
            frozenset(key.organisation_refs) if key.organisation_refs is not None else None
        ),
    )
    end_read(session)  # the connection back to the pool before the next dependency
    return principal


PrincipalDep = Annotated[Principal, Depends(get_principal)]


# Permissions over what all organisations share (API keys, the vocabulary): a key limited
# to some organisations must not hold them, or it could mint an unlimited admin key, or
# revoke other organisations' keys, or change the vocabulary everyone validates against.
GLOBAL_PERMISSIONS = frozenset({Permission.KEYS_MANAGE, Permission.VOCABULARY_WRITE})


def requires(permission: Permission) -> object:
    async def _check(principal: PrincipalDep) -> Principal:
        if not principal.can(permission):
            raise Forbidden(f"The role '{principal.role}' may not do this ({permission}).")
        if permission in GLOBAL_PERMISSIONS and principal.scoped:
            raise Forbidden(
                "Only a key that is not limited to organisations may do this "
                f"({permission}): it affects every organisation."
            )
        return principal

    return Depends(_check)


RegistryReader = Annotated[Principal, requires(Permission.REGISTRY_READ)]
RegistryWriter = Annotated[Principal, requires(Permission.REGISTRY_WRITE)]
CaseReader = Annotated[Principal, requires(Permission.CASE_READ)]
CaseWriter = Annotated[Principal, requires(Permission.CASE_WRITE)]
Screener = Annotated[Principal, requires(Permission.SCREEN)]
Decider = Annotated[Principal, requires(Permission.DECIDE)]
AuditReader = Annotated[Principal, requires(Permission.AUDIT_READ)]
ReportReader = Annotated[Principal, requires(Permission.REPORT_READ)]
KeyManager = Annotated[Principal, requires(Permission.KEYS_MANAGE)]
VocabularyWriter = Annotated[Principal, requires(Permission.VOCABULARY_WRITE)]
