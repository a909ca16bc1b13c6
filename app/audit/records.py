"""Check the rows screenings and jäv decisions are read from against their audit entries.

The chain proves that each `screening` and `decision` entry is what was written. The
answers, the reports and the web pages read other rows: the screening's (`screenings`:
outcome, rules version, `as_of`, the case as screened, the stored answer with its
findings), its finding rows, and the decision's (`jav_decisions`). Before review R those
rows could be changed, deleted or added in the database and `audit verify` still said ok.
Now every row must say what its entry says and point at it, every entry's row must exist,
and every row must have an entry. Only what the entry holds is compared, so entries
written before a field existed still verify.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.audit.chain import SYSTEM_CHAIN_ID, entry_data, hashed_time
from app.models import (
    AuditChain,
    AuditEntry,
    Case,
    Committee,
    Finding,
    JavDecision,
    Person,
    Screening,
)

BATCH = 500
# What a screening entry and the screening's stored answer (`screenings.result`) share.
_RESULT_FIELDS = ("as_of", "outcome", "rules_version", "findings", "structural", "participants")
_DECISION_FIELDS = (
    "raised_by",
    "decision",
    "obviously_insignificant",
    "protocol_paragraph",
    "screening",
    "note",
)


@dataclass(frozen=True, slots=True)
class RecordProblem:
    entry: int | None  # the audit entry's id; None: the row has no entry
    reason: str


# An entry's columns (a Row of id, chain_id, sequence, hash, actor_key_id, actor_name,
# payload) and its data.
_Entry = tuple[Any, dict[str, Any]]


def entries_naming(session: Session, kind: str, key: str) -> Iterator[list[_Entry]]:
    """(entry columns, data) of the entries of a kind whose data names their row by
    `key`, a batch at a time. Malformed payloads are the chain's to report."""
    last = 0
    while True:
        rows = session.execute(
            select(
                AuditEntry.id,
                AuditEntry.chain_id,
                AuditEntry.sequence,
                AuditEntry.hash,
                AuditEntry.actor_key_id,
                AuditEntry.actor_name,
                AuditEntry.payload,
            )
            .where(AuditEntry.kind == kind, AuditEntry.id > last)
            .order_by(AuditEntry.id)
            .limit(BATCH)
        ).all()
        if not rows:
            return
        last = rows[-1].id
        batch: list[_Entry] = []
        for row in rows:
            data = entry_data(row.payload)
            if data is not None and key in data:
                batch.append((row, data))
        yield batch


def _refs(session: Session, model: Any, ids: set[int | None]) -> dict[int, str]:
    wanted = [i for i in ids if i is not None]
    if not wanted:
        return {}
    rows = session.execute(select(model.id, model.ref).where(model.id.in_(wanted)))
    return {row.id: row.ref for row in rows}


def _chain_organisations(session: Session) -> dict[int, int | None]:
    rows = session.execute(select(AuditChain.id, AuditChain.organisation_id))
    return {chain_id: organisation for chain_id, organisation in rows}


def _finding_rows(data: dict[str, Any]) -> list[tuple[Any, ...]]:
    """The finding rows `app.screening.store.finding_rows` writes for this entry."""
    person = [(False, f) for f in data.get("findings") or ()]
    structural = [(True, f) for f in data.get("structural") or ()]
    return [
        (i, flag, f.get("person"), f.get("ground"), f.get("level"), f.get("rule"),
         f.get("match_score"), f)
        for i, (flag, f) in enumerate(person + structural)
        if isinstance(f, dict)
    ]  # fmt: skip


def _stored_findings(session: Session, ids: Sequence[str]) -> dict[str, list[tuple[Any, ...]]]:
    found: dict[str, list[tuple[Any, ...]]] = {i: [] for i in ids}
    rows = session.execute(
        select(Finding).where(Finding.screening_id.in_(ids)).order_by(Finding.position)
    ).scalars()
    for f in rows:
        found[f.screening_id].append(
            (f.position, f.structural, f.person_ref, f.ground, f.level, f.rule, f.match_score,
             f.data)
        )  # fmt: skip
    return found


def _audit_ref_differs(result: dict[str, Any], entry: Any) -> bool:
    ref = result.get("audit")
    if not isinstance(ref, dict) or "hash" not in ref:
        return True
    actual = {"id": entry.id, "chain": entry.chain_id, "sequence": entry.sequence}
    return ref["hash"] != entry.hash or any(ref[k] != v for k, v in actual.items() if k in ref)


def _screening_differences(
    row: Screening,
    data: dict[str, Any],
    entry: Any,
    refs: dict[str, dict[int, str]],
    chain_organisation: int | None,
    findings: list[tuple[Any, ...]],
) -> list[str]:
    case = data.get("case")
    case_ref = case.get("ref") if isinstance(case, dict) else None
    differs = {
        "audit entry": row.audit_sequence != entry.id,
        "case": row.case_ref != case_ref
        or (row.case_id is not None and refs["case"].get(row.case_id) != row.case_ref),
        "case as screened": "case" in data and row.case_snapshot != case,
        "committee": isinstance(case, dict)
        and "committee" in case
        and refs["committee"].get(row.committee_id or 0) != case["committee"],
        # The entry is on the chain of the case's organisation (pre-chain entries: system).
        "organisation": entry.chain_id != SYSTEM_CHAIN_ID
        and row.organisation_id != chain_organisation,
        "as_of": "as_of" in data and row.as_of.isoformat() != data["as_of"],
        "created_at": "created_at" in data and row.created_at != hashed_time(data["created_at"]),
        "outcome": "outcome" in data and row.outcome != data["outcome"],
        "rules version": "rules_version" in data and row.rules_version != data["rules_version"],
        "finding rows": findings != _finding_rows(data),
    }
    result = row.result if isinstance(row.result, dict) else {}
    differs["answer"] = (
        result.get("id") != row.id
        or result.get("case") != case_ref
        or result.get("reran") != data.get("reran")
        or ("created_at" in data and result.get("created_at") != data["created_at"])
        or any(k in data and result.get(k) != data[k] for k in _RESULT_FIELDS)
        or _audit_ref_differs(result, entry)
    )
    return [name for name, changed in differs.items() if changed]


def _check_screenings(session: Session) -> list[RecordProblem]:
    chains = _chain_organisations(session)
    covered: set[str] = set()
    problems: dict[int, RecordProblem] = {}  # the first per chain
    for batch in entries_naming(session, "screening", "screening"):
        ids = [str(data["screening"]) for _, data in batch]
        rows = {s.id: s for s in session.scalars(select(Screening).where(Screening.id.in_(ids)))}
        refs = {
            "case": _refs(session, Case, {r.case_id for r in rows.values()}),
            "committee": _refs(session, Committee, {r.committee_id for r in rows.values()}),
        }
        findings = _stored_findings(session, ids)
        for (entry, data), screening in zip(batch, ids, strict=True):
            row = rows.get(screening)
            if row is not None:
                covered.add(screening)
            if entry.chain_id in problems:
                continue
            changed = (
                None
                if row is None
                else _screening_differences(
                    row, data, entry, refs, chains.get(entry.chain_id), findings[screening]
                )
            )
            _note(problems, entry, f"screening {screening}", changed)
        session.expunge_all()
    return _with_uncovered(problems, _uncovered(session, Screening, covered, "screening"))


def _decision_differences(
    row: JavDecision, data: dict[str, Any], entry: Any, refs: dict[str, dict[int, str]]
) -> list[str]:
    differs = {
        "audit entry": row.audit_sequence != entry.id,
        "case": "case" in data and refs["case"].get(row.case_id) != data["case"],
        "person": "person" in data and refs["person"].get(row.person_id) != data["person"],
        "decided_on": "decided_on" in data and row.decided_on.isoformat() != data["decided_on"],
        "recorded_at": "recorded_at" in data and row.created_at != hashed_time(data["recorded_at"]),
        "recorded_by": (row.recorded_by_key_id, row.recorded_by_name)
        != (entry.actor_key_id, entry.actor_name),
    }
    for name in _DECISION_FIELDS:
        column = "screening_id" if name == "screening" else name
        differs[name] = name in data and getattr(row, column) != data[name]
    return [name for name, changed in differs.items() if changed]


def _check_decisions(session: Session) -> list[RecordProblem]:
    covered: set[int] = set()
    problems: dict[int, RecordProblem] = {}  # the first per chain
    for batch in entries_naming(session, "decision", "id"):
        ids = [data["id"] for _, data in batch]
        wanted = [i for i in ids if type(i) is int]
        rows = {
            d.id: d for d in session.scalars(select(JavDecision).where(JavDecision.id.in_(wanted)))
        }
        refs = {
            "case": _refs(session, Case, {r.case_id for r in rows.values()}),
            "person": _refs(session, Person, {r.person_id for r in rows.values()}),
        }
        for (entry, data), decision in zip(batch, ids, strict=True):
            row = rows.get(decision) if type(decision) is int else None
            if row is not None:
                covered.add(row.id)
            if entry.chain_id in problems:
                continue
            changed = None if row is None else _decision_differences(row, data, entry, refs)
            _note(problems, entry, f"decision {decision}", changed)
        session.expunge_all()
    return _with_uncovered(problems, _uncovered(session, JavDecision, covered, "decision"))


def _note(
    problems: dict[int, RecordProblem], entry: Any, what: str, changed: list[str] | None
) -> None:
    """The chain's problem with the row its entry names: missing (None), or the fields
    that differ (none: nothing to note)."""
    where = f"{what} (audit entry {entry.id})"
    if changed is None:
        problems[entry.chain_id] = RecordProblem(entry.id, f"{where} is missing")
    elif changed:
        reason = f"{where} does not match its audit entry: {', '.join(changed)}"
        problems[entry.chain_id] = RecordProblem(entry.id, reason)


def _with_uncovered(
    problems: dict[int, RecordProblem], uncovered: RecordProblem | None
) -> list[RecordProblem]:
    return [*problems.values(), *([uncovered] if uncovered is not None else [])]


def _uncovered(session: Session, model: Any, covered: set[Any], label: str) -> RecordProblem | None:
    """A row no entry covers (added by hand, or its entry's data names another row)."""
    if session.scalar(select(func.count()).select_from(model)) == len(covered):
        return None  # each covered id was found as a row, so these are all of them
    last: Any = None
    while True:
        stmt = select(model.id, model.audit_sequence).order_by(model.id).limit(BATCH)
        rows = session.execute(stmt if last is None else stmt.where(model.id > last)).all()
        if not rows:
            return None
        for row in rows:
            if row.id not in covered:
                reason = f"{label} {row.id} is not covered by an audit entry of its own"
                return RecordProblem(row.audit_sequence, reason)
        last = rows[-1].id


def check_records(session: Session) -> list[RecordProblem]:
    """For each chain, its first screening or decision row that does not match its audit
    entry (and the first row no entry covers). One per chain, not one in all: a limited
    auditor is told of its own chains' breaks, and a break in another kommun's rows must
    neither hide them nor, by hiding them, tell that kommun's auditor of itself."""
    return _check_screenings(session) + _check_decisions(session)
