"""Check the stored facts of every screening against the hash its audit entry covers.

Called by ``app.audit.verify.verify`` after the chains are checked: the chain proves each
entry's ``facts_hash`` is what was written, and this check proves each stored facts text
still hashes to it. A facts row that was changed, removed, or added for a screening whose
entry covers no facts is named by screening id and audit entry id.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.audit.records import entries_naming
from app.models import Screening, ScreeningFacts
from app.screening.facts_codec import facts_hash


@dataclass(frozen=True, slots=True)
class FactsProblem:
    entry: int | None  # the audit entry's id (Screening.audit_sequence holds it too)
    screening: str
    reason: str


def _covered(session: Session) -> Iterator[list[tuple[int, int, str, str]]]:
    """(entry id, chain id, screening id, facts_hash) of screening entries, a batch at a
    time."""
    for batch in entries_naming(session, "screening", "screening"):
        yield [
            (entry.id, entry.chain_id, str(data["screening"]), data["facts_hash"])
            for entry, data in batch
            if isinstance(data.get("facts_hash"), str)
        ]


def check_screening_facts(session: Session) -> list[FactsProblem]:
    """For each chain, the first screening whose stored facts do not match its audit
    entry (and the first facts row no entry covers). One per chain, so that a break in
    another kommun's rows hides none of a limited auditor's own (app/audit/records.py)."""
    covered: set[str] = set()
    problems: dict[int, FactsProblem] = {}
    for batch in _covered(session):
        ids = [screening for _, _, screening, _ in batch]
        rows = session.execute(
            select(ScreeningFacts.screening_id, ScreeningFacts.facts).where(
                ScreeningFacts.screening_id.in_(ids)
            )
        )
        stored = {row.screening_id: row.facts for row in rows}
        for sequence, chain, screening, expected in batch:
            covered.add(screening)
            text = stored.get(screening)
            if chain in problems:
                continue
            if text is None:
                problems[chain] = FactsProblem(
                    sequence,
                    screening,
                    f"facts of screening {screening} (audit entry {sequence}) are missing",
                )
            elif facts_hash(text) != expected:
                problems[chain] = FactsProblem(
                    sequence,
                    screening,
                    f"facts of screening {screening} "
                    f"(audit entry {sequence}) do not match the hash in "
                    "its audit entry",
                )
    uncovered = _uncovered(session, covered)
    return [*problems.values(), *([uncovered] if uncovered is not None else [])]


def _uncovered(session: Session, covered: set[str]) -> FactsProblem | None:
    """A facts row no audit entry covers (added afterwards, or moved to another id)."""
    rows = session.execute(
        select(ScreeningFacts.screening_id, Screening.audit_sequence)
        .join(Screening, Screening.id == ScreeningFacts.screening_id, isouter=True)
        .order_by(ScreeningFacts.screening_id)
    ).all()
    for screening, sequence in rows:
        if screening not in covered:
            return FactsProblem(
                sequence,
                screening,
                f"facts of screening {screening} "
                f"(audit entry {sequence}) are not covered by its audit "
                "entry",
            )
    return None
