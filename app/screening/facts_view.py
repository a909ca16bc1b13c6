"""A stored facts snapshot as a key limited to some organisations may read it.

A screening reads facts across kommuner (a shared person's appointments elsewhere, the
roster of the nämnd that runs a supervised operation): the rules need them, and a finding
names the few that decide it. `GET /v1/screenings/{id}/facts` is another matter: the
whole snapshot would show a limited key people, appointments and companies that its
registry reads answer 404 for (docs/security.md, "One person, two kommuner"). So a
limited key gets the snapshot cut to what it may read *now*, by the same predicates as
the registry's reads:

- organisations, committees, administrations, operations, agreements and persons that
  the key reads (an object renamed or deleted since the screening is withheld);
- of each person kept: the appointments to a body it reads (naming who made one only
  when the key reads that organisation or the body names it), the interests in nothing or
  in an organisation it reads (and on behalf of nobody or of a person it reads), and the
  relations to a person it reads (`app/security/scoping.py`: appointment, interest and
  relation predicates);
- the case as stored (what `GET /v1/cases` shows), but a party's match to a registered
  person or organisation only when the key reads it; `facts_seen` counting what is left.

Objects kept are shown whole, references included, as the registry's reads show them (a
gemensam nämnd lists its participants). The answer says `redacted` when anything was
cut; its `facts_hash` is then that of the stored text, which only an unlimited key can
read and check. Refs are matched as they stand now: an object deleted since is withheld,
and one whose ref was given to another object since is judged as that object.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session

from app.models import Administration, Agreement, Committee, Operation, Organisation, Person
from app.rules.facts import AppointmentFacts, CaseFacts, FactsSnapshot, PartyFacts, PersonFacts
from app.rules.vocab import BodyKind, PartyKind
from app.security import scoping
from app.security.deps import Principal


@dataclasses.dataclass(frozen=True, slots=True)
class Readable:
    """The refs of a snapshot that one key may read, by kind."""

    organisations: frozenset[str]
    committees: frozenset[str]
    administrations: frozenset[str]
    operations: frozenset[str]
    agreements: frozenset[str]
    persons: frozenset[str]

    def body(self, kind: BodyKind, ref: str) -> bool:
        if kind is BodyKind.COMMITTEE:
            return ref in self.committees
        if kind is BodyKind.ADMINISTRATION:
            return ref in self.administrations
        return ref in self.organisations


def _refs(
    session: Session, model: Any, refs: Iterable[str], predicate: ColumnElement[bool] | None
) -> frozenset[str]:
    wanted = sorted(set(refs))
    if not wanted:
        return frozenset()
    stmt = select(model.ref).where(model.ref.in_(wanted))
    return frozenset(session.scalars(scoping.apply(stmt, predicate)))


def readable(session: Session, principal: Principal, snapshot: FactsSnapshot) -> Readable:
    """What of `snapshot` the key reads, asked of the registry as it is now."""
    people = set(snapshot.persons)
    organisations = set(snapshot.organisations)
    bodies = {
        BodyKind.COMMITTEE: set(snapshot.committees),
        BodyKind.ADMINISTRATION: set(snapshot.administrations),
        BodyKind.ORGANISATION: organisations,
    }
    for person in snapshot.persons.values():
        people |= {r.other for r in person.relations}
        people |= {i.on_behalf_of for i in person.interests if i.on_behalf_of}
        organisations |= {i.organisation for i in person.interests if i.organisation}
        for appointment in person.appointments:
            bodies[appointment.body_kind].add(appointment.body)
            if appointment.appointed_by is not None:
                organisations.add(appointment.appointed_by)
    for party in snapshot.case.parties:
        for match in (party.match, *party.also) if party.match is not None else ():
            (people if match.kind is PartyKind.PERSON else organisations).add(match.ref)
    committees, administrations = bodies[BodyKind.COMMITTEE], bodies[BodyKind.ADMINISTRATION]
    return Readable(
        organisations=_refs(
            session, Organisation, organisations, scoping.organisation_point_predicate(principal)
        ),
        committees=_refs(session, Committee, committees, scoping.committee_predicate(principal)),
        administrations=_refs(
            session, Administration, administrations, scoping.administration_predicate(principal)
        ),
        operations=_refs(
            session, Operation, snapshot.operations, scoping.operation_predicate(principal)
        ),
        agreements=_refs(
            session, Agreement, snapshot.agreements, scoping.agreement_predicate(principal)
        ),
        persons=_refs(
            session, Person, people, scoping.person_point_predicate(principal, Person.id)
        ),
    )


def _appointer_shown(snapshot: FactsSnapshot, a: AppointmentFacts, can: Readable) -> bool:
    """Whether the key is shown who made the appointment: an organisation it reads, or
    one the body names too (a gemensam nämnd's host and participants, a company's owners,
    an administration's organisation), as the registry's reads show it
    (`app/registry/crud/shown.py`; before run R another kommun's ref showed here)."""
    if a.appointed_by is None or a.appointed_by in can.organisations:
        return True
    if a.body_kind is BodyKind.COMMITTEE:
        committee = snapshot.committees.get(a.body)
        named = () if committee is None else (committee.organisation, *committee.participants)
    elif a.body_kind is BodyKind.ADMINISTRATION:
        administration = snapshot.administrations.get(a.body)
        named = () if administration is None else (administration.organisation,)
    else:
        organisation = snapshot.organisations.get(a.body)
        named = () if organisation is None else tuple(o.owner for o in organisation.owners)
    return a.appointed_by in named


def _person(snapshot: FactsSnapshot, person: PersonFacts, can: Readable) -> PersonFacts:
    return dataclasses.replace(
        person,
        appointments=tuple(
            a if _appointer_shown(snapshot, a, can) else dataclasses.replace(a, appointed_by=None)
            for a in person.appointments
            if can.body(a.body_kind, a.body)
        ),
        interests=tuple(
            i
            for i in person.interests
            if (i.organisation is None or i.organisation in can.organisations)
            and (i.on_behalf_of is None or i.on_behalf_of in can.persons)
        ),
        relations=tuple(r for r in person.relations if r.other in can.persons),
    )


def _kept(mapping: Mapping[str, Any], refs: frozenset[str]) -> dict[str, Any]:
    return {ref: value for ref, value in mapping.items() if ref in refs}


def _case(case: CaseFacts, can: Readable) -> CaseFacts:
    """The case as stored (what `GET /v1/cases` shows of it), but a party's match to a
    registered person or organisation only when the key reads that one: the match is
    the loader's, made with the screening key's view, which may be wider."""
    return dataclasses.replace(case, parties=tuple(_party(p, can) for p in case.parties))


def _party(party: PartyFacts, can: Readable) -> PartyFacts:
    """The party with only the matches the key reads (the first of them as `match`)."""
    if party.match is None:
        return party
    matches = [party.match, *party.also]
    kept = [
        m
        for m in matches
        if m.ref in (can.persons if m.kind is PartyKind.PERSON else can.organisations)
    ]
    if len(kept) == len(matches):
        return party
    return dataclasses.replace(party, match=kept[0] if kept else None, also=tuple(kept[1:]))


def _size(snapshot: FactsSnapshot) -> tuple[int, ...]:
    """What a cut can only lessen: the objects, each person's facts and the appointers
    named, the parties' matches."""
    return (
        len(snapshot.organisations),
        len(snapshot.committees),
        len(snapshot.administrations),
        len(snapshot.operations),
        len(snapshot.agreements),
        len(snapshot.persons),
        sum(p.fact_count for p in snapshot.persons.values()),
        sum(a.appointed_by is not None for p in snapshot.persons.values() for a in p.appointments),
        sum(p.match is not None for p in snapshot.case.parties),
        sum(len(p.also) for p in snapshot.case.parties),
    )


def limited_view(snapshot: FactsSnapshot, can: Readable) -> tuple[FactsSnapshot, bool]:
    """(`snapshot` cut to what `can` reads, whether anything was cut)."""
    persons = {
        ref: _person(snapshot, person, can)
        for ref, person in snapshot.persons.items()
        if ref in can.persons
    }
    view = dataclasses.replace(
        snapshot,
        case=_case(snapshot.case, can),
        organisations=_kept(snapshot.organisations, can.organisations),
        committees=_kept(snapshot.committees, can.committees),
        administrations=_kept(snapshot.administrations, can.administrations),
        operations=_kept(snapshot.operations, can.operations),
        agreements=_kept(snapshot.agreements, can.agreements),
        persons=persons,
        facts_seen={ref: persons[ref].fact_count for ref in snapshot.facts_seen if ref in persons},
    )
    return view, _size(view) != _size(snapshot)


def facts_for(
    session: Session, principal: Principal, snapshot: FactsSnapshot
) -> tuple[FactsSnapshot, bool]:
    """(the snapshot as `principal` may read it, whether anything was cut)."""
    if not principal.scoped:
        return snapshot, False
    view, cut = limited_view(snapshot, readable(session, principal, snapshot))
    return (view, True) if cut else (snapshot, False)
