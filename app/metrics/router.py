"""`GET /metrics` on the API port, for a key (JAVSKOLL_METRICS=key, the default).

Metrics count screenings, findings and requests across every organisation, so only a key
that may read the audit log (admin, auditor) and is not limited to organisations may read
them. Prometheus sends the key as `authorization: {credentials: ...}` (docs/operations.md).
"""

from __future__ import annotations

from fastapi import APIRouter, Response

from app.db import SessionDep, continue_read_only
from app.errors import Forbidden
from app.metrics.exposition import CONTENT_TYPE, audit_chain_length, render
from app.security.deps import AuditReader

router = APIRouter(tags=["system"])


@router.get(
    "/metrics",
    response_class=Response,
    responses={200: {"content": {"text/plain": {}}, "description": "Prometheus text format"}},
)
def metrics(session: SessionDep, principal: AuditReader) -> Response:
    """Prometheus metrics: requests, latency, screenings, findings, imports, audit chain
    length, database pool (an admin or auditor key not limited to organisations)."""
    if principal.scoped:
        raise Forbidden(
            "Only a key that is not limited to organisations may read the metrics: they "
            "count every organisation's screenings."
        )
    continue_read_only(session)
    return Response(render(lambda: audit_chain_length(session)), media_type=CONTENT_TYPE)
