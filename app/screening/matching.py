"""Match unregistered parties (name, orgnr, personnummer) against the registry.

Identifiers match exactly after normalisation (orgnr against Organisation.orgnr; a
personnummer by its keyed hash against Person.personnummer_hash). A name is matched
through the name index: candidates sharing the most normalised words (an indexed
lookup, never a scan), scored with rapidfuzz after Swedish-aware normalisation. One
statement for all unregistered parties of a case together (three when a meeting shares them).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from app.cases.resolve import ResolvedParty
from app.cases.scope import case_refs_in_scope
from app.screening import names
from app.screening import party_repository as party_repo
from app.screening.reads import DIRECT, Reads
from app.security.deps import Principal

logger = logging.getLogger(__name__)

#: How far a limited key reads name candidates of one kind (see `_scoped_candidates`).
MAX_SCOPED_NAME_SCAN = 20_000


@dataclass(frozen=True, slots=True)
class Match:
    kind: str  # person | organisation
    id: int
    ref: str
    how: str  # orgnr | personnummer | name
    score: float  # 100 for identifier matches


@dataclass(frozen=True, slots=True)
class _Row:
    """A registry row found by an identifier."""

    kind: str
    id: int
    ref: str


@dataclass(frozen=True, slots=True)
class _Candidate:
    kind: str
    id: int
    ref: str
    name: str


def _allowed_kinds(party: ResolvedParty) -> tuple[str, ...]:
    if party.personnummer_hash:
        return ("person",)
    if party.orgnr or names.has_legal_form(party.name or ""):
        return ("organisation",)
    return ("person", "organisation")


def _best_by_name(
    party: ResolvedParty, candidates: Sequence[_Candidate], min_score: float
) -> Match | None:
    kinds = _allowed_kinds(party)
    query = names.name_key(party.name or "")
    scored = sorted(
        (
            (names.score_keys(query, names.name_key(c.name)), c)
            for c in candidates
            if c.kind in kinds
        ),
        key=lambda sc: (-sc[0], sc[1].kind, sc[1].ref),
    )
    if not scored or scored[0][0] < min_score:
        return None
    score, best = scored[0]
    return Match(best.kind, best.id, best.ref, "name", score)


def _in_scope(
    session: Session,
    scope: tuple[Principal, tuple[str, int]],
    rows: Sequence[Any],
) -> dict[str, set[str]]:
    """The refs among the candidate rows that a limited key may match (a person in its own
    scope; an organisation in the case's view), asked before a match is chosen: a row the
    key may not see must change nothing, as if not registered (review of run L: chosen
    first and dropped after, another kommun's record with the same personnummer, orgnr or
    a better-scoring name hid the key's own, and answered differently from a number
    nobody has)."""
    wanted: dict[str, set[str]] = {"person": set(), "organisation": set()}
    for row in rows:
        wanted[row.kind].add(row.ref)
    if not any(wanted.values()):
        return wanted
    principal, committee = scope
    return case_refs_in_scope(session, principal, committee, wanted)


def _further_candidates(
    session: Session,
    scope: tuple[Principal, tuple[str, int]],
    kind: str,
    tokens: set[str],
    have: int,
) -> list[_Candidate]:
    """The candidates of `kind` past the first page that a limited key may match, read
    page by page in `name_candidates`' order until, with the `have` it kept of the first
    page, it holds a page's worth, or the candidates end. Pages grow fourfold (a name
    shared across the country costs a few statements) and stop at MAX_SCOPED_NAME_SCAN."""
    kept: list[_Candidate] = []
    offset, size = party_repo.NAME_CANDIDATES, party_repo.NAME_CANDIDATES * 4
    while have + len(kept) < party_repo.NAME_CANDIDATES:
        if offset >= MAX_SCOPED_NAME_SCAN:
            logger.warning("name candidates capped", extra={"kind": kind, "scanned": offset})
            break
        rows = party_repo.name_candidates_page(session, kind, tokens, offset=offset, limit=size)
        page = [_Candidate(r.kind, r.id, r.ref, r.name) for r in rows]
        seen = _in_scope(session, scope, page)
        kept += [c for c in page if c.ref in seen[kind]]
        if len(page) < size:
            break
        offset, size = offset + size, size * 4
    return kept


def _scoped_candidates(
    session: Session,
    scope: tuple[Principal, tuple[str, int]],
    candidates: Sequence[_Candidate],
    seen: dict[str, set[str]],
    tokens: set[str],
) -> list[_Candidate]:
    """The name candidates a limited key may match (`seen`: the first page's, checked
    with the identifier matches in one statement). Where a kind's first page was full
    but left the key fewer than a page, the further pages are read: other kommuner's
    namesakes never crowd out the key's own (review of run L: a name registered more
    than NAME_CANDIDATES times elsewhere before the kommun's own record missed the jäv)."""
    kept = [c for c in candidates if c.ref in seen[c.kind]]
    for kind in ("person", "organisation"):
        fetched = sum(1 for c in candidates if c.kind == kind)
        have = sum(1 for c in kept if c.kind == kind)
        if fetched == party_repo.NAME_CANDIDATES and have < fetched:
            kept += _further_candidates(session, scope, kind, tokens, have)
    return kept


def _one_per_key(rows: Sequence[tuple[str, Any]]) -> dict[str, Any]:
    """One row per identifier, the lowest ref: two kommuner may each keep a record of one
    person (or company), and the answer must not depend on the order rows come back in."""
    out: dict[str, Any] = {}
    for key, row in sorted(rows, key=lambda kr: kr[1].ref):
        out.setdefault(key, row)
    return out


def match_parties(
    session: Session,
    parties: Sequence[ResolvedParty],
    *,
    min_score: float,
    scope: tuple[Principal, tuple[str, int]] | None = None,
    reads: Reads = DIRECT,
) -> dict[int, Match]:
    """Index in `parties` -> the registry object an unregistered party was matched to.

    `scope` (a key, and the ref and id of the case's committee) keeps matches to what a
    limited key may see (`app.cases.scope.case_refs_in_scope`)."""
    unregistered = {i: p for i, p in enumerate(parties) if p.kind == "unregistered"}
    if not unregistered:  # every party named by ref: nothing to look up (no statement)
        return {}
    orgnrs = {p.orgnr for p in unregistered.values() if p.orgnr}
    hashes = {p.personnummer_hash for p in unregistered.values() if p.personnummer_hash}
    tokens: set[str] = set()
    for p in unregistered.values():
        tokens |= names.index_tokens(p.name or "")
    if reads is DIRECT:  # the three lookups in one statement
        org_rows, person_rows, name_rows = party_repo.lookup(session, orgnrs, hashes, tokens)
        orgs = [(row.key, _Row("organisation", row.id, row.ref)) for row in org_rows]
        persons = [(row.key, _Row("person", row.id, row.ref)) for row in person_rows]
    else:  # a meeting's items share them
        orgs = [
            (row.orgnr, _Row("organisation", row.id, row.ref))
            for row in reads.organisations_by_orgnr(session, orgnrs)
        ]
        persons = [
            (row.personnummer_hash, _Row("person", row.id, row.ref))
            for row in reads.persons_by_pnr_hash(session, hashes)
        ]
        name_rows = reads.name_candidates(session, tokens)
    candidates = [_Candidate(r.kind, r.id, r.ref, r.name) for r in name_rows]
    if scope is not None and scope[0].scoped:
        seen = _in_scope(session, scope, [r for _, r in orgs + persons] + candidates)
        orgs = [(k, r) for k, r in orgs if r.ref in seen["organisation"]]
        persons = [(k, r) for k, r in persons if r.ref in seen["person"]]
        candidates = _scoped_candidates(session, scope, candidates, seen, tokens)
    by_orgnr, by_hash = _one_per_key(orgs), _one_per_key(persons)
    found: dict[int, Match] = {}
    for i, party in unregistered.items():
        org = by_orgnr.get(party.orgnr) if party.orgnr else None
        person = by_hash.get(party.personnummer_hash) if party.personnummer_hash else None
        if org is not None:
            found[i] = Match("organisation", org.id, org.ref, "orgnr", 100.0)
        elif person is not None:
            found[i] = Match("person", person.id, person.ref, "personnummer", 100.0)
        elif party.name:
            match = _best_by_name(party, candidates, min_score)
            if match is not None:
                found[i] = match
    return found
