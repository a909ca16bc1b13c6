"""Every read and write of what-if jobs, and the stored screenings a job replays."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from app.models import Committee, Finding, Organisation, Screening, ScreeningFacts, WhatIfJob
from app.security import scoping
from app.security.deps import Principal
from app.whatif.compare import FindingKey, StoredItem

_COMMITTEE = Screening.__table__.c.committee_id
UNFINISHED = ("queued", "running")
#: (organisation id, committee id, as_of from, as_of to), each None when not filtered
Where = tuple[int | None, int | None, date | None, date | None]


def organisation_id(session: Session, principal: Principal, ref: str) -> int | None:
    stmt = scoping.apply(
        select(Organisation.id).where(Organisation.ref == ref),
        scoping.organisation_point_predicate(principal),
    )
    found = session.scalar(stmt)
    return None if found is None else int(found)


def committee_id(session: Session, principal: Principal, ref: str) -> int | None:
    stmt = scoping.apply(
        select(Committee.id).where(Committee.ref == ref),
        scoping.committee_predicate(principal),
    )
    found = session.scalar(stmt)
    return None if found is None else int(found)


def _in_filter(
    stmt: Any,
    principal: Principal,
    org_id: int | None,
    committee: int | None,
    first: date | None,
    last: date | None,
) -> Any:
    if org_id is not None:
        stmt = stmt.where(Screening.organisation_id == org_id)
    if committee is not None:
        stmt = stmt.where(Screening.committee_id == committee)
    if first is not None:
        stmt = stmt.where(Screening.as_of >= first)
    if last is not None:
        stmt = stmt.where(Screening.as_of <= last)
    return scoping.apply(stmt, scoping.committee_id_predicate(principal, _COMMITTEE))


def counts(session: Session, principal: Principal, *where: Any) -> tuple[int, int]:
    """(screenings in the filter, of which with stored facts)."""
    base = _in_filter(select(func.count(Screening.id)), principal, *where)
    with_facts = base.join(ScreeningFacts, ScreeningFacts.screening_id == Screening.id)
    return session.scalar(base) or 0, session.scalar(with_facts) or 0


def stored_batches(
    session: Session, principal: Principal, *where: Any, size: int = 500
) -> Iterator[list[StoredItem]]:
    """The screenings in the filter with stored facts, in id order, a batch at a time
    (keyset pagination: each batch is one indexed range read, however far in)."""
    last = ""
    while True:
        stmt = _in_filter(
            select(
                Screening.id,
                Screening.case_ref,
                Screening.as_of,
                Screening.outcome,
                Screening.rules_version,
                ScreeningFacts.facts,
            ).join(ScreeningFacts, ScreeningFacts.screening_id == Screening.id),
            principal,
            *where,
        )
        rows = session.execute(
            stmt.where(Screening.id > last).order_by(Screening.id).limit(size)
        ).all()
        if not rows:
            return
        last = rows[-1].id
        findings: dict[str, list[FindingKey]] = {r.id: [] for r in rows}
        for f in session.execute(
            select(
                Finding.screening_id,
                Finding.person_ref,
                Finding.ground,
                Finding.level,
                Finding.rule,
            )
            .where(Finding.screening_id.in_(list(findings)))
            .order_by(Finding.screening_id, Finding.position)
        ):
            findings[f.screening_id].append((f.person_ref, f.ground, f.level, f.rule or ""))
        yield [
            StoredItem(
                r.id,
                r.case_ref,
                r.as_of.isoformat(),
                r.outcome,
                r.rules_version,
                tuple(findings[r.id]),
                r.facts,
            )
            for r in rows
        ]
        session.expunge_all()


def job(session: Session, principal: Principal, job_id: str) -> WhatIfJob | None:
    """A job the key may see: its own, or any job for a key not limited to organisations."""
    found = session.get(WhatIfJob, job_id)
    if found is None:
        return None
    if principal.scoped and found.api_key_id != principal.key_id:
        return None
    return found


def unfinished_runners(session: Session, host: str) -> list[str]:
    return [
        r
        for r in session.scalars(
            select(WhatIfJob.runner)
            .where(WhatIfJob.status.in_(UNFINISHED), WhatIfJob.runner.like(f"{host}:%"))
            .distinct()
        )
        if r is not None
    ]


def fail_orphans(session: Session, host: str, alive: set[str]) -> int:
    """Mark failed the unfinished jobs of this host whose runner is not alive."""
    stmt = (
        update(WhatIfJob)
        .where(WhatIfJob.status.in_(UNFINISHED), WhatIfJob.runner.like(f"{host}:%"))
        .where(WhatIfJob.runner.not_in(alive) if alive else WhatIfJob.runner.is_not(None))
        .values(status="failed", error="interrupted: the service restarted while it ran")
        .execution_options(synchronize_session=False)
    )
    return session.execute(stmt).rowcount or 0  # type: ignore[attr-defined]
