"""Selects over organisations: ownership, membership and agreements (for a screening's
facts), and an organisation's neighbourhood of bodies (for its structural report)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from sqlalchemy import Row, Select, literal, or_, select, union_all
from sqlalchemy.orm import Session

from app.models import (
    Administration,
    AdministrationServes,
    Agreement,
    AgreementPrincipal,
    Appointment,
    Committee,
    CommitteeParticipant,
    Operation,
    Organisation,
    OrganisationMember,
    OrganisationOwner,
)
from app.screening.repository import SEAT_ROLES, valid_on_day
from app.screening.sql import ids, in_ids, in_subquery, in_values
from app.security import scoping
from app.security.deps import Principal


def organisation_by_ref(session: Session, principal: Principal, ref: str) -> Organisation | None:
    stmt = scoping.apply(
        select(Organisation).where(Organisation.ref == ref),
        scoping.organisation_point_predicate(principal),
    )
    return session.scalars(stmt).first()


def readable_committees(session: Session, principal: Principal, refs: Iterable[str]) -> set[str]:
    """Those of the committee `refs` the key reads (all of them for an unlimited key)."""
    wanted = sorted(set(refs))
    if not principal.scoped or not wanted:
        return set(wanted)
    stmt = scoping.apply(
        select(Committee.ref).where(Committee.ref.in_(wanted)),
        scoping.committee_predicate(principal),
    )
    return set(session.scalars(stmt))


def neighbourhood_org_ids(session: Session, organisation_id: int) -> list[int]:
    """The organisation, the gemensamma nämnder's hosts and participants it shares bodies
    with, its förbund and their members, and the other side of its agreements."""
    shared = select(CommitteeParticipant.committee_id).where(
        CommitteeParticipant.organisation_id.in_([organisation_id])
    )
    forbund = select(OrganisationMember.organisation_id).where(
        OrganisationMember.member_id.in_([organisation_id])
    )
    agreed = select(Agreement.id).where(
        or_(
            Agreement.performer_id.in_([organisation_id]),
            Agreement.id.in_(
                select(AgreementPrincipal.agreement_id).where(
                    AgreementPrincipal.organisation_id.in_([organisation_id])
                )
            ),
        )
    )
    parts = union_all(
        select(literal(organisation_id).label("org")),
        select(Committee.organisation_id).where(Committee.id.in_(shared)),
        select(CommitteeParticipant.organisation_id).where(
            CommitteeParticipant.committee_id.in_(shared)
        ),
        forbund,
        select(OrganisationMember.member_id).where(OrganisationMember.organisation_id.in_(forbund)),
        select(Agreement.performer_id).where(Agreement.id.in_(agreed)),
        select(AgreementPrincipal.organisation_id).where(
            AgreementPrincipal.agreement_id.in_(agreed)
        ),
    ).subquery()
    return ids(session.scalars(select(parts.c[0])))


def organisation_committees(session: Session, organisation_ids: Iterable[int]) -> list[Committee]:
    """Committees of the organisations and the gemensamma nämnder they take part in."""
    org_ids = ids(organisation_ids)
    shared = select(CommitteeParticipant.committee_id).where(
        CommitteeParticipant.organisation_id.in_(org_ids)
    )
    return list(
        session.scalars(
            select(Committee).where(
                or_(Committee.organisation_id.in_(org_ids), Committee.id.in_(shared))
            )
        )
    )


def organisation_operations(
    session: Session, organisation_ids: Iterable[int], committee_ids: Iterable[int]
) -> list[Operation]:
    orgs, comms = ids(organisation_ids), ids(committee_ids)
    return list(
        session.scalars(
            select(Operation).where(
                or_(
                    Operation.operator_committee_id.in_(comms),
                    Operation.operator_organisation_id.in_(orgs),
                    Operation.municipality_id.in_(orgs),
                )
            )
        )
    )


def organisation_administrations(
    session: Session, organisation_ids: Iterable[int], committee_ids: Iterable[int]
) -> list[Administration]:
    serving = select(AdministrationServes.administration_id).where(
        in_ids(AdministrationServes.committee_id, committee_ids)
    )
    return list(
        session.scalars(
            select(Administration).where(
                or_(
                    in_ids(Administration.organisation_id, organisation_ids),
                    Administration.id.in_(serving),
                )
            )
        )
    )


def seats_on(session: Session, committee_ids: Iterable[int], as_of: date) -> list[Appointment]:
    return list(
        session.scalars(
            select(Appointment).where(
                in_ids(Appointment.committee_id, committee_ids),
                Appointment.role.in_(SEAT_ROLES),
                valid_on_day(Appointment, as_of),
            )
        )
    )


# --- ownership, membership, agreements ------------------------------------------------


def owners(session: Session, organisation_ids: Iterable[int]) -> list[Row[Any]]:
    return list(
        session.execute(
            select(
                OrganisationOwner.organisation_id,
                OrganisationOwner.owner_id,
                OrganisationOwner.share_percent,
            )
            .where(in_ids(OrganisationOwner.organisation_id, organisation_ids))
            .order_by(OrganisationOwner.id)
        )
    )


def members(session: Session, organisation_ids: Iterable[int]) -> list[Row[Any]]:
    return list(
        session.execute(
            select(OrganisationMember.organisation_id, OrganisationMember.member_id)
            .where(in_ids(OrganisationMember.organisation_id, organisation_ids))
            .order_by(OrganisationMember.id)
        )
    )


def agreements(
    session: Session, organisation_ids: Iterable[int], areas: Iterable[str] | None
) -> list[Agreement]:
    """Agreements where one of the organisations performs or is a principal (in the areas)."""
    org_ids = ids(organisation_ids)
    principal_of = select(AgreementPrincipal.agreement_id).where(
        in_ids(AgreementPrincipal.organisation_id, org_ids)
    )
    stmt: Select[Agreement] = select(Agreement).where(
        or_(in_ids(Agreement.performer_id, org_ids), in_subquery(Agreement.id, principal_of))
    )
    if areas is not None:
        stmt = stmt.where(in_values(Agreement.area, areas))
    return list(session.scalars(stmt))


def agreement_principals(session: Session, agreement_ids: Iterable[int]) -> list[Row[Any]]:
    return list(
        session.execute(
            select(AgreementPrincipal.agreement_id, AgreementPrincipal.organisation_id)
            .where(in_ids(AgreementPrincipal.agreement_id, agreement_ids))
            .order_by(AgreementPrincipal.id)
        )
    )


def organisations(session: Session, ids: Iterable[int]) -> list[Row[Any]]:
    return list(
        session.execute(
            select(Organisation.id, Organisation.ref, Organisation.kind, Organisation.name).where(
                in_ids(Organisation.id, ids)
            )
        )
    )
