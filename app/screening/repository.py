"""Every select the screening side runs. Each function is ONE statement over IN-lists.

The loader calls a fixed sequence of these, so a screening costs the same number of
statements whatever the number of participants, parties or registry rows. An empty
IN-list still runs (it matches nothing): that keeps the count constant.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from sqlalchemy import Row, Select, and_, func, null, or_, select, union_all
from sqlalchemy.orm import Session, aliased

from app.models import (
    Administration,
    AdministrationServes,
    Appointment,
    Committee,
    CommitteeParticipant,
    Interest,
    Operation,
    OrganisationOwner,
    Person,
    Relation,
    Responsibility,
    ResponsibilityScope,
    Screening,
)
from app.screening.sql import ids, in_ids, in_subquery, in_values
from app.security import scoping
from app.security.deps import Principal

GOVERNING_KINDS = ("direktion", "bolagsstyrelse", "styrelse")
SEAT_ROLES = ("ledamot", "ersattare", "ordforande", "vice_ordforande")
# A case committee's members screened by default: a revision's revisorer too (KL 12:14).
DEFAULT_SEAT_ROLES = (*SEAT_ROLES, "revisor")
# The column itself (a ColumnElement), as the scoping predicates expect.
_SCREENING_COMMITTEE = Screening.__table__.c.committee_id


# `column = ANY(:ids)` on PostgreSQL (one array parameter, constant SQL text), IN on SQLite.
_ids, _in_ids, _in_values = ids, in_ids, in_values


def valid_on_day(model: Any, day: date) -> Any:
    """The row is valid on `day` (valid_to inclusive; open ends)."""
    return and_(
        or_(model.valid_from.is_(None), model.valid_from <= day),
        or_(model.valid_to.is_(None), model.valid_to >= day),
    )


# --- the case's reach ----------------------------------------------------------------------


OPERATION_COLUMNS = (
    Operation.id,
    Operation.ref,
    Operation.name,
    Operation.area,
    Operation.operator_committee_id,
    Operation.operator_organisation_id,
    Operation.municipality_id,
)
APPOINTMENT_COLUMNS = (
    Appointment.id,
    Appointment.person_id,
    Appointment.committee_id,
    Appointment.administration_id,
    Appointment.organisation_id,
    Appointment.appointed_by_id,
    Appointment.role,
    Appointment.valid_from,
    Appointment.valid_to,
    Appointment.works_with,
)
INTEREST_COLUMNS = (
    Interest.id,
    Interest.person_id,
    Interest.kind,
    Interest.organisation_id,
    Interest.on_behalf_of_id,
    Interest.share_percent,
    Interest.valid_from,
    Interest.valid_to,
)
RELATION_COLUMNS = (
    Relation.id,
    Relation.person_id,
    Relation.related_id,
    Relation.kind,
    Relation.valid_from,
    Relation.valid_to,
)
# Plain rows (same attribute names as the entities) where the FactsBuilder only reads
# attributes: no identity map, no instance state.


def operations(session: Session, ids: Iterable[int]) -> list[Row[Any]]:
    return list(
        session.execute(
            select(*OPERATION_COLUMNS).where(_in_ids(Operation.id, ids)).order_by(Operation.id)
        )
    )


def case_committees(
    session: Session,
    *,
    committee_ids: Iterable[int],
    governed_org_ids: Iterable[int],
    drift_areas: Iterable[str],
    drift_org_ids: Iterable[int],
) -> list[Committee]:
    """Named committees, board-type committees of the given organisations, committees with
    drift in the areas for the given organisations, and the utskott/parent of each."""
    # From the scopes of the organisations (indexed) to their responsibilities by key; a
    # join lets PostgreSQL scan every responsibility of the registry for the area.
    scoped_ids = select(ResponsibilityScope.responsibility_id).where(
        _in_ids(ResponsibilityScope.organisation_id, drift_org_ids)
    )
    scoped = select(Responsibility.committee_id).where(
        in_subquery(Responsibility.id, scoped_ids),
        Responsibility.role == "drift",
        _in_values(Responsibility.area, drift_areas),
    )
    # UNIONs of indexed lookups: written as ORs over subqueries, PostgreSQL scans the whole
    # committees table twice per screening (cost growing with the registry).
    core = union_all(
        select(Committee.id).where(_in_ids(Committee.id, committee_ids)),
        select(Committee.id).where(
            _in_ids(Committee.organisation_id, governed_org_ids),
            _in_values(Committee.kind, GOVERNING_KINDS),
        ),
        scoped,
    ).cte("core")
    return _committees_and_kin(session, core)


def _committees_and_kin(session: Session, core: Any) -> list[Committee]:
    """The committees whose ids `core` (a CTE with one column, id) gives, their utskott
    and the nämnd each belongs to."""
    kin = union_all(
        select(core.c.id),
        select(Committee.id).where(in_subquery(Committee.parent_id, select(core.c.id))),
        select(Committee.parent_id).where(in_subquery(Committee.id, select(core.c.id))),
    ).subquery()
    return list(
        session.scalars(select(Committee).where(in_subquery(Committee.id, select(kin.c[0]))))
    )


def committees(session: Session, ids: Iterable[int]) -> list[Committee]:
    """The committees and the nämnd each (utskott) belongs to."""
    wanted = _ids(ids)
    child = aliased(Committee)
    # Two primary-key lookups (a nämnd may come twice; callers key committees by id). As
    # `id IN (ids UNION parents)`, PostgreSQL hashes the whole committees table.
    both = union_all(
        select(Committee).where(_in_ids(Committee.id, wanted)),
        select(Committee)
        .join(child, child.parent_id == Committee.id)
        .where(_in_ids(child.id, wanted)),
    )
    return list(session.scalars(select(Committee).from_statement(both)))


def default_participants(session: Session, committee_id: int, as_of: date) -> list[Row[Any]]:
    """(person_id, role) of seat holders of the committee and staff of the administrations
    serving it or, for an utskott, its parent nämnd, valid on as_of."""
    wanted = _seats_and_staff([committee_id], [], parents_staff=True, roles=DEFAULT_SEAT_ROLES)
    return list(
        session.execute(
            select(Appointment.person_id, Appointment.role)
            .where(Appointment.id.in_(wanted), valid_on_day(Appointment, as_of))
            .order_by(Appointment.person_id, Appointment.id)
        )
    )


def _seats_and_staff(
    committee_ids: Iterable[int],
    organisation_ids: Iterable[int],
    *,
    parents_staff: bool = False,
    roles: tuple[str, ...] = SEAT_ROLES,
) -> Select[int]:
    """Ids of seat appointments in the committees, appointments in the administrations
    serving them (`parents_staff`: or serving their parent nämnd, an utskott's staff), and
    appointments in the organisations. A UNION of indexed lookups: written as one OR with
    a subquery, PostgreSQL scans the whole appointments table."""
    committee_ids = list(committee_ids)
    staff_of = [_in_ids(AdministrationServes.committee_id, committee_ids)]
    if parents_staff:
        parents = select(Committee.parent_id).where(_in_ids(Committee.id, committee_ids))
        staff_of.append(AdministrationServes.committee_id.in_(parents))
    serving = [
        select(Appointment.id)
        .join(
            AdministrationServes,
            AdministrationServes.administration_id == Appointment.administration_id,
        )
        .where(where)
        for where in staff_of
    ]
    parts = union_all(
        select(Appointment.id).where(
            _in_ids(Appointment.committee_id, committee_ids),
            _in_values(Appointment.role, roles),
        ),
        *serving,
        select(Appointment.id).where(_in_ids(Appointment.organisation_id, organisation_ids)),
    ).subquery()
    return select(parts.c.id)


def relations(session: Session, person_ids: Iterable[int]) -> list[Row[Any]]:
    """Relations both ways. A UNION of two indexed lookups (one OR over two columns
    can make PostgreSQL scan or bitmap-OR the table)."""
    wanted = _ids(person_ids)
    parts = union_all(
        select(Relation.id).where(_in_ids(Relation.person_id, wanted)),
        select(Relation.id).where(_in_ids(Relation.related_id, wanted)),
    ).subquery()
    return list(
        session.execute(
            select(*RELATION_COLUMNS)
            .where(Relation.id.in_(select(parts.c.id)))
            .order_by(Relation.id)
        )
    )


def appointments(session: Session, person_ids: Iterable[int]) -> list[Row[Any]]:
    """Every appointment of the persons, whatever its dates (rules filter by as_of)."""
    return list(
        session.execute(
            select(*APPOINTMENT_COLUMNS)
            .where(_in_ids(Appointment.person_id, person_ids))
            .order_by(Appointment.id)
        )
    )


def interests(
    session: Session,
    person_ids: Iterable[int],
    *,
    organisation_ids: Iterable[int],
    owned_ids: Iterable[int],
    party_person_ids: Iterable[int],
    counted_ids: Iterable[int],
) -> list[Row[Any]]:
    """The persons' interests the rules can use, whatever their dates, and the number of
    ALL interests of each of `counted_ids` (for the summary's facts_seen).

    The rules read an interest only through the organisation or person it names: a
    party organisation, its owners, a party operation's operator (ownership, board and
    ombud roles, employment, tillsyn attachments to the operator) or a party person
    (ombud, god man, uppdrag). So an interest is read when its organisation is one of
    `organisation_ids`, or an owner (two levels, as far as the loader reads owners) of one
    of `owned_ids`, or when it is on behalf of one of `party_person_ids`. The rest of a
    person's interests (typically all but a few) never reach a finding.

    One statement: the interests (n is NULL), then one row per counted person with only
    person_id and n set.
    """
    people = _ids(person_ids)
    owners = select(OrganisationOwner.owner_id).where(
        _in_ids(OrganisationOwner.organisation_id, owned_ids)
    )
    owners_owners = select(OrganisationOwner.owner_id).where(
        OrganisationOwner.organisation_id.in_(owners)
    )
    reachable = select(*INTEREST_COLUMNS, null().label("n")).where(
        _in_ids(Interest.person_id, people),
        or_(
            _in_ids(Interest.organisation_id, organisation_ids),
            Interest.organisation_id.in_(owners),
            Interest.organisation_id.in_(owners_owners),
            _in_ids(Interest.on_behalf_of_id, party_person_ids),
        ),
    )
    counts = (
        select(
            *(null() for _ in INTEREST_COLUMNS[:1]),
            Interest.person_id,
            *(null() for _ in INTEREST_COLUMNS[2:]),
            func.count().label("n"),
        )
        .where(_in_ids(Interest.person_id, counted_ids))
        .group_by(Interest.person_id)
    )
    return list(session.execute(union_all(reachable, counts)))


def rosters(
    session: Session, committee_ids: Iterable[int], organisation_ids: Iterable[int], as_of: date
) -> list[Row[Any]]:
    """Seats in the committees, staff of the administrations serving them, and board and
    staff appointments in the organisations, on as_of."""
    wanted = _seats_and_staff(committee_ids, organisation_ids)
    return list(
        session.execute(
            select(*APPOINTMENT_COLUMNS)
            .where(Appointment.id.in_(wanted), valid_on_day(Appointment, as_of))
            .order_by(Appointment.id)
        )
    )


def administrations(
    session: Session, ids: Iterable[int], serving_committee_ids: Iterable[int] = ()
) -> list[Administration]:
    """The administrations, and those serving the committees."""
    serving = select(AdministrationServes.administration_id).where(
        _in_ids(AdministrationServes.committee_id, serving_committee_ids)
    )
    return list(
        session.scalars(
            select(Administration).where(
                or_(_in_ids(Administration.id, ids), in_subquery(Administration.id, serving))
            )
        )
    )


def serves(session: Session, administration_ids: Iterable[int]) -> list[Row[Any]]:
    return list(
        session.execute(
            select(AdministrationServes.administration_id, AdministrationServes.committee_id)
            .where(_in_ids(AdministrationServes.administration_id, administration_ids))
            .order_by(AdministrationServes.id)
        )
    )


def responsibilities(session: Session, committee_ids: Iterable[int]) -> list[Row[Any]]:
    """(responsibility id, committee id, area, role, scope organisation id or None)."""
    ids_ = _ids(committee_ids)
    wanted = select(Responsibility.id).where(_in_ids(Responsibility.committee_id, ids_))
    return list(
        session.execute(
            select(
                Responsibility.id,
                Responsibility.committee_id,
                Responsibility.area,
                Responsibility.role,
                ResponsibilityScope.organisation_id,
            )
            .outerjoin(
                ResponsibilityScope,
                and_(
                    ResponsibilityScope.responsibility_id == Responsibility.id,
                    # the scopes looked up by key, not hashed from a scan of all of them
                    in_subquery(ResponsibilityScope.responsibility_id, wanted),
                ),
            )
            .where(_in_ids(Responsibility.committee_id, ids_))
            .order_by(Responsibility.id, ResponsibilityScope.id)
        )
    )


def committee_participants(session: Session, committee_ids: Iterable[int]) -> list[Row[Any]]:
    return list(
        session.execute(
            select(CommitteeParticipant.committee_id, CommitteeParticipant.organisation_id)
            .where(_in_ids(CommitteeParticipant.committee_id, committee_ids))
            .order_by(CommitteeParticipant.id)
        )
    )


def persons(session: Session, ids: Iterable[int]) -> list[Row[Any]]:
    return list(
        session.execute(select(Person.id, Person.ref, Person.name).where(_in_ids(Person.id, ids)))
    )


# --- stored screenings ---------------------------------------------------------------------


def screening(session: Session, principal: Principal, screening_id: str) -> Screening | None:
    stmt = scoping.apply(
        select(Screening).where(Screening.id == screening_id),
        scoping.committee_id_predicate(principal, _SCREENING_COMMITTEE),
    )
    return session.scalars(stmt).first()


def screenings_stmt(principal: Principal, case_ref: str | None) -> Select[Screening]:
    stmt = select(Screening)
    if case_ref is not None:
        stmt = stmt.where(Screening.case_ref == case_ref)
    stmt = scoping.apply(stmt, scoping.committee_id_predicate(principal, _SCREENING_COMMITTEE))
    return stmt.order_by(Screening.id.desc())
