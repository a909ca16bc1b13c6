"""A description for every property in the OpenAPI schemas, from the contract.

Most names mean the same wherever they occur (`ref`, `valid_from`, `person`), so they are
described once here, with the Swedish terms explained; a property whose meaning depends
on its schema is described under `(schema, property)`. A description written on the
model itself (`Field(description=...)`) wins. tests/strict/test_openapi.py fails on a
property left without one.
"""

from __future__ import annotations

from typing import Any

REF = (
    "A stable identifier chosen by the client (its own id from the HR, appointment or case "
    "system); may hold spaces and '/', percent-encoded in a URL path"
)

FIELDS: dict[str, str] = {
    "ref": REF,
    "id": "The service's numeric id of the object",
    "name": "The name as written (a person's full name, an organisation's or body's name)",
    "kind": "The kind, from the controlled vocabulary (see GET /v1/vocabularies)",
    "title": "A short title",
    "label": "A human-readable label",
    "code": "A lower-case vocabulary code",
    "orgnr": "Organisationsnummer (Swedish organisation number), checked and normalised",
    "personnummer": "Personnummer (Swedish personal identity number); checked, stored only "
    "as a keyed hash, never returned in clear",
    "personnummer_masked": "The personnummer masked (never shown in clear)",
    "organisation": "An organisation's ref (kommun, region, kommunalförbund, company, ...)",
    "organisations": "Organisation refs",
    "committee": "A committee's ref: a nämnd (committee of elected members), styrelse, "
    "fullmäktige (the assembly), utskott, direktion, ...",
    "administration": "A förvaltning's ref (the administration, staff, serving nämnder)",
    "operation": "An operation's ref (something run: a school kitchen, the water works)",
    "person": "A person's ref",
    "related": "The other person's ref",
    "case": "An ärende (case), by its diarienummer (ref)",
    "screening": "A screening's id (`scr_...`)",
    "members": "Member organisations' refs (of a kommunalförbund)",
    "owners": "Who owns the organisation and with what share; for a stiftelse, who appoints "
    "its board and with what share of the seats",
    "share_percent": "Share in percent (0 < share ≤ 100)",
    "parent": "The parent committee's ref (an utskott's nämnd)",
    "participants": "The organisations taking part (a gemensam nämnd's kommuner), or, in a "
    "case, the persons taking part in the handling",
    "responsibilities": "What the committee is responsible for: an area, as drift (running "
    "it) or tillsyn (supervising it), and for which organisations",
    "area": "The area of activity (vocabulary `area`, e.g. `va`, `bygg`, `livsmedel`)",
    "role": "The role, from the controlled vocabulary",
    "for": "The organisations whose territory or operations the responsibility covers "
    "(default: the committee's own organisation)",
    "for_": "The organisations whose territory or operations the responsibility covers",
    "serves": "The committees (nämnder) this förvaltning serves",
    "operator": "Who runs the operation: exactly one of a committee or an organisation",
    "municipality": "The kommun where the operation is",
    "performer": "Under avtalssamverkan: the kommun that performs the tasks",
    "principals": "Under avtalssamverkan: the kommuner the tasks are performed for",
    "body": "Where the appointment is: exactly one of a committee, an administration or an "
    "organisation (a board seat or employment in a company or förbund)",
    "appointed_by": "The organisation (kommun) that appointed the member (gemensam nämnd, "
    "kommunalförbund)",
    "works_with": "For staff: the areas they work with, as drift or tillsyn",
    "on_behalf_of": "The person represented (as god man, förvaltare or ombud) or served as "
    "uppdragstagare",
    "valid_from": "First day the fact holds (YYYY-MM-DD; open when absent)",
    "valid_to": "Last day the fact holds, inclusive (YYYY-MM-DD; open when absent)",
    "version": "Optimistic-concurrency version; the ETag of the object",
    "created_at": "When it was created (UTC)",
    "updated_at": "When it was last changed (UTC)",
    "recorded_at": "When it was recorded (UTC)",
    "matter": "The kind of matter (myndighetsutövning, tillsyn, överprövning, upphandling, "
    "bidrag, anställning, avtal, ansvarsfrihet, val, normgivning, övrigt)",
    "decision_date": "The day the case is decided (YYYY-MM-DD); the screening's default as_of",
    "parties": "Parties (part) to the case: a registered person, organisation, operation or "
    "committee, or an unregistered party by name",
    "earlier_handling": "Who took part in a final decision on the same question at another "
    "body or authority (tvåinstansjäv)",
    "final": "Whether that earlier handling ended in a final decision",
    "decision": "`jav` (disqualified) or `ej_jav` (not disqualified)",
    "raised_by": "Who raised the question: `self`, `other`, or `screening` (a Jävskoll finding)",
    "obviously_insignificant": "Jäv disregarded because the question of impartiality "
    "obviously lacked significance (KL 6 kap. 29 §)",
    "protocol_paragraph": "The paragraph of the minutes (protokoll), e.g. `§ 12`",
    "decided_on": "The day the nämnd decided (YYYY-MM-DD)",
    "note": "A free-text note",
    "recorded_by": "The API key that recorded it",
    "key_id": "The API key's id",
    "settles": "The jäv and möjligt jäv findings of the person that this decision settles",
    "ground": "The ground code (part, paverkan, stallforetradare, tillsynsjav, tvainstans, "
    "generalklausul, fullmaktige, ansvarsfrihet; structural: egen_tillsyn, ...)",
    "level": "`jav` (a statutory ground is met), `mojligt_jav` (needs a human assessment), "
    "`undantag` (a statutory exception removes it) or `risk` (structural)",
    "rule": "The rule id (e.g. `kl_6_28_p2`)",
    "audit": "The audit entry written for this (sequence and hash)",
    "sequence": "The audit entry's sequence number",
    "hash": "The audit entry's hash (sha256 over the previous hash and the entry)",
    "prev_hash": "The hash of the entry before (the chain link)",
    "payload": "The audited content (personnummer only as hashes)",
    "actor": "Who did it (the API key)",
    "subjects": "What the entry is about (case, person, committee, organisation refs)",
    "entries": "The number of entries checked",
    "ok": "Whether the whole chain verifies",
    "first_broken_sequence": "The first sequence that does not verify (null when ok)",
    "head_sequence": "The newest sequence",
    "reason": "Why the chain breaks there",
    "items": "The items of this page",
    "total": "How many items match, over all pages",
    "limit": "The page size",
    "offset": "How many items were skipped",
    "counts": "Per object type: how many were created, updated and left unchanged",
    "totals": "Over all object types: created, updated, unchanged",
    "created": "Created by this request",
    "updated": "Changed by this request",
    "unchanged": "Sent but already stored as sent",
    "status": "The state",
    "version_": "The service version",
    "database": "The database's state",
    "prefix": "The key's visible prefix (never the key itself)",
    "revoked_at": "When the key was revoked (null while it works)",
    "key": "The API key itself: shown only in this answer, stored only as a hash",
    "seats": "The number of ledamot seats (default: the ledamöter appointed on the date)",
    "substitution_order": "The order in which ersättare of other parties enter, per party "
    'as fullmäktige decided it, e.g. {"S": ["S", "MP", "V"]}',
    "party": "The party's abbreviation as used locally (e.g. S, M, C); in the vocabularies, "
    "the abbreviations the key's appointments use",
    "order": "For an ersättare: the place within its party group, 1 first",
    "substitutes": "For a ledamot: the ersättare (person refs) who enter for this ledamot, "
    "in order (wins over substitution_order)",
    "as_of": "The day the facts are taken from (YYYY-MM-DD); a screening's default is the "
    "case's decision_date, else today",
    "date": "The day (YYYY-MM-DD)",
    "absent": "Who is not there (person refs); the rest of the nämnd is taken as present",
    "present": "Who is there (person refs)",
    "rules_version": "The rules version: the package version and a hash of the rule metadata "
    "and the dated parameters",
    "structural": "Structural findings (level risk): about bodies rather than people, e.g. "
    "egen_tillsyn (the nämnd supervises an operation it runs)",
    "findings": "One finding per person and ground: level, rule, legal basis, explanation "
    "(sv, en) and the evidence path from the person to the case",
    "outcome": "`flagged` when any finding has level jav or mojligt_jav, else `clear`",
    "rules_version_changed": "Whether the rules version differs from the original's",
    "previous_rules_version": "The original screening's rules version",
    "outcome_changed": "Whether the outcome differs from the original's",
    "previous_outcome": "The original screening's outcome",
    "before": "As it was in the original screening",
    "after": "As it is now",
    "new": "Found now, not before",
    "removed": "Found before, not now",
    "changed": "Found both times, with a difference",
    # The facts a screening saw (GET /v1/screenings/{id}/facts) and replay/what-if.
    "administrations": "The förvaltningar (administrations) seen, by ref",
    "agreements": "The agreements (avtalssamverkan) seen, by ref",
    "committees": "The committees (nämnder) seen, by ref",
    "operations": "The operations seen, by ref",
    "persons": "The persons seen, by ref (personnummer never in clear)",
    "appointments": "The person's appointments (body, role, validity)",
    "interests": "The person's declared interests",
    "relations": "The person's relations (närstående and others)",
    "audited_from": "For ansvarsfrihet: the first day of the audited period",
    "audited_to": "For ansvarsfrihet: the last day of the audited period",
    "body_kind": "Where the appointment is: committee, administration or organisation",
    "for_orgs": "The organisations the responsibility covers",
    "how": "How the unregistered party was matched (orgnr, personnummer, name)",
    "match": "The registry object an unregistered party was matched to, if any",
    "also": "Further registry objects the party was matched to: other records of the "
    "same personnummer or orgnr, or bearers of the name near the case",
    "score": "The name-match score (0-100)",
    "operator_committee": "The committee that runs the operation, if any",
    "operator_organisation": "The organisation that runs the operation, if any",
    "other": "The related person's ref",
    "owner": "The owning organisation's ref",
    "facts_seen": "How many registry facts the screening looked at",
    "facts_hash": "The hash of the stored facts (covered by the audit entry)",
    "diff": "What differs from the original screening",
    "catalogue": "Sources in docs/legal that the rule follows",
    "description": "What it is or does",
    "doc": "The rule's own documentation",
    "legal_basis": "Statute references (e.g. 6 kap. 28 § första stycket 1 kommunallagen)",
    "unit": "The unit of the value",
    "value": "The value",
    "rules": "The rules",
    "parameters": "Rule parameters (name to value); in a catalogue, every dated parameter",
    "filter": "Which stored screenings: organisation, committee, from, to",
    "screenings": "The screenings concerned",
    "clear_to_flagged": "Screenings whose outcome would turn from clear to flagged",
    "flagged_to_clear": "Screenings whose outcome would turn from flagged to clear",
    "gained": "Findings that would be gained",
    "lost": "Findings that would be lost",
    "done": "How many are done",
    "error": "Why the job failed, if it did",
    "finished_at": "When the job finished (UTC)",
    "progress": "How far the job has come",
    "report": "The result, once the job is done",
    "request": "What was asked for",
    # The audit chains (one per organisation, and a system chain).
    "chain": "The hash chain the entry belongs to (one per organisation, and a system chain)",
    "chains": "Per chain: whether it verifies",
    "checkpoints": "The checkpoints that fix the chain heads",
    "digest": "A digest over every chain head",
    "first_broken_chain": "The first chain that does not verify (null when all do)",
    "head_hash": "The hash of the chain's newest entry",
    "heads": "Each chain's newest entry",
    "redacted": "Whether personal data in the payload is redacted",
    # GET /v1/vocabularies: one list per controlled vocabulary.
    "organisation_kind": "Organisation kinds (kommun, region, kommunalforbund, aktiebolag, ...)",
    "committee_kind": "Committee kinds (fullmaktige, styrelse, namnd, gemensam_namnd, ...)",
    "responsibility_role": "drift (running an operation) or tillsyn (supervising it)",
    "appointment_role": "Appointment roles (ledamot, ersattare, ordforande, handlaggare, ...)",
    "interest_kind": "Interest kinds (styrelseledamot, vd, agare, ombud, god_man_forvaltare, ...)",
    "relation_kind": "Relation kinds (make, sambo, forelder, barn, syskon, nara_van, ovan, ...)",
    "party_role": "Party roles in a case (sokande, part, motpart, klagande, tillsynsobjekt, ...)",
    "participant_role": "Roles of those taking part in a case (ordforande, ledamot, ersattare, "
    "foredragande, handlaggare, delegat, ...)",
    "structural_ground": "Structural grounds (level risk: egen_tillsyn, dubbla_roller, "
    "delad_forvaltning, samverkan_egen_drift)",
}

# Where a name means something particular in one schema.
SCHEMA_FIELDS: dict[tuple[str, str], str] = {
    ("CaseIn", "participants"): "The persons taking part in the handling (ledamöter, "
    "ersättare, föredragande, handläggare, ...). Left out: every ledamot and ersättare of "
    "the committee on as_of, and the staff of the administrations that serve it",
    ("CaseOut", "participants"): "The persons taking part in the handling, as stored",
    ("CommitteeIn", "participants"): "The kommuner taking part in a gemensam nämnd",
    ("CommitteeOut", "participants"): "The kommuner taking part in a gemensam nämnd",
    ("ScreeningIn", "case"): "A stored case's ref, or an inline case document",
    ("AuditEntryOut", "case"): "The case ref the entry is about",
}


def _description(schema_name: str, prop: str) -> str | None:
    return SCHEMA_FIELDS.get((schema_name, prop)) or FIELDS.get(prop)


def describe_schemas(schemas: dict[str, Any]) -> None:
    """Give every property without a description the contract's description."""
    for schema_name, schema in schemas.items():
        for prop, prop_schema in (schema.get("properties") or {}).items():
            if "description" in prop_schema:
                continue
            text = _description(schema_name, prop)
            if text is not None:
                if "$ref" in prop_schema:  # siblings of $ref are ignored in OpenAPI 3.0
                    prop_schema["allOf"] = [{"$ref": prop_schema.pop("$ref")}]
                prop_schema["description"] = text
