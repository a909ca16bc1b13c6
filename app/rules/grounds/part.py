"""Ground ``part``: the participant or a närstående is a party (any role but berord)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import date

from app.rules.context import Context
from app.rules.grounds.common import hit, who
from app.rules.model import Hit
from app.rules.participants import Subject
from app.rules.registry import Regime, rule
from app.rules.vocab import Ground, Level, PartyRole

REASON = ("{who_sv} är part i ärendet.", "{who_en} is a party to the case.")
DESCRIPTION = (
    "The participant or a närstående (make, sambo, registrerad partner, förälder, "
    "barn, syskon, annan närstående) is a party to the case in any role but berord."
)


def party_hits(ctx: Context, subjects: Sequence[Subject]) -> Iterator[Hit]:
    for s in subjects:
        for m in s.circle:
            for link in ctx.person_links.get(m.person, ()):
                if link.role is not PartyRole.BERORD:
                    yield hit(
                        s, m, Level.JAV, m.prefix + link.path, REASON, link, details=who(ctx, m)
                    )


@rule(
    id="kl6_28_p1_part_v22",
    ground=Ground.PART,
    level=Level.JAV,
    regime=Regime.KL6,
    valid_from=date(2022, 7, 1),
    description=DESCRIPTION,
    legal_basis=["6 kap. 28 § första stycket 1 kommunallagen (2017:725)"],
    catalogue=["kl6_28_p1_part_v22", "kl7_4_anstallda"],
)
def kl6_28_p1_part_v22(ctx: Context, subjects: Sequence[Subject]) -> Iterator[Hit]:
    """KL 6 kap. 28 § 1 p. first limb as amended by SFS 2022:638 (from 2022-07-01):
    "han eller hon eller någon närstående är part i ärendet". Staff through KL 7 kap. 4 §
    (its exact wording is NOT FOUND verbatim, docs/legal/statutes.md Q4)."""
    return party_hits(ctx, subjects)


@rule(
    id="kl6_28_p1_sakagare_v18",
    ground=Ground.PART,
    level=Level.JAV,
    regime=Regime.KL6,
    valid_from=date(2018, 1, 1),
    valid_to=date(2022, 6, 30),
    description=DESCRIPTION,
    legal_basis=["6 kap. 28 § första stycket 1 kommunallagen (2017:725) i ursprunglig lydelse"],
    catalogue=["kl6_28_p1_sakagare_v18", "kl7_4_anstallda"],
)
def kl6_28_p1_sakagare_v18(ctx: Context, subjects: Sequence[Subject]) -> Iterator[Hit]:
    """KL 6 kap. 28 § 1 p. first limb, original wording (2018-01-01 - 2022-06-30): "saken
    angår" the person or their make, sambo, förälder, barn, syskon or annan närstående."""
    return party_hits(ctx, subjects)


@rule(
    id="kl91_6_25_p1_sakagare",
    ground=Ground.PART,
    level=Level.JAV,
    regime=Regime.KL6,
    valid_to=date(2017, 12, 31),
    description=DESCRIPTION,
    legal_basis=["6 kap. 25 § 1 kommunallagen (1991:900)"],
    catalogue=["kl91_6_25_p1"],
)
def kl91_6_25_p1_sakagare(ctx: Context, subjects: Sequence[Subject]) -> Iterator[Hit]:
    """KL (1991:900) 6 kap. 25 § 1 p. (until 2017-12-31), covering "förtroendevald eller
    anställd" directly. The point's wording before 2003-09-01 is UNVERIFIED (catalogue
    (g) 24); the sakägarjäv limb is assumed unchanged."""
    return party_hits(ctx, subjects)


@rule(
    id="fl16_p1_part",
    ground=Ground.PART,
    level=Level.JAV,
    regime=Regime.FL,
    valid_from=date(2018, 7, 1),
    description=DESCRIPTION,
    legal_basis=["16 § första stycket 1 förvaltningslagen (2017:900)"],
    catalogue=["fl16_p1_part", "fl16_scope"],
)
def fl16_p1_part(ctx: Context, subjects: Sequence[Subject]) -> Iterator[Hit]:
    """FL (2017:900) 16 § 1 st. 1 p. first limb (from 2018-07-01): the person or a
    närstående is a party. State authorities only (organisation kind myndighet)."""
    return party_hits(ctx, subjects)


@rule(
    id="fl86_11_p1_sakagare",
    ground=Ground.PART,
    level=Level.JAV,
    regime=Regime.FL,
    valid_to=date(2018, 6, 30),
    description=DESCRIPTION,
    legal_basis=["11 § första stycket 1 förvaltningslagen (1986:223)"],
    catalogue=["fl86_11_p1"],
)
def fl86_11_p1_sakagare(ctx: Context, subjects: Sequence[Subject]) -> Iterator[Hit]:
    """FL (1986:223) 11 § 1 st. 1 p. (1987-01-01 - 2018-06-30): "saken angår" the person
    or their make, förälder, barn, syskon or annan närstående. The text names no sambo;
    a sambo is treated as "annan närstående" (an inference, docs/legal/sources.md c1)."""
    return party_hits(ctx, subjects)
