"""Who is screened (rules.md §5), under which law (§1), and each one's närstående circle."""

from __future__ import annotations

from typing import NamedTuple

from app.rules.facts import PersonFacts, valid_on
from app.rules.indexes import SnapshotIndex
from app.rules.model import PathStep
from app.rules.regime import FL2017_START, KL2017_START, LawVersion, select_law
from app.rules.registry import Regime
from app.rules.vocab import (
    ELECTED_PARTICIPANT_ROLES,
    NARSTAENDE,
    SEAT_ROLES,
    STAFF_ROLES,
    AppointmentRole,
    BodyKind,
    CommitteeKind,
    ParticipantRole,
    RelationKind,
)

#: The order roles are listed in (default participants).
ROLE_ORDER = {role: i for i, role in enumerate(ParticipantRole)}

SEAT_TO_PARTICIPANT = {
    AppointmentRole.ORDFORANDE: ParticipantRole.ORDFORANDE,
    AppointmentRole.VICE_ORDFORANDE: ParticipantRole.LEDAMOT,
    AppointmentRole.LEDAMOT: ParticipantRole.LEDAMOT,
    AppointmentRole.ERSATTARE: ParticipantRole.ERSATTARE,
    # A revision's revisorer are its members (KL 12 kap. 14 § applies 6 kap. 28-32 §§).
    AppointmentRole.REVISOR: ParticipantRole.LEDAMOT,
}
STAFF_TO_PARTICIPANT = {
    AppointmentRole.FORVALTNINGSCHEF: ParticipantRole.FORVALTNINGSCHEF,
    AppointmentRole.CHEF: ParticipantRole.CHEF,
    AppointmentRole.INSPEKTOR: ParticipantRole.INSPEKTOR,
    AppointmentRole.HANDLAGGARE: ParticipantRole.HANDLAGGARE,
    AppointmentRole.ANSTALLD: ParticipantRole.HANDLAGGARE,
}
AVTAL_BASIS = "9 kap. 37 § andra stycket kommunallagen (2017:725)"
REVISION_BASIS = "12 kap. 14 § kommunallagen (2017:725)"


class Member(NamedTuple):
    """Someone in a subject's circle: the subject (relation None) or a närstående."""

    person: str
    facts: PersonFacts
    prefix: tuple[PathStep, ...]  # from the subject to this member
    relation: RelationKind | None


class Subject(NamedTuple):
    """A screened participant with the law that governs them."""

    ref: str
    role: ParticipantRole
    facts: PersonFacts
    law: LawVersion
    elected: bool
    circle: tuple[Member, ...]
    extra_basis: tuple[str, ...]
    by_default: bool = False

    @property
    def regime(self) -> Regime:
        return self.law.regime


def _circle(ctx: SnapshotIndex, ref: str, facts: PersonFacts) -> tuple[Member, ...]:
    members = [Member(ref, facts, (), None)]
    for rel in facts.relations:
        if rel.kind in NARSTAENDE and valid_on(rel.valid_from, rel.valid_to, ctx.as_of):
            other = ctx.person(rel.other) or PersonFacts(ref=rel.other)
            step = PathStep(ref, rel.kind, rel.other)
            members.append(Member(rel.other, other, (step,), rel.kind))
    return tuple(members)


def holds_seat(ctx: SnapshotIndex, facts: PersonFacts, committees: frozenset[str]) -> bool:
    return any(
        a.body_kind is BodyKind.COMMITTEE
        and a.body in committees
        and a.role in SEAT_ROLES
        and ctx.valid(a)
        for a in facts.appointments
    )


def _extra_basis(
    ctx: SnapshotIndex, facts: PersonFacts, law: LawVersion, elected: bool
) -> list[str]:
    extra: list[str] = []
    if not elected and law.staff_basis:
        extra.append(law.staff_basis)
    if law.regime is not Regime.KL6 or ctx.as_of < KL2017_START:
        return extra
    if ctx.committee and ctx.committee.kind is CommitteeKind.REVISION:
        extra.append(REVISION_BASIS)
    if not elected and ctx.as_of >= FL2017_START and _under_agreement(ctx, facts):
        extra.append(AVTAL_BASIS)
    return extra


def _under_agreement(ctx: SnapshotIndex, facts: PersonFacts) -> bool:
    """Staff of another organisation working for the handling body under avtalssamverkan,
    of any kind: KL 9 kap. 37 § 2 st. applies 7 kap. 4-8 §§ to the performer's staff
    given decision power whatever the task (before run N only tillsyn agreements)."""
    home = ctx.committee.organisation if ctx.committee else None
    admins = ctx.snapshot.administrations
    employers = {
        admins[a.body].organisation
        for a in facts.appointments
        if a.body_kind is BodyKind.ADMINISTRATION and a.body in admins and ctx.valid(a)
    }
    return (
        any(
            ag.performer in employers and home in ag.principals and ctx.valid(ag)
            for ag in ctx.snapshot.agreements.values()
        )
        if home and employers - {home}
        else False
    )


def _law(ctx: SnapshotIndex, elected: bool) -> LawVersion:
    committee, org = ctx.committee, ctx.organisation
    return select_law(
        committee.kind if committee else None, org.kind if org else None, elected, ctx.as_of
    )


def _subject(ctx: SnapshotIndex, ref: str, role: ParticipantRole, by_default: bool) -> Subject:
    facts = ctx.person(ref) or PersonFacts(ref=ref)
    elected = role in ELECTED_PARTICIPANT_ROLES or (
        role in (ParticipantRole.DELEGAT, ParticipantRole.BESLUTSFATTARE)
        and holds_seat(ctx, facts, ctx.family)
    )
    law = _law(ctx, elected)
    extra = _extra_basis(ctx, facts, law, elected)
    return Subject(
        ref, role, facts, law, elected, _circle(ctx, ref, facts), tuple(extra), by_default
    )


def default_participants(ctx: SnapshotIndex) -> list[tuple[str, ParticipantRole]]:
    """Seat holders of the handling committee on as_of and staff of its administrations:
    every role each holds there, a seat before a staff post and each in the order of
    `ParticipantRole`, never in the order the appointments were imported (before run N
    the first appointment decided, so a fullmäktige ledamot who was also staff was
    screened under one regime or the other by import order)."""
    # An utskott's cases are prepared by the förvaltning of its nämnd (KL 6 kap. 28 § with
    # 7 kap. 4 §): staff serving the parent are the utskott's staff too (run P; before,
    # an utskott case screened by default left them out).
    staffed = {ctx.case.committee}
    committee = ctx.snapshot.committees.get(ctx.case.committee)
    if committee is not None and committee.parent:
        staffed.add(committee.parent)
    serving = {
        ref for ref, adm in ctx.snapshot.administrations.items() if staffed & set(adm.serves)
    }
    found: list[tuple[str, ParticipantRole]] = []
    for ref in sorted(ctx.snapshot.persons):
        roles: set[tuple[int, int, ParticipantRole]] = set()
        for a in ctx.snapshot.persons[ref].appointments:
            if not ctx.valid(a):
                continue
            role: ParticipantRole | None = None
            if a.body_kind is BodyKind.COMMITTEE and a.body == ctx.case.committee:
                role, rank = SEAT_TO_PARTICIPANT.get(a.role), 0
            elif a.body_kind is BodyKind.ADMINISTRATION and a.body in serving:
                role = STAFF_TO_PARTICIPANT.get(a.role) if a.role in STAFF_ROLES else None
                rank = 1
            if role is not None:
                roles.add((rank, ROLE_ORDER[role], role))
        found.extend((ref, role) for _, _, role in sorted(roles))
    return found


def build_subjects(ctx: SnapshotIndex) -> tuple[Subject, ...]:
    """One subject per person and regime: a person in two roles that fall under different
    law (a fullmäktige ledamot who is also its föredragande: KL 5 kap. 47 § and, through
    7 kap. 4 §, 6 kap. 28 §) is screened under both, so that neither role's jäv is
    missed; roles under the same law are screened once, in the first role given (before
    run N the first role given was the only one)."""
    if ctx.case.participants:
        pairs = [(p.person, p.role, False) for p in ctx.case.participants]
    else:
        pairs = [(ref, role, True) for ref, role in default_participants(ctx)]
    subjects: dict[tuple[str, Regime], Subject] = {}
    for ref, role, by_default in pairs:
        subject = _subject(ctx, ref, role, by_default)
        subjects.setdefault((ref, subject.regime), subject)
    return tuple(subjects.values())
