"""Ground ``generalklausul``: another special circumstance (always mojligt_jav).

Triggers (docs/legal/rules.md §2): close friendship, enmity or a manager/subordinate relation with a
party person or with a party's ställföreträdare; employment or a contract with a party
organisation (or a party operation's operator); a seat in a committee that is itself a
party; a drift/tillsyn dual role that the version's tillsynsjäv point does not catch.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from datetime import date
from typing import Any

from app.rules.context import Context, Link
from app.rules.facts import RelationFacts
from app.rules.grounds.common import hit, who
from app.rules.grounds.general_links import (
    KIN_EMPLOYED,
    colleague_hits,
    decided_dual_hits,
    kin_relation_hits,
    party_body_hits,
    relation_links,
)
from app.rules.grounds.paverkan import INTE_OVASENTLIG, SYNNERLIG
from app.rules.grounds.tvainstans import outside_body_hits
from app.rules.model import Detail, Hit, PathStep
from app.rules.participants import Member, Subject
from app.rules.registry import F, Regime, rule
from app.rules.supervision import attachments, samverkan_orgs
from app.rules.vocab import (
    EMPLOYMENT_KINDS,
    GENERAL_CLAUSE_RELATIONS,
    PARTNER_KINDS,
    SEAT_ROLES,
    STAFF_ROLES,
    BodyKind,
    DutyRole,
    Ground,
    Level,
)

RELATION = (
    "Personens relation till en part eller till en parts ställföreträdare kan göra "
    "att opartiskheten ifrågasätts (delikatessjäv).",
    "The person's relation to a party, or to a party's representative, may put "
    "impartiality in question.",
)
FORMER = (
    "Relationen upphörde {ended}. En tidigare make, maka, sambo eller registrerad "
    'partner räknas inte längre självklart som närstående, men kan vara "annan '
    'närstående" eller annars göra att opartiskheten ifrågasätts.',
    "The relationship ended on {ended}. A former spouse, sambo or registered partner is "
    'no longer a close relation as such, but may still count as "annan närstående" '
    "or otherwise put impartiality in question.",
)
EMPLOYED = (
    "{who_sv} är anställd eller uppdragstagare hos en part eller hos den som driver "
    "verksamhet som prövas; ett beroendeförhållande kan göra att opartiskheten "
    "ifrågasätts.",
    "{who_en} is employed by or contracted to a party, or the operator of an operation "
    "decided in the case; such dependence may put impartiality in question.",
)
DUAL_NO_P3 = (
    "Ärendet rör tillsyn över verksamhet som personen är knuten till. Den lydelse som "
    "gäller har ingen särskild tillsynsjävsgrund, så det prövas enligt "
    "generalklausulen.",
    "The case is supervision of an operation the person is attached to. The version "
    "in force has no separate supervision ground, so the general clause applies.",
)
DUAL_OTHER = (
    "Personen sitter i ett organ som driver samma slags verksamhet i en kommun som "
    "ingår i den tillsynsansvariga samverkan (dubbel roll som tillsynsjävet inte "
    "fångar).",
    "The person sits in a body that runs the same kind of operation in a member of "
    "the supervising co-operation (a dual role the supervision ground does not "
    "catch).",
)
KIN_ATTACHED = (
    "{who_sv} är knuten till den kommunala verksamhet som tillsynen gäller. "
    "Tillsynsjävet gäller bara personens egen koppling, men att en närstående "
    "driver eller arbetar med det som granskas kan göra att opartiskheten "
    "ifrågasätts.",
    "{who_en} is attached to the municipal operation under supervision. The "
    "supervision ground covers only the person's own link, but a close relation "
    "running or working in what is supervised may put impartiality in question.",
)
DESCRIPTION = (
    "Another special circumstance: friendship, enmity or subordination with a party (the "
    "participant's, or a närstående's friendship or enmity), a colleague's own matter, "
    "employment by a party (a närstående's: weigh whether the decision affects it), or a "
    "dual role not caught by tillsynsjäv or ställföreträdarjäv."
)

# What every version of the general clause files under it in the rule catalogue
# (docs/legal), after the version's own entries.
SITUATIONS = (
    "generalklausul_kollega",
    "generalklausul_narstaende_van_ovan",
    "generalklausul_narstaende_anstallning",
    "generalklausul_dubbel_roll_myndighetsutovning",
)


def general_clause(*, catalogue: Sequence[str], **meta: Any) -> Callable[[F], F]:
    """`@rule` for a version of the general clause: its ground, level and description are
    those of every version; `catalogue` names the version's own entries."""
    return rule(
        ground=Ground.GENERALKLAUSUL,
        level=Level.MOJLIGT_JAV,
        description=DESCRIPTION,
        catalogue=[*catalogue, *SITUATIONS],
        **meta,
    )


def former_partner(ctx: Context, rel: RelationFacts, s: Subject) -> bool:
    """A make, sambo or registrerad partner relation that ended before as_of, with someone
    who is not a närstående of the subject today (catalogue c1; docs/legal/rules.md §2
    närstående). A former husband who is her sambo again is a närstående now: the party
    and ställföreträdare grounds judge him as one (`jav`), and a second, general-clause
    finding saying that he is "no longer a close relation as such" was false and
    redundant (legal cases RR23 and RR23b, review R)."""
    return (
        rel.kind in PARTNER_KINDS
        and rel.valid_to is not None
        and rel.valid_to < ctx.as_of
        and (rel.valid_from is None or rel.valid_from <= ctx.as_of)
        and all(m.person != rel.other for m in s.circle[1:])
    )


def _relation_hits(ctx: Context, s: Subject, share_param: str) -> Iterator[Hit]:
    """Friendship, enmity or a manager relation with a party person, or a former partner
    who is one, by any route of `general_links.relation_links` (an ownership route is
    told by its own text, and for a former partner the end of the relation; ``share_param``
    names the threshold it used)."""
    past: tuple[int, ...]
    for rel in s.facts.relations:
        if rel.kind in GENERAL_CLAUSE_RELATIONS and ctx.valid(rel):
            reason, past = RELATION, ()
        elif former_partner(ctx, rel, s):
            reason, past = FORMER, (0,)
        else:
            continue
        first = PathStep(s.ref, rel.kind, rel.other)
        details: dict[str, Detail] = {"ended": rel.valid_to.isoformat() if rel.valid_to else ""}
        for route in relation_links(ctx, rel.other, share_param):
            why, extra = reason, details
            params: dict[str, Detail] = {}
            if route.owned is not None:  # the holding; for a former partner, the end date
                owned, holding = route.owned
                why = (
                    owned
                    if reason is RELATION
                    else (f"{owned[0]} {FORMER[0]}", f"{owned[1]} {FORMER[1]}")
                )
                extra = {**details, **holding}
                params = {share_param: float(ctx.param(share_param))}
            path = (first, *route.path)
            h = hit(
                s, None, Level.MOJLIGT_JAV, path, why, route.link, details=extra, parameters=params
            )
            h.past_steps = past
            yield h


def _employer_link(ctx: Context, org: str) -> Link | None:
    """How an employer reaches the case (as the party or as the party operation's
    operator); the hit carries the link, so that a name-only match shows its score and
    note (before run N only the path was kept)."""
    if ctx.is_public_body(org):
        return None  # employment by the kommun or region as such is not enough
    for link in ctx.org_targets.get(org, ()):
        if link.via != "owner":
            return link
    return None


def _employment_hits(ctx: Context, s: Subject, m: Member) -> Iterator[Hit]:
    """Employment or a contract with a party: the participant's own is dependence; a
    närstående's is never jäv by itself and the text says what to weigh (docs/legal/rules.md §3)."""
    facts = m.facts
    employed = EMPLOYED if m.relation is None else KIN_EMPLOYED
    for i in facts.interests:
        if i.kind not in EMPLOYMENT_KINDS or not ctx.valid(i):
            continue
        if i.organisation:
            link = _employer_link(ctx, i.organisation)
            if link is not None:
                yield hit(
                    s,
                    m,
                    Level.MOJLIGT_JAV,
                    (*m.prefix, PathStep(m.person, i.kind, i.organisation), *link.path),
                    employed,
                    link,
                    organisation=i.organisation,
                    details=who(ctx, m),
                )
        elif i.on_behalf_of:
            for link in ctx.person_links.get(i.on_behalf_of, ())[:1]:
                yield hit(
                    s,
                    m,
                    Level.MOJLIGT_JAV,
                    (*m.prefix, PathStep(m.person, i.kind, i.on_behalf_of), *link.path),
                    employed,
                    link,
                    details=who(ctx, m),
                )
    for a in facts.appointments:
        if a.body_kind is BodyKind.ORGANISATION and a.role in STAFF_ROLES and ctx.valid(a):
            link = _employer_link(ctx, a.body)
            if link is not None:
                yield hit(
                    s,
                    m,
                    Level.MOJLIGT_JAV,
                    (*m.prefix, PathStep(m.person, a.role, a.body), *link.path),
                    employed,
                    link,
                    organisation=a.body,
                    details=who(ctx, m),
                )


def _dual_role_hits(ctx: Context, s: Subject, no_point3: bool) -> Iterator[Hit]:
    members: set[str] | None = None
    for unit in ctx.supervised:
        found = attachments(ctx, s.facts, unit)
        if no_point3:
            if found and unit.municipal:
                yield hit(
                    s, None, Level.MOJLIGT_JAV, (*found[0].path, *unit.path), DUAL_NO_P3, unit
                )
            continue
        if found or not unit.municipal:
            continue
        members = samverkan_orgs(ctx) if members is None else members
        for a in s.facts.appointments:
            c = ctx.snapshot.committees.get(a.body) if a.body_kind is BodyKind.COMMITTEE else None
            if (
                c is None
                or a.role not in SEAT_ROLES
                or not ctx.valid(a)
                or c.ref in unit.operating
                or c.ref in ctx.family
                or c.organisation not in members
            ):
                continue
            if any(r.role is DutyRole.DRIFT and r.area == unit.area for r in c.responsibilities):
                path = (
                    PathStep(s.ref, a.role, c.ref),
                    PathStep(c.ref, "driftansvar", c.organisation),
                    *unit.path,
                )
                yield hit(s, None, Level.MOJLIGT_JAV, path, DUAL_OTHER, unit)
                break


def _kin_attachment_hits(ctx: Context, s: Subject) -> Iterator[Hit]:
    """A närstående attached to the supervised municipal operation (a seat in the body that
    runs it, drift staff, the chef line). Tillsynsjäv is personal ("han eller hon själv"),
    but a close relation running what is supervised may put impartiality in question. A
    närstående's board seat or employment in an operating company is caught already (as
    ställföreträdare or employment)."""
    for unit in ctx.supervised:
        if not unit.municipal:
            continue
        for m in s.circle[1:]:
            found = [a for a in attachments(ctx, m.facts, unit) if a.reason != "organisation"]
            if found:
                yield hit(
                    s,
                    m,
                    Level.MOJLIGT_JAV,
                    (*m.prefix, *found[0].path, *unit.path),
                    KIN_ATTACHED,
                    unit,
                    details=who(ctx, m),
                )


def general_hits(
    ctx: Context,
    subjects: Sequence[Subject],
    *,
    no_point3: bool,
    wording: str,
    kl: bool = True,
) -> Iterator[Hit]:
    """``no_point3``: the version has no tillsynsjäv point, so attachments come here.
    ``wording``: the version's paverkan wording, whose share threshold decides when a
    related person's ownership of a party counts (`general_links.relation_links`).
    ``kl``: KL rules, where earlier handling outside a municipal nämnd is assessed here
    (KL 6:31 2 st. covers only another nämnd; FL has its own instance point)."""
    if kl:
        yield from outside_body_hits(ctx, subjects)
    for s in subjects:
        yield from _relation_hits(ctx, s, f"paverkan_share_jav_{wording}")
        yield from kin_relation_hits(ctx, s)
        yield from colleague_hits(ctx, s)
        for m in s.circle:
            yield from _employment_hits(ctx, s, m)
        yield from party_body_hits(ctx, s, kl=kl)
        yield from _dual_role_hits(ctx, s, no_point3)
        yield from decided_dual_hits(ctx, s)
        yield from _kin_attachment_hits(ctx, s)


@general_clause(
    id="kl6_28_p4_general_v22",
    regime=Regime.KL6,
    valid_from=date(2022, 7, 1),
    legal_basis=["6 kap. 28 § första stycket 4 kommunallagen (2017:725)"],
    catalogue=["kl6_28_general_v22", "kl7_4_anstallda"],
)
def kl6_28_p4_general_v22(ctx: Context, subjects: Sequence[Subject]) -> Iterator[Hit]:
    """KL 6 kap. 28 § 4 p. as amended by SFS 2022:638 (from 2022-07-01): "någon annan
    särskild omständighet som gör att hans eller hennes opartiskhet i ärendet kan
    ifrågasättas". Always mojligt_jav: the assessment is the nämnd's (KL 6:30)."""
    return general_hits(ctx, subjects, no_point3=False, wording=INTE_OVASENTLIG)


@general_clause(
    id="kl6_28_p5_general_v18",
    regime=Regime.KL6,
    valid_from=date(2018, 1, 1),
    valid_to=date(2022, 6, 30),
    legal_basis=["6 kap. 28 § första stycket 5 kommunallagen (2017:725) i ursprunglig lydelse"],
    catalogue=["kl6_28_p5_general_v18"],
)
def kl6_28_p5_general_v18(ctx: Context, subjects: Sequence[Subject]) -> Iterator[Hit]:
    """KL 6 kap. 28 § 5 p., original wording (2018-01-01 - 2022-06-30): a special
    circumstance "ägnad att rubba förtroendet" to the person's impartiality."""
    return general_hits(ctx, subjects, no_point3=False, wording=SYNNERLIG)


@general_clause(
    id="kl91_6_25_p5_general",
    regime=Regime.KL6,
    valid_from=date(2003, 9, 1),
    valid_to=date(2017, 12, 31),
    legal_basis=["6 kap. 25 § 5 kommunallagen (1991:900)"],
    catalogue=["kl91_6_25_p5"],
)
def kl91_6_25_p5_general(ctx: Context, subjects: Sequence[Subject]) -> Iterator[Hit]:
    """KL (1991:900) 6 kap. 25 § 5 p. (2003-09-01 - 2017-12-31); cf. JO 1339-2017 (a
    sektionschef who was målsägande against the applicant), which cites the same clause
    of the 2017 Act, 6 kap. 28 §."""
    return general_hits(ctx, subjects, no_point3=False, wording=SYNNERLIG)


@general_clause(
    id="kl91_6_25_general_pre2003",
    regime=Regime.KL6,
    valid_to=date(2003, 8, 31),
    legal_basis=["6 kap. 25 § 4 kommunallagen (1991:900) i lydelse före 2003-09-01"],
    catalogue=["kl91_6_25_p5"],
)
def kl91_6_25_general_pre2003(ctx: Context, subjects: Sequence[Subject]) -> Iterator[Hit]:
    """KL (1991:900) 6 kap. 25 § 4 p. before SFS 2003:519 (the general clause was point 4
    until tillsynsjäv was inserted as point 3; SFS 2003:519 renumbered it 5 and changed
    the cross-references in 27 § from 4 to 5 [I: inferred from the amending act, the
    pre-2003 text itself was not seen]). No tillsynsjäv yet, so a drift/tillsyn
    attachment is assessed here (mojligt_jav)."""
    return general_hits(ctx, subjects, no_point3=True, wording=SYNNERLIG)


@general_clause(
    id="fl16_p4_general",
    regime=Regime.FL,
    valid_from=date(2018, 7, 1),
    legal_basis=["16 § första stycket 4 förvaltningslagen (2017:900)"],
    catalogue=["fl16_p4_general"],
)
def fl16_p4_general(ctx: Context, subjects: Sequence[Subject]) -> Iterator[Hit]:
    """FL (2017:900) 16 § 1 st. 4 p. (from 2018-07-01). FL has no tillsynsjäv point, so a
    state official attached to a supervised municipal operation is assessed here."""
    return general_hits(ctx, subjects, no_point3=True, wording=INTE_OVASENTLIG, kl=False)


@general_clause(
    id="fl86_11_p5_general",
    regime=Regime.FL,
    valid_to=date(2018, 6, 30),
    legal_basis=["11 § första stycket 5 förvaltningslagen (1986:223)"],
    catalogue=["fl86_11_p5"],
)
def fl86_11_p5_general(ctx: Context, subjects: Sequence[Subject]) -> Iterator[Hit]:
    """FL (1986:223) 11 § 1 st. 5 p. (until 2018-06-30): a circumstance "ägnad att rubba
    förtroendet" to the person's impartiality. JO 753-2017: plain membership of an
    interest association is not enough."""
    return general_hits(ctx, subjects, no_point3=True, wording=SYNNERLIG, kl=False)
