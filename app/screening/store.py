"""Write a typed screening result: the screening row, its finding rows, its audit entry.

Everything here is derived from one :class:`ScreeningResult`, so what is answered, what
is stored and what the audit log covers are the same document.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Literal, TypedDict

from pydantic import BaseModel, ConfigDict, Field, JsonValue
from sqlalchemy import Table, insert
from sqlalchemy.orm import Session

from app.audit import chain
from app.models import Finding, Screening, ScreeningFacts
from app.screening.facts_codec import EncodedFacts
from app.screening.result import (
    ScreeningAuditRef,
    ScreeningFinding,
    ScreeningParticipant,
    ScreeningResult,
    ScreeningStructuralFinding,
)

# The table itself: a Core executemany sends every row in one statement.
FINDINGS: Table = Finding.__table__  # type: ignore[assignment]


class FindingRow(TypedDict):
    """One row of the findings table (reports filter on its columns)."""

    screening_id: str
    position: int
    structural: bool
    person_ref: str | None
    ground: str
    level: str
    rule: str | None
    match_score: float | None
    data: dict[str, JsonValue]


class ScreeningAuditData(BaseModel):
    """The data of a screening's audit entry (chained and hashed by app.audit.chain)."""

    model_config = ConfigDict(frozen=True)

    screening: str
    case: dict[str, JsonValue] = Field(description="The case as screened (personnummer hashed)")
    as_of: date
    outcome: Literal["flagged", "clear"]
    rules_version: str
    findings: list[ScreeningFinding]
    structural: list[ScreeningStructuralFinding]
    participants: list[ScreeningParticipant]
    reran: str | None = None
    facts_hash: str | None = Field(
        default=None, description="SHA-256 of the stored facts' canonical JSON"
    )
    # Since review R: the screening's own time (its row's and answer's `created_at`, which
    # reports show as screened_at), so that `audit verify` catches a backdated row.
    created_at: datetime | None = None

    @classmethod
    def of(
        cls, result: ScreeningResult, case: dict[str, JsonValue], facts_hash: str | None
    ) -> ScreeningAuditData:
        return cls(
            screening=result.id,
            case=case,
            as_of=result.as_of,
            outcome=result.outcome,
            rules_version=result.rules_version,
            findings=result.findings,
            structural=result.structural,
            participants=result.participants,
            reran=result.reran,
            facts_hash=facts_hash,
            created_at=result.created_at,
        )

    def as_json(self) -> dict[str, JsonValue]:
        # Absent optional fields are left out, so an entry without a rerun or facts hash
        # hashes exactly as before those fields existed.
        data = self.model_dump(mode="json", by_alias=True)
        for optional in ("reran", "facts_hash", "created_at"):
            if data.get(optional) is None:
                data.pop(optional, None)
        return data


def audit_data(
    result_json: dict[str, JsonValue], case: dict[str, JsonValue], facts_hash: str | None
) -> dict[str, JsonValue]:
    """`ScreeningAuditData.of(result, case, facts_hash).as_json()` from the result's JSON
    (`result.as_json()`, serialised once for the row, the answer and this): the same
    values, without validating and serialising the findings again (the audit payload is
    canonical JSON: key order does not matter; tests hold the two together)."""
    data: dict[str, JsonValue] = {
        "screening": result_json["id"],
        "case": case,
        "as_of": result_json["as_of"],
        "outcome": result_json["outcome"],
        "rules_version": result_json["rules_version"],
        "findings": result_json["findings"],
        "structural": result_json["structural"],
        "participants": result_json["participants"],
    }
    if result_json.get("reran") is not None:
        data["reran"] = result_json["reran"]
    if facts_hash is not None:
        data["facts_hash"] = facts_hash
    data["created_at"] = result_json["created_at"]
    return data


def finding_rows(result: ScreeningResult) -> list[FindingRow]:
    """Person findings, then structural ones, in the answer's order."""
    rows: list[FindingRow] = [
        FindingRow(
            screening_id=result.id,
            position=i,
            structural=False,
            person_ref=f.person,
            ground=str(f.ground),
            level=str(f.level),
            rule=f.rule,
            match_score=f.match_score,
            data=f.as_json(),
        )
        for i, f in enumerate(result.findings)
    ]
    offset = len(rows)
    rows += [
        FindingRow(
            screening_id=result.id,
            position=offset + i,
            structural=True,
            person_ref=None,
            ground=str(s.ground),
            level=str(s.level),
            rule=s.rule,
            match_score=s.match_score,
            data=s.as_json(),
        )
        for i, s in enumerate(result.structural)
    ]
    return rows


def audit_subjects(
    result: ScreeningResult, case_committee: str, case_organisation: str
) -> list[tuple[str, str]]:
    return [
        ("case", result.case),
        ("committee", case_committee),
        ("organisation", case_organisation),
        # a person screened in two roles (participants.build_subjects) is one subject
        *(("person", ref) for ref in dict.fromkeys(p.person for p in result.participants)),
    ]


def write(
    session: Session,
    stored: Screening,
    result: ScreeningResult,
    facts: EncodedFacts,
    prepared: chain.PreparedEntry,
) -> ScreeningResult:
    """Insert the screening, its facts and its findings, link the audit entry last (the
    head lock is held only for the link and the commit); the result with its audit ref."""
    session.add(stored)
    session.flush()
    session.add(ScreeningFacts(screening_id=result.id, facts=facts.text, facts_hash=facts.hash))
    rows = finding_rows(result)
    if rows:
        # One executemany however many findings (not an INSERT ... RETURNING per row).
        session.execute(insert(FINDINGS), rows)
    entry = chain.link(session, prepared)
    audited = result.model_copy(
        update={"audit": ScreeningAuditRef.model_validate(chain.entry_ref(entry))}
    )
    stored.result = audited.as_json()
    # The entry's id (its locator); the answer names its chain and sequence too.
    stored.audit_sequence = entry.id
    session.flush()
    return audited


@dataclass(frozen=True, slots=True)
class PendingScreening:
    """A screening evaluated and ready to store: its row, result, facts and audit entry."""

    row: Screening
    result: ScreeningResult
    facts: EncodedFacts
    prepared: chain.PreparedEntry
    # (committee id, participant refs) when the entry's organisations are still to be
    # read (`service.evaluate_case(defer_organisations=True)`, for `pg_store.write`).
    case_organisations: tuple[int, tuple[str, ...]] | None = None
    # `result.as_json()` (no audit ref yet), when already serialised.
    result_json: dict[str, JsonValue] | None = None


def write_many(session: Session, pending: Sequence[PendingScreening]) -> list[ScreeningResult]:
    """`write` for several screenings (a meeting's items) with one statement per table:
    the audit entries are linked first, in order (each chain head locked once), so every
    screening row is inserted with its audit ref and never updated."""
    entries = chain.link_many(session, [p.prepared for p in pending])
    audited: list[ScreeningResult] = []
    for p, entry in zip(pending, entries, strict=True):
        done = p.result.model_copy(
            update={"audit": ScreeningAuditRef.model_validate(chain.entry_ref(entry))}
        )
        p.row.result = done.as_json()
        p.row.audit_sequence = entry.id
        audited.append(done)
    session.add_all([p.row for p in pending])
    session.flush()
    session.add_all(
        ScreeningFacts(screening_id=p.result.id, facts=p.facts.text, facts_hash=p.facts.hash)
        for p in pending
    )
    rows = [row for p in pending for row in finding_rows(p.result)]
    if rows:
        session.execute(insert(FINDINGS), rows)
    session.flush()
    return audited
