"""Ground ``ansvarsfrihet``: discharge from liability, or electing the revisor, for a body
the member (or a närstående) sat in during the audited period (KL 5 kap. 48 §).

Period (documented choice, parameter ``ansvarsfrihet_audit_period``): the case's
``audited_from``/``audited_to`` when given; else the calendar year before as_of for
ansvarsfrihet, and from the start of that year to as_of for val of revisor. A seat
(ledamot, ersättare, ordförande, vice ordförande) in the party committee or one of its
utskott whose validity overlaps the period counts: nämnd members are treated as
"redovisningsskyldiga" for its activity (doctrine [I], kl-verification Q3).
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

REASON = ("{who_sv} satt i det granskade organet under perioden {start} – {end} och räknas "
          "som redovisningsskyldig för dess verksamhet. {deliberation_sv}",
          "{who_en} sat in the audited body during {start} to {end} and counts as "
          "accountable for its activity. {deliberation_en}")
DELIBERATION_2017 = (
    "Enligt 5 kap. 49 § får den som kan få anmärkning ändå delta i fullmäktiges "
    "överläggningar om revisionsberättelsen (och nämndens ordförande och vice ordförande i "
    "överläggningen om den egna nämnden), men inte i beslutet.",
    "Under chapter 5 section 49 the person may still join fullmäktige's deliberations on the "
    "audit report (as may the committee's chair and vice chair), but not the decision.")
DELIBERATION_1991 = (
    "Kommunallagen (1991:900) hade en motsvarande regel om deltagande i överläggningarna "
    "(jfr 5 kap. 49 § KL 2017; paragrafen i 1991 års lag är inte verifierad), men inte i "
    "beslutet.",
    "The 1991 Act had a corresponding rule letting the person join the deliberations (cf. "
    "chapter 5 section 49 of the 2017 Act; the 1991 section is unverified), but not the "
    "decision.")
DESCRIPTION = "In fullmäktige: ansvarsfrihet for, or val of the revisor of, a body the " \
    "participant or a närstående sat in during the audited period."


def audit_period(ctx: Context) -> tuple[date, date]:
    case = ctx.case
    if case.audited_from and case.audited_to:
        return case.audited_from, case.audited_to
    start = date(ctx.as_of.year - 1, 1, 1)
    if case.matter is Matter.VAL:
        return start, ctx.as_of
    return start, date(ctx.as_of.year - 1, 12, 31)


def accountability_hits(ctx: Context, subjects: Sequence[Subject],
                        deliberation: tuple[str, str]) -> Iterator[Hit]:
    if ctx.case.matter not in (Matter.ANSVARSFRIHET, Matter.VAL) or not ctx.committee_links:
        return
    start, end = audit_period(ctx)
    bodies = {
        member: committee for committee in ctx.committee_links
        for member in (committee, *ctx.children.get(committee, ()))
    }
    for s in subjects:
        for m in s.circle:
            for a in m.facts.appointments:
                audited = bodies.get(a.body)
                if (audited is None or a.body_kind is not BodyKind.COMMITTEE
                        or a.role not in SEAT_ROLES
                        or not overlaps(a.valid_from, a.valid_to, start, end)):
                    continue
                link = ctx.committee_links[audited][0]
                path = (*m.prefix, PathStep(m.person, a.role, a.body), *link.path)
                details = {**who(ctx, m), "start": start.isoformat(), "end": end.isoformat(),
                           "deliberation_sv": deliberation[0], "deliberation_en": deliberation[1]}
                yield hit(s, m, Level.JAV, path, REASON, link, details=details,
                          parameters={"ansvarsfrihet_audit_period": str(
                              ctx.param("ansvarsfrihet_audit_period"))})
                break


@rule(id="kl5_48_ansvarsfrihet", ground=Ground.ANSVARSFRIHET, level=Level.JAV,
      regime=Regime.KL5, valid_from=date(2018, 1, 1), description=DESCRIPTION,
      legal_basis=["5 kap. 48 § kommunallagen (2017:725)", "5 kap. 49 § kommunallagen (2017:725)"],
      catalogue=["kl5_47_revision"])
def kl5_48_ansvarsfrihet(ctx: Context, subjects: Sequence[Subject]) -> Iterator[Hit]:
    """KL 5 kap. 48 § (from 2018-01-01; wording as amended by SFS 2019:835): one
    "redovisningsskyldig" for an activity, or a närstående, may not take part in electing
    its revisor or in ansvarsfrihet for it. 5:49 lets them join the deliberations, not the
    decision. The catalogue's kl5_47_revision "second limb of 5:47" is in fact 5:48."""
    return accountability_hits(ctx, subjects, DELIBERATION_2017)


@rule(id="kl91_5_20_ansvarsfrihet", ground=Ground.ANSVARSFRIHET, level=Level.JAV,
      regime=Regime.KL5, valid_to=date(2017, 12, 31), description=DESCRIPTION,
      legal_basis=["5 kap. 20 § kommunallagen (1991:900)"], catalogue=["kl5_47_revision"])
def kl91_5_20_ansvarsfrihet(ctx: Context, subjects: Sequence[Subject]) -> Iterator[Hit]:
    """KL (1991:900) 5 kap. 20 § (until 2017-12-31). The stycke holding the revisor/
    ansvarsfrihet bar, and the section of its deliberation rule, are UNVERIFIED."""
    return accountability_hits(ctx, subjects, DELIBERATION_1991)
