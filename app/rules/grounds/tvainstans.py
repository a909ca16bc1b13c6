"""Ground ``tvainstans``: earlier final handling at another authority (FL only); under KL
earlier handling in another nämnd is shown as ``undantag`` (KL 6 kap. 31 § 2 st.)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import date
from typing import NamedTuple

from app.rules.context import Context
from app.rules.facts import EarlierHandlingFacts
from app.rules.grounds.common import hit
from app.rules.model import Hit, PathStep
from app.rules.participants import Subject
from app.rules.registry import Regime, rule
from app.rules.vocab import SEAT_ROLES, BodyKind, CommitteeKind, Ground, Level, Matter, OrgKind

INSTANCE = (
    "Personen deltog i den slutliga handläggningen hos en annan myndighet och har "
    "därför redan tagit ställning i det som myndigheten nu prövar som överordnad "
    "instans.",
    "The person took part in the final handling at another authority and has "
    "therefore already taken a position on what the authority now reviews as the "
    "superior instance.",
)
OTHER_BODY = (
    "Personen har tidigare deltagit i handläggningen av samma ärende hos en annan "
    "nämnd. Enbart det gör inte personen jävig enligt generalklausulen.",
    "The person took part earlier in handling the same matter at another committee. "
    "That alone does not disqualify the person under the general clause.",
)
REVIEWED_SEAT = (
    "Personen sitter i den nämnd vars beslut prövas i ärendet och har därmed deltagit i "
    "handläggningen hos en annan nämnd. Enbart det gör inte personen jävig enligt "
    "generalklausulen.",
    "The person sits in the committee whose decision the case reviews, and so took part in "
    "the handling at another committee. That alone does not disqualify the person under "
    "the general clause.",
)
OUTSIDE = (
    "Personen har tidigare deltagit i handläggningen av samma fråga hos ett organ som "
    "inte är en kommunal nämnd. Undantaget för tidigare handläggning gäller bara en "
    "annan nämnd; har personen redan tagit ställning i frågan kan opartiskheten "
    "ifrågasättas.",
    "The person took part earlier in handling the same question at a body that is not "
    "a municipal committee. The exception for earlier handling covers only another "
    "committee; if the person has already taken a position, impartiality may be in "
    "question.",
)
FL_DESCRIPTION = (
    "Overprövning or tillsyn over another authority: the participant took part "
    "in the final handling at the authority whose decision is reviewed."
)
KL_DESCRIPTION = (
    "Earlier handling of the same matter in another nämnd, including a seat in the committee "
    "whose decision is reviewed, is not by itself jäv."
)
MUNICIPAL = frozenset({OrgKind.KOMMUN, OrgKind.REGION, OrgKind.KOMMUNALFORBUND})


class Earlier(NamedTuple):
    body: str
    final: bool
    namnd: bool  # a committee of a kommun, region or förbund (KL 6:31 2 st.)


# Bodies that are no nämnd in KL's sense: fullmäktige, the revisorer and a company board.
# KL 6:31 2 st. speaks of handling "hos en annan nämnd" (before run N earlier handling in
# fullmäktige took the exception; it is the general clause's matter).
NOT_A_NAMND = frozenset(
    {
        CommitteeKind.FULLMAKTIGE,
        CommitteeKind.FORBUNDSFULLMAKTIGE,
        CommitteeKind.REVISION,
        CommitteeKind.BOLAGSSTYRELSE,
    }
)


def _is_municipal_namnd(ctx: Context, eh: EarlierHandlingFacts) -> bool:
    orgs = ctx.snapshot.organisations
    if eh.committee:
        committee = ctx.snapshot.committees.get(eh.committee)
        if committee is not None and committee.kind in NOT_A_NAMND:
            return False
        org_ref = committee.organisation if committee else eh.organisation
    else:
        org_ref = eh.organisation
    org = orgs.get(org_ref) if org_ref else None
    # An unknown body is read as a municipal nämnd (the case document names it as one).
    return org is None or org.kind in MUNICIPAL


def _earlier(ctx: Context, s: Subject, *, final_only: bool) -> Iterator[Earlier]:
    """Earlier handling by the participant at another body: never the handling committee
    itself, its utskott or parent nämnd (that is the same nämnd's own handling)."""
    for eh in ctx.case.earlier_handling:
        body = eh.committee or eh.organisation
        if eh.person == s.ref and body and body not in ctx.family and (eh.final or not final_only):
            yield Earlier(body, eh.final, _is_municipal_namnd(ctx, eh))


def _path(ctx: Context, s: Subject, e: Earlier) -> tuple[PathStep, ...]:
    relation = "tidigare_handlaggning" if e.final else "tidigare_deltagit"
    reviewed = e.final and ctx.case.matter is Matter.OVERPROVNING
    return (
        PathStep(s.ref, relation, e.body),
        PathStep(e.body, "beslut_provas" if reviewed else "samma_fraga", ctx.case.ref),
    )


def instance_hits(
    ctx: Context, subjects: Sequence[Subject], matters: frozenset[Matter]
) -> Iterator[Hit]:
    """FL: final handling at *another* authority (not a unit of the handling one)."""
    if ctx.case.matter not in matters:
        return
    own_org = ctx.committee.organisation if ctx.committee else None
    for s in subjects:
        for eh in ctx.case.earlier_handling:
            body = eh.committee or eh.organisation
            committee = ctx.snapshot.committees.get(eh.committee) if eh.committee else None
            org = committee.organisation if committee else eh.organisation
            if (
                eh.person != s.ref
                or not body
                or not eh.final
                or body in ctx.family
                or (org is not None and org == own_org)
            ):
                continue
            path = (
                PathStep(s.ref, "tidigare_handlaggning", body),
                PathStep(body, "beslut_provas", ctx.case.ref),
            )
            yield hit(s, None, Level.JAV, path, INSTANCE)


def other_body_hits(ctx: Context, subjects: Sequence[Subject]) -> Iterator[Hit]:
    """KL 6:31 2 st.: earlier handling in another municipal nämnd (undantag). In an
    överprövning, a seat on as_of in the committee given as party, whose decision is
    reviewed, is that same earlier handling (docs/legal/rules.md §2 tvainstans): also undantag, and
    the general clause raises nothing for it (general_links.party_body_hits)."""
    for s in subjects:
        for e in _earlier(ctx, s, final_only=False):
            if e.namnd:
                yield hit(s, None, Level.UNDANTAG, _path(ctx, s, e), OTHER_BODY)
        yield from _reviewed_seat_hits(ctx, s)


def _reviewed_seat_hits(ctx: Context, s: Subject) -> Iterator[Hit]:
    if ctx.case.matter is not Matter.OVERPROVNING:
        return
    for a in s.facts.appointments:
        if (
            a.body_kind is BodyKind.COMMITTEE
            and a.role in SEAT_ROLES
            and a.body in ctx.committee_links
            and a.body not in ctx.family
            and ctx.valid(a)
        ):
            path = (
                PathStep(s.ref, a.role, a.body),
                PathStep(a.body, "beslut_provas", ctx.case.ref),
            )
            yield hit(s, None, Level.UNDANTAG, path, REVIEWED_SEAT)


def outside_body_hits(ctx: Context, subjects: Sequence[Subject]) -> Iterator[Hit]:
    """Earlier handling of the same question outside a municipal nämnd (a state
    authority, a company): not covered by KL 6:31 2 st., so the general clause
    (mojligt_jav). Used by the KL general-clause rules."""
    for s in subjects:
        for e in _earlier(ctx, s, final_only=False):
            if not e.namnd:
                yield hit(s, None, Level.MOJLIGT_JAV, _path(ctx, s, e), OUTSIDE)


@rule(
    id="fl16_p3_instans",
    ground=Ground.TVAINSTANS,
    level=Level.JAV,
    regime=Regime.FL,
    valid_from=date(2018, 7, 1),
    description=FL_DESCRIPTION,
    legal_basis=["16 § första stycket 3 förvaltningslagen (2017:900)"],
    catalogue=["fl16_p3_instans"],
)
def fl16_p3_instans(ctx: Context, subjects: Sequence[Subject]) -> Iterator[Hit]:
    """FL (2017:900) 16 § 1 st. 3 p. (from 2018-07-01): took part in the final handling at
    another authority and so has taken a position on what the authority reviews "i
    egenskap av överordnad instans". Matters ``overprovning`` and ``tillsyn`` (a
    supervising authority over the other one), with ``final`` earlier handling: FL 1986
    11 § 3 p. named appeal, underställning and tillsyn over another authority, and the
    2017 act kept the substance in new words (SOU 2021:16 ch. 6.2) [I]."""
    return instance_hits(ctx, subjects, frozenset({Matter.OVERPROVNING, Matter.TILLSYN}))


@rule(
    id="fl86_11_p3_instans",
    ground=Ground.TVAINSTANS,
    level=Level.JAV,
    regime=Regime.FL,
    valid_to=date(2018, 6, 30),
    description=FL_DESCRIPTION,
    legal_basis=["11 § första stycket 3 förvaltningslagen (1986:223)"],
    catalogue=["fl86_11_p3"],
)
def fl86_11_p3_instans(ctx: Context, subjects: Sequence[Subject]) -> Iterator[Hit]:
    """FL (1986:223) 11 § 1 st. 3 p. (until 2018-06-30): the matter came by överklagande,
    underställning or tillsyn over another authority, and the person took part in the
    final handling there (matters ``overprovning`` and ``tillsyn``)."""
    return instance_hits(ctx, subjects, frozenset({Matter.OVERPROVNING, Matter.TILLSYN}))


@rule(
    id="kl6_31_annan_namnd",
    ground=Ground.TVAINSTANS,
    level=Level.UNDANTAG,
    regime=Regime.KL6,
    valid_from=date(2022, 7, 1),
    description=KL_DESCRIPTION,
    legal_basis=["6 kap. 31 § andra stycket kommunallagen (2017:725)"],
    catalogue=["kl6_31_annan_namnd", "annan_namnd_provad_namnd"],
)
def kl6_31_annan_namnd(ctx: Context, subjects: Sequence[Subject]) -> Iterator[Hit]:
    """KL 6 kap. 31 § 2 st. as amended by SFS 2022:638 (from 2022-07-01): "inte heller
    anses jävig enligt 28 § 4 enbart på grund av att han eller hon tidigare har deltagit i
    handläggningen av ärendet hos en annan nämnd". KL has no tvåinstansjäv; shown as
    undantag. Earlier handling outside a municipal nämnd (a state authority, a company) is
    not covered by the exception and goes to the general clause (mojligt_jav)."""
    return other_body_hits(ctx, subjects)


@rule(
    id="kl6_31_annan_namnd_v18",
    ground=Ground.TVAINSTANS,
    level=Level.UNDANTAG,
    regime=Regime.KL6,
    valid_from=date(2018, 1, 1),
    valid_to=date(2022, 6, 30),
    description=KL_DESCRIPTION,
    legal_basis=["6 kap. 31 § andra stycket kommunallagen (2017:725) i lydelse före 2022-07-01"],
    catalogue=["kl6_31_annan_namnd", "annan_namnd_provad_namnd"],
)
def kl6_31_annan_namnd_v18(ctx: Context, subjects: Sequence[Subject]) -> Iterator[Hit]:
    """KL 6 kap. 31 § 2 st. before SFS 2022:638 (2018-01-01 - 2022-06-30), then referring
    to the general clause in point 5 of the original 28 § [I]."""
    return other_body_hits(ctx, subjects)


@rule(
    id="kl91_6_27_annan_namnd",
    ground=Ground.TVAINSTANS,
    level=Level.UNDANTAG,
    regime=Regime.KL6,
    valid_to=date(2017, 12, 31),
    description=KL_DESCRIPTION,
    legal_basis=["6 kap. 27 § andra stycket kommunallagen (1991:900)"],
    catalogue=["kl91_6_27", "kl6_31_annan_namnd", "annan_namnd_provad_namnd"],
)
def kl91_6_27_annan_namnd(ctx: Context, subjects: Sequence[Subject]) -> Iterator[Hit]:
    """KL (1991:900) 6 kap. 27 § 2 st. (2003 wording verified; earlier wording UNVERIFIED):
    earlier participation in another nämnd is not by itself jäv (then "25 § 5")."""
    return other_body_hits(ctx, subjects)
