"""Report (a): screenings with their findings and the jäv decisions that settle them."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from sqlalchemy.orm import Session

from app.db_types import utcnow
from app.reports import repository
from app.reports.model import ColumnType as T
from app.reports.model import Report, Row, Section, columns
from app.reports.repository import Query

STREAM_BATCH = 500

FINDING_COLUMNS = columns(
    "screening",
    ("screened_at", T.DATETIME),
    "case",
    "organisation",
    "committee",
    ("as_of", T.DATE),
    "outcome",
    "rules_version",
    ("audit_sequence", T.INTEGER),
    "person",
    "person_name",
    "ground",
    "level",
    "rule",
    ("structural", T.BOOLEAN),
    ("resolved", T.BOOLEAN),
    ("decision_id", T.INTEGER),
    "decision",
    ("obviously_insignificant", T.BOOLEAN),
    ("decided_on", T.DATE),
    "protocol_paragraph",
    ("legal_basis", T.LIST),
    "explanation",
)
DECISION_COLUMNS = columns(
    ("id", T.INTEGER),
    "case",
    "organisation",
    "committee",
    "person",
    "person_name",
    "raised_by",
    "decision",
    ("obviously_insignificant", T.BOOLEAN),
    ("decided_on", T.DATE),
    "protocol_paragraph",
    "screening",
    "recorded_by",
    ("recorded_at", T.DATETIME),
    ("audit_sequence", T.INTEGER),
)


def _finding_row(r: Any) -> Row:
    data = r.data or {}
    person_finding = r.ground is not None and not r.structural
    return (
        r.screening,
        r.screened_at,
        r.case,
        r.organisation,
        r.committee,
        r.as_of,
        r.outcome,
        r.rules_version,
        r.audit_sequence,
        r.person,
        r.person_name,
        r.ground,
        r.level,
        r.rule,
        None if r.ground is None else bool(r.structural),
        (r.decision_id is not None) if person_finding else None,
        r.decision_id,
        r.decision,
        None if r.obviously_insignificant is None else bool(r.obviously_insignificant),
        r.decided_on,
        r.protocol_paragraph,
        tuple(data.get("legal_basis") or ()),
        (data.get("explanation") or {}).get("sv"),
    )


def _rows(session: Session, q: Query) -> Iterator[Row]:
    # Executed now, fetched in batches while the response streams.
    result = session.execute(repository.findings_stmt(q).execution_options(yield_per=STREAM_BATCH))
    return (_finding_row(r) for r in result)


def screenings_report(session: Session, q: Query) -> Report:
    """Every finding of every screening in the report, with its settling decision."""
    decisions = session.execute(repository.decisions_stmt(q)).all()
    return Report(
        name="screenings",
        generated_at=utcnow(),
        filters=q.filters.applied(),
        sections=[
            Section("findings", FINDING_COLUMNS, _rows(session, q)),
            Section("decisions", DECISION_COLUMNS, [tuple(d) for d in decisions]),
        ],
    )
