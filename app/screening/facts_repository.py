"""Reads of stored facts (one screening's, or every screening's in a what-if filter)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from app.models import Screening, ScreeningFacts
from app.screening import repository as repo
from app.security.deps import Principal


def screening_with_facts(
    session: Session, principal: Principal, screening_id: str
) -> tuple[Screening, ScreeningFacts | None] | None:
    """The screening in the key's scope (None when missing or out of scope) and its
    stored facts (None for a screening stored before facts were kept)."""
    screening = repo.screening(session, principal, screening_id)
    if screening is None:
        return None
    return screening, session.get(ScreeningFacts, screening_id)
