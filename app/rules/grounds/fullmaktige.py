"""Ground ``fullmaktige``: the matter "personligen rör" a fullmäktige member (KL 5:47).

Only the personal link counts in fullmäktige: the member or a närstående is a party or
``berord``, or owns a party organisation (or the organisation running a party
operation). A board seat, a VD role, a signing right or another ställföreträdarskap does
not by itself concern the member personally, in any kind of organisation, small private
companies included (RÅ 2002 not 2; docs/legal/rules.md §2 fullmaktige): it is never a flag here.
Plain membership, party politics, being a resident and collective decisions give nothing.
No nämnd ground applies here.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import date

from app.rules.context import Context
from app.rules.facts import PersonFacts
from app.rules.grounds.common import NOUNS, hit, org_name, who
from app.rules.grounds.generalklausul import former_partner
from app.rules.grounds.paverkan import OWNER as PAVERKAN_OWNER
from app.rules.grounds.paverkan import strongest_holdings
from app.rules.model import Detail, Hit, PathStep
from app.rules.participants import Member, Subject
from app.rules.registry import Regime, rule
from app.rules.vocab import Ground, Level, Matter, OrgKind, inverse

PARTY = (
    "{who_sv} är part i eller berörs av ärendet, som därmed rör ledamoten personligen.",
    "{who_en} is a party to or affected by the matter, which therefore concerns the "
    "member personally.",
)
OWNER = (
    "{who_sv} äger {share_sv} av {org}, som berörs av ärendet; ett ekonomiskt intresse "
    "kan göra att ärendet rör ledamoten personligen (RÅ 1992 ref. 50). {test_sv}",
    "{who_en} owns {share_en} of {org}, which the matter concerns; an economic interest "
    "can make a matter personal (RÅ 1992 ref. 50). {test_en}",
)
FORMER = (
    "Personens tidigare make, maka, sambo eller registrerade partner är part i eller "
    "berörs av ärendet; relationen upphörde {ended}. Om den tidigare partnern ändå är "
    '"annan närstående", rör ärendet ledamoten personligen.',
    "The person's former spouse, sambo or registered partner is a party to or affected "
    "by the matter; the relationship ended on {ended}. If the former partner is still "
    '"annan närstående", the matter concerns the member personally.',
)
FORMER_OWNER = (
    'Relationen upphörde {ended}. Om den tidigare partnern ändå är "annan närstående", '
    "kan ärendet röra ledamoten personligen.",
    'The relationship ended on {ended}. If the former partner is still "annan '
    'närstående", the matter may concern the member personally.',
)
PRIVATE_FIRMS = frozenset({OrgKind.AKTIEBOLAG, OrgKind.HANDELSBOLAG, OrgKind.ENSKILD_FIRMA})
DESCRIPTION = (
    "In fullmäktige: the matter personally concerns the member or a närstående "
    "(party, berord, or owner of a party organisation or operator)."
)
SHARE = "fullmaktige_owner_share_jav"


def _owner_hits(ctx: Context, s: Subject, m: Member, threshold: float) -> Iterator[Hit]:
    for org, judged in strongest_holdings(ctx, m.facts, threshold, True):
        details = {**judged.details, **who(ctx, m), "org": org_name(ctx, org)}
        reason = OWNER if judged.reason is PAVERKAN_OWNER else judged.reason
        yield hit(
            s,
            m,
            judged.level,
            (*m.prefix, PathStep(m.person, "agare", org), *judged.link.path),
            reason,
            judged.link,
            organisation=org,
            details=details,
            parameters={SHARE: threshold},
        )


def personal_hits(ctx: Context, subjects: Sequence[Subject]) -> Iterator[Hit]:
    """Elections are not jäv under 5:47 (a candidate may vote; docs/legal/sources.md b1.5); electing
    a revisor is the 5:48 rule's business."""
    if ctx.case.matter is Matter.VAL:
        return
    threshold = float(ctx.param(SHARE))
    for s in subjects:
        for m in s.circle:
            for link in ctx.person_links.get(m.person, ())[:1]:
                yield hit(s, m, Level.JAV, m.prefix + link.path, PARTY, link, details=who(ctx, m))
            yield from _owner_hits(ctx, s, m, threshold)
        yield from _former_partner_hits(ctx, s, threshold)


def _former_partner_hits(ctx: Context, s: Subject, threshold: float) -> Iterator[Hit]:
    """A former make, sambo or registrerad partner who is a party or berord, or owns a
    party organisation (or its parent, or a party operation's operator): perhaps still
    "annan närstående" (KL 5:47), so at most mojligt_jav. Before run Q the ownership was
    not followed, so a former wife owning the firm that bought land gave nothing, while
    her buying it herself was flagged (legal case Q42)."""
    for rel in s.facts.relations:
        if not former_partner(ctx, rel, s):
            continue
        first = PathStep(s.ref, rel.kind, rel.other)
        ended: dict[str, Detail] = {"ended": rel.valid_to.isoformat() if rel.valid_to else ""}
        for link in ctx.person_links.get(rel.other, ())[:1]:
            h = hit(s, None, Level.MOJLIGT_JAV, (first, *link.path), FORMER, link, details=ended)
            h.past_steps = (0,)
            yield h
        other = ctx.person(rel.other) or PersonFacts(ref=rel.other)
        noun_sv, noun_en = NOUNS[inverse(rel.kind)]
        for org, judged in strongest_holdings(ctx, other, threshold, True):
            name = other.name or other.ref
            details = {
                **judged.details,
                **ended,
                "who_sv": f"Personens tidigare {noun_sv} {name}",
                "who_en": f"The person's former {noun_en} {name}",
                "org": org_name(ctx, org),
            }
            reason = OWNER if judged.reason is PAVERKAN_OWNER else judged.reason
            h = hit(
                s,
                None,
                Level.MOJLIGT_JAV,  # capped: the former partner is at most annan närstående
                (first, PathStep(rel.other, "agare", org), *judged.link.path),
                (f"{reason[0]} {FORMER_OWNER[0]}", f"{reason[1]} {FORMER_OWNER[1]}"),
                judged.link,
                organisation=org,
                details=details,
                parameters={SHARE: threshold},
            )
            h.past_steps = (0,)
            yield h


@rule(
    id="kl5_47_personligen",
    ground=Ground.FULLMAKTIGE,
    level=Level.JAV,
    regime=Regime.KL5,
    valid_from=date(2018, 1, 1),
    description=DESCRIPTION,
    legal_basis=["5 kap. 47 § kommunallagen (2017:725)"],
    catalogue=["kl5_47_personligen", "kl5_presence", "kl5_47_stallforetradarskap"],
)
def kl5_47_personligen(ctx: Context, subjects: Sequence[Subject]) -> Iterator[Hit]:
    """KL 5 kap. 47 § (from 2018-01-01): a ledamot may not take part in a matter that
    "personligen rör" the ledamot or a make, sambo, förälder, barn, syskon or annan
    närstående (text verified, docs/legal/statutes.md Q3; 47 § has one ground only). Applies 6:30
    2-3 st. (disclosure, decision), not 6:30 1 st. (presence) or 6:29. Whether tjänstgörande
    ersättare are covered is an inference [I]; they are screened the same."""
    return personal_hits(ctx, subjects)


@rule(
    id="kl91_5_20_personligen",
    ground=Ground.FULLMAKTIGE,
    level=Level.JAV,
    regime=Regime.KL5,
    valid_to=date(2017, 12, 31),
    description=DESCRIPTION,
    legal_basis=["5 kap. 20 § första stycket kommunallagen (1991:900)"],
    catalogue=["kl91_5_20", "kl5_47_stallforetradarskap"],
)
def kl91_5_20_personligen(ctx: Context, subjects: Sequence[Subject]) -> Iterator[Hit]:
    """KL (1991:900) 5 kap. 20 § 1 st. (until 2017-12-31): same substance as KL 5:47
    (quoted in HFD 2014:59 and RÅ 2002 not 2; FR Göteborg 2019 on sludge wells)."""
    return personal_hits(ctx, subjects)
