"""Exception: municipal companies and foundations (KL 6 kap. 31 § 1 st.; KL 1991 6:27).

A company the kommun owns only through other companies of its own (a stadshus AB owning
the housing company, each at least half) is `Unsettled`: the Act says "kommunen ...
äger", and says "direkt eller indirekt" where it means both (KL 10 kap. 2 §), but no
förarbete, judgment, JO decision or guidance found decides the jäv exception either way,
and its purpose (the kommun's and its companies' shared interest) holds for a
subsidiary too. So such a finding is `mojligt_jav` with a note that the nämnd must
decide, not a certain `jav` (docs/legal-review.md section 8, run P).

An exception rule receives a hit of a ground it names and returns the (sv, en) note
explaining why the exception applies, or None. The engine then reports the finding at
level ``undantag`` under the exception's rule id, keeping the original rule as
``excepted_rule``.
"""

from __future__ import annotations

from datetime import date

from app.rules.context import Context
from app.rules.grounds.common import org_name
from app.rules.model import Hit, Unsettled
from app.rules.registry import Regime, RuleKind, rule
from app.rules.vocab import MUNICIPAL_ORG_KINDS, Ground, Level, Matter, OrgKind

NOTE = (
    "Undantaget gäller: {org} är {what_sv} där {owner} {share_sv}, och ärendet avser inte "
    "myndighetsutövning mot enskild. Undantaget gäller bara ställföreträdarjäv och "
    "generalklausulen, aldrig part, påverkan eller tillsynsjäv.",
    "The exception applies: {org} is {what_en} where {owner} {share_en}, and the matter "
    "is not the exercise of public authority over individuals. It covers only the "
    "representative ground and the general clause, never party, interest or supervision.",
)
INDIRECT_NOTE = (
    "Undantaget för bolag som kommunen eller regionen äger kan gälla, men det är oklart: "
    "{owner} äger {org} inte direkt utan genom {parent}, och i varje led ägs minst hälften "
    "av aktierna. Lagtexten talar om bolag där kommunen eller regionen själv äger minst "
    "hälften av aktierna; om undantaget omfattar bolag som ägs indirekt i en kommunal "
    "koncern är inte avgjort, så nämnden behöver pröva jävsfrågan.",
    "The exception for companies the municipality or region owns may apply, but it is "
    "unsettled: {owner} owns {org} not directly but through {parent}, each level holding "
    "at least half the shares. The Act speaks of a company in which the municipality or "
    "region itself owns at least half the shares; whether the exception reaches companies "
    "owned indirectly within a municipal group is not settled, so the committee must "
    "decide the question.",
)
# How far up a chain of companies the indirect reading looks, in levels above the
# company's own owners (a stadshus AB owned by the kommun is one). The loaders read owners
# exactly this far (`pg_reach.OWNER_LEVELS`), so a screening and a full registry agree: a
# chain cut by the loader would read as "not owned" (a review of run P).
MAX_CHAIN = 5
# The companies a chain of the kommun's group runs through (not a förening, not a stiftelse).
COMPANIES = frozenset({OrgKind.AKTIEBOLAG})
EXCLUDED_MATTERS = frozenset({Matter.MYNDIGHETSUTOVNING, Matter.TILLSYN})
DESCRIPTION = (
    "A ställföreträdare or general-clause link resting only on a role in an "
    "aktiebolag at least half owned, or a stiftelse at least half appointed, by the kommun "
    "or region of the handling body is no jäv, except in myndighetsutövning or tillsyn. "
    "Where the kommun owns the aktiebolag only through its other companies (each at least "
    "half), the exception's reach is unsettled: the finding is at most mojligt_jav, noting so."
)


def home_organisations(ctx: Context) -> set[str]:
    """The kommun/region of the handling body (for a gemensam nämnd: every participant;
    a kommunalförbund is read as "the kommun" under KL 9 kap. - UNVERIFIED)."""
    committee = ctx.namnd  # an utskott takes part with its nämnd's kommuner
    if committee is None:
        return set()
    refs = {committee.organisation, *committee.participants}
    orgs = ctx.snapshot.organisations
    return {r for r in refs if (o := orgs.get(r)) is not None and o.kind in MUNICIPAL_ORG_KINDS}


def municipal_company_note(ctx: Context, hit: Hit) -> tuple[str, str] | Unsettled | None:
    if (
        ctx.case.matter in EXCLUDED_MATTERS
        or ctx.concerns_supervision
        or not hit.own_link
        or hit.organisation is None
    ):
        return None
    org = ctx.snapshot.organisations.get(hit.organisation)
    if org is None or org.kind not in (OrgKind.AKTIEBOLAG, OrgKind.STIFTELSE):
        return None
    minimum = float(ctx.param("municipal_share_min"))
    homes = home_organisations(ctx)
    for owner in org.owners:
        if owner.owner in homes and (owner.share_percent or 0.0) >= minimum:
            stiftelse = org.kind is OrgKind.STIFTELSE
            hit.details.update(
                org=org_name(ctx, org.ref),
                owner=org_name(ctx, owner.owner),
                what_sv="en stiftelse" if stiftelse else "ett aktiebolag",
                what_en="a foundation" if stiftelse else "a limited company",
                share_sv=f"utser {owner.share_percent:g} % av styrelsen"
                if stiftelse
                else f"äger {owner.share_percent:g} % av aktierna",
                share_en=f"appoints {owner.share_percent:g} % of the board"
                if stiftelse
                else f"owns {owner.share_percent:g} % of the shares",
            )
            return NOTE
    if org.kind is not OrgKind.AKTIEBOLAG:
        return None
    # Through the kommun's other companies (a direct owner was read above).
    controllers = ctx.municipal_controllers(org.ref, through=COMPANIES, levels=MAX_CHAIN)
    chain = next(((via, h) for h, via in controllers.items() if h in homes and via != h), None)
    if chain is None:
        return None
    parent, home = chain
    hit.details.update(
        org=org_name(ctx, org.ref), owner=org_name(ctx, home), parent=org_name(ctx, parent)
    )
    return Unsettled(INDIRECT_NOTE)


@rule(
    id="kl6_31_bolag",
    ground=[Ground.STALLFORETRADARE, Ground.GENERALKLAUSUL],
    level=Level.UNDANTAG,
    regime=Regime.KL6,
    kind=RuleKind.EXCEPTION,
    valid_from=date(2022, 7, 1),
    description=DESCRIPTION,
    legal_basis=["6 kap. 31 § första stycket kommunallagen (2017:725)"],
    catalogue=["kl6_31_bolag"],
)
def kl6_31_bolag(ctx: Context, hit: Hit) -> tuple[str, str] | Unsettled | None:
    """KL 6 kap. 31 § 1 st. as amended by SFS 2022:638 (from 2022-07-01; text verified,
    docs/legal/statutes.md Q2): no jäv "enligt 28 § 2 eller 4" "enbart på grund av" being
    ställföreträdare for, or otherwise linked to, an aktiebolag where the kommun or region
    owns at least half the shares, or a stiftelse where it appoints at least half the
    board; not in "ärenden som avser myndighetsutövning mot enskilda" (tillsyn, and any
    case with a tillsynsobjekt, is treated as such, docs/legal/rules.md §3). Only the participant's
    own link (the text speaks of "han eller hon"; a närstående's role is not covered - an
    interpretation). A company owned only through the kommun's other companies is
    `Unsettled` (module docstring). Not for förbund, HB or föreningar."""
    return municipal_company_note(ctx, hit)


@rule(
    id="kl6_31_bolag_v18",
    ground=[Ground.STALLFORETRADARE, Ground.GENERALKLAUSUL],
    level=Level.UNDANTAG,
    regime=Regime.KL6,
    kind=RuleKind.EXCEPTION,
    valid_from=date(2018, 1, 1),
    valid_to=date(2022, 6, 30),
    description=DESCRIPTION,
    legal_basis=["6 kap. 31 § första stycket kommunallagen (2017:725) i lydelse före 2022-07-01"],
    catalogue=["kl6_31_bolag"],
)
def kl6_31_bolag_v18(ctx: Context, hit: Hit) -> tuple[str, str] | Unsettled | None:
    """KL 6 kap. 31 § 1 st. before SFS 2022:638 (2018-01-01 - 2022-06-30): the same
    exception, then referring to the ställföreträdare point 2 and the general clause
    point 5 of the original 28 § (likely worded "28 § 2 eller 5" [I], kl-verification
    Q6). SFS 2019:835 changed "landstinget" to "regionen" from 2020-01-01."""
    return municipal_company_note(ctx, hit)


@rule(
    id="kl91_6_27_bolag",
    ground=[Ground.STALLFORETRADARE, Ground.GENERALKLAUSUL],
    level=Level.UNDANTAG,
    regime=Regime.KL6,
    kind=RuleKind.EXCEPTION,
    valid_to=date(2017, 12, 31),
    description=DESCRIPTION,
    legal_basis=["6 kap. 27 § första stycket kommunallagen (1991:900)"],
    catalogue=["kl91_6_27", "kl6_31_bolag"],
)
def kl91_6_27_bolag(ctx: Context, hit: Hit) -> tuple[str, str] | Unsettled | None:
    """KL (1991:900) 6 kap. 27 § 1 st. (text of SFS 2003:519 verified: "25 § 2 eller 5";
    before 2003-09-01 it referred to "25 § 2 eller 4" [I]). The exclusion of
    myndighetsutövning mot enskilda dates from SFS 1994:690, which amended 6:24 and 6:27
    from 1994-07-01 (prop. 1993/94:188); the earlier wording is UNVERIFIED, and earlier
    dates are outside the engine's reach. Applied in MÖD 2017:41 to a
    municipal housing foundation in a plan yttrande."""
    return municipal_company_note(ctx, hit)
