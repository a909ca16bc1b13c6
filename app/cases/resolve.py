"""A case with every reference resolved to registry ids (the form services work with).

`resolve_case` validates a case document against the registry and lists every problem
with a JSON pointer; `resolve_stored` turns stored cases back into the same form. Both
issue a fixed number of statements, however many parties and participants there are.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from app.cases import repository as repo
from app.cases import scope as case_scope
from app.cases.schemas import CaseIn
from app.errors import Unprocessable, field_error
from app.identifiers import InvalidIdentifier, hash_and_mask, normalise_orgnr
from app.models import Case, Operation, Organisation, Person
from app.security.deps import Principal
from app.vocabularies import BUILTIN_AREAS


@dataclass(frozen=True, slots=True)
class ResolvedParty:
    role: str
    kind: str  # person | organisation | operation | committee | unregistered
    ref: str | None = None
    id: int | None = None
    name: str | None = None
    orgnr: str | None = None
    personnummer_hash: str | None = None
    personnummer_masked: str | None = None

    def document(self, *, with_hash: bool) -> dict[str, Any]:
        if self.kind != "unregistered":
            return {self.kind: self.ref, "role": self.role}
        out: dict[str, Any] = {"name": self.name, "role": self.role}
        if self.orgnr is not None:
            out["orgnr"] = self.orgnr
        if self.personnummer_masked is not None:
            out["personnummer_masked"] = self.personnummer_masked
            if with_hash:
                out["personnummer_hash"] = self.personnummer_hash
        return out


@dataclass(frozen=True, slots=True)
class ResolvedEarlier:
    person_ref: str
    person_id: int
    organisation_ref: str | None
    organisation_id: int | None
    committee_ref: str | None
    committee_id: int | None
    final: bool

    def document(self) -> dict[str, Any]:
        out: dict[str, Any] = {"person": self.person_ref}
        if self.organisation_ref is not None:
            out["organisation"] = self.organisation_ref
        if self.committee_ref is not None:
            out["committee"] = self.committee_ref
        out["final"] = self.final
        return out


@dataclass(frozen=True, slots=True)
class ResolvedParticipant:
    person_ref: str
    person_id: int
    role: str


@dataclass(frozen=True, slots=True)
class ResolvedCase:
    ref: str
    committee_ref: str
    committee_id: int
    organisation_ref: str
    organisation_id: int
    matter: str
    area: str | None = None
    title: str | None = None
    decision_date: date | None = None
    parties: tuple[ResolvedParty, ...] = ()
    earlier_handling: tuple[ResolvedEarlier, ...] = ()
    participants: tuple[ResolvedParticipant, ...] = ()
    case_id: int | None = None
    stored: dict[str, Any] = field(default_factory=dict)  # version / timestamps

    def document(self, *, with_hash: bool = False) -> dict[str, Any]:
        """The contract's case document; `with_hash` adds personnummer hashes (audit)."""
        return {
            "ref": self.ref,
            "committee": self.committee_ref,
            "area": self.area,
            "matter": self.matter,
            "title": self.title,
            "decision_date": self.decision_date.isoformat() if self.decision_date else None,
            "parties": [p.document(with_hash=with_hash) for p in self.parties],
            "earlier_handling": [e.document() for e in self.earlier_handling],
            "participants": [{"person": p.person_ref, "role": p.role} for p in self.participants],
        }

    def person_refs(self) -> list[str]:
        refs = [p.person_ref for p in self.participants]
        refs += [p.ref for p in self.parties if p.kind == "person" and p.ref]
        return refs


class _Errors:
    def __init__(self, prefix: str) -> None:
        self.prefix = prefix
        self.items: list[dict[str, str]] = []

    def add(self, pointer: str, detail: str, code: str) -> None:
        self.items.append(field_error(self.prefix + pointer, detail, code))


def _unknown(errors: _Errors, pointer: str, kind: str, ref: str) -> None:
    errors.add(pointer, f"unknown {kind} reference '{ref}'", "unknown_reference")


def _check_area(session: Session, case_in: CaseIn, errors: _Errors) -> None:
    area = case_in.area
    if area is None or area in BUILTIN_AREAS:
        return
    if not repo.custom_area_exists(session, area):
        errors.add("/area", f"unknown area '{area}' (see GET /v1/vocabularies)", "unknown_area")


def _lookups(session: Session, case_in: CaseIn) -> dict[str, dict[str, Any]]:
    earlier = case_in.earlier_handling
    persons = {p.person for p in case_in.participants} | {e.person for e in earlier}
    orgs = {e.organisation for e in earlier if e.organisation}
    ops: set[str] = set()
    committees = {case_in.committee} | {e.committee for e in earlier if e.committee}
    for party in case_in.parties:
        reference = party.reference
        if reference is not None:
            {"person": persons, "organisation": orgs, "operation": ops, "committee": committees}[
                reference[0]
            ].add(reference[1])
    return repo.references(session, persons, orgs, ops, committees)


def _party(
    index: int, party: Any, found: dict[str, dict[str, Any]], errors: _Errors, secret: str
) -> ResolvedParty | None:
    pointer = f"/parties/{index}"
    reference = party.reference
    if reference is not None:
        kind, ref = reference
        hit = found[kind].get(ref)
        if hit is None:
            _unknown(errors, f"{pointer}/{kind}", kind, ref)
            return None
        return ResolvedParty(party.role, kind, ref, hit[0] if kind == "committee" else hit)
    orgnr = pnr_hash = pnr_masked = None
    try:
        orgnr = normalise_orgnr(party.orgnr) if party.orgnr else None
    except InvalidIdentifier as exc:
        errors.add(f"{pointer}/orgnr", str(exc), "invalid_orgnr")
    try:
        if party.personnummer:
            pnr_hash, pnr_masked = hash_and_mask(party.personnummer, secret)
    except InvalidIdentifier as exc:
        errors.add(f"{pointer}/personnummer", str(exc), "invalid_personnummer")
    return ResolvedParty(
        party.role,
        "unregistered",
        name=party.name,
        orgnr=orgnr,
        personnummer_hash=pnr_hash,
        personnummer_masked=pnr_masked,
    )


def resolve_case(
    session: Session,
    case_in: CaseIn,
    *,
    pnr_secret: str,
    pointer_prefix: str = "",
    principal: Principal | None = None,
) -> ResolvedCase:
    """Check every reference and identifier; raise 422 listing all problems at once.

    With a `principal`, every reference (committee, participants, parties, earlier
    handling) must be in its scope; one outside answers like one that does not exist.
    """
    errors = _Errors(pointer_prefix)
    _check_area(session, case_in, errors)
    found = _lookups(session, case_in)
    if principal is not None and principal.scoped:
        found = case_scope.in_scope(session, principal, found, case_in.committee)
    committee = found["committee"].get(case_in.committee)
    if committee is None:
        _unknown(errors, "/committee", "committee", case_in.committee)
    parties = [_party(i, p, found, errors, pnr_secret) for i, p in enumerate(case_in.parties)]
    for pointer, detail, code in case_scope.personnummer_parties_over_cap(case_in):
        errors.add(pointer, detail, code)
    earlier: list[ResolvedEarlier] = []
    for i, e in enumerate(case_in.earlier_handling):
        pid = found["person"].get(e.person)
        oid = found["organisation"].get(e.organisation) if e.organisation else None
        chit = found["committee"].get(e.committee) if e.committee else None
        if pid is None:
            _unknown(errors, f"/earlier_handling/{i}/person", "person", e.person)
        if e.organisation and oid is None:
            _unknown(errors, f"/earlier_handling/{i}/organisation", "organisation", e.organisation)
        if e.committee and chit is None:
            _unknown(errors, f"/earlier_handling/{i}/committee", "committee", e.committee)
        if pid is not None:
            earlier.append(
                ResolvedEarlier(
                    e.person,
                    pid,
                    e.organisation,
                    oid,
                    e.committee,
                    chit[0] if chit else None,
                    e.final,
                )
            )
    participants: list[ResolvedParticipant] = []
    seen: set[str] = set()
    for i, p in enumerate(case_in.participants):
        pid = found["person"].get(p.person)
        if pid is None:
            _unknown(errors, f"/participants/{i}/person", "person", p.person)
        elif p.person in seen:
            errors.add(f"/participants/{i}/person", f"'{p.person}' is listed twice", "duplicate")
        else:
            participants.append(ResolvedParticipant(p.person, pid, p.role))
        seen.add(p.person)
    if errors.items:
        raise Unprocessable(errors=errors.items)
    assert committee is not None
    return ResolvedCase(
        ref=case_in.ref,
        committee_ref=case_in.committee,
        committee_id=committee[0],
        organisation_id=committee[1],
        organisation_ref=committee[2],
        matter=case_in.matter,
        area=case_in.area,
        title=case_in.title,
        decision_date=case_in.decision_date,
        parties=tuple(p for p in parties if p is not None),
        earlier_handling=tuple(earlier),
        participants=tuple(participants),
    )


def resolve_stored(session: Session, cases: Sequence[Case]) -> list[ResolvedCase]:
    """Stored cases (children loaded) in resolved form; five statements for any number."""
    person_ids: set[int] = set()
    org_ids: set[int] = set()
    op_ids: set[int] = set()
    committee_ids: set[int] = set()
    for case in cases:
        committee_ids.add(case.committee_id)
        person_ids.update(p.person_id for p in case.participants)
        for e in case.earlier_handling:
            person_ids.add(e.person_id)
            org_ids.update([e.organisation_id] if e.organisation_id else [])
            committee_ids.update([e.committee_id] if e.committee_id else [])
        for party in case.parties:
            person_ids.update([party.person_id] if party.person_id else [])
            org_ids.update([party.organisation_id] if party.organisation_id else [])
            op_ids.update([party.operation_id] if party.operation_id else [])
            committee_ids.update([party.committee_id] if party.committee_id else [])
    persons = repo.refs_by_id(session, Person, person_ids)
    operations = repo.refs_by_id(session, Operation, op_ids)
    committees = repo.committee_rows_by_id(session, committee_ids)
    org_ids.update(org_id for _, org_id in committees.values())
    orgs = repo.refs_by_id(session, Organisation, org_ids)
    return [_stored(c, persons, orgs, operations, committees) for c in cases]


def _stored(
    case: Case,
    persons: dict[int, str],
    orgs: dict[int, str],
    operations: dict[int, str],
    committees: dict[int, tuple[str, int]],
) -> ResolvedCase:
    parties: list[ResolvedParty] = []
    for p in case.parties:
        if p.person_id:
            parties.append(ResolvedParty(p.role, "person", persons[p.person_id], p.person_id))
        elif p.organisation_id:
            parties.append(
                ResolvedParty(p.role, "organisation", orgs[p.organisation_id], p.organisation_id)
            )
        elif p.operation_id:
            parties.append(
                ResolvedParty(p.role, "operation", operations[p.operation_id], p.operation_id)
            )
        elif p.committee_id:
            parties.append(
                ResolvedParty(p.role, "committee", committees[p.committee_id][0], p.committee_id)
            )
        else:
            parties.append(
                ResolvedParty(
                    p.role,
                    "unregistered",
                    name=p.name,
                    orgnr=p.orgnr,
                    personnummer_hash=p.personnummer_hash,
                    personnummer_masked=p.personnummer_masked,
                )
            )
    earlier = tuple(
        ResolvedEarlier(
            persons[e.person_id],
            e.person_id,
            orgs.get(e.organisation_id) if e.organisation_id else None,
            e.organisation_id,
            committees[e.committee_id][0] if e.committee_id else None,
            e.committee_id,
            e.final,
        )
        for e in case.earlier_handling
    )
    committee_ref, org_id = committees[case.committee_id]
    return ResolvedCase(
        ref=case.ref,
        committee_ref=committee_ref,
        committee_id=case.committee_id,
        organisation_ref=orgs[org_id],
        organisation_id=org_id,
        matter=case.matter,
        area=case.area,
        title=case.title,
        decision_date=case.decision_date,
        parties=tuple(parties),
        earlier_handling=earlier,
        participants=tuple(
            ResolvedParticipant(persons[p.person_id], p.person_id, p.role)
            for p in case.participants
        ),
        case_id=case.id,
        stored={
            "version": case.version,
            "created_at": case.created_at,
            "updated_at": case.updated_at,
        },
    )
