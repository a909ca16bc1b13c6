"""GET /v1/audit, /v1/audit/verify and /v1/audit/{sequence} (auditor, admin)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from app.auditlog import service
from app.auditlog.repository import AuditFilters
from app.auditlog.schemas import AuditEntryOut, AuditPage, VerifyOut
from app.db import SessionDep, continue_read_only
from app.pagination import PageDep
from app.security.deps import AuditReader

router = APIRouter(prefix="/audit", tags=["audit"])


@router.get("", response_model=AuditPage)
def list_audit(
    session: SessionDep,
    principal: AuditReader,
    page: PageDep,
    kind: Annotated[list[str] | None, Query(description="Entry kind; repeat for several")] = None,
    from_: Annotated[
        str | None, Query(alias="from", description="created_at ≥ (YYYY-MM-DD or datetime)")
    ] = None,
    to: Annotated[
        str | None, Query(description="created_at ≤ (a date includes the whole day)")
    ] = None,
    case: Annotated[str | None, Query(description="Entries about this case ref")] = None,
    person: Annotated[str | None, Query(description="Entries about this person ref")] = None,
    committee: Annotated[str | None, Query(description="Entries about this committee ref")] = None,
    organisation: Annotated[
        str | None, Query(description="Entries about this organisation")
    ] = None,
) -> AuditPage:
    """List audit entries in sequence order; a limited key sees entries about its scope."""
    filters = AuditFilters(
        kinds=tuple(kind or ()),
        created_from=service.parse_instant("from", from_, end=False),
        created_before=service.parse_instant("to", to, end=True),
        case=case,
        person=person,
        committee=committee,
        organisation=organisation,
    )
    return service.list_entries(session, principal, filters=filters, page=page)


@router.get("/verify", response_model=VerifyOut)
def verify_chain(session: SessionDep, _: AuditReader) -> VerifyOut:
    """Recompute the whole hash chain and report the first sequence that breaks it."""
    continue_read_only(session)
    return service.verify(session)


@router.get("/{sequence}", response_model=AuditEntryOut)
def get_audit_entry(session: SessionDep, principal: AuditReader, sequence: int) -> AuditEntryOut:
    """One audit entry by its sequence number."""
    return service.get_entry(session, principal, sequence)
