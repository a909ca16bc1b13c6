"""PostgreSQL: a screening's writes in two statements (issue 15).

`store.write` goes through the ORM: the screening row, its findings, its facts, then the
audit link (lock the head, the entry, its organisations, its subjects, the head update)
and an UPDATE that puts the audit ref on the screening row: ten statements and two unit
of work flushes. Here the same rows are written by

1. locking the chain's head and drawing the entry's id from its sequence
   (`chain.lock_head`: one SELECT ... FOR UPDATE), then, the entry's sequence, payload and
   hash being computed from the locked head, and the screening's result carrying its
   audit ref before it is first written,
2. ONE statement of data-modifying CTEs: the audit entry, its organisations and subjects,
   the head update, the screening row, its findings (from one JSON array) and its facts.

The rows, the hashed payload and the answer are those `store.write` produces (tests hold
the two paths together: tests/screening/test_pg_store.py). The head lock is held from the
first statement to the commit, as before (lock, one statement, commit).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any

import orjson
from pydantic import JsonValue
from sqlalchemy.orm import Session

from app.audit import chain
from app.audit.organisations import PG_CASE_ORGANISATIONS_SQL, PG_CASE_ORGANISATIONS_TYPES
from app.models import Screening
from app.prepared import PreparedStatement
from app.screening.facts_codec import EncodedFacts
from app.screening.result import ScreeningAuditRef, ScreeningResult
from app.screening.store import finding_rows

_WRITE = PreparedStatement(
    "javskoll_screening_write",
    """
WITH entry AS (
    INSERT INTO audit_entries
        (id, chain_id, sequence, created_at, kind, actor_key_id, actor_name, payload,
         prev_hash, hash)
    VALUES (:entry_id, :chain_id, :sequence, :entry_created_at, :kind, :actor_key_id,
            :actor_name, :payload, :prev_hash, :hash)
), entry_organisations AS (
    INSERT INTO audit_entry_organisations (entry_id, organisation_id)
    SELECT :entry_id, o FROM unnest(CAST(:organisations AS bigint[])) AS o
), subjects AS (
    INSERT INTO audit_subjects (entry_id, subject_kind, subject_ref)
    SELECT :entry_id, k, r
    FROM unnest(CAST(:subject_kinds AS text[]), CAST(:subject_refs AS text[])) AS s(k, r)
), head AS (
    UPDATE audit_chains SET sequence = :sequence, hash = :hash WHERE id = :chain_id
), screening AS (
    INSERT INTO screenings
        (id, created_at, case_ref, case_id, committee_id, organisation_id, as_of, outcome,
         rules_version, case_snapshot, result, api_key_id, audit_sequence)
    VALUES (:screening_id, :created_at, :case_ref, :case_id, :committee_id,
            :organisation_id, :as_of, :outcome, :rules_version,
            CAST(:case_snapshot AS json), CAST(:result AS json), :api_key_id, :entry_id)
), findings AS (
    INSERT INTO findings
        (screening_id, position, structural, person_ref, ground, level, rule, match_score,
         data)
    SELECT :screening_id, f.position, f.structural, f.person_ref, f.ground, f.level,
           f.rule, f.match_score, f.data
    FROM json_to_recordset(CAST(:findings AS json)) AS f(
        position integer, structural boolean, person_ref text, ground text, level text,
        rule text, match_score double precision, data json)
), facts AS (
    INSERT INTO screening_facts (screening_id, facts, facts_hash)
    VALUES (:screening_id, :facts, :facts_hash)
)
SELECT 1
""",
    (
        ("entry_id", "bigint"),
        ("chain_id", "bigint"),
        ("sequence", "bigint"),
        ("entry_created_at", "timestamptz"),
        ("kind", "varchar"),
        ("actor_key_id", "bigint"),
        ("actor_name", "varchar"),
        ("payload", "text"),
        ("prev_hash", "varchar"),
        ("hash", "varchar"),
        ("organisations", "bigint[]"),
        ("subject_kinds", "text[]"),
        ("subject_refs", "text[]"),
        ("screening_id", "varchar"),
        ("created_at", "timestamptz"),
        ("case_ref", "varchar"),
        ("case_id", "bigint"),
        ("committee_id", "bigint"),
        ("organisation_id", "bigint"),
        ("as_of", "date"),
        ("outcome", "varchar"),
        ("rules_version", "varchar"),
        ("case_snapshot", "text"),
        ("result", "text"),
        ("api_key_id", "bigint"),
        ("findings", "text"),
        ("facts", "text"),
        ("facts_hash", "varchar"),
    ),
)


def _json(value: Any) -> str:
    return orjson.dumps(value).decode("utf-8")


def write(
    session: Session,
    stored: Screening,
    result: ScreeningResult,
    facts: EncodedFacts,
    prepared: chain.PreparedEntry,
    *,
    case_organisations: tuple[int, Sequence[str]] | None = None,
    result_json: dict[str, JsonValue] | None = None,
) -> ScreeningResult:
    """`store.write` on PostgreSQL: the same rows in two statements; the result with its
    audit ref. `stored` is not added to the session (its columns are read); `result_json`
    is `result.as_json()` when the caller has it.

    `case_organisations` (committee id, participant refs): the entry's organisations are
    read with the head's lock (`audit.organisations.case_organisations` in the same round
    trip) and added to `prepared`'s, which were left out when it was prepared."""
    if case_organisations is None:
        head, _ = chain.lock_head(session, prepared.chain_organisation)
    else:
        committee, refs = case_organisations
        head, found = chain.lock_head(
            session,
            prepared.chain_organisation,
            also=PG_CASE_ORGANISATIONS_SQL,
            also_types=PG_CASE_ORGANISATIONS_TYPES,
            params={"committee": committee, "refs": sorted(set(refs))},
        )
        orgs = {o for o in found or () if o is not None} | set(prepared.organisations)
        prepared = replace(prepared, organisations=tuple(sorted(orgs)))
    entry = chain.linked_entry(prepared, head)
    audited = result.model_copy(update={"audit": ScreeningAuditRef.model_validate(entry.ref)})
    # `audited.as_json()`, from the JSON already made (`audit` is the result's last field).
    answer = {**(result.as_json() if result_json is None else result_json), "audit": entry.ref}
    rows = finding_rows(result)
    _WRITE.execute(
        session,
        {
            "entry_id": entry.id,
            "chain_id": entry.chain_id,
            "sequence": entry.sequence,
            "entry_created_at": entry.created_at,
            "kind": prepared.kind,
            "actor_key_id": prepared.actor.key_id,
            "actor_name": prepared.actor.name,
            "payload": entry.payload,
            "prev_hash": entry.prev_hash,
            "hash": entry.hash,
            "organisations": list(prepared.organisations),
            "subject_kinds": [kind for kind, _ in prepared.subjects],
            "subject_refs": [ref for _, ref in prepared.subjects],
            "screening_id": stored.id,
            "created_at": stored.created_at,
            "case_ref": stored.case_ref,
            "case_id": stored.case_id,
            "committee_id": stored.committee_id,
            "organisation_id": stored.organisation_id,
            "as_of": stored.as_of,
            "outcome": stored.outcome,
            "rules_version": stored.rules_version,
            "case_snapshot": _json(stored.case_snapshot),
            "result": _json(answer),
            "api_key_id": stored.api_key_id,
            "findings": _json([{k: v for k, v in r.items() if k != "screening_id"} for r in rows]),
            "facts": facts.text,
            "facts_hash": facts.hash,
        },
    )
    return audited
