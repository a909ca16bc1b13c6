"""The registry objects an unregistered party's name may be: the name index's best
candidates, and the bearers of the name near the case.

The name index gives the NAME_CANDIDATES persons and organisations sharing the most of a
name's tokens (then the lowest id). A common name at national scale has more bearers
than that, and the ones that could decide a jäv must not be crowded out:

- the bearers near the case (`app.screening.near_parties`: the participants, their
  relations and those they represent, the organisations they hold interests or
  appointments in) are read with the candidates, however many others bear the name;
- a limited key chooses among what it may see (`app.cases.scope.case_refs_in_scope`);
  where other kommuners' namesakes filled its first page, it reads the next ones in the
  same order until it holds a page's worth of its own (review of run L).
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Collection, Sequence
from typing import Any

from sqlalchemy.orm import Session

from app.cases.scope import case_refs_in_scope
from app.screening import party_repository as party_repo
from app.security.deps import Principal

logger = logging.getLogger(__name__)

#: How far a limited key reads name candidates of one kind (see `_further`).
MAX_SCOPED_NAME_SCAN = 20_000

Scope = tuple[Principal, tuple[str, int]]
KINDS = ("person", "organisation")


@dataclasses.dataclass(frozen=True, slots=True)
class Candidate:
    kind: str  # person | organisation
    id: int
    ref: str
    name: str
    key: str | None  # the personnummer hash or orgnr registered for it
    near: bool = False  # near the case (`app.screening.near_parties`)
    paged: bool = True  # from the name index's pages, not only from the near ones


@dataclasses.dataclass(frozen=True, slots=True)
class Near:
    """What makes a candidate near a case: its committee and its named participants."""

    committee_id: int | None
    participant_ids: tuple[int, ...]


NOWHERE = Near(None, ())  # no case to be near (nothing is)


def _candidate(row: Any, near: bool = False, paged: bool = True) -> Candidate:
    return Candidate(row.kind, row.id, row.ref, row.name, row.key, near, paged)


def first_page(rows: Sequence[Any]) -> tuple[list[Candidate], set[str]]:
    """The name index's candidates, and the kinds whose page was full."""
    candidates = [_candidate(r) for r in rows]
    full = {k for k in KINDS if sum(c.kind == k for c in candidates) >= party_repo.NAME_CANDIDATES}
    return candidates, full


def with_near(candidates: list[Candidate], near_rows: Sequence[Any]) -> list[Candidate]:
    """The candidates, marked where near the case, and completed with the near bearers
    of the name that the index's page did not hold."""
    close = {(r.kind, r.id) for r in near_rows}
    have = {(c.kind, c.id) for c in candidates}
    marked = [
        dataclasses.replace(c, near=True) if (c.kind, c.id) in close else c for c in candidates
    ]
    extra = [_candidate(r, near=True, paged=False) for r in near_rows if (r.kind, r.id) not in have]
    return marked + extra


def in_scope(session: Session, scope: Scope, rows: Sequence[Any]) -> dict[str, set[str]]:
    """The refs among the rows (a `kind` and a `ref` each) that a limited key may match
    (a person in its own scope; an organisation in the case's view), asked before a match
    is chosen: a row the key may not see must change nothing, as if not registered
    (review of run L: chosen first and dropped after, another kommun's record with the
    same personnummer, orgnr or a better-scoring name hid the key's own)."""
    wanted: dict[str, set[str]] = {kind: set() for kind in KINDS}
    for row in rows:
        wanted[row.kind].add(row.ref)
    if not any(wanted.values()):
        return wanted
    principal, committee = scope
    return case_refs_in_scope(session, principal, committee, wanted)


def scoped(
    session: Session,
    scope: Scope,
    candidates: Sequence[Candidate],
    seen: dict[str, set[str]],
    full: set[str],
    tokens: Collection[str],
) -> list[Candidate]:
    """The candidates a limited key may match (`seen`: checked with the identifier
    matches in one statement); for a kind whose first page was full but left the key
    fewer than a page, the further ones (`_further`)."""
    kept = [c for c in candidates if c.ref in seen[c.kind]]
    for kind in sorted(full):
        # The page counts what came from the index's pages: the near ones read besides
        # must not shorten it (review: they did, and another kommun's namesakes then
        # changed which of the key's own made the page).
        paged = sum(1 for c in kept if c.kind == kind and c.paged)
        if paged < party_repo.NAME_CANDIDATES:
            have = {c.id for c in kept if c.kind == kind}
            kept += _further(session, scope, kind, tokens, have, party_repo.NAME_CANDIDATES - paged)
    return kept


def _further(
    session: Session,
    scope: Scope,
    kind: str,
    tokens: Collection[str],
    have: set[int],
    wanted: int,
) -> list[Candidate]:
    """`wanted` more candidates of `kind` past the first page that the key may match, in
    the name index's order, or fewer where they end (no more: a limited key gets no more
    than a page, as an unlimited one); those in `have` already count. Pages grow
    fourfold (a name shared across the country costs a few statements); at most
    MAX_SCOPED_NAME_SCAN are read."""
    kept: list[Candidate] = []
    offset, size = party_repo.NAME_CANDIDATES, party_repo.NAME_CANDIDATES * 4
    while len(kept) < wanted:
        if offset >= MAX_SCOPED_NAME_SCAN:
            logger.warning("name candidates capped", extra={"kind": kind, "scanned": offset})
            break
        size = min(size, MAX_SCOPED_NAME_SCAN - offset)
        rows = party_repo.name_candidates_page(session, kind, tokens, offset=offset, limit=size)
        page = [_candidate(r) for r in rows]
        seen = in_scope(session, scope, page)
        kept += [c for c in page if c.ref in seen[kind]]
        if len(page) < size:
            break
        offset, size = offset + size, size * 4
    return [c for c in kept[:wanted] if c.id not in have]
