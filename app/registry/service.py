"""The import service: validate the whole document, apply it in bulk, audit it once.

Services flush and never commit; the router commits once before it answers.
"""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.audit import chain
from app.models import Organisation
from app.registry import repository
from app.registry.sections import Importer
from app.registry.validation import Plan, validate
from app.registry.writer import Outcome
from app.security.deps import Principal

logger = logging.getLogger(__name__)


def actor(principal: Principal) -> chain.Actor:
    return chain.Actor(principal.key_id, principal.name)


def organisation_refs(session: Session, ids: set[int]) -> list[str]:
    refs: list[str] = []
    for batch in repository.chunks(sorted(ids)):
        refs.extend(session.scalars(select(Organisation.ref).where(Organisation.id.in_(batch))))
    return sorted(refs)


def apply(session: Session, plan: Plan) -> Outcome:
    """Write a validated plan (bulk statements); returns counts and per-item statuses."""
    outcome = Importer(session, plan).run()
    session.flush()
    return outcome


def import_document(
    session: Session, principal: Principal, raw: Any, *, pnr_secret: str
) -> dict[str, Any]:
    """Validate and upsert a whole import document in the caller's transaction."""
    plan = validate(session, raw, pnr_secret=pnr_secret)
    outcome = apply(session, plan)
    audit: dict[str, Any] | None = None
    if outcome.any_change:
        touched = organisation_refs(session, outcome.touched_org_ids)
        entry = chain.append(
            session,
            kind="registry.import",
            actor=actor(principal),
            data={
                "counts": outcome.counts,
                "changed": outcome.audit_changes(),
                "organisations": touched,
            },
            subjects=[("organisation", ref) for ref in touched],
        )
        audit = {"sequence": entry.sequence, "hash": entry.hash}
    totals = {
        s: sum(c[s] for c in outcome.counts.values()) for s in ("created", "updated", "unchanged")
    }
    logger.info("registry_import", extra={"counts": totals})
    return {"counts": outcome.counts, "totals": totals, "audit": audit}
