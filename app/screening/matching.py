"""Match unregistered parties (name, orgnr, personnummer) against the registry.

Identifiers match exactly after normalisation (orgnr against Organisation.orgnr; a
personnummer by its keyed hash against Person.personnummer_hash). A name is matched
through the name index: candidates sharing the most normalised words (an indexed
lookup, never a scan; `app.screening.name_candidates`), scored with rapidfuzz after
Swedish-aware normalisation. One statement for all unregistered parties of a case
together (four when a meeting shares them), more only where a limited key's namesakes
elsewhere fill a page. A party is each record of its identifier, or by name the best
candidate and each bearer of the name near the case (`app.screening.near_parties`).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Any

from sqlalchemy.orm import Session

from app.cases.resolve import ResolvedParty
from app.screening import name_candidates as candidates_of
from app.screening import names
from app.screening import party_repository as party_repo
from app.screening.name_candidates import NOWHERE, Candidate, Near
from app.screening.reads import DIRECT, Reads
from app.security.deps import Principal


@dataclasses.dataclass(frozen=True, slots=True)
class Match:
    kind: str  # person | organisation
    id: int
    ref: str
    how: str  # orgnr | personnummer | name
    score: float  # 100 for identifier matches
    # The party's further matches: the other records of the same identifier (by ref,
    # `_by_key`), or the bearers of the name near the case (`_by_name`).
    also: tuple[Match, ...] = ()

    def every(self) -> tuple[Match, ...]:
        """This match and each of `also`."""
        return (self, *self.also)


@dataclasses.dataclass(frozen=True, slots=True)
class _Row:
    """A registry row found by an identifier."""

    kind: str
    id: int
    ref: str


def _allowed_kinds(party: ResolvedParty) -> tuple[str, ...]:
    if party.personnummer_hash:
        return ("person",)
    if party.orgnr or names.has_legal_form(party.name or ""):
        return ("organisation",)
    return ("person", "organisation")


def _other_identity(party: ResolvedParty, candidate: Candidate) -> bool:
    """True when the party's personnummer or orgnr was given and the candidate is
    registered with another one: a namesake the registry says is someone else."""
    given = party.personnummer_hash if candidate.kind == "person" else party.orgnr
    return bool(given and candidate.key and candidate.key != given)


def _by_name(
    party: ResolvedParty, candidates: Sequence[Candidate], min_score: float
) -> Match | None:
    """The best candidate at or above `min_score` (then by kind and ref), and with it
    every one near the case at or above it: each is a possible match the engine acts on.
    The best alone lost a ledamot named exactly as the party to a namesake with a lower
    ref, or to a company of her name ("Anna Berg AB"), and the possible jäv went
    unflagged; a bearer of the name with no tie to the case decides no finding."""
    kinds = _allowed_kinds(party)
    query = names.name_key(party.name or "")
    scored = sorted(
        (
            (names.score_keys(query, names.name_key(c.name)), c)
            for c in candidates
            if c.kind in kinds and not _other_identity(party, c)
        ),
        key=lambda sc: (-sc[0], sc[1].kind, sc[1].ref),
    )
    found = [
        Match(c.kind, c.id, c.ref, "name", score)
        for i, (score, c) in enumerate(sc for sc in scored if sc[0] >= min_score)
        if i == 0 or c.near
    ]
    if not found:
        return None
    return dataclasses.replace(found[0], also=tuple(found[1:]))


def _by_key(rows: Sequence[tuple[str, Any]]) -> dict[str, list[Any]]:
    """The rows of each identifier, by ref: two kommuner may each keep a record of one
    person (or company). The party is each of them (an unlimited key's case must not
    lose the record it names to another kommun's, which taking the lowest ref alone
    did), and the answer must not depend on the order rows come back in."""
    out: dict[str, list[Any]] = {}
    for key, row in sorted(rows, key=lambda kr: kr[1].ref):
        out.setdefault(key, []).append(row)
    return out


def _identifier_match(rows: list[Any], kind: str, how: str) -> Match:
    first, *rest = rows
    also = tuple(Match(kind, r.id, r.ref, how, 100.0) for r in rest)
    return Match(kind, first.id, first.ref, how, 100.0, also)


def match_parties(
    session: Session,
    parties: Sequence[ResolvedParty],
    *,
    min_score: float,
    scope: tuple[Principal, tuple[str, int]] | None = None,
    near: Near = NOWHERE,
    reads: Reads = DIRECT,
) -> dict[int, Match]:
    """Index in `parties` -> the registry objects an unregistered party was matched to.

    `scope` (a key, and the ref and id of the case's committee) keeps matches to what a
    limited key may see (`app.cases.scope.case_refs_in_scope`); `near` (the case's
    committee and participants) keeps a common name's namesakes near the case among the
    candidates (`app.screening.name_candidates`)."""
    unregistered = {i: p for i, p in enumerate(parties) if p.kind == "unregistered"}
    if not unregistered:  # every party named by ref: nothing to look up (no statement)
        return {}
    orgnrs = {p.orgnr for p in unregistered.values() if p.orgnr}
    hashes = {p.personnummer_hash for p in unregistered.values() if p.personnummer_hash}
    tokens: set[str] = set()
    for p in unregistered.values():
        tokens |= names.index_tokens(p.name or "")
    if reads is DIRECT:  # the four lookups in one statement
        org_rows, person_rows, name_rows, near_rows = party_repo.lookup(
            session, orgnrs, hashes, tokens, near.committee_id, near.participant_ids
        )
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
        near_rows = party_repo.near_name_candidates(
            session, tokens, near.committee_id, near.participant_ids
        )
    candidates, full = candidates_of.first_page(name_rows)
    candidates = candidates_of.with_near(candidates, near_rows)
    if scope is not None and scope[0].scoped:
        identified = [r for _, r in orgs + persons]
        seen = candidates_of.in_scope(session, scope, identified + candidates)
        orgs = [(k, r) for k, r in orgs if r.ref in seen["organisation"]]
        persons = [(k, r) for k, r in persons if r.ref in seen["person"]]
        candidates = candidates_of.scoped(session, scope, candidates, seen, full, tokens)
    by_orgnr, by_hash = _by_key(orgs), _by_key(persons)
    found: dict[int, Match] = {}
    for i, party in unregistered.items():
        org = by_orgnr.get(party.orgnr) if party.orgnr else None
        person = by_hash.get(party.personnummer_hash) if party.personnummer_hash else None
        if org is not None:
            found[i] = _identifier_match(org, "organisation", "orgnr")
        elif person is not None:
            found[i] = _identifier_match(person, "person", "personnummer")
        elif party.name:
            match = _by_name(party, candidates, min_score)
            if match is not None:
                found[i] = match
    return found
