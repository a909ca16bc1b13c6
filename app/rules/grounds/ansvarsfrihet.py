"""Ground ``ansvarsfrihet``: discharge from liability, or electing the revisor, for a body
the member (or a närstående) sat in during the audited period (KL 5 kap. 48 §).

Period (documented choice, parameter ``ansvarsfrihet_audit_period``): the case's
``audited_from``/``audited_to`` when given; else the calendar year before as_of for
ansvarsfrihet, and from the start of that year to as_of for val of revisor. A seat
(ledamot, ersättare, ordförande, vice ordförande) in the party committee or one of its
utskott whose validity overlaps the period counts: nämnd members are treated as
"redovisningsskyldiga" for its activity (doctrine [I], docs/legal/statutes.md Q3).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import date

from app.rules.context import Context
from app.rules.facts import overlaps
from app.rules.grounds.common import hit, who
from app.rules.model import Hit, PathStep
from app.rules.participants import Subject
from app.rules.registry import Regime, rule
from app.rules.vocab import SEAT_ROLES, BodyKind, Ground, Level, Matter

REASON = (
    "{who_sv} satt i {body_sv} under hela eller delar av perioden {start} – {end} och "
    "räknas som redovisningsskyldig för {activity_sv}.{kin_sv}{deliberation_sv}",
    "{who_en} sat in {body_en} during all or part of {start} to {end} and counts as "
    "accountable for {activity_en}.{kin_en}{deliberation_en}",
)
ACTIVITY = {
    Matter.ANSVARSFRIHET: (
        ("det granskade organet", "dess verksamhet"),
        ("the audited body", "its activity"),
    ),
    Matter.VAL: (
        ("organet", "den verksamhet som revisorn ska granska"),
        ("the body", "the activity the revisor will audit"),
    ),
}
KIN = (
    " Jävet gäller även den redovisningsskyldiges närstående.",
    " The bar extends to the accountable person's close relations.",
)
DELIBERATION_2017 = (
    " Enligt 5 kap. 49 § får personen ändå delta i fullmäktiges överläggningar när "
    "revisionsberättelsen behandlas, men inte i beslutet.",
    " Under chapter 5 section 49 the person may still join fullmäktige's deliberations on "
    "the audit report, but not the decision.",
)
DELIBERATION_KIN = (
    " Rätten att delta i överläggningarna enligt 5 kap. 49 § gäller bara den som själv kan "
    "få anmärkning, inte en närstående.",
    " The right to join the deliberations under chapter 5 section 49 covers only those who "
    "can themselves be criticised, not a close relation.",
)
DELIBERATION_1991 = (
    " Kommunallagen (1991:900) hade en motsvarande regel om deltagande i överläggningarna "
    "(jfr 5 kap. 49 § KL 2017; paragrafen i 1991 års lag är inte verifierad), men inte i "
    "beslutet.",
    " The 1991 Act had a corresponding rule letting the person join the deliberations (cf. "
    "chapter 5 section 49 of the 2017 Act; the 1991 section is unverified), but not the "
    "decision.",
)
BASIS_2017 = {
    Matter.VAL: "5 kap. 48 § första stycket 1 kommunallagen (2017:725)",
    Matter.ANSVARSFRIHET: "5 kap. 48 § första stycket 2 kommunallagen (2017:725)",
}
BASIS_2017_KIN = "5 kap. 48 § andra stycket kommunallagen (2017:725)"
BASIS_2017_49 = "5 kap. 49 § kommunallagen (2017:725)"
DESCRIPTION = (
    "In fullmäktige: ansvarsfrihet for, or val of the revisor of, a body the "
    "participant or a närstående sat in during the audited period."
)


def audit_period(ctx: Context) -> tuple[date, date]:
    case = ctx.case
    if case.audited_from and case.audited_to:
        return case.audited_from, case.audited_to
    start = date(ctx.as_of.year - 1, 1, 1)
    if case.matter is Matter.VAL:
        return start, ctx.as_of
    return start, date(ctx.as_of.year - 1, 12, 31)


def _basis_2017(matter: Matter, own: bool) -> tuple[str, ...]:
    basis = [BASIS_2017[matter]]
    if not own:
        basis.insert(0, BASIS_2017_KIN)
    if matter is Matter.ANSVARSFRIHET and own:
        basis.append(BASIS_2017_49)
    return tuple(basis)


def _deliberation(matter: Matter, own: bool, modern: bool) -> tuple[str, str]:
    if matter is not Matter.ANSVARSFRIHET:
        return ("", "")
    if not own:
        return DELIBERATION_KIN if modern else ("", "")
    return DELIBERATION_2017 if modern else DELIBERATION_1991


def accountability_hits(ctx: Context, subjects: Sequence[Subject], modern: bool) -> Iterator[Hit]:
    """``modern``: KL 2017 (precise points of 5:48, 5:49 note); else KL 1991 5:20."""
    matter = ctx.case.matter
    if matter not in (Matter.ANSVARSFRIHET, Matter.VAL) or not ctx.committee_links:
        return
    start, end = audit_period(ctx)
    bodies = {
        member: committee
        for committee in ctx.committee_links
        for member in (committee, *ctx.children.get(committee, ()))
    }
    (body_sv, activity_sv), (body_en, activity_en) = ACTIVITY[matter]
    for s in subjects:
        for m in s.circle:
            own = m.relation is None
            for a in m.facts.appointments:
                audited = bodies.get(a.body)
                if (
                    audited is None
                    or a.body_kind is not BodyKind.COMMITTEE
                    or a.role not in SEAT_ROLES
                    or not overlaps(a.valid_from, a.valid_to, start, end)
                ):
                    continue
                link = ctx.committee_links[audited][0]
                path = (*m.prefix, PathStep(m.person, a.role, a.body), *link.path)
                deliberation = _deliberation(matter, own, modern)
                kin = ("", "") if own else KIN
                details = {
                    **who(ctx, m),
                    "start": start.isoformat(),
                    "end": end.isoformat(),
                    "body_sv": body_sv,
                    "body_en": body_en,
                    "activity_sv": activity_sv,
                    "activity_en": activity_en,
                    "kin_sv": kin[0],
                    "kin_en": kin[1],
                    "deliberation_sv": deliberation[0],
                    "deliberation_en": deliberation[1],
                }
                h = hit(
                    s,
                    m,
                    Level.JAV,
                    path,
                    REASON,
                    link,
                    details=details,
                    parameters={
                        "ansvarsfrihet_audit_period": str(ctx.param("ansvarsfrihet_audit_period"))
                    },
                )
                if modern:
                    h.basis = _basis_2017(matter, own)
                if a.valid_to is not None and a.valid_to < ctx.as_of:
                    h.past_steps = (len(m.prefix),)
                yield h
                break


@rule(
    id="kl5_48_ansvarsfrihet",
    ground=Ground.ANSVARSFRIHET,
    level=Level.JAV,
    regime=Regime.KL5,
    valid_from=date(2018, 1, 1),
    description=DESCRIPTION,
    legal_basis=["5 kap. 48 § kommunallagen (2017:725)", "5 kap. 49 § kommunallagen (2017:725)"],
    catalogue=["kl5_47_revision"],
)
def kl5_48_ansvarsfrihet(ctx: Context, subjects: Sequence[Subject]) -> Iterator[Hit]:
    """KL 5 kap. 48 § (from 2018-01-01; wording as amended by SFS 2019:835): one
    "redovisningsskyldig" for an activity may not take part in electing its revisor (1 st.
    1 p.) or in ansvarsfrihet for it (1 st. 2 p.); nor may a närstående (2 st.). Each
    finding cites the point and stycke that apply. 5:49 lets the accountable person (not a
    närstående) join the deliberations on the revisionsberättelse, not the decision; it
    says nothing about electing revisorer. The catalogue's kl5_47_revision "second limb of
    5:47" is in fact 5:48."""
    return accountability_hits(ctx, subjects, modern=True)


@rule(
    id="kl91_5_20_ansvarsfrihet",
    ground=Ground.ANSVARSFRIHET,
    level=Level.JAV,
    regime=Regime.KL5,
    valid_to=date(2017, 12, 31),
    description=DESCRIPTION,
    legal_basis=["5 kap. 20-20 b §§ kommunallagen (1991:900)"],
    catalogue=["kl5_47_revision"],
)
def kl91_5_20_ansvarsfrihet(ctx: Context, subjects: Sequence[Subject]) -> Iterator[Hit]:
    """KL (1991:900) 5 kap. 20-20 b §§ (until 2017-12-31): the fullmäktige jäv paragraphs
    (Lawline, "fullmäktige (5 kap. 20-20b §§)"; 20 a § amended by SFS 2006:369 with the
    revision reform, prop. 2005/06:55). Which of them held the revisor/ansvarsfrihet bar
    (most likely 20 a §) and its deliberation rule (20 b §) is UNVERIFIED: the range is
    cited, not a paragraph the bar may not be in."""
    return accountability_hits(ctx, subjects, modern=False)
