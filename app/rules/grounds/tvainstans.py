"""Ground ``tvainstans``: earlier final handling at another authority (FL only); under KL
earlier handling in another nämnd is shown as ``undantag`` (KL 6 kap. 31 § 2 st.)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import date

from app.rules.context import Context
from app.rules.grounds.common import hit
from app.rules.model import Hit, PathStep
from app.rules.participants import Subject
from app.rules.registry import Regime, rule
from app.rules.vocab import Ground, Level, Matter

INSTANCE = ("Personen deltog i den slutliga handläggningen hos en annan myndighet och har "
            "därför redan tagit ställning i det som nu prövas i högre instans.",
            "The person took part in the final handling at another authority and has "
            "therefore already taken a position on what is now reviewed on appeal.")
OTHER_BODY = ("Personen har tidigare deltagit i handläggningen av samma ärende hos en annan "
              "nämnd. Det gör inte i sig personen jävig enligt generalklausulen; det redovisas "
              "som undantag.",
              "The person took part earlier in handling the same matter at another committee. "
              "That alone does not make the person disqualified under the general clause; it "
              "is shown as an exception.")
FL_DESCRIPTION = "Overprövning: the participant took part in the final handling at the " \
    "authority whose decision is reviewed."
KL_DESCRIPTION = "Earlier handling of the same matter in another nämnd is not by itself jäv."


def _earlier(ctx: Context, s: Subject, *, final_only: bool) -> Iterator[tuple[str, bool]]:
    for eh in ctx.case.earlier_handling:
        body = eh.committee or eh.organisation
        if (eh.person == s.ref and body and body != ctx.case.committee
                and (eh.final or not final_only)):
            yield body, eh.final


def instance_hits(ctx: Context, subjects: Sequence[Subject],
                  matters: frozenset[Matter]) -> Iterator[Hit]:
    if ctx.case.matter not in matters:
        return
    for s in subjects:
        for body, _final in _earlier(ctx, s, final_only=True):
            path = (PathStep(s.ref, "tidigare_handlaggning", body),
                    PathStep(body, "beslut_provas", ctx.case.ref))
            yield hit(s, None, Level.JAV, path, INSTANCE)


def other_body_hits(ctx: Context, subjects: Sequence[Subject]) -> Iterator[Hit]:
    for s in subjects:
        for body, final in _earlier(ctx, s, final_only=False):
            relation = "tidigare_handlaggning" if final else "tidigare_deltagit"
            path = (PathStep(s.ref, relation, body), PathStep(body, "beslut_provas", ctx.case.ref))
            yield hit(s, None, Level.UNDANTAG, path, OTHER_BODY)


@rule(id="fl16_p3_instans", ground=Ground.TVAINSTANS, level=Level.JAV, regime=Regime.FL,
      valid_from=date(2018, 7, 1), description=FL_DESCRIPTION,
      legal_basis=["16 § första stycket 3 förvaltningslagen (2017:900)"],
      catalogue=["fl16_p3_instans"])
def fl16_p3_instans(ctx: Context, subjects: Sequence[Subject]) -> Iterator[Hit]:
    """FL (2017:900) 16 § 1 st. 3 p. (from 2018-07-01): took part in the final handling at
    another authority and so has taken a position on what is reviewed as a superior
    instance. Matter must be ``overprovning`` and the earlier handling ``final``."""
    return instance_hits(ctx, subjects, frozenset({Matter.OVERPROVNING}))


@rule(id="fl86_11_p3_instans", ground=Ground.TVAINSTANS, level=Level.JAV, regime=Regime.FL,
      valid_to=date(2018, 6, 30), description=FL_DESCRIPTION,
      legal_basis=["11 § första stycket 3 förvaltningslagen (1986:223)"],
      catalogue=["fl86_11_p3"])
def fl86_11_p3_instans(ctx: Context, subjects: Sequence[Subject]) -> Iterator[Hit]:
    """FL (1986:223) 11 § 1 st. 3 p. (until 2018-06-30): the matter came by överklagande,
    underställning or tillsyn over another authority, and the person took part in the
    final handling there (matters ``overprovning`` and ``tillsyn``)."""
    return instance_hits(ctx, subjects, frozenset({Matter.OVERPROVNING, Matter.TILLSYN}))


@rule(id="kl6_31_annan_namnd", ground=Ground.TVAINSTANS, level=Level.UNDANTAG,
      regime=Regime.KL6, valid_from=date(2018, 1, 1), description=KL_DESCRIPTION,
      legal_basis=["6 kap. 31 § andra stycket kommunallagen (2017:725)"],
      catalogue=["kl6_31_annan_namnd"])
def kl6_31_annan_namnd(ctx: Context, subjects: Sequence[Subject]) -> Iterator[Hit]:
    """KL 6 kap. 31 § 2 st. (from 2018-01-01; reference renumbered to "28 § 4" by SFS
    2022:638): earlier participation in the same ärende at another nämnd is not by itself
    jäv under the general clause. KL has no tvåinstansjäv; shown as undantag."""
    return other_body_hits(ctx, subjects)


@rule(id="kl91_6_27_annan_namnd", ground=Ground.TVAINSTANS, level=Level.UNDANTAG,
      regime=Regime.KL6, valid_to=date(2017, 12, 31), description=KL_DESCRIPTION,
      legal_basis=["6 kap. 27 § andra stycket kommunallagen (1991:900)"],
      catalogue=["kl91_6_27", "kl6_31_annan_namnd"])
def kl91_6_27_annan_namnd(ctx: Context, subjects: Sequence[Subject]) -> Iterator[Hit]:
    """KL (1991:900) 6 kap. 27 § 2 st. (2003 wording verified; earlier wording UNVERIFIED):
    earlier participation in another nämnd is not by itself jäv (then "25 § 5")."""
    return other_body_hits(ctx, subjects)
