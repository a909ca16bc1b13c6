"""Structural risks of a screened tillsyn case (level ``risk``, docs/legal/rules.md §4)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from app.rules.context import Context, Supervised
from app.rules.model import Detail, PathStep, StructuralHit
from app.rules.regime import FL2017_START, KL1991_START, KL2017_START, TILLSYNSJAV_START
from app.rules.registry import Regime, rule
from app.rules.supervision import attachments
from app.rules.vocab import CommitteeKind, DutyRole, Ground, Level, OrgKind

# Kommunalförbund came into KL 1991 (3 kap. 20-28 §§) by SFS 1997:550 from 1998-01-01;
# before, kommunalförbundslagen (1985:894) governed them (prop. 1996/97:105).
FORBUND_IN_KL_START = date(1998, 1, 1)
# The gemensam nämnd came into KL 1991 (3 kap. 3 a-3 c §§) by the same SFS 1997:550, from
# 1997-08-01 (prop. 1996/97:105 proposed that date for it; the in-force sentence of the SFS
# itself was not read: docs/legal-review.md section 6). Before it, only a trial law let
# several landsting share one nämnd, for health care: lag (1995:1285), 1996-2000.
GEMENSAM_IN_KL_START = date(1997, 8, 1)
GEMENSAM_TRIAL_START = date(1996, 1, 1)

JO = "JO 581-2004 (drift och tillsyn i samma nämnd eller med samma personal)"
EGEN_DECIDED = (
    "Den handläggande nämnden (eller dess utskott) driver själv den verksamhet som "
    "myndighetsutövningen gäller och är därmed sin egen tillsynsmyndighet; enligt JO "
    "581-2004 ska drift och tillsyn inte ligga i samma nämnd.",
    "The handling committee (or its sub-committee) itself runs the operation the decision "
    "concerns and so supervises itself; JO 581-2004 reads the supervision ground as barring "
    "drift and tillsyn in one committee.",
)
EGEN = (
    "Den handläggande nämnden (eller dess utskott) driver själv den verksamhet som "
    "tillsynen gäller; enligt JO 581-2004 får drift och tillsyn inte ligga i samma nämnd.",
    "The handling committee (or its sub-committee) itself runs the supervised operation; "
    "JO 581-2004 reads the supervision ground as barring drift and tillsyn in one "
    "committee.",
)
DUBBLA = (
    "Deltagare som sitter i eller arbetar för både det tillsynande organet och det "
    "organ som driver verksamheten ({count}): {names}.",
    "Participants who sit in or work for both the supervising body and the body "
    "running the operation ({count}): {names}.",
)
DELAD = (
    "Förvaltningen {admin} betjänar både den tillsynsansvariga nämnden och den nämnd "
    "som driver verksamheten; samma personal kan hantera drift och tillsyn.",
    "The administration {admin} serves both the supervising committee and the committee "
    "running the operation; the same staff may handle drift and tillsyn.",
)
DUBBLA_DECIDED = (
    "Deltagare som sitter i eller arbetar för både den nämnd som prövar ärendet och det "
    "organ som driver den kommunala verksamhet som är part ({count}): {names}.",
    "Participants who sit in or work for both the committee deciding the case and the body "
    "running the municipal operation that is a party ({count}): {names}.",
)
DELAD_DECIDED = (
    "Förvaltningen {admin} betjänar både den nämnd som prövar ärendet och den nämnd som "
    "driver den kommunala verksamhet som är part; samma personal kan hantera driften och "
    "myndighetsutövningen.",
    "The administration {admin} serves both the committee deciding the case and the "
    "committee running the municipal operation that is a party; the same staff may handle "
    "the operation and the decision.",
)
SAMVERKAN = (
    "Tillsynen utövas inom {form_sv}, och verksamheten drivs av {org}, som är "
    "{role_sv} i samverkan.",
    "Supervision is exercised within {form_en}, and the operation is run by {org}, its {role_en}.",
)


def tillsyn_basis(day: date) -> str:
    if day < KL1991_START:
        return "kommunallagen (1977:179) (gällde före 1992-01-01; inte modellerad)"
    if day >= KL2017_START:
        return "6 kap. 28 § första stycket 3 kommunallagen (2017:725)"
    if day >= TILLSYNSJAV_START:
        return "6 kap. 25 § 3 kommunallagen (1991:900)"
    return "6 kap. 25 § kommunallagen (1991:900) (generalklausulen; tillsynsjäv från 2003-09-01)"


def decided_basis(day: date) -> str:
    """The ställföreträdare point that applies to myndighetsutövning over a municipal
    operation that is a party (docs/legal/rules.md §2 stallforetradare)."""
    if day >= KL2017_START:
        return "6 kap. 28 § första stycket 2 kommunallagen (2017:725)"
    return "6 kap. 25 § 2 kommunallagen (1991:900)"


def _units(ctx: Context) -> Iterator[tuple[Supervised, str, bool]]:
    """(unit, basis, decided): supervised units cite tillsynsjäv, units decided in
    myndighetsutövning cite the ställföreträdare point."""
    for unit in ctx.supervised:
        yield unit, tillsyn_basis(ctx.as_of), False
    for unit in ctx.decided:
        yield unit, decided_basis(ctx.as_of), True


def _name(ctx: Context, ref: str) -> str:
    return ctx.names(ref)


@rule(
    id="struct_egen_tillsyn",
    ground=Ground.EGEN_TILLSYN,
    level=Level.RISK,
    regime=Regime.KL6,
    description="The handling committee (or its utskott) runs the supervised operation.",
    legal_basis=["6 kap. 28 § första stycket 3 kommunallagen (2017:725)", JO],
    catalogue=["struct_same_namnd_drift_tillsyn", "myndighetsutovning_egen_verksamhet"],
)
def struct_egen_tillsyn(ctx: Context) -> Iterator[StructuralHit]:
    """Derived from KL 6 kap. 28 § 3 p. (KL 1991 6:25 3 p. from 2003-09-01) and JO
    581-2004: the committee is the operator, one of its utskott is, or it holds the drift
    responsibility for the operation's area in that municipality. "Supervised" includes
    myndighetsutövning over a municipal operation that is a party (docs/legal/rules.md §4): a nämnd
    granting a bygglov for a building it runs is its own supervisor."""
    for unit, basis, decided in _units(ctx):
        runs = sorted(c for c in ctx.family if c in unit.operating)
        if runs:
            yield StructuralHit(
                ctx.case.committee,
                EGEN_DECIDED if decided else EGEN,
                path=unit.operating[runs[0]],
                basis=(basis, JO),
                operation=_op(unit),
                organisation=unit.operator_org,
                area=unit.area,
                match_score=_score(unit),
            )


def _op(unit: Supervised) -> str | None:
    return None if unit.operator_org == unit.ref else unit.ref


def _score(unit: Supervised) -> float | None:
    """The unit's name-only match score: the engine says the risk rests on it."""
    return unit.score if unit.name_only else None


@rule(
    id="struct_dubbla_roller",
    ground=Ground.DUBBLA_ROLLER,
    level=Level.RISK,
    regime=Regime.KL6,
    description="A participant sits in or works for both the "
    "supervising body and the body running the supervised operation.",
    legal_basis=["6 kap. 28 § första stycket 3 kommunallagen (2017:725)"],
    catalogue=[
        "struct_cross_body_link",
        "struct_same_staff_drift_tillsyn",
        "myndighetsutovning_egen_verksamhet",
    ],
)
def struct_dubbla_roller(ctx: Context) -> Iterator[StructuralHit]:
    """A participant of the supervising case attached (see app.rules.supervision) to an
    operating body other than the handling committee itself (that case is egen_tillsyn)."""
    for unit, basis, decided in _units(ctx):
        persons = tuple(
            sorted(
                {
                    s.ref
                    for s in ctx.subjects
                    if any(not a.in_family for a in attachments(ctx, s.facts, unit))
                }
            )
        )
        if persons:
            names = ", ".join(_name(ctx, p) for p in persons)
            yield StructuralHit(
                ctx.case.committee,
                DUBBLA_DECIDED if decided else DUBBLA,
                basis=(basis,),
                operation=_op(unit),
                area=unit.area,
                match_score=_score(unit),
                persons=persons,
                details={"count": len(persons), "names": names},
            )


@rule(
    id="struct_delad_forvaltning",
    ground=Ground.DELAD_FORVALTNING,
    level=Level.RISK,
    regime=Regime.KL6,
    description="One administration serves both the supervising "
    "committee and a different committee that runs the supervised operation.",
    legal_basis=["6 kap. 28 § första stycket 3 kommunallagen (2017:725)", JO],
    catalogue=[
        "struct_same_staff_drift_tillsyn",
        "myndighetsutovning_egen_verksamhet",
        "avtal_tillsynssida",
    ],
)
def struct_delad_forvaltning(ctx: Context) -> Iterator[StructuralHit]:
    """JO 581-2004 ("samma personer inom förvaltningen") and the Östra Göinge case: the
    shared administration is flagged; its staff are attached personally only per
    app.rules.supervision (chef line, works_with drift)."""
    for unit, unit_basis, decided in _units(ctx):
        operating = set(unit.operating) - ctx.family
        for ref in sorted(ctx.snapshot.administrations):
            admin = ctx.snapshot.administrations[ref]
            served = set(admin.serves)
            if served & ctx.supervising_side and served & operating:
                path = (
                    PathStep(ref, "betjanar", sorted(served & ctx.supervising_side)[0]),
                    PathStep(ref, "betjanar", sorted(served & operating)[0]),
                )
                yield StructuralHit(
                    ctx.case.committee,
                    DELAD_DECIDED if decided else DELAD,
                    path=path,
                    basis=(unit_basis, JO),
                    operation=_op(unit),
                    administration=ref,
                    area=unit.area,
                    match_score=_score(unit),
                    details={"admin": admin.name or ref},
                )


def gemensam_basis(day: date) -> str:
    """The statute a gemensam nämnd stood on on `day`. Before KL had the form, the set-up
    is still flagged (the host runs what the nämnd supervises), citing what there was."""
    if day >= KL2017_START:
        return "9 kap. 19 och 20 §§ kommunallagen (2017:725)"
    if day >= GEMENSAM_IN_KL_START:
        return "3 kap. 3 a § kommunallagen (1991:900)"
    if day >= GEMENSAM_TRIAL_START:
        return (
            "lag (1995:1285) om försöksverksamhet med gemensam nämnd för flera landsting "
            "(bara landsting; kommunallagen (1991:900) 3 kap. 3 a § gäller från 1997-08-01)"
        )
    return (
        "ingen lagform för gemensam nämnd (kommunallagen (1991:900) 3 kap. 3 a § från 1997-08-01)"
    )


def _forms(ctx: Context) -> list[tuple[str, str, set[str], str]]:
    """(form, basis, organisations, role) of the supervising co-operation."""
    committee, home = ctx.namnd, ctx.organisation  # an utskott acts for its nämnd
    if committee is None:
        return []
    modern = ctx.as_of >= KL2017_START
    forms: list[tuple[str, str, set[str], str]] = []
    if committee.kind is CommitteeKind.GEMENSAM_NAMND:
        basis = gemensam_basis(ctx.as_of)
        forms.append(("gemensam", basis, {committee.organisation}, "host"))
        forms.append(("gemensam", basis, set(committee.participants), "participant"))
    if home is not None and home.kind is OrgKind.KOMMUNALFORBUND:
        basis = (
            "9 kap. 1 § kommunallagen (2017:725)"
            if modern
            else "3 kap. 20 § kommunallagen (1991:900)"
            if ctx.as_of >= FORBUND_IN_KL_START
            else "kommunalförbundslagen (1985:894)"
        )
        forms.append(("forbund", basis, {home.ref}, "host"))
        forms.append(("forbund", basis, set(home.members), "member"))
    return forms


FORM_TEXT = {
    "gemensam": ("en gemensam nämnd", "a joint committee (gemensam nämnd)"),
    "forbund": ("ett kommunalförbund", "a local federation (kommunalförbund)"),
    "avtal": ("avtalssamverkan", "a co-operation agreement (avtalssamverkan)"),
}
ROLE_TEXT = {
    "host": ("värdkommun", "host"),
    "participant": ("deltagare", "participant"),
    "member": ("medlem", "member"),
    "performer": ("utförare", "performer"),
}


def _runners(ctx: Context, unit: Supervised) -> set[str]:
    """The organisations that run the unit: the operating committees' organisations, the
    operator, and the kommuner, regioner or förbund that control the operator through
    their companies (each level at least `municipal_share_min`): a kommun runs what its
    wholly owned company runs (KL 10 kap. 1 §; `indexes.is_municipal` reads the same
    chain for tillsynsjäv). Before run P only the company itself counted, so a
    gemensam nämnd supervising a participant's company's plant raised no risk."""
    committees = ctx.snapshot.committees
    runners = {committees[c].organisation for c in unit.operating if c in committees}
    if unit.operator_org:
        runners |= {unit.operator_org, *ctx.municipal_controllers(unit.operator_org)}
    return runners


def _agreement_forms(ctx: Context, unit: Supervised) -> list[tuple[str, str, set[str], str]]:
    home = ctx.committee.organisation if ctx.committee else None
    areas = {unit.area, ctx.case.area}
    if ctx.namnd:
        areas |= {r.area for r in ctx.namnd.responsibilities if r.role is DutyRole.TILLSYN}
    found = []
    for ag in ctx.snapshot.agreements.values():
        if ag.role is not DutyRole.TILLSYN or ag.area not in areas or not ctx.valid(ag):
            continue
        in_territory = unit.municipality is None or unit.municipality in ag.principals
        if home in ag.principals or (home == ag.performer and in_territory):
            basis = (
                "9 kap. 37 § kommunallagen (2017:725)"
                if ctx.as_of >= FL2017_START
                else f"avtal {ag.ref} (avtalssamverkan före KL 9 kap. 37 §, sektorsregler; "
                "overifierat)"
            )
            found.append(("avtal", basis, {ag.performer}, "performer"))
    return found


@rule(
    id="struct_samverkan_egen_drift",
    ground=Ground.SAMVERKAN_EGEN_DRIFT,
    level=Level.RISK,
    regime=Regime.KL6,
    description="Under a gemensam nämnd, kommunalförbund or "
    "avtalssamverkan, the host, a participant/member or the performer runs the operation.",
    legal_basis=[
        "6 kap. 28 § första stycket 3 kommunallagen (2017:725)",
        "9 kap. 19 och 20 §§ kommunallagen (2017:725)",
        "9 kap. 1 § kommunallagen (2017:725)",
        "9 kap. 37 § kommunallagen (2017:725)",
    ],
    catalogue=["struct_cross_body_link", "kl9_37_avtal", "myndighetsutovning_egen_verksamhet"],
)
def struct_samverkan_egen_drift(ctx: Context) -> Iterator[StructuralHit]:
    """KL 9 kap. 19-35 §§ (gemensam nämnd, part of the host's organisation, prop.
    1996/97:105), 9 kap. 1-18 §§ (förbund), 9 kap. 37 § (avtalssamverkan, from 2018-07-01;
    the performer's staff are screened as the principal's). No precedent found on jäv in
    these forms (docs/legal/sources.md e, UNVERIFIED): flagged as a risk, not a personal finding."""
    for unit, unit_basis, _ in _units(ctx):
        runners = _runners(ctx, unit)
        seen: set[tuple[str, str]] = set()
        for form, basis, orgs, role in [*_forms(ctx), *_agreement_forms(ctx, unit)]:
            for org in sorted(runners & orgs):
                if (form, org) in seen:
                    continue
                seen.add((form, org))
                details: dict[str, Detail] = {
                    "form_sv": FORM_TEXT[form][0],
                    "form_en": FORM_TEXT[form][1],
                    "org": _name(ctx, org),
                    "role_sv": ROLE_TEXT[role][0],
                    "role_en": ROLE_TEXT[role][1],
                }
                yield StructuralHit(
                    ctx.case.committee,
                    SAMVERKAN,
                    basis=(unit_basis, basis),
                    operation=_op(unit),
                    organisation=org,
                    area=unit.area,
                    match_score=_score(unit),
                    details=details,
                )
