"""Links the general clause assesses beyond friendship, enmity and employment of the
participant (docs/legal/rules.md §2 generalklausul, §3; KL 6 kap. 28 § första stycket 4, FL 16 §
första stycket 4). Every hit here is ``mojligt_jav``: the nämnd weighs it (KL 6 kap. 30 §).

* a colleague's own matter: a party person holds a staff appointment in the same
  administration as the participant on as_of (a manager and a subordinate in one
  administration included);
* a närstående of the participant is a close friend or enemy of a party person;
* a närstående's employment by a party organisation: the explanation says what the nämnd
  must weigh (does the decision affect that employment; does the närstående hold a leading
  position there);
* staff attached (drift staff, chef line, works_with) to a municipal operation decided in
  myndighetsutövning for a party: a dual role that is neither tillsynsjäv nor ställföreträdarjäv;
* a seat in a committee that is itself a party, in matters other than myndighetsutövning
  (there it is ställföreträdarjäv) and, under KL, other than överprövning (there it is the
  KL 6 kap. 31 § andra stycket exception); a närstående's seat there too (since run Q);
* a related person (close friend, enemy, manager, former partner) who owns a party, its
  parent or the operator of a party operation, as far as the owner would be affected
  under the paverkan ground (since run Q, ``relation_links``).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import NamedTuple

from app.rules.context import Context, Link
from app.rules.facts import PersonFacts
from app.rules.grounds.common import hit, org_name, representations, represented_links, who
from app.rules.grounds.paverkan import Ownership, current_holdings, ownership_level
from app.rules.model import Detail, Hit, PathStep
from app.rules.participants import Subject
from app.rules.supervision import attachments
from app.rules.vocab import (
    SEAT_ROLES,
    STAFF_ROLES,
    BodyKind,
    Level,
    Matter,
    PartyRole,
    RelationKind,
)

COLLEAGUE = (
    "Personen och parten arbetar i samma förvaltning; att handlägga en kollegas eget "
    "ärende, eller ärendet för någon man är chef för eller lyder under, kan göra att "
    "opartiskheten ifrågasätts.",
    "The person and the party work in the same administration; handling a colleague's own "
    "matter, or that of one's manager or subordinate, may put impartiality in question.",
)
KIN_RELATION = (
    "{who_sv} är nära vän eller ovän med en part; en närståendes vänskap eller ovänskap med "
    "parten kan göra att opartiskheten ifrågasätts.",
    "{who_en} is a close friend of, or on hostile terms with, a party; a close relation's "
    "friendship or enmity with the party may put impartiality in question.",
)
KIN_EMPLOYED = (
    "{who_sv} är anställd eller uppdragstagare hos en part eller hos den som driver "
    "verksamhet som prövas. En närståendes anställning gör personen jävig bara om beslutet "
    "påverkar anställningen eller om den närstående har en ledande ställning där, och det "
    "visar inte registret. Nämnden måste väga om beslutet påverkar anställningen (dess "
    "bestånd, arbetsuppgifter eller villkor) och om den närstående har en ledande ställning "
    "hos arbetsgivaren.",
    "{who_en} is employed by or contracted to a party, or the operator of an operation "
    "decided in the case. A close relation's employment disqualifies only if the decision "
    "affects that employment or the close relation holds a leading position there, which "
    "the registry does not show. The committee must weigh whether the decision affects that "
    "employment (its continuation, duties or terms) and whether the close relation holds a "
    "leading position with the employer.",
)
DECIDED_DUAL = (
    "Personen arbetar i en förvaltning som betjänar den nämnd som driver den kommunala "
    "verksamhet som ärendet gäller (dubbel roll); i myndighetsutövning är det inte "
    "tillsynsjäv, men det kan göra att opartiskheten ifrågasätts.",
    "The person works in an administration serving the committee that runs the municipal "
    "operation the case concerns (a dual role); in myndighetsutövning that is not the "
    "supervision ground, but it may put impartiality in question.",
)
PARTY_BODY = (
    "Personen sitter i ett organ som självt är part i ärendet (dubbel roll).",
    "The person sits in a body that is itself a party to the case (a dual role).",
)
KIN_PARTY_BODY = (
    "{who_sv} sitter i ett organ som självt är part i ärendet. Att en närstående har en "
    "roll i det organ vars sak prövas (och kan få stå till svars för dess verksamhet) kan "
    "göra att opartiskheten ifrågasätts.",
    "{who_en} sits in a body that is itself a party to the case. A close relation's role "
    "in the body whose matter is decided (who may have to answer for its activity) may "
    "put impartiality in question.",
)
OWNED = (
    "{owner} äger {share_sv} av {org}, som är part i, berörs av eller driver verksamhet "
    "som prövas i ärendet. {test_sv} Ägaren berörs av beslutet som en part, så "
    "relationen till ägaren kan göra att opartiskheten ifrågasätts.",
    "{owner} owns {share_en} of {org}, which is a party to, affected by or runs an "
    "operation decided in the case. {test_en} The owner is affected by the decision as a "
    "party is, so the relation to the owner may put impartiality in question.",
)
OWNED_INDIRECT = (
    "{owner} äger {own_sv} av {org}, som äger {link_sv} av {party}, som är part i, berörs "
    "av eller driver verksamhet som prövas i ärendet: indirekt {share_sv}. {test_sv} "
    "Ägaren berörs av beslutet som en part, så relationen till ägaren kan göra att "
    "opartiskheten ifrågasätts.",
    "{owner} owns {own_en} of {org}, which owns {link_en} of {party}, a party to, affected "
    "by or running an operation decided in the case: {share_en} indirectly. {test_en} The "
    "owner is affected by the decision as a party is, so the relation to the owner may put "
    "impartiality in question.",
)
FRIENDSHIP = frozenset({RelationKind.NARA_VAN, RelationKind.OVAN})
STAFF_REASONS = frozenset({"drift_staff", "chef_line", "works_with"})


# How a represented organisation reaches the case for a relation to count: it is the
# party, or it runs the party operation (before run N only "party": a close friend who
# was VD of the operator was missed when the case named the operation).
RELATION_VIA = frozenset({"party", "operator"})


class Route(NamedTuple):
    """How a related person reaches the case (`relation_links`): the path from that
    person to the case, the party link, and for the ownership route the text telling the
    holding (``OWNED`` or ``OWNED_INDIRECT``) with its details."""

    path: tuple[PathStep, ...]
    link: Link
    owned: tuple[tuple[str, str], dict[str, Detail]] | None = None


def relation_links(ctx: Context, other_ref: str, share_param: str) -> Iterator[Route]:
    """How a related person reaches the case: as a party, or as ställföreträdare or ombud
    (current) for a party organisation, a party person, or the organisation running a
    party operation, by a seat in a committee that acts for a party (`_seat_link`), or as
    the owner of a party (`_owner_routes`; ``share_param`` names the paverkan threshold
    of the version applied)."""
    for link in ctx.person_links.get(other_ref, ())[:1]:
        yield Route(link.path, link)
    other = ctx.person(other_ref)
    for rep in representations(ctx, other) if other else ():
        if not ctx.valid(rep):
            continue
        for link in represented_links(ctx, rep):
            if link.via in RELATION_VIA:
                yield Route((*rep.steps, *link.path), link)
                break
    if other is not None and (seat := _seat_link(ctx, other)) is not None:
        yield Route(*seat)
    if other is not None:
        yield from _owner_routes(ctx, other, share_param)


def _owner_routes(ctx: Context, other: PersonFacts, share_param: str) -> Iterator[Route]:
    """A related person's current ownership (``agare``) of a party organisation, its parent,
    or the organisation running a party operation, where the owner would be affected
    under the paverkan ground of the version applied (KL 6 kap. 28 § 1 p., FL 16 § 1 p.;
    docs/legal/rules.md §2 paverkan): an enskild firma (it is its owner: a friend of the
    sole proprietor is a friend of the applicant) or a handelsbolag always, an aktiebolag
    at or above the dated threshold. The ownership logic is `paverkan.ownership_level`.
    Before run Q only "is a party" links, representation and seats were followed, so a
    close friend or former sambo of the sole owner of the applying firm gave nothing
    (legal cases Q05, Q41, Q45). A share below the threshold, or unknown, gives no route
    (a friend's small holding is no special circumstance by itself)."""
    threshold = float(ctx.param(share_param))
    for org, share in current_holdings(ctx, other):
        counted: list[Ownership] = []
        for link in ctx.org_targets.get(org, ()):
            judged = ownership_level(ctx, share, link, threshold, True)
            if judged.level is Level.JAV:
                counted.append(judged)
        if not counted:
            continue
        best = max(counted, key=lambda j: (not j.link.name_only, j.effective or -1.0))
        owned: dict[str, Detail] = {
            **best.details,
            "owner": other.name or other.ref,
            "org": org_name(ctx, org),
        }
        path = (PathStep(other.ref, "agare", org), *best.link.path)
        text = OWNED_INDIRECT if best.link.via == "owner" else OWNED
        yield Route(path, best.link, (text, owned))


def _seat_link(ctx: Context, other: PersonFacts) -> tuple[tuple[PathStep, ...], Link] | None:
    """A current seat of a related person in a committee that is itself a party, or that
    runs an operation the case supervises or decides: the committee's members act for it,
    as the engine holds for the participant's own seat there (docs/legal-review.md section
    0, judgement 1). Before run P a close friend of the chair of the nämnd that applied,
    or that ran the supervised plant, was not seen, while a friend who was a supervised
    company's VD was. Not the handling committee's own family (its members are each
    other's colleagues in every case)."""
    seats = [
        a
        for a in other.appointments
        if a.body_kind is BodyKind.COMMITTEE
        and a.role in SEAT_ROLES
        and a.body not in ctx.family
        and ctx.valid(a)
    ]
    for a in seats:
        for link in ctx.committee_links.get(a.body, ()):
            if link.role is not PartyRole.TILLSYNSOBJEKT:  # supervision: the units below
                return (PathStep(other.ref, a.role, a.body), *link.path), link
    for unit in (*ctx.supervised, *ctx.decided):
        for a in seats:
            steps = unit.operating.get(a.body)
            if steps is not None:
                role = PartyRole(unit.path[-1].relation)
                link = Link(
                    unit.ref, unit.path, role, "party", None, 1.0, unit.name_only, unit.score
                )
                return (PathStep(other.ref, a.role, a.body), *steps, *unit.path), link
    return None


def colleague_hits(ctx: Context, s: Subject) -> Iterator[Hit]:
    """A party person on the staff of an administration where the participant works."""
    mine = {
        a.body: a.role
        for a in s.facts.appointments
        if a.body_kind is BodyKind.ADMINISTRATION and a.role in STAFF_ROLES and ctx.valid(a)
    }
    if not mine:
        return
    for party_ref, links in sorted(ctx.person_links.items()):
        party = ctx.person(party_ref)
        if party is None or party_ref == s.ref:
            continue
        for a in party.appointments:
            if (
                a.body_kind is BodyKind.ADMINISTRATION
                and a.role in STAFF_ROLES
                and a.body in mine
                and ctx.valid(a)
            ):
                link = links[0]
                path = (
                    PathStep(s.ref, mine[a.body], a.body),
                    PathStep(party_ref, a.role, a.body),
                    *link.path,
                )
                yield hit(s, None, Level.MOJLIGT_JAV, path, COLLEAGUE, link)
                break


def kin_relation_hits(ctx: Context, s: Subject) -> Iterator[Hit]:
    """A närstående's close friendship or enmity with a party person (rules.md §2: "a
    närstående of the participant has nara_van or ovan with a party person"). Not with a
    party organisation's ställföreträdare: the loader reads relations of the screened
    persons and the party persons, both ways, so a närstående's relation to anyone else is
    not in the snapshot and a rule reading it would differ between the API and a replay.
    Relations within the participant's circle are the participant's own links."""
    circle = {m.person for m in s.circle}
    for m in s.circle[1:]:
        for rel in m.facts.relations:
            if rel.kind not in FRIENDSHIP or rel.other in circle or not ctx.valid(rel):
                continue
            first = PathStep(m.person, rel.kind, rel.other)
            for link in ctx.person_links.get(rel.other, ())[:1]:
                yield hit(
                    s,
                    m,
                    Level.MOJLIGT_JAV,
                    (*m.prefix, first, *link.path),
                    KIN_RELATION,
                    link,
                    details=who(ctx, m),
                )


def decided_dual_hits(ctx: Context, s: Subject) -> Iterator[Hit]:
    """Staff attached to a municipal operation decided for a party in myndighetsutövning
    (seats there are ställföreträdarjäv; board and employment links are caught already)."""
    for unit in ctx.decided:
        found = [a for a in attachments(ctx, s.facts, unit) if a.reason in STAFF_REASONS]
        if found:
            path = (*found[0].path, *unit.path)
            yield hit(s, None, Level.MOJLIGT_JAV, path, DECIDED_DUAL, unit)


def party_body_hits(ctx: Context, s: Subject, *, kl: bool) -> Iterator[Hit]:
    """A seat of the participant or a närstående in a committee that is itself a party
    (rules.md §2 generalklausul: "a seat in a committee that is itself a party"; KL 6 kap.
    28 § 4 p., FL 16 § 1 p. 4). Not for supervision of it (tillsynsjäv), not where it is
    ställföreträdarjäv (myndighetsutövning; a närstående's seat there too), and under KL
    not in överprövning: sitting in the committee whose decision is reviewed is earlier
    handling in another nämnd (KL 6 kap. 31 § andra stycket, an undantag). Only a
    committee that is a party itself, never one merely linked to a party. Before run Q a
    närstående's seat gave nothing: a revisor whose sambo sits in the reviewed
    socialnämnd was clear (KL 12 kap. 14 § with 6 kap. 28 § 4 p.; the sambo may face
    anmärkning, 12 kap. 13 §), while a close friend's seat was flagged (legal case Q29)."""
    if kl and ctx.case.matter is Matter.OVERPROVNING:
        return
    decided = {u.ref for u in ctx.decided}
    for m in s.circle:
        for a in m.facts.appointments:
            if (
                a.body_kind is not BodyKind.COMMITTEE
                or a.role not in SEAT_ROLES
                or a.body in ctx.family
                or a.body in decided
                or not ctx.valid(a)
            ):
                continue
            for link in ctx.committee_links.get(a.body, ())[:1]:
                if link.role is PartyRole.TILLSYNSOBJEKT:
                    continue  # supervision of that body: tillsynsjäv / the dual-role test
                own = m.relation is None
                yield hit(
                    s,
                    None if own else m,
                    Level.MOJLIGT_JAV,
                    (*m.prefix, PathStep(m.person, a.role, a.body), *link.path),
                    PARTY_BODY if own else KIN_PARTY_BODY,
                    link,
                    details=None if own else who(ctx, m),
                )
