"""Export the audit log for a period: JSON lines (streamed), CSV or XLSX (issue 14.5).

Each line (or row) is an entry as GET /v1/audit shows it to the same key: limited to its
organisations, other organisations' parts removed. Entries are read in batches by id, so
a year's log is streamed without being held in memory.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from app.audit.chain import canonical_json
from app.auditlog import repository, service
from app.auditlog.repository import AuditFilters
from app.auditlog.schemas import AuditEntryOut
from app.models import AuditEntry
from app.reports.model import ColumnType as T
from app.reports.model import Report, Row, Section, columns
from app.security.deps import Principal

BATCH = 500
ENTRY_COLUMNS = columns(
    ("id", T.INTEGER),
    ("chain", T.INTEGER),
    ("sequence", T.INTEGER),
    ("created_at", T.DATETIME),
    "kind",
    ("actor_key_id", T.INTEGER),
    "actor_name",
    ("organisations", T.LIST),
    ("subjects", T.LIST),
    ("redacted", T.BOOLEAN),
    "data",
    "prev_hash",
    "hash",
)


def entry_views(
    session: Session, principal: Principal, filters: AuditFilters
) -> Iterator[dict[str, Any]]:
    """Every entry in the filter the key may read, in the order written, as shown to it."""
    readers = repository.visible_organisations(session, principal)
    last = 0
    while True:
        stmt = repository.entries_query(principal, filters).where(AuditEntry.id > last)
        batch = list(session.scalars(stmt.limit(BATCH)))
        if not batch:
            return
        yield from service.entry_views(session, batch, readers)
        last = batch[-1].id
        session.expunge_all()


def jsonl(views: Iterator[dict[str, Any]]) -> Iterator[bytes]:
    """One JSON object per line (UTF-8, as GET /v1/audit shows an entry), in chunks."""
    chunk: list[str] = []
    for view in views:
        # The same shape and encoding as GET /v1/audit's items.
        chunk.append(AuditEntryOut.model_validate(view).model_dump_json())
        if len(chunk) >= BATCH:
            yield ("\n".join(chunk) + "\n").encode("utf-8")
            chunk = []
    if chunk:
        yield ("\n".join(chunk) + "\n").encode("utf-8")


def _row(view: dict[str, Any]) -> Row:
    return (
        view["id"],
        view["chain"],
        view["sequence"],
        view["created_at"],
        view["kind"],
        view["actor"]["key_id"],
        view["actor"]["name"],
        [str(o) for o in view["organisations"]],
        [f"{s['kind']}:{s['ref']}" for s in view["subjects"]],
        view["redacted"],
        canonical_json(view["payload"].get("data")),
        view["prev_hash"],
        view["hash"],
    )


def as_report(
    views: Iterator[dict[str, Any]], generated_at: datetime, filters: dict[str, Any]
) -> Report:
    """The entries as a one-section report, for the reports' CSV and XLSX renderers."""
    rows = (_row(v) for v in views)
    return Report("audit", generated_at, filters, [Section("entries", ENTRY_COLUMNS, rows)])
