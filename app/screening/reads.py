"""The loader's selects, straight to the database (`Reads`) or shared by the screenings of
one request (`SharedReads`: a meeting screens every agenda item against the same
committee, members and ersättare).

`SharedReads` answers each select exactly as the database would within the request's
transaction (nothing it caches is written while a meeting is screened):

- per id, for the selects whose rows each belong to given ids: a relation to both of its
  persons, an appointment and an interest to its person, a person or an organisation to
  itself. A later call reads only the ids not read before (the members' facts are read
  once per meeting; an item adds its own parties and their relations) and answers the
  rows of the ids asked for, in the order of the select (by row id), once each;
- by their exact arguments, for the others (the committees around the case, rosters,
  owners, agreements, ...): items with the same reach share the rows.

So an item's snapshot, and its screening, are the ones a screening of the case alone
would give (tests/meetings/test_shared_reads.py compares them).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Hashable, Iterable
from datetime import date
from typing import Any, TypeVar

from sqlalchemy import Row
from sqlalchemy.orm import Session

from app.audit.organisations import case_organisations
from app.models import Administration, Agreement, Committee
from app.screening import org_repository as org_repo
from app.screening import party_repository as party_repo
from app.screening import repository as repo
from app.screening.sql import ids


class Reads:
    """The selects of `app.screening.loader`, one statement each."""

    def operations(self, session: Session, op_ids: Iterable[int]) -> list[Row[Any]]:
        return repo.operations(session, op_ids)

    def case_committees(
        self,
        session: Session,
        *,
        committee_ids: Iterable[int],
        governed_org_ids: Iterable[int],
        drift_areas: Iterable[str],
        drift_org_ids: Iterable[int],
    ) -> list[Committee]:
        return repo.case_committees(
            session,
            committee_ids=committee_ids,
            governed_org_ids=governed_org_ids,
            drift_areas=drift_areas,
            drift_org_ids=drift_org_ids,
        )

    def default_participants(
        self, session: Session, committee_id: int, as_of: date
    ) -> list[Row[Any]]:
        return repo.default_participants(session, committee_id, as_of)

    def relations(self, session: Session, person_ids: Iterable[int]) -> list[Row[Any]]:
        return repo.relations(session, person_ids)

    def appointments(self, session: Session, person_ids: Iterable[int]) -> list[Row[Any]]:
        return repo.appointments(session, person_ids)

    def interests(
        self,
        session: Session,
        person_ids: Iterable[int],
        *,
        organisation_ids: Iterable[int],
        owned_ids: Iterable[int],
        party_person_ids: Iterable[int],
        counted_ids: Iterable[int],
    ) -> list[Row[Any]]:
        return repo.interests(
            session,
            person_ids,
            organisation_ids=organisation_ids,
            owned_ids=owned_ids,
            party_person_ids=party_person_ids,
            counted_ids=counted_ids,
        )

    def rosters(
        self,
        session: Session,
        committee_ids: Iterable[int],
        organisation_ids: Iterable[int],
        as_of: date,
    ) -> list[Row[Any]]:
        return repo.rosters(session, committee_ids, organisation_ids, as_of)

    def administrations(
        self, session: Session, admin_ids: Iterable[int], serving: Iterable[int]
    ) -> list[Administration]:
        return repo.administrations(session, admin_ids, serving)

    def serves(self, session: Session, admin_ids: Iterable[int]) -> list[Row[Any]]:
        return repo.serves(session, admin_ids)

    def committees(self, session: Session, committee_ids: Iterable[int]) -> list[Committee]:
        return repo.committees(session, committee_ids)

    def responsibilities(self, session: Session, committee_ids: Iterable[int]) -> list[Row[Any]]:
        return repo.responsibilities(session, committee_ids)

    def committee_participants(
        self, session: Session, committee_ids: Iterable[int]
    ) -> list[Row[Any]]:
        return repo.committee_participants(session, committee_ids)

    def owners(self, session: Session, org_ids: Iterable[int]) -> list[Row[Any]]:
        return org_repo.owners(session, org_ids)

    def members(self, session: Session, org_ids: Iterable[int]) -> list[Row[Any]]:
        return org_repo.members(session, org_ids)

    def agreements(
        self, session: Session, org_ids: Iterable[int], areas: Iterable[str]
    ) -> list[Agreement]:
        return org_repo.agreements(session, org_ids, areas)

    def agreement_principals(
        self, session: Session, agreement_ids: Iterable[int]
    ) -> list[Row[Any]]:
        return org_repo.agreement_principals(session, agreement_ids)

    def organisations(self, session: Session, org_ids: Iterable[int]) -> list[Row[Any]]:
        return org_repo.organisations(session, org_ids)

    def persons(self, session: Session, person_ids: Iterable[int]) -> list[Row[Any]]:
        return repo.persons(session, person_ids)

    def organisations_by_orgnr(self, session: Session, orgnrs: Collection[str]) -> list[Row[Any]]:
        return party_repo.organisations_by_orgnr(session, orgnrs)

    def persons_by_pnr_hash(self, session: Session, hashes: Collection[str]) -> list[Row[Any]]:
        return party_repo.persons_by_pnr_hash(session, hashes)

    def name_candidates(self, session: Session, tokens: Collection[str]) -> list[Row[Any]]:
        return party_repo.name_candidates(session, tokens)

    def case_organisations(
        self, session: Session, committee_id: int, person_refs: Iterable[str]
    ) -> set[int]:
        """The organisations a screening's audit entry belongs to (issue 9.4)."""
        return case_organisations(session, committee_id, person_refs)


DIRECT = Reads()


T = TypeVar("T")


class _PerId:
    """Rows cached per id; `rows` reads the ids not read before in one select."""

    def __init__(self, keys: Callable[[Any], Iterable[int]]) -> None:
        self.keys = keys
        self.by_id: dict[int, list[Any]] = {}

    def missing(self, wanted: Iterable[int]) -> list[int]:
        return [i for i in ids(wanted) if i not in self.by_id]

    def store(self, missing: Iterable[int], rows: Iterable[Any]) -> None:
        fresh = set(missing)
        for i in fresh:
            self.by_id[i] = []
        for row in rows:
            for k in set(self.keys(row)) & fresh:
                self.by_id[k].append(row)

    def cached(self, wanted: Iterable[int]) -> list[Any]:
        """The rows of the ids (all read before), once each, by row id."""
        seen: dict[int, Any] = {}
        for i in ids(wanted):
            for row in self.by_id[i]:
                seen.setdefault(row.id, row)
        return [seen[k] for k in sorted(seen)]

    def rows(self, wanted: Iterable[int], fetch: Callable[[list[int]], list[Any]]) -> list[Any]:
        wanted = ids(wanted)
        missing = self.missing(wanted)
        if missing:
            self.store(missing, fetch(missing))
        return self.cached(wanted)


class SharedReads(Reads):
    """`Reads` shared by the screenings of one request (see the module docstring)."""

    def __init__(self) -> None:
        self._memo: dict[Hashable, Any] = {}
        self._relations = _PerId(lambda r: (r.person_id, r.related_id))
        self._appointments = _PerId(lambda r: (r.person_id,))
        self._persons = _PerId(lambda r: (r.id,))
        self._organisations = _PerId(lambda r: (r.id,))
        self._interests: dict[Hashable, _PerId] = {}
        self._counts: dict[int, Any] = {}  # person id -> its count row, or None (none)

    def _once(self, key: Hashable, fetch: Callable[[], T]) -> T:
        if key not in self._memo:
            self._memo[key] = fetch()
        return self._memo[key]  # type: ignore[no-any-return]

    # --- by exact arguments ----------------------------------------------------------------

    def operations(self, session: Session, op_ids: Iterable[int]) -> list[Row[Any]]:
        k = frozenset(op_ids)
        return self._once(("operations", k), lambda: repo.operations(session, k))

    def case_committees(
        self,
        session: Session,
        *,
        committee_ids: Iterable[int],
        governed_org_ids: Iterable[int],
        drift_areas: Iterable[str],
        drift_org_ids: Iterable[int],
    ) -> list[Committee]:
        c, g, a, d = (
            frozenset(committee_ids),
            frozenset(governed_org_ids),
            frozenset(drift_areas),
            frozenset(drift_org_ids),
        )
        return self._once(
            ("case_committees", c, g, a, d),
            lambda: repo.case_committees(
                session, committee_ids=c, governed_org_ids=g, drift_areas=a, drift_org_ids=d
            ),
        )

    def default_participants(
        self, session: Session, committee_id: int, as_of: date
    ) -> list[Row[Any]]:
        return self._once(
            ("default_participants", committee_id, as_of),
            lambda: repo.default_participants(session, committee_id, as_of),
        )

    def rosters(
        self,
        session: Session,
        committee_ids: Iterable[int],
        organisation_ids: Iterable[int],
        as_of: date,
    ) -> list[Row[Any]]:
        c, o = frozenset(committee_ids), frozenset(organisation_ids)
        return self._once(("rosters", c, o, as_of), lambda: repo.rosters(session, c, o, as_of))

    def administrations(
        self, session: Session, admin_ids: Iterable[int], serving: Iterable[int]
    ) -> list[Administration]:
        a, s = frozenset(admin_ids), frozenset(serving)
        return self._once(("administrations", a, s), lambda: repo.administrations(session, a, s))

    def serves(self, session: Session, admin_ids: Iterable[int]) -> list[Row[Any]]:
        k = frozenset(admin_ids)
        return self._once(("serves", k), lambda: repo.serves(session, k))

    def committees(self, session: Session, committee_ids: Iterable[int]) -> list[Committee]:
        k = frozenset(committee_ids)
        return self._once(("committees", k), lambda: repo.committees(session, k))

    def responsibilities(self, session: Session, committee_ids: Iterable[int]) -> list[Row[Any]]:
        k = frozenset(committee_ids)
        return self._once(("responsibilities", k), lambda: repo.responsibilities(session, k))

    def committee_participants(
        self, session: Session, committee_ids: Iterable[int]
    ) -> list[Row[Any]]:
        k = frozenset(committee_ids)
        return self._once(
            ("committee_participants", k), lambda: repo.committee_participants(session, k)
        )

    def owners(self, session: Session, org_ids: Iterable[int]) -> list[Row[Any]]:
        k = frozenset(org_ids)
        return self._once(("owners", k), lambda: org_repo.owners(session, k))

    def members(self, session: Session, org_ids: Iterable[int]) -> list[Row[Any]]:
        k = frozenset(org_ids)
        return self._once(("members", k), lambda: org_repo.members(session, k))

    def agreements(
        self, session: Session, org_ids: Iterable[int], areas: Iterable[str]
    ) -> list[Agreement]:
        o, a = frozenset(org_ids), frozenset(areas)
        return self._once(("agreements", o, a), lambda: org_repo.agreements(session, o, a))

    def agreement_principals(
        self, session: Session, agreement_ids: Iterable[int]
    ) -> list[Row[Any]]:
        k = frozenset(agreement_ids)
        return self._once(
            ("agreement_principals", k), lambda: org_repo.agreement_principals(session, k)
        )

    def organisations_by_orgnr(self, session: Session, orgnrs: Collection[str]) -> list[Row[Any]]:
        k = frozenset(orgnrs)
        return self._once(("orgnr", k), lambda: party_repo.organisations_by_orgnr(session, k))

    def persons_by_pnr_hash(self, session: Session, hashes: Collection[str]) -> list[Row[Any]]:
        k = frozenset(hashes)
        return self._once(("pnr", k), lambda: party_repo.persons_by_pnr_hash(session, k))

    def name_candidates(self, session: Session, tokens: Collection[str]) -> list[Row[Any]]:
        k = frozenset(tokens)
        return self._once(("names", k), lambda: party_repo.name_candidates(session, k))

    def case_organisations(
        self, session: Session, committee_id: int, person_refs: Iterable[str]
    ) -> set[int]:
        k = frozenset(person_refs)
        found = self._once(
            ("case_organisations", committee_id, k),
            lambda: case_organisations(session, committee_id, k),
        )
        return set(found)

    # --- per id ----------------------------------------------------------------------------

    def relations(self, session: Session, person_ids: Iterable[int]) -> list[Row[Any]]:
        return self._relations.rows(person_ids, lambda m: repo.relations(session, m))

    def appointments(self, session: Session, person_ids: Iterable[int]) -> list[Row[Any]]:
        return self._appointments.rows(person_ids, lambda m: repo.appointments(session, m))

    def persons(self, session: Session, person_ids: Iterable[int]) -> list[Row[Any]]:
        return self._persons.rows(person_ids, lambda m: repo.persons(session, m))

    def organisations(self, session: Session, org_ids: Iterable[int]) -> list[Row[Any]]:
        return self._organisations.rows(org_ids, lambda m: org_repo.organisations(session, m))

    def interests(
        self,
        session: Session,
        person_ids: Iterable[int],
        *,
        organisation_ids: Iterable[int],
        owned_ids: Iterable[int],
        party_person_ids: Iterable[int],
        counted_ids: Iterable[int],
    ) -> list[Row[Any]]:
        """An interest is read for its person and the case's targets (party and operator
        organisations, party persons): cached per person under those targets; the count
        of all interests per person, under none."""
        targets = (frozenset(organisation_ids), frozenset(owned_ids), frozenset(party_person_ids))
        cache = self._interests.setdefault(targets, _PerId(lambda r: (r.person_id,)))
        people, counted = ids(person_ids), ids(counted_ids)
        missing = cache.missing(people)
        uncounted = [i for i in counted if i not in self._counts]
        if missing or uncounted:
            rows = repo.interests(
                session,
                missing,
                organisation_ids=targets[0],
                owned_ids=targets[1],
                party_person_ids=targets[2],
                counted_ids=uncounted,
            )
            self._counts.update(dict.fromkeys(uncounted))
            self._counts.update((r.person_id, r) for r in rows if r.n is not None)
            cache.store(missing, [r for r in rows if r.n is None])
        counts = [self._counts[i] for i in counted if self._counts[i] is not None]
        return [*cache.cached(people), *counts]
