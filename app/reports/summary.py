"""Report (b): a summary per committee and per committee and ground."""

from __future__ import annotations

from sqlalchemy.orm import Session

from app.db_types import utcnow
from app.reports import summary_repository
from app.reports.model import ColumnType as T
from app.reports.model import Report, Section, columns
from app.reports.repository import Query

I = T.INTEGER  # noqa: E741 - a column type, read as "integer"

COMMITTEE_COLUMNS = columns(
    "organisation",
    "committee",
    "committee_name",
    ("screenings", I),
    ("flagged", I),
    ("clear", I),
    ("jav", I),
    ("mojligt_jav", I),
    ("undantag", I),
    ("structural_risks", I),
    ("decisions_jav", I),
    ("decisions_ej_jav", I),
    ("decisions_obviously_insignificant", I),
    ("unresolved_flags", I),
    ("cases_decided_without_screening", I),
)
GROUND_COLUMNS = columns(
    "organisation",
    "committee",
    "ground",
    ("screenings", I),
    ("jav", I),
    ("mojligt_jav", I),
    ("undantag", I),
    ("structural_risks", I),
    ("flags_decided_jav", I),
    ("flags_decided_ej_jav", I),
    ("unresolved_flags", I),
)


def summary_report(session: Session, q: Query) -> Report:
    """Counts per committee, and per committee and ground."""
    committees = session.execute(summary_repository.committees_summary_stmt(q)).all()
    grounds = session.execute(summary_repository.grounds_summary_stmt(q)).all()
    return Report(
        name="summary",
        generated_at=utcnow(),
        filters=q.filters.applied(),
        sections=[
            Section("committees", COMMITTEE_COLUMNS, [tuple(r) for r in committees]),
            Section("grounds", GROUND_COLUMNS, [tuple(r) for r in grounds]),
        ],
    )
