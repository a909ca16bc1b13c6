"""Build the rules engine's facts snapshot for one case from the database.

What the case reaches, level by level, each level one batched select over IN-lists:

1. unregistered parties matched (orgnr, personnummer hash, name index);
2. party operations, and the committees around the case: the handling committee, party
   and earlier-handling committees, operator committees, board-type committees of party
   and operator organisations, committees holding drift in the supervised areas for the
   municipalities concerned, and the utskott/parent of each;
3. the administrations serving those committees;
4. the participants (given, or the committee's seat holders and staff on as_of), their
   relations both ways, and then every appointment of the participants and their related
   persons and those of their interests the rules can use: interests in party and
   operator organisations and their owners (two levels), or on behalf of a party person
   (all dates: the rules filter by as_of; `repository.interests` says why nothing else is
   needed), with the number of all interests per participant (facts_seen); the rosters
   of the operating bodies on as_of;
5. the bodies those facts name; responsibilities, gemensam-nämnd participants,
   administrations' served committees; owners and members of organisations, owners'
   owners up to `OWNER_LEVELS` levels above (a kommun's group of companies); tillsyn
   agreements of the organisations taking part in the handling committee, in the case's
   areas;
6. the organisations and persons named anywhere, for refs and names.

The sequence is fixed, so a screening issues the same number of statements whatever the
number of participants or parties (one more for each level of a company group above the
second), and none of them reads more than the case reaches.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from app.cases.resolve import ResolvedCase
from app.rules.facts import (
    CaseFacts,
    EarlierHandlingFacts,
    FactsSnapshot,
    ParticipantFacts,
    PartyFacts,
    PartyMatch,
)
from app.rules.vocab import MatchHow, Matter, ParticipantRole, PartyKind, PartyRole
from app.screening import pg_loader
from app.screening.facts import FactsBuilder
from app.screening.matching import Match, match_parties
from app.screening.name_candidates import Near
from app.screening.pg_reach import OWNER_LEVELS
from app.screening.reads import DIRECT, Reads
from app.security.deps import Principal

# PostgreSQL builds the reach in one statement (`pg_loader`); the batched path below is
# SQLite's (and a meeting's, whose `SharedReads` share rows between its items), and the
# reference the one-statement path is compared with in the tests.
ONE_STATEMENT_ON_POSTGRESQL = True


@dataclass
class Reach:
    """Ids gathered level by level (sets, so that repeated ids cost nothing)."""

    person_ids: set[int] = field(default_factory=set)
    party_person_ids: set[int] = field(default_factory=set)
    org_ids: set[int] = field(default_factory=set)
    committee_ids: set[int] = field(default_factory=set)
    admin_ids: set[int] = field(default_factory=set)
    party_org_ids: set[int] = field(default_factory=set)
    operator_org_ids: set[int] = field(default_factory=set)
    operating_committee_ids: set[int] = field(default_factory=set)


def _party_facts(case: ResolvedCase, matches: dict[int, Match]) -> tuple[PartyFacts, ...]:
    out: list[PartyFacts] = []
    for i, p in enumerate(case.parties):
        role = PartyRole(p.role)
        if p.kind != "unregistered":
            out.append(PartyFacts(PartyKind(p.kind), role, ref=p.ref))
            continue
        m = matches.get(i)
        if m is None:
            out.append(PartyFacts(PartyKind.UNREGISTERED, role, name=p.name))
            continue
        first, *also = (
            PartyMatch(PartyKind(x.kind), x.ref, MatchHow(x.how), x.score) for x in m.every()
        )
        out.append(
            PartyFacts(PartyKind.UNREGISTERED, role, name=p.name, match=first, also=tuple(also))
        )
    return tuple(out)


def _case_facts(
    case: ResolvedCase,
    as_of: date,
    parties: tuple[PartyFacts, ...],
    participants: tuple[ParticipantFacts, ...],
) -> CaseFacts:
    return CaseFacts(
        ref=case.ref,
        committee=case.committee_ref,
        area=case.area or "",
        matter=Matter(case.matter),
        as_of=as_of,
        parties=parties,
        earlier_handling=tuple(
            EarlierHandlingFacts(e.person_ref, e.organisation_ref, e.committee_ref, e.final)
            for e in case.earlier_handling
        ),
        participants=participants,
        title=case.title,
    )


def _parties_reach(case: ResolvedCase, matches: dict[int, Match], reach: Reach) -> set[int]:
    """Add party ids to the reach; return the party operation ids."""
    op_ids: set[int] = set()
    for i, p in enumerate(case.parties):
        found = [(p.kind, p.id)]
        if p.kind == "unregistered":
            found = [(m.kind, m.id) for m in matches[i].every()] if i in matches else []
        for kind, id_ in found:
            if id_ is None:
                continue
            if kind == "person":
                reach.person_ids.add(id_)
                reach.party_person_ids.add(id_)
            elif kind == "organisation":
                reach.party_org_ids.add(id_)
            elif kind == "operation":
                op_ids.add(id_)
            elif kind == "committee":
                reach.committee_ids.add(id_)
    reach.org_ids |= reach.party_org_ids
    for e in case.earlier_handling:
        reach.person_ids.add(e.person_id)
        reach.org_ids.update([e.organisation_id] if e.organisation_id else [])
        reach.committee_ids.update([e.committee_id] if e.committee_id else [])
    return op_ids


def _operations_reach(ops: list[Any], reach: Reach) -> None:
    for op in ops:
        if op.operator_committee_id:
            reach.operating_committee_ids.add(op.operator_committee_id)
        if op.operator_organisation_id:
            reach.operator_org_ids.add(op.operator_organisation_id)
        if op.municipality_id:
            reach.org_ids.add(op.municipality_id)
    reach.org_ids |= reach.operator_org_ids
    reach.committee_ids |= reach.operating_committee_ids


def _participants(
    session: Session, case: ResolvedCase, as_of: date, reads: Reads
) -> tuple[tuple[ParticipantFacts, ...], set[int]]:
    """Named participants, or (empty tuple and) the ids of the default ones."""
    if case.participants:
        facts = tuple(
            ParticipantFacts(p.person_ref, ParticipantRole(p.role)) for p in case.participants
        )
        return facts, {p.person_id for p in case.participants}
    rows = reads.default_participants(session, case.committee_id, as_of)
    # The engine picks the default participants itself from these persons' appointments.
    return (), {row.person_id for row in rows}


def load_snapshot(
    session: Session,
    case: ResolvedCase,
    as_of: date,
    *,
    name_min_score: float,
    principal: Principal | None = None,
    reads: Reads = DIRECT,
) -> FactsSnapshot:
    """The facts snapshot for screening `case` on `as_of` (see the module docstring).

    For a `principal` limited to organisations, unregistered parties match only what it
    may see (docs/security.md). `reads`: the selects, shared by the screenings of one
    meeting (`SharedReads`) or straight to the database."""
    reach = Reach(committee_ids={case.committee_id}, org_ids={case.organisation_id})
    scope = None if principal is None else (principal, (case.committee_ref, case.committee_id))
    near = Near(case.committee_id, tuple(p.person_id for p in case.participants))
    matches = match_parties(
        session, case.parties, min_score=name_min_score, scope=scope, near=near, reads=reads
    )
    op_ids = _parties_reach(case, matches, reach)
    parties = _party_facts(case, matches)
    if (
        ONE_STATEMENT_ON_POSTGRESQL
        and reads is DIRECT
        and session.get_bind().dialect.name == "postgresql"
    ):
        return _load_in_one_statement(session, case, as_of, reach, op_ids, parties)
    ops = reads.operations(session, op_ids)
    _operations_reach(ops, reach)
    areas = {op.area for op in ops} | ({case.area} if case.area else set())
    around = reads.case_committees(
        session,
        committee_ids=reach.committee_ids,
        governed_org_ids=reach.party_org_ids | reach.operator_org_ids,
        drift_areas=areas,
        drift_org_ids=reach.org_ids,
    )
    family = (
        {case.committee_id}
        | {c.id for c in around if c.parent_id == case.committee_id}
        | {c.parent_id for c in around if c.id == case.committee_id and c.parent_id}
    )
    around_ids = {c.id for c in around}
    operating = around_ids - family - {e.committee_id for e in case.earlier_handling}
    participants, participant_ids = _participants(session, case, as_of, reads)
    screened = participant_ids | reach.person_ids
    relations = reads.relations(session, screened)
    related = {r.person_id for r in relations} | {r.related_id for r in relations}
    people = screened | related
    appointments = reads.appointments(session, people)
    targets = reach.party_org_ids | reach.operator_org_ids
    interests, interest_totals = _split_counts(
        reads.interests(
            session,
            people,
            organisation_ids=targets,
            owned_ids=targets,
            party_person_ids=reach.party_person_ids,
            counted_ids=screened,
        )
    )
    rosters = reads.rosters(session, operating, reach.operator_org_ids, as_of)
    builder = FactsBuilder()
    builder.interest_totals = interest_totals
    builder.add_committees(around)
    _collect_person_facts(builder, reach, appointments, interests, rosters, relations)
    admins = reads.administrations(session, reach.admin_ids, around_ids)
    builder.add_administrations(admins, reads.serves(session, [a.id for a in admins]))
    reach.org_ids |= builder.administration_org_ids()
    wanted = (reach.committee_ids | builder.served_committee_ids()) - builder.committee_ids
    builder.add_committees(reads.committees(session, wanted))
    committee_ids = builder.committee_ids
    builder.add_responsibilities(reads.responsibilities(session, committee_ids))
    builder.add_committee_participants(reads.committee_participants(session, committee_ids))
    reach.org_ids |= builder.committee_org_ids()
    builder.add_owners(reads.owners(session, reach.org_ids))
    builder.add_members(reads.members(session, reach.org_ids))
    home = builder.samverkan_org_ids(case.committee_id)
    agreements = reads.agreements(session, home, areas | builder.tillsyn_areas(case.committee_id))
    principals = reads.agreement_principals(session, [a.id for a in agreements])
    builder.add_agreements(agreements, principals)
    read = set(reach.org_ids)
    for _level in range(OWNER_LEVELS):  # the owners' owners, as pg_reach's own_up levels
        above = builder.owner_ids() - read
        if not above:
            break
        builder.add_owners(reads.owners(session, above))
        read |= above
    builder.add_operations(ops)
    builder.add_organisations(reads.organisations(session, builder.all_org_ids() | reach.org_ids))
    builder.add_persons(reads.persons(session, builder.all_person_ids() | people))
    return builder.snapshot(_case_facts(case, as_of, parties, participants))


def _load_in_one_statement(
    session: Session,
    case: ResolvedCase,
    as_of: date,
    reach: Reach,
    op_ids: set[int],
    parties: tuple[PartyFacts, ...],
) -> FactsSnapshot:
    """PostgreSQL: everything after matching in one statement (`pg_loader`)."""
    participants: tuple[ParticipantFacts, ...] = ()
    participant_ids: set[int] | None = None
    if case.participants:
        participants = tuple(
            ParticipantFacts(p.person_ref, ParticipantRole(p.role)) for p in case.participants
        )
        participant_ids = {p.person_id for p in case.participants}
    builder, _ops = pg_loader.load_reach(
        session,
        case_committee=case.committee_id,
        committee_ids=reach.committee_ids,
        org_ids=reach.org_ids,
        party_org_ids=reach.party_org_ids,
        party_person_ids=reach.party_person_ids,
        person_ids=reach.person_ids,
        participant_ids=participant_ids,
        op_ids=op_ids,
        earlier_committee_ids=[e.committee_id for e in case.earlier_handling],
        area=case.area,
        as_of=as_of,
    )
    return builder.snapshot(_case_facts(case, as_of, parties, participants))


def _split_counts(rows: list[Any]) -> tuple[list[Any], dict[int, int]]:
    """`repo.interests` rows: the interests, and person id -> number of all its interests."""
    interests = [r for r in rows if r.n is None]
    return interests, {r.person_id: r.n for r in rows if r.n is not None}


def _collect_person_facts(
    builder: FactsBuilder,
    reach: Reach,
    appointments: list[Any],
    interests: list[Any],
    rosters: list[Any],
    relations: list[Any],
) -> None:
    builder.add_appointments([*appointments, *rosters])
    builder.add_interests(interests)
    builder.add_relations(relations)
    for a in [*appointments, *rosters]:
        if a.committee_id:
            reach.committee_ids.add(a.committee_id)
        if a.administration_id:
            reach.admin_ids.add(a.administration_id)
        reach.org_ids.update(x for x in (a.organisation_id, a.appointed_by_id) if x)
    reach.org_ids.update(i.organisation_id for i in interests if i.organisation_id)
