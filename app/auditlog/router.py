"""GET /v1/audit, /v1/audit/verify, /v1/audit/export and /v1/audit/{id} (auditor, admin)."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query, Response
from fastapi.responses import StreamingResponse

from app.auditlog import export, service, verification
from app.auditlog.repository import AuditFilters
from app.auditlog.schemas import AuditEntryOut, AuditPage, VerifyOut
from app.db import SessionDep, continue_read_only, snapshot_read
from app.db_types import utcnow
from app.pagination import PageDep
from app.reports import render
from app.reports.render import CSV_MEDIA_TYPE, XLSX_MEDIA_TYPE
from app.security.deps import AuditReader
from app.vocabularies import AuditKind

router = APIRouter(prefix="/audit", tags=["audit"])
JSONL_MEDIA_TYPE = "application/jsonl; charset=utf-8"


@router.get("", response_model=AuditPage)
def list_audit(
    session: SessionDep,
    principal: AuditReader,
    page: PageDep,
    kind: Annotated[
        list[AuditKind] | None, Query(description="Entry kind; repeat for several")
    ] = None,
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
    chain: Annotated[
        int | None, Query(description="Entries of this chain", ge=1, le=2**31 - 1)
    ] = None,
) -> AuditPage:
    """List audit entries in the order written; a limited key sees the entries written
    as belonging to its organisations, without other organisations' parts."""
    filters = AuditFilters(
        kinds=tuple(kind or ()),
        created_from=service.parse_instant("from", from_, end=False),
        created_before=service.parse_instant("to", to, end=True),
        case=case,
        person=person,
        committee=committee,
        organisation=organisation,
        chain=chain,
    )
    return service.list_entries(session, principal, filters=filters, page=page)


@router.get("/verify", response_model=VerifyOut)
def verify_chain(session: SessionDep, principal: AuditReader) -> VerifyOut:
    """Recompute the hash chains and checkpoints; report the first break the key may see,
    and the current heads."""
    snapshot_read(session)
    return verification.verify_for(session, principal)


ExportFormat = Literal["jsonl", "csv", "xlsx"]


@router.get(
    "/export",
    response_class=StreamingResponse,
    responses={200: {"content": {JSONL_MEDIA_TYPE: {}, CSV_MEDIA_TYPE: {}, XLSX_MEDIA_TYPE: {}}}},
)
def export_audit(
    session: SessionDep,
    principal: AuditReader,
    from_: Annotated[
        str | None, Query(alias="from", description="created_at ≥ (YYYY-MM-DD or datetime)")
    ] = None,
    to: Annotated[
        str | None, Query(description="created_at ≤ (a date includes the whole day)")
    ] = None,
    kind: Annotated[
        list[AuditKind] | None, Query(description="Entry kind; repeat for several")
    ] = None,
    format: Annotated[ExportFormat, Query(description="jsonl (streamed), csv or xlsx")] = "jsonl",  # noqa: A002
) -> Response:
    """Every entry of the period the key may read, as `GET /v1/audit` shows them: JSON
    lines (streamed), CSV (streamed, UTF-8 with BOM) or XLSX."""
    filters = AuditFilters(
        kinds=tuple(kind or ()),
        created_from=service.parse_instant("from", from_, end=False),
        created_before=service.parse_instant("to", to, end=True),
    )
    service.check_period(filters)
    continue_read_only(session)
    views = export.entry_views(session, principal, filters)
    stamp = utcnow()
    name = f"javskoll-audit-{stamp:%Y%m%d}"
    if format == "jsonl":
        return StreamingResponse(
            export.jsonl(views),
            media_type=JSONL_MEDIA_TYPE,
            headers={"Content-Disposition": f'attachment; filename="{name}.jsonl"'},
        )
    report = export.as_report(views, stamp, {"from": from_, "to": to, "kind": kind or []})
    if format == "csv":
        return StreamingResponse(
            render.csv_chunks(report.sections[0]),
            media_type=CSV_MEDIA_TYPE,
            headers={"Content-Disposition": f'attachment; filename="{name}.csv"'},
        )
    return Response(
        render.to_xlsx(report),
        media_type=XLSX_MEDIA_TYPE,
        headers={"Content-Disposition": f'attachment; filename="{name}.xlsx"'},
    )


@router.get("/{entry_id}", response_model=AuditEntryOut)
def get_audit_entry(
    session: SessionDep, principal: AuditReader, entry_id: Annotated[int, Path(ge=1, le=2**62)]
) -> AuditEntryOut:
    """One audit entry by its id."""
    return service.get_entry(session, principal, entry_id)
