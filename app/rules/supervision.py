"""Supervised units and who is "knuten till" them (KL 6 kap. 28 § 3 p., docs/legal/rules.md §2).

Attached ("knuten till") to a supervised municipal operation are, on as_of:

* a ledamot, ersättare, ordförande or vice ordförande of a committee that runs it (the
  operator committee, its utskott or parent nämnd, a committee holding the drift
  responsibility for its area in that municipality, or the board-type committee of the
  operating company or förbund), also when that committee is the handling committee;
* a board member, deputy, VD or employee of the operating organisation (not of a kommun
  or region as such: being employed by the kommun is not enough, docs/legal/sources.md c7);
* staff of an administration that serves an operating committee and not the supervising
  side (drift staff; under avtalssamverkan the supervising side includes the performer's
  committee holding the tillsyn responsibility, :meth:`SnapshotIndex.supervising_side`);
* the förvaltningschef of any administration serving an operating committee (chef line);
* staff of a shared administration whose ``works_with`` says drift in the unit's area.

Other staff of a shared administration are not attached by that alone; the set-up is
reported as ``delad_forvaltning`` instead.
"""

from __future__ import annotations

from typing import NamedTuple

from app.rules.facts import PersonFacts
from app.rules.indexes import Link, SnapshotIndex, Supervised
from app.rules.model import PathStep
from app.rules.vocab import (
    BOARD_ROLES,
    SEAT_ROLES,
    STAFF_ROLES,
    AppointmentRole,
    BodyKind,
    DutyRole,
    InterestKind,
    OrgKind,
)

ORG_ATTACHING_INTERESTS = frozenset(
    {
        InterestKind.STYRELSELEDAMOT,
        InterestKind.STYRELSESUPPLEANT,
        InterestKind.VD,
        InterestKind.FIRMATECKNARE,
        InterestKind.ANSTALLD,
    }
)


class Attachment(NamedTuple):
    path: tuple[PathStep, ...]  # from the person to the supervised unit
    body: str  # the operating body the attachment runs through
    reason: str  # seat | organisation | drift_staff | chef_line | works_with
    in_family: bool  # the body is the handling committee (or its utskott/parent)


def _operating_for(
    ctx: SnapshotIndex,
    area: str,
    municipality: str | None,
    operator_committee: str | None,
    operator_org: str | None,
    unit_ref: str,
) -> dict[str, tuple[PathStep, ...]]:
    operating: dict[str, tuple[PathStep, ...]] = {}
    if operator_committee:
        operating[operator_committee] = (PathStep(operator_committee, "driver", unit_ref),)
        last = operating[operator_committee]
        for kin in ctx.kin(operator_committee)[1:]:
            kin_c = ctx.snapshot.committees.get(kin)
            relation = "har_utskott" if kin_c and kin_c.parent is None else "utskott_till"
            operating.setdefault(kin, (PathStep(kin, relation, operator_committee), *last))
    if operator_org and not ctx.is_public_body(operator_org):
        tail = (PathStep(operator_org, "driver", unit_ref),) if operator_org != unit_ref else ()
        for ref in ctx.governing(operator_org):
            operating.setdefault(ref, (PathStep(ref, "styr", operator_org), *tail))
    places = [p for p in (municipality, operator_org) if p and ctx.is_public_body(p)]
    for place in places:
        for ref in ctx.drift_index.get((area, place), ()):
            for kin in ctx.kin(ref):
                operating.setdefault(kin, (PathStep(kin, "driftansvar", unit_ref),))
    return operating


def supervised_operation(ctx: SnapshotIndex, op_ref: str, link: Link) -> Supervised:

    op = ctx.snapshot.operations.get(op_ref)
    if op is None:
        return Supervised(op_ref, link.path, ctx.case.area, None, None, {}, False)
    operator_c = op.operator_committee
    operating = _operating_for(
        ctx, op.area, op.municipality, operator_c, op.operator_organisation, op_ref
    )
    orgs = ctx.snapshot.organisations
    committee = ctx.snapshot.committees.get(operator_c) if operator_c else None
    owner = (
        orgs.get(committee.organisation) if committee else orgs.get(op.operator_organisation or "")
    )
    municipal = (committee is not None and owner is None) or ctx.is_municipal(owner)
    return Supervised(
        op_ref,
        link.path,
        op.area,
        op.municipality,
        op.operator_organisation,
        operating,
        municipal,
        link.name_only,
        link.score,
    )


def supervised_organisation(ctx: SnapshotIndex, org_ref: str, link: Link) -> Supervised:

    org = ctx.snapshot.organisations.get(org_ref)
    municipality = org_ref if org and org.kind in (OrgKind.KOMMUN, OrgKind.REGION) else None
    operating = _operating_for(ctx, ctx.case.area, municipality, None, org_ref, org_ref)
    return Supervised(
        org_ref,
        link.path,
        ctx.case.area,
        municipality,
        org_ref,
        operating,
        ctx.is_municipal(org),
        link.name_only,
        link.score,
    )


def supervised_committee(ctx: SnapshotIndex, committee_ref: str, link: Link) -> Supervised:
    """Tillsyn over the activity of a committee given as party (tillsynsobjekt): the
    committee itself, its utskott and its parent nämnd run the supervised activity."""

    committee = ctx.snapshot.committees.get(committee_ref)
    if committee is None:
        return Supervised(committee_ref, link.path, ctx.case.area, None, None, {}, False)
    operating: dict[str, tuple[PathStep, ...]] = {committee_ref: ()}
    for kin in ctx.kin(committee_ref)[1:]:
        kin_c = ctx.snapshot.committees.get(kin)
        relation = "har_utskott" if kin_c and kin_c.parent is None else "utskott_till"
        operating.setdefault(kin, (PathStep(kin, relation, committee_ref),))
    owner = ctx.snapshot.organisations.get(committee.organisation)
    municipal = owner is None or ctx.is_municipal(owner)
    return Supervised(
        committee_ref,
        link.path,
        ctx.case.area,
        committee.organisation,
        None,
        operating,
        municipal,
        link.name_only,
        link.score,
    )


def _seat(
    ctx: SnapshotIndex, person: str, a_body: str, role: str, unit: Supervised
) -> Attachment | None:
    path = unit.operating.get(a_body)
    if path is None:
        return None
    return Attachment((PathStep(person, role, a_body), *path), a_body, "seat", a_body in ctx.family)


def _admin(
    ctx: SnapshotIndex,
    person: str,
    admin_ref: str,
    role: AppointmentRole,
    works_drift: bool,
    unit: Supervised,
) -> Attachment | None:
    admin = ctx.snapshot.administrations.get(admin_ref)
    if admin is None:
        return None
    served = [c for c in admin.serves if c in unit.operating]
    if not served:
        return None
    committee = sorted(served)[0]
    # Under avtalssamverkan the performer's tillsyn committee is on the supervising side.
    shared = any(c in ctx.supervising_side for c in admin.serves)
    if role is AppointmentRole.FORVALTNINGSCHEF:
        reason = "chef_line"
    elif not shared:
        reason = "drift_staff"
    elif works_drift:
        reason = "works_with"
    else:
        return None
    path = (
        PathStep(person, role, admin_ref),
        PathStep(admin_ref, "betjanar", committee),
        *unit.operating[committee],
    )
    return Attachment(path, admin_ref, reason, committee in ctx.family)


def _organisation(person: str, org: str, relation: str, unit: Supervised) -> Attachment:
    tail = (PathStep(org, "driver", unit.ref),) if org != unit.ref else ()
    return Attachment((PathStep(person, relation, org), *tail), org, "organisation", False)


def attachments(ctx: SnapshotIndex, facts: PersonFacts, unit: Supervised) -> list[Attachment]:
    """Current attachments of a person to a supervised unit, most direct first."""
    found: list[Attachment] = []
    person, operator = facts.ref, unit.operator_org
    org_counts = operator is not None and not ctx.is_public_body(operator)
    for a in facts.appointments:
        if not ctx.valid(a):
            continue
        hit: Attachment | None = None
        if a.body_kind is BodyKind.COMMITTEE and a.role in SEAT_ROLES:
            hit = _seat(ctx, person, a.body, a.role, unit)
        elif a.body_kind is BodyKind.ADMINISTRATION and a.role in STAFF_ROLES:
            drift = any(w.area == unit.area and w.role is DutyRole.DRIFT for w in a.works_with)
            hit = _admin(ctx, person, a.body, a.role, drift, unit)
        elif (
            a.body_kind is BodyKind.ORGANISATION
            and org_counts
            and a.body == operator
            and (a.role in BOARD_ROLES or a.role in STAFF_ROLES)
        ):
            hit = _organisation(person, a.body, a.role, unit)
        if hit is not None:
            found.append(hit)
    if org_counts and operator is not None:
        found.extend(
            _organisation(person, operator, i.kind, unit)
            for i in facts.interests
            if i.organisation == operator and i.kind in ORG_ATTACHING_INTERESTS and ctx.valid(i)
        )
    order = {"seat": 0, "organisation": 1, "chef_line": 2, "drift_staff": 3, "works_with": 4}
    return sorted(found, key=lambda x: order[x.reason])


def samverkan_orgs(ctx: SnapshotIndex) -> set[str]:
    """Organisations that take part in the supervising body (host, participants, members,
    and the other side of a tillsyn agreement valid on as_of)."""
    committee = ctx.namnd
    if committee is None:
        return set()
    orgs = {committee.organisation, *committee.participants}
    home = ctx.snapshot.organisations.get(committee.organisation)
    if home is not None:
        orgs.update(home.members)
    for ag in ctx.snapshot.agreements.values():
        if (
            ag.role is DutyRole.TILLSYN
            and ctx.valid(ag)
            and (ag.performer in orgs or orgs & set(ag.principals))
        ):
            orgs.update((ag.performer, *ag.principals))
    return orgs
