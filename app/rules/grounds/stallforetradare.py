"""Ground ``stallforetradare``: the participant or a närstående represents a party.

Representation: styrelseledamot, styrelsesuppleant, VD, firmatecknare, god man/
förvaltare, ombud or förtroendeuppdrag for a party (berord included: "någon annan som
kan antas bli påverkad"), for an owner of a party organisation, or for the organisation
running a party operation; a board seat in a company/förbund counts the same.

Myndighetsutövning over a municipal operation that is a party (docs/legal/rules.md §2,
"act for the applicant"): a seat (ledamot, ersättare, ordförande, vice ordförande) in a
committee that runs the operation, or in the committee that is itself the party, counts
as representing the party (:attr:`app.rules.context.Context.decided`). In tillsyn the
same seat gives tillsynsjäv instead, never this ground.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import date

from app.rules.context import Context, Link
from app.rules.grounds.common import (
    Representation,
    hit,
    representations,
    represented_links,
    who,
    years_before,
)
from app.rules.model import Detail, Hit, PathStep
from app.rules.participants import Member, Subject
from app.rules.registry import Regime, rule
from app.rules.vocab import (
    GOVERNING_KINDS,
    SEAT_ROLES,
    BodyKind,
    Ground,
    InterestKind,
    Level,
    PartyRole,
)

CURRENT = (
    "{who_sv} är ställföreträdare eller ombud för en part eller för någon som berörs av beslutet.",
    "{who_en} is a legal representative (ställföreträdare) or agent of a party or of "
    "someone affected by the decision.",
)
ENDED = (
    "{who_sv} har varit ställföreträdare eller ombud för en part eller för någon som "
    "berörs av beslutet; uppdraget upphörde {ended}. Lagtexten omfattar även tidigare "
    "uppdrag; ett uppdrag som upphörde för mer än {years} år sedan (daterad parameter, "
    "ett policyval) bedöms som möjligt jäv.",
    "{who_en} was a legal representative or agent of a party or of someone affected; "
    "the role ended on {ended}. The statute covers past roles too; a role that ended "
    "more than {years} years ago (a dated parameter, a policy choice) is treated as a "
    "possible conflict.",
)
SEAT = (
    "{who_sv} sitter i {body}, {what_sv}, och företräder därmed parten i myndighetsutövningen.",
    "{who_en} sits in {body}, {what_en}, and so acts for the party in this exercise of "
    "public authority.",
)
SEAT_ENDED = (
    "{who_sv} har suttit i {body}, {what_sv}, och har därmed företrätt parten; uppdraget "
    "upphörde {ended}. Lagtexten omfattar även tidigare uppdrag; ett uppdrag som upphörde "
    "för mer än {years} år sedan (daterad parameter, ett policyval) bedöms som möjligt jäv.",
    "{who_en} sat in {body}, {what_en}, and so acted for the party; the seat ended on "
    "{ended}. The statute covers past roles too; a role that ended more than {years} years "
    "ago (a dated parameter, a policy choice) is treated as a possible conflict.",
)
PARTY_COMMITTEE = ("som själv är part i ärendet", "which is itself the party")
PARTY_COMMITTEE_KIN = (
    "som hör ihop med den nämnd som är part i ärendet (utskott eller moderorgan)",
    "which belongs with the committee that is the party (its sub-committee or parent)",
)
RUNS_OPERATION = (
    "som driver den kommunala verksamhet som är part i ärendet",
    "which runs the municipal operation that is the party",
)
OMBUD_V18 = (
    "Personen har fört talan som ombud för en part i ärendet{ended_sv}.",
    "The person has acted as agent (ombud) for a party in the case{ended_en}.",
)
DESCRIPTION = (
    "The participant or a närstående is (or, from 2022-07-01, has been) a "
    "ställföreträdare or ombud for a party, an owner of one, or a party operation's "
    "operator; in myndighetsutövning over a municipal operation that is a party, a seat in "
    "the committee that runs it or that is itself the party."
)
YEARS = "stallforetradare_ended_role_jav_years"


def _operating_seats(ctx: Context, m: Member) -> Iterator[tuple[Representation, list[Link]]]:
    """Seats of ``m`` in a committee running a municipal operation decided for a party in
    myndighetsutövning (one per unit, a current seat before an ended one). A board-type
    committee of a company or förbund is left out: representations() already has it."""
    for unit in ctx.decided:
        seats: list[Representation] = []
        for a in m.facts.appointments:
            steps = unit.operating.get(a.body)
            if a.body_kind is not BodyKind.COMMITTEE or a.role not in SEAT_ROLES or steps is None:
                continue
            c = ctx.snapshot.committees.get(a.body)
            if c and c.kind in GOVERNING_KINDS and not ctx.is_public_body(c.organisation):
                continue
            first = PathStep(m.person, a.role, a.body)
            seats.append(
                Representation(a.role, None, None, (first, *steps), a.valid_from, a.valid_to)
            )
        current = [r for r in seats if ctx.valid(r)]
        ended = [r for r in seats if r.valid_to is not None and r.valid_to < ctx.as_of]
        ended.sort(key=lambda r: str(r.valid_to), reverse=True)  # the latest first
        for rep in (current or ended)[:1]:
            role = PartyRole(unit.path[-1].relation)
            link = Link(unit.ref, unit.path, role, "party", None, 1.0, unit.name_only, unit.score)
            yield rep, [link]


def _candidates(
    ctx: Context, m: Member, ombud: bool
) -> Iterator[tuple[Representation, list[Link], bool]]:
    """(role, links to the case, is a committee seat) for every representation of m."""
    for rep in representations(ctx, m.facts):
        if rep.kind == InterestKind.OMBUD and not ombud:
            continue
        yield rep, represented_links(ctx, rep), False
    for rep, links in _operating_seats(ctx, m):
        yield rep, links, True


def stf_hits(
    ctx: Context, subjects: Sequence[Subject], *, past: bool, ombud: bool
) -> Iterator[Hit]:
    """Representation hits; ``past`` counts ended roles, ``ombud`` includes ombud roles."""
    years = int(ctx.param(YEARS)) if past else 0
    recent = years_before(ctx.as_of, years)
    for s in subjects:
        for m in s.circle:
            for rep, links, seat in _candidates(ctx, m, ombud):
                if rep.valid_from is not None and rep.valid_from > ctx.as_of:
                    continue
                ended = rep.valid_to if rep.valid_to and rep.valid_to < ctx.as_of else None
                if ended is not None and not past:
                    continue
                if not links:
                    continue
                level = Level.MOJLIGT_JAV if ended and ended < recent else Level.JAV
                details: dict[str, Detail] = who(ctx, m)
                if seat:
                    body = rep.steps[0].to
                    party = links[0].ref
                    what = (
                        PARTY_COMMITTEE
                        if body == party
                        else PARTY_COMMITTEE_KIN
                        if party in ctx.snapshot.committees
                        else RUNS_OPERATION
                    )
                    details.update(body=ctx.names(body), what_sv=what[0], what_en=what[1])
                params: dict[str, Detail] = {}
                if ended is not None:
                    details.update(ended=ended.isoformat(), years=years)
                    params[YEARS] = years
                for link in links[:1]:
                    h = hit(
                        s,
                        m,
                        level,
                        (*m.prefix, *rep.steps, *link.path),
                        (SEAT_ENDED if ended else SEAT) if seat else (ENDED if ended else CURRENT),
                        link,
                        organisation=rep.organisation,
                        ended_on=ended,
                        details=details,
                        parameters=params,
                    )
                    if ended is not None:
                        h.past_steps = (len(m.prefix),)
                    yield h


def ombud_hits(ctx: Context, subjects: Sequence[Subject]) -> Iterator[Hit]:
    """Old KL 6:28 4 p. / KL 1991 6:25 4 p. / FL 1986 11 § 4 p.: the person (not a
    närstående) has acted as ombud for a party; an ended ombud role is mojligt_jav because
    the registry cannot tell whether it was in this matter."""
    for s in subjects:
        me = s.circle[0]
        for rep in representations(ctx, s.facts):
            if rep.kind != InterestKind.OMBUD:
                continue
            if rep.valid_from is not None and rep.valid_from > ctx.as_of:
                continue
            ended = rep.valid_to is not None and rep.valid_to < ctx.as_of
            details: dict[str, Detail] = {
                "ended_sv": f" (uppdraget upphörde {rep.valid_to})" if ended else "",
                "ended_en": f" (the role ended on {rep.valid_to})" if ended else "",
            }
            for link in represented_links(ctx, rep)[:1]:
                h = hit(
                    s,
                    me,
                    Level.MOJLIGT_JAV if ended else Level.JAV,
                    (*rep.steps, *link.path),
                    OMBUD_V18,
                    link,
                    organisation=rep.organisation,
                    details=details,
                    ended_on=rep.valid_to if ended else None,
                )
                if ended:
                    h.past_steps = (0,)
                yield h


@rule(
    id="kl6_28_p2_v22",
    ground=Ground.STALLFORETRADARE,
    level=Level.JAV,
    regime=Regime.KL6,
    valid_from=date(2022, 7, 1),
    description=DESCRIPTION,
    legal_basis=["6 kap. 28 § första stycket 2 kommunallagen (2017:725)"],
    catalogue=[
        "kl6_28_p2_stallf_v22",
        "kl6_28_ombud_v22",
        "kl7_4_anstallda",
        "myndighetsutovning_egen_verksamhet",
    ],
)
def kl6_28_p2_v22(ctx: Context, subjects: Sequence[Subject]) -> Iterator[Hit]:
    """KL 6 kap. 28 § 2 p. as amended by SFS 2022:638 (from 2022-07-01): the person or a
    närstående "är eller har varit ställföreträdare eller ombud" for a party or for someone
    affected "i en inte oväsentlig utsträckning" (text confirmed, docs/legal/statutes.md Q1; the
    old separate ombud point is merged here). Ended roles: jav within the dated look-back
    parameter, mojligt_jav before it (no statutory period; docs/legal/sources.md g14)."""
    return stf_hits(ctx, subjects, past=True, ombud=True)


@rule(
    id="kl6_28_p2_v18",
    ground=Ground.STALLFORETRADARE,
    level=Level.JAV,
    regime=Regime.KL6,
    valid_from=date(2018, 1, 1),
    valid_to=date(2022, 6, 30),
    description=DESCRIPTION,
    legal_basis=["6 kap. 28 § första stycket 2 kommunallagen (2017:725) i ursprunglig lydelse"],
    catalogue=["kl6_28_p2_stallf_v18", "kl7_4_anstallda", "myndighetsutovning_egen_verksamhet"],
)
def kl6_28_p2_v18(ctx: Context, subjects: Sequence[Subject]) -> Iterator[Hit]:
    """KL 6 kap. 28 § 2 p., original wording (2018-01-01 - 2022-06-30): the person or a
    närstående *is* ställföreträdare for the one the matter concerns or for someone facing
    synnerlig nytta eller skada. Current roles only; ombud is point 4."""
    return stf_hits(ctx, subjects, past=False, ombud=False)


@rule(
    id="kl6_28_p4_ombud_v18",
    ground=Ground.STALLFORETRADARE,
    level=Level.JAV,
    regime=Regime.KL6,
    valid_from=date(2018, 1, 1),
    valid_to=date(2022, 6, 30),
    description="The participant has acted as ombud for a party (old point 4).",
    legal_basis=["6 kap. 28 § första stycket 4 kommunallagen (2017:725) i ursprunglig lydelse"],
    catalogue=["kl6_28_p4_ombud_v18"],
)
def kl6_28_p4_ombud_v18(ctx: Context, subjects: Sequence[Subject]) -> Iterator[Hit]:
    """KL 6 kap. 28 § 4 p., original wording (2018-01-01 - 2022-06-30): the person "har
    fört talan som ombud eller mot ersättning biträtt någon i saken" (the person only)."""
    return ombud_hits(ctx, subjects)


@rule(
    id="kl91_6_25_p2",
    ground=Ground.STALLFORETRADARE,
    level=Level.JAV,
    regime=Regime.KL6,
    valid_to=date(2017, 12, 31),
    description=DESCRIPTION,
    legal_basis=["6 kap. 25 § 2 kommunallagen (1991:900)"],
    catalogue=["kl91_6_25_p2", "myndighetsutovning_egen_verksamhet"],
)
def kl91_6_25_p2(ctx: Context, subjects: Sequence[Subject]) -> Iterator[Hit]:
    """KL (1991:900) 6 kap. 25 § 2 p. (until 2017-12-31): current ställföreträdare roles of
    the person or a närstående. Pre-2003 numbering UNVERIFIED (docs/legal/sources.md g24)."""
    return stf_hits(ctx, subjects, past=False, ombud=False)


@rule(
    id="kl91_6_25_p4_ombud",
    ground=Ground.STALLFORETRADARE,
    level=Level.JAV,
    regime=Regime.KL6,
    valid_from=date(2003, 9, 1),
    valid_to=date(2017, 12, 31),
    description="The participant has acted as ombud for a party (KL 1991 point 4).",
    legal_basis=["6 kap. 25 § 4 kommunallagen (1991:900)"],
    catalogue=["kl91_6_25_p4"],
)
def kl91_6_25_p4_ombud(ctx: Context, subjects: Sequence[Subject]) -> Iterator[Hit]:
    """KL (1991:900) 6 kap. 25 § 4 p. as worded by SFS 2003:519 (2003-09-01 - 2017-12-31,
    text verified): the person "har fört talan som ombud eller mot ersättning biträtt
    någon i saken" (the person only)."""
    return ombud_hits(ctx, subjects)


@rule(
    id="kl91_6_25_p3_ombud_pre2003",
    ground=Ground.STALLFORETRADARE,
    level=Level.JAV,
    regime=Regime.KL6,
    valid_to=date(2003, 8, 31),
    description="The participant has acted as ombud for a party (KL 1991 point 3 before "
    "the tillsynsjäv point was inserted).",
    legal_basis=["6 kap. 25 § 3 kommunallagen (1991:900) i lydelse före 2003-09-01"],
    catalogue=["kl91_6_25_p4"],
)
def kl91_6_25_p3_ombud_pre2003(ctx: Context, subjects: Sequence[Subject]) -> Iterator[Hit]:
    """KL (1991:900) 6 kap. 25 § before SFS 2003:519: the ombud ground was point 3. SFS
    2003:519 inserted tillsynsjäv as a new point 3 and amended 27 § to refer to "25 § 2
    eller 5" and "25 § 5", so the ombud point moved from 3 to 4 and the general clause
    from 4 to 5 [I: inferred from the amending act; the pre-2003 text was not seen]."""
    return ombud_hits(ctx, subjects)


@rule(
    id="fl16_p2_stallforetradare",
    ground=Ground.STALLFORETRADARE,
    level=Level.JAV,
    regime=Regime.FL,
    valid_from=date(2018, 7, 1),
    description=DESCRIPTION,
    legal_basis=["16 § första stycket 2 förvaltningslagen (2017:900)"],
    catalogue=["fl16_p2_stallforetradare", "fl16_p2_ombud", "myndighetsutovning_egen_verksamhet"],
)
def fl16_p2_stallforetradare(ctx: Context, subjects: Sequence[Subject]) -> Iterator[Hit]:
    """FL (2017:900) 16 § 1 st. 2 p. (from 2018-07-01): "är eller har varit
    ställföreträdare eller ombud", person or närstående; past roles as under KL v22."""
    return stf_hits(ctx, subjects, past=True, ombud=True)


@rule(
    id="fl86_11_p2",
    ground=Ground.STALLFORETRADARE,
    level=Level.JAV,
    regime=Regime.FL,
    valid_to=date(2018, 6, 30),
    description=DESCRIPTION,
    legal_basis=["11 § första stycket 2 förvaltningslagen (1986:223)"],
    catalogue=["fl86_11_p2", "myndighetsutovning_egen_verksamhet"],
)
def fl86_11_p2(ctx: Context, subjects: Sequence[Subject]) -> Iterator[Hit]:
    """FL (1986:223) 11 § 1 st. 2 p. (until 2018-06-30): current ställföreträdare roles of
    the person or a närstående."""
    return stf_hits(ctx, subjects, past=False, ombud=False)


@rule(
    id="fl86_11_p4_ombud",
    ground=Ground.STALLFORETRADARE,
    level=Level.JAV,
    regime=Regime.FL,
    valid_to=date(2018, 6, 30),
    description="The participant has acted as ombud for a party (FL 1986 point 4).",
    legal_basis=["11 § första stycket 4 förvaltningslagen (1986:223)"],
    catalogue=["fl86_11_p4"],
)
def fl86_11_p4_ombud(ctx: Context, subjects: Sequence[Subject]) -> Iterator[Hit]:
    """FL (1986:223) 11 § 1 st. 4 p. (until 2018-06-30): the person has acted as ombud or
    assisted someone for payment in the matter."""
    return ombud_hits(ctx, subjects)
