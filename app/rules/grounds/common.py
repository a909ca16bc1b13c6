"""Helpers shared by the ground modules: who is linked, representation links, hits."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import NamedTuple

from app.rules.context import Context, Link, Supervised
from app.rules.facts import PersonFacts
from app.rules.model import Detail, Hit, PathStep
from app.rules.participants import Member, Subject
from app.rules.vocab import (
    BOARD_ROLES,
    GOVERNING_KINDS,
    REPRESENTATIVE_KINDS,
    SEAT_ROLES,
    BodyKind,
    InterestKind,
    Level,
    OrgKind,
    inverse,
)

CAP = {Level.JAV: Level.MOJLIGT_JAV}


# what the other person is to the screened person (noun), by the other's relation kind
NOUNS: dict[str, tuple[str, str]] = {
    "make": ("make/maka", "spouse"),
    "sambo": ("sambo", "cohabiting partner (sambo)"),
    "registrerad_partner": ("registrerade partner", "registered partner"),
    "forelder": ("förälder", "parent"),
    "barn": ("barn", "child"),
    "syskon": ("syskon", "sibling"),
    "annan_narstaende": ("närstående", "close relation"),
}


def who(ctx: Context, member: Member) -> dict[str, Detail]:
    """Details naming who in the circle the finding is about (sv/en)."""
    if member.relation is None:
        return {"who_sv": "Personen själv", "who_en": "The person"}
    name = member.facts.name or member.person
    noun_sv, noun_en = NOUNS[inverse(member.relation)]
    return {"who_sv": f"Personens {noun_sv} {name}", "who_en": f"The person's {noun_en} {name}"}


def hit(
    subject: Subject,
    member: Member | None,
    level: Level,
    path: tuple[PathStep, ...],
    reason: tuple[str, str],
    link: Link | Supervised | None = None,
    *,
    organisation: str | None = None,
    ended_on: date | None = None,
    details: dict[str, Detail] | None = None,
    parameters: dict[str, Detail] | None = None,
) -> Hit:
    """A Hit; a link or supervised unit resting on a name-only match carries its score
    (the engine caps the level and says so in the explanation)."""
    score = link.score if link is not None and link.name_only else None
    return Hit(
        person=subject.ref,
        level=level,
        path=path,
        reason=reason,
        organisation=organisation,
        own_link=member is None or member.relation is None,
        ended_on=ended_on,
        match_score=score,
        details=details or {},
        parameters=parameters or {},
    )


class Representation(NamedTuple):
    """A ställföreträdare/ombud-type role held by a person, with its dates."""

    kind: str  # interest kind or appointment role
    organisation: str | None
    person: str | None  # on_behalf_of
    steps: tuple[PathStep, ...]  # from the holder to the represented organisation/person
    valid_from: date | None
    valid_to: date | None


def representations(ctx: Context, facts: PersonFacts) -> Iterator[Representation]:
    """All representation roles of a person, current and ended (the caller filters)."""
    holder = facts.ref
    for i in facts.interests:
        if i.kind not in REPRESENTATIVE_KINDS:
            continue
        target = i.organisation or i.on_behalf_of
        if target:
            yield Representation(
                i.kind,
                i.organisation,
                i.on_behalf_of,
                (PathStep(holder, i.kind, target),),
                i.valid_from,
                i.valid_to,
            )
    for a in facts.appointments:
        if a.body_kind is BodyKind.ORGANISATION and a.role in BOARD_ROLES:
            yield Representation(
                a.role, a.body, None, (PathStep(holder, a.role, a.body),), a.valid_from, a.valid_to
            )
        elif a.body_kind is BodyKind.COMMITTEE and a.role in SEAT_ROLES:
            c = ctx.snapshot.committees.get(a.body)
            if c and c.kind in GOVERNING_KINDS and not _deciding_for_itself(ctx, c.organisation):
                steps = (PathStep(holder, a.role, c.ref), PathStep(c.ref, "styr", c.organisation))
                yield Representation(a.role, c.organisation, None, steps, a.valid_from, a.valid_to)


def _deciding_for_itself(ctx: Context, org: str) -> bool:
    """A seat in the governing body of the organisation the handling committee acts for (its
    own kommun, region or förbund, and the kommuner taking part in a gemensam nämnd) is no
    ställföreträdarskap for an outside party: the body acts for its own legal person
    (before run N a direktion's members were jäviga in the förbund's own cases). Another
    kommun or region is a legal person of its own, and a seat in its styrelse is a
    ställföreträdarskap for it (KL 6 kap. 28 § 2 p.; before run Q every kommun and region
    was excluded, so a kommunstyrelse member in the regionstyrelse was clear in the
    kommun's agreement with the region)."""
    committee = ctx.committee
    if committee is None:
        return ctx.is_public_body(org)
    homes = {committee.organisation, *committee.participants}
    parent = ctx.snapshot.committees.get(committee.parent) if committee.parent else None
    if parent is not None:
        homes.update((parent.organisation, *parent.participants))
    return org in homes


NO_LINKS: list[Link] = []


def represented_links(ctx: Context, rep: Representation) -> list[Link]:
    if rep.organisation is not None:
        return ctx.org_targets.get(rep.organisation, NO_LINKS)
    return ctx.person_links.get(rep.person or "", NO_LINKS)


def years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def org_kind(ctx: Context, ref: str | None) -> OrgKind | None:
    org = ctx.snapshot.organisations.get(ref) if ref else None
    return org.kind if org else None


def org_name(ctx: Context, ref: str | None) -> str:
    org = ctx.snapshot.organisations.get(ref) if ref else None
    return (org.name or org.ref) if org else (ref or "")


AGARE = InterestKind.AGARE
