"""Ground ``paverkan``: the participant or a närstående is affected by the decision.

Triggers (docs/legal/rules.md §2): being ``berord`` (jav); owning a party organisation, the parent
of one, or the organisation running a party operation (jav for an enskild firma, a
handelsbolag or a share at or above the dated threshold; otherwise mojligt_jav).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import date
from typing import NamedTuple

from app.rules.context import Context, Link
from app.rules.facts import PersonFacts
from app.rules.grounds.common import AGARE, CAP, hit, org_kind, org_name, who
from app.rules.model import Detail, Hit, PathStep
from app.rules.participants import Subject
from app.rules.registry import Regime, rule
from app.rules.vocab import SEVERITY, Ground, Level, OrgKind, PartyRole

BERORD = (
    "{who_sv} berörs av beslutet (till exempel som granne eller ägare till berörd egendom).",
    "{who_en} is personally affected by the decision (for example as a neighbour or "
    "the owner of affected property).",
)
OWNER = (
    "{who_sv} äger {share_sv} av {org}, som är part i, berörs av eller driver "
    "verksamhet som prövas i ärendet. {test_sv}",
    "{who_en} owns {share_en} of {org}, which is a party to, affected by or runs an "
    "operation decided in the case. {test_en}",
)
SYNNERLIG = "synnerlig"
INTE_OVASENTLIG = "inte_ovasentlig"
DESCRIPTION = (
    "The participant or a närstående is berord, or owns a party organisation, "
    "its parent, or the organisation running a party operation."
)


OWNER_INDIRECT = (
    "{who_sv} äger {own_sv} av {org}, som äger {link_sv} av {party}, som är part i, "
    "berörs av eller driver verksamhet som prövas i ärendet: indirekt {share_sv}. {test_sv}",
    "{who_en} owns {own_en} of {org}, which owns {link_en} of {party}, a party to, "
    "affected by or running an operation decided in the case: {share_en} indirectly. "
    "{test_en}",
)
BOARD_OF_FOUNDATION = (
    "{who_sv} äger {own_sv} av {org}, som utser {link_sv} av styrelsen i stiftelsen "
    "{party}, som är part i, berörs av eller driver verksamhet som prövas i ärendet. "
    "{test_sv}",
    "{who_en} owns {own_en} of {org}, which appoints {link_en} of the board of the "
    "foundation {party}, a party to, affected by or running an operation decided in the "
    "case. {test_en}",
)


class Ownership(NamedTuple):
    """How one route of ownership to the case is judged (`ownership_level`)."""

    link: Link
    level: Level
    details: dict[str, Detail]
    reason: tuple[str, str]
    effective: float | None  # the share of the party held, through the route


def ownership_level(
    ctx: Context, share: float | None, link: Link, threshold: float, partnership_counts: bool
) -> Ownership:
    """Classify one ownership route (the organisation owned is ``link.ref``): jav or
    mojligt_jav, with explanation details. A sole proprietorship belongs wholly to its
    owner, also where it owns the party (before run N that route read "unknown share")."""
    kind = org_kind(ctx, link.ref)
    if kind is OrgKind.ENSKILD_FIRMA:
        share = 100.0
    if link.via == "owner":
        return _indirect(ctx, share, link, threshold)
    effective = None if share is None or link.factor is None else share * link.factor
    if kind is OrgKind.ENSKILD_FIRMA:
        details = _share(
            100.0,
            "en enskild firma ägs helt av sin innehavare",
            "a sole proprietorship belongs wholly to its owner",
        )
        return Ownership(link, Level.JAV, details, OWNER, 100.0)
    if kind is OrgKind.HANDELSBOLAG and (partnership_counts or (effective or 0) >= 100):
        details = _share(
            effective,
            "delägare i ett handelsbolag svarar personligen för bolagets förpliktelser",
            "a partner in a trading partnership is personally liable for its obligations",
        )
        return Ownership(link, Level.JAV, details, OWNER, effective)
    level, details = _against_threshold(effective, threshold)
    return Ownership(link, level, details, OWNER, effective)


def _indirect(ctx: Context, share: float | None, link: Link, threshold: float) -> Ownership:
    """Ownership of the party's owner: the share held of the party is the product of the
    two. A stiftelse has no owner: its ``owners`` appoint its board (the contract), which
    is influence to assess, never a share (at most mojligt_jav)."""
    link_share = None if link.factor is None else link.factor * 100
    effective = None if share is None or link.factor is None else share * link.factor
    party = org_name(ctx, link.subject_org)
    extra: dict[str, Detail] = {
        "own_sv": _pct(share, "en okänd andel"),
        "own_en": _pct(share, "an unknown share"),
        "link_sv": _pct(link_share, "en okänd andel"),
        "link_en": _pct(link_share, "an unknown share"),
        "party": party,
    }
    if org_kind(ctx, link.subject_org) is OrgKind.STIFTELSE:
        details = _share(
            None,
            "en stiftelse har ingen ägare; inflytandet över dess styrelse måste bedömas",
            "a foundation has no owner; the influence over its board needs an assessment",
        )
        details.update(extra)
        return Ownership(link, Level.MOJLIGT_JAV, details, BOARD_OF_FOUNDATION, None)
    level, details = _against_threshold(effective, threshold)
    details.update(extra)
    return Ownership(link, level, details, OWNER_INDIRECT, effective)


def _against_threshold(
    effective: float | None, threshold: float
) -> tuple[Level, dict[str, Detail]]:
    if effective is None:
        return Level.MOJLIGT_JAV, _share(
            None,
            "ägarandelen är okänd och måste bedömas",
            "the share is unknown and needs an assessment",
        )
    level = Level.JAV if effective >= threshold else Level.MOJLIGT_JAV
    cmp_sv = "når" if level is Level.JAV else "understiger"
    cmp_en = "reaches" if level is Level.JAV else "is below"
    return level, _share(
        effective,
        f"andelen {cmp_sv} tröskeln {threshold:g} % (daterad parameter, ett policyval)",
        f"the share {cmp_en} the threshold of {threshold:g} % (a dated parameter, a policy choice)",
    )


def strongest_ownership(
    ctx: Context,
    share: float | None,
    links: Sequence[Link],
    threshold: float,
    partnership_counts: bool,
) -> Ownership | None:
    """The strongest of the routes by which an owned organisation reaches the case: the
    highest level once a name-only match is capped, then a certain match, then the
    largest share. Before run N only the first route was read, so a holding in a parent
    company that is itself a party, listed after its subsidiary, was judged by the
    smaller share through the subsidiary."""
    best: tuple[tuple[int, bool, float], Ownership] | None = None
    for link in links:
        judged = ownership_level(ctx, share, link, threshold, partnership_counts)
        level = CAP.get(judged.level, judged.level) if link.name_only else judged.level
        key = (SEVERITY[level], not link.name_only, judged.effective or -1.0)
        if best is None or key > best[0]:
            best = (key, judged)
    return None if best is None else best[1]


def current_holdings(ctx: Context, facts: PersonFacts) -> Iterator[tuple[str, float | None]]:
    """Each organisation the person owns (``agare``) on the date, once, with the share."""
    seen: set[str] = set()
    for i in facts.interests:
        org = i.organisation
        if i.kind is not AGARE or org is None or org in seen or not ctx.valid(i):
            continue
        seen.add(org)
        yield org, i.share_percent


def strongest_holdings(
    ctx: Context, facts: PersonFacts, threshold: float, partnership_counts: bool
) -> Iterator[tuple[str, Ownership]]:
    """Each current holding that reaches the case, with its strongest ownership route."""
    for org, share in current_holdings(ctx, facts):
        routes = ctx.org_targets.get(org, ())
        judged = strongest_ownership(ctx, share, routes, threshold, partnership_counts)
        if judged is not None:
            yield org, judged


def _pct(value: float | None, unknown: str) -> str:
    return unknown if value is None else f"{value:g} %"


def _share(value: float | None, test_sv: str, test_en: str) -> dict[str, Detail]:
    share_sv = "en okänd andel" if value is None else f"{value:g} %"
    share_en = "an unknown share" if value is None else f"{value:g} %"
    return {
        "share_sv": share_sv,
        "share_en": share_en,
        "test_sv": test_sv[:1].upper() + test_sv[1:] + ".",
        "test_en": test_en[:1].upper() + test_en[1:] + ".",
    }


def paverkan_hits(ctx: Context, subjects: Sequence[Subject], wording: str) -> Iterator[Hit]:
    name = f"paverkan_share_jav_{wording}"
    threshold = float(ctx.param(name))
    for s in subjects:
        for m in s.circle:
            for link in ctx.person_links.get(m.person, ()):
                if link.role is PartyRole.BERORD:
                    yield hit(
                        s, m, Level.JAV, m.prefix + link.path, BERORD, link, details=who(ctx, m)
                    )
            partnership_counts = wording == INTE_OVASENTLIG
            for org, judged in strongest_holdings(ctx, m.facts, threshold, partnership_counts):
                details = {**judged.details, **who(ctx, m), "org": org_name(ctx, org)}
                path = (*m.prefix, PathStep(m.person, "agare", org), *judged.link.path)
                yield hit(
                    s,
                    m,
                    judged.level,
                    path,
                    judged.reason,
                    judged.link,
                    organisation=org,
                    details=details,
                    parameters={name: threshold},
                )


@rule(
    id="kl6_28_p1_paverkad_v22",
    ground=Ground.PAVERKAN,
    level=Level.JAV,
    regime=Regime.KL6,
    valid_from=date(2022, 7, 1),
    description=DESCRIPTION,
    legal_basis=["6 kap. 28 § första stycket 1 kommunallagen (2017:725)"],
    catalogue=["kl6_28_p1_paverkad_v22", "kl7_4_anstallda"],
)
def kl6_28_p1_paverkad_v22(ctx: Context, subjects: Sequence[Subject]) -> Iterator[Hit]:
    """KL 6 kap. 28 § 1 p. second limb as amended by SFS 2022:638 (from 2022-07-01):
    "kan antas bli påverkad av beslutet i en inte oväsentlig utsträckning". The share
    threshold is a dated policy parameter; the statute sets no number."""
    return paverkan_hits(ctx, subjects, INTE_OVASENTLIG)


@rule(
    id="kl6_28_p1_intresse_v18",
    ground=Ground.PAVERKAN,
    level=Level.JAV,
    regime=Regime.KL6,
    valid_from=date(2018, 1, 1),
    valid_to=date(2022, 6, 30),
    description=DESCRIPTION,
    legal_basis=["6 kap. 28 § första stycket 1 kommunallagen (2017:725) i ursprunglig lydelse"],
    catalogue=["kl6_28_p1_intresse_v18", "kl7_4_anstallda"],
)
def kl6_28_p1_intresse_v18(ctx: Context, subjects: Sequence[Subject]) -> Iterator[Hit]:
    """KL 6 kap. 28 § 1 p. second limb, original wording (2018-01-01 - 2022-06-30):
    "synnerlig nytta eller skada". Ownership is mojligt_jav unless sole ownership."""
    return paverkan_hits(ctx, subjects, SYNNERLIG)


@rule(
    id="kl91_6_25_p1_intresse",
    ground=Ground.PAVERKAN,
    level=Level.JAV,
    regime=Regime.KL6,
    valid_to=date(2017, 12, 31),
    description=DESCRIPTION,
    legal_basis=["6 kap. 25 § 1 kommunallagen (1991:900)"],
    catalogue=["kl91_6_25_p1"],
)
def kl91_6_25_p1_intresse(ctx: Context, subjects: Sequence[Subject]) -> Iterator[Hit]:
    """KL (1991:900) 6 kap. 25 § 1 p. (until 2017-12-31): "synnerlig nytta eller skada".
    Applied in MÖD 2003:83 (a member owning the land of the installation). Wording before
    2003-09-01 UNVERIFIED (assumed unchanged)."""
    return paverkan_hits(ctx, subjects, SYNNERLIG)


@rule(
    id="fl16_p1_paverkad",
    ground=Ground.PAVERKAN,
    level=Level.JAV,
    regime=Regime.FL,
    valid_from=date(2018, 7, 1),
    description=DESCRIPTION,
    legal_basis=["16 § första stycket 1 förvaltningslagen (2017:900)"],
    catalogue=["fl16_p1_paverkad"],
)
def fl16_p1_paverkad(ctx: Context, subjects: Sequence[Subject]) -> Iterator[Hit]:
    """FL (2017:900) 16 § 1 st. 1 p. second limb (from 2018-07-01): affected "i en inte
    oväsentlig utsträckning" (a low threshold, prop. 2016/17:180 s. 302)."""
    return paverkan_hits(ctx, subjects, INTE_OVASENTLIG)


@rule(
    id="fl86_11_p1_intresse",
    ground=Ground.PAVERKAN,
    level=Level.JAV,
    regime=Regime.FL,
    valid_to=date(2018, 6, 30),
    description=DESCRIPTION,
    legal_basis=["11 § första stycket 1 förvaltningslagen (1986:223)"],
    catalogue=["fl86_11_p1"],
)
def fl86_11_p1_intresse(ctx: Context, subjects: Sequence[Subject]) -> Iterator[Hit]:
    """FL (1986:223) 11 § 1 st. 1 p. second limb (until 2018-06-30): "synnerlig nytta
    eller skada" for the person or a närstående."""
    return paverkan_hits(ctx, subjects, SYNNERLIG)
