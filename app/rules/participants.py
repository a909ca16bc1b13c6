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
    DutyRole,
    ParticipantRole,
    RelationKind,
)

SEAT_TO_PARTICIPANT = {
    AppointmentRole.ORDFORANDE: ParticipantRole.ORDFORANDE,
    AppointmentRole.VICE_ORDFORANDE: ParticipantRole.LEDAMOT,
    AppointmentRole.LEDAMOT: ParticipantRole.LEDAMOT,
    AppointmentRole.ERSATTARE: ParticipantRole.ERSATTARE,
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
    """Staff of another organisation working for the handling body under avtalssamverkan."""
    home = ctx.committee.organisation if ctx.committee else None
    admins = ctx.snapshot.administrations
    employers = {
        admins[a.body].organisation
        for a in facts.appointments
        if a.body_kind is BodyKind.ADMINISTRATION and a.body in admins and ctx.valid(a)
    }
    return (
        any(
            ag.performer in employers
            and home in ag.principals
            and ag.role is DutyRole.TILLSYN
            and ctx.valid(ag)
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
    """Seat holders of the handling committee on as_of and staff of its administrations."""
    serving = {
        ref for ref, adm in ctx.snapshot.administrations.items() if ctx.case.committee in adm.serves
    }
    found: dict[str, ParticipantRole] = {}
    for ref in sorted(ctx.snapshot.persons):
        for a in ctx.snapshot.persons[ref].appointments:
            if not ctx.valid(a) or ref in found:
                continue
            if a.body_kind is BodyKind.COMMITTEE and a.body == ctx.case.committee:
                role = SEAT_TO_PARTICIPANT.get(a.role)
            elif a.body_kind is BodyKind.ADMINISTRATION and a.body in serving:
                role = STAFF_TO_PARTICIPANT.get(a.role) if a.role in STAFF_ROLES else None
            else:
                role = None
            if role is not None:
                found[ref] = role
    return sorted(found.items())


def build_subjects(ctx: SnapshotIndex) -> tuple[Subject, ...]:
    """One subject per person (the first role given wins)."""
    if ctx.case.participants:
        named: dict[str, ParticipantRole] = {}
        for p in ctx.case.participants:
            named.setdefault(p.person, p.role)
        return tuple(_subject(ctx, ref, role, False) for ref, role in named.items())
    return tuple(_subject(ctx, ref, role, True) for ref, role in default_participants(ctx))
