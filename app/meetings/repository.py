"""Reads for meetings: the committee in scope, its members on a date, stored meetings."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import Select, and_, or_, select
from sqlalchemy.orm import Session, aliased

from app.meetings.seating import Body, Member
from app.models import Appointment, Committee, Meeting, Organisation, Person
from app.security import scoping
from app.security.deps import Principal

SEAT_RANK = {"ordforande": 0, "vice_ordforande": 1, "ledamot": None}
SEAT_ROLES = ("ordforande", "vice_ordforande", "ledamot")
MEMBER_ROLES = (*SEAT_ROLES, "ersattare")
_MEETING_COMMITTEE = Meeting.__table__.c.committee_id


@dataclass(frozen=True, slots=True)
class CommitteeRow:
    id: int
    ref: str
    name: str
    kind: str
    organisation_id: int
    organisation_ref: str
    body: Body


def committee(session: Session, principal: Principal, ref: str) -> CommitteeRow | None:
    """The committee by ref if the key sees it (out of scope reads as missing)."""
    parent = aliased(Committee)
    stmt = (
        select(Committee, Organisation.ref, parent.kind)
        .join(Organisation, Organisation.id == Committee.organisation_id)
        .outerjoin(parent, parent.id == Committee.parent_id)
        .where(Committee.ref == ref)
    )
    stmt = scoping.apply(stmt, scoping.committee_predicate(principal))
    row = session.execute(stmt).first()
    if row is None:
        return None
    c, org_ref, parent_kind = row
    body = Body(c.ref, c.kind, c.seats, dict(c.substitution_order or {}), parent_kind)
    return CommitteeRow(c.id, c.ref, c.name, c.kind, c.organisation_id, org_ref, body)


def _valid_on(day: date) -> Any:
    return and_(
        or_(Appointment.valid_from.is_(None), Appointment.valid_from <= day),
        or_(Appointment.valid_to.is_(None), Appointment.valid_to >= day),
    )


def members(session: Session, committee_id: int, day: date) -> tuple[list[Member], dict[str, int]]:
    """The ledamöter (ordförande and vice included) and ersättare on `day`, one per person,
    and their person ids. A person with a seat and an ersättare appointment holds the seat;
    a seat's `valid_from` is when its uninterrupted run of seat appointments began."""
    appointer = aliased(Organisation)
    stmt = (
        select(
            Person.id,
            Person.ref,
            Person.name,
            Person.personnummer_masked,
            Appointment.role,
            Appointment.party,
            Appointment.order,
            Appointment.substitutes,
            Appointment.valid_from,
            appointer.ref,
        )
        .join(Person, Person.id == Appointment.person_id)
        .outerjoin(appointer, appointer.id == Appointment.appointed_by_id)
        .where(
            Appointment.committee_id == committee_id,
            Appointment.role.in_(MEMBER_ROLES),
            _valid_on(day),
        )
        .order_by(Person.ref, Appointment.id)
    )
    found: dict[str, dict[str, Any]] = {}
    ids: dict[str, int] = {}
    for (
        pid,
        ref,
        name,
        masked,
        role,
        party,
        order,
        subs,
        valid_from,
        appointed_by,
    ) in session.execute(stmt):
        ids[ref] = pid
        m = found.setdefault(
            ref, {"person": ref, "name": name, "seat": False, "ranks": [], "born": born(masked)}
        )
        seat = role != "ersattare"
        if seat and not m["seat"]:  # the seat's facts win over an ersättare appointment's
            m.update(seat=True, party=None, order=None, substitutes=(), valid_from=None)
        if seat == m["seat"]:
            m["party"] = m.get("party") or party
            m["order"] = m.get("order") if m.get("order") is not None else order
            m["substitutes"] = m.get("substitutes") or tuple(subs or ())
            m["appointed_by"] = m.get("appointed_by") or appointed_by
            if valid_from is not None and (m.get("valid_from") or date.max) > valid_from:
                m["valid_from"] = valid_from
        if SEAT_RANK.get(role) is not None:
            m["ranks"].append(SEAT_RANK[role])
    seated = {ids[ref]: m["valid_from"] for ref, m in found.items() if m["seat"]}
    began = _service_began(session, committee_id, seated)
    out = [
        Member(
            person=m["person"],
            name=m["name"],
            seat=m["seat"],
            party=m.get("party"),
            order=m.get("order"),
            substitutes=tuple(m.get("substitutes") or ()),
            appointed_by=m.get("appointed_by"),
            valid_from=began.get(ids[m["person"]], m.get("valid_from")),
            born=m["born"],
            chair_rank=min(m["ranks"]) if m["ranks"] else None,
        )
        for m in found.values()
    ]
    return out, ids


def _service_began(
    session: Session, committee_id: int, seated: dict[int, date | None]
) -> dict[int, date | None]:
    """person id -> when the person's seat in the committee began without a break: the
    current appointment's start, moved back over every earlier seat appointment that ended
    at most a day before it (a re-election). An open start stays open (None)."""
    starts = {pid: start for pid, start in seated.items() if start is not None}
    if not starts:
        return dict(seated)
    stmt = (
        select(Appointment.person_id, Appointment.valid_from, Appointment.valid_to)
        .where(
            Appointment.committee_id == committee_id,
            Appointment.role.in_(SEAT_ROLES),
            Appointment.person_id.in_(sorted(starts)),
            Appointment.valid_to.is_not(None),
        )
        .order_by(Appointment.person_id, Appointment.valid_to.desc())
    )
    began: dict[int, date | None] = dict(seated)
    for pid, valid_from, valid_to in session.execute(stmt):
        start = began[pid]
        if start is None or valid_to is None:
            continue
        if valid_to >= start - timedelta(days=1) and (valid_from is None or valid_from < start):
            began[pid] = valid_from
    return began


def born(masked: str | None) -> date | None:
    """The date of birth kept in a masked personnummer (`19400101-****`); a
    samordningsnummer's day is the birth day plus 60."""
    if not masked or len(masked) < 8 or not (masked[:8].isascii() and masked[:8].isdigit()):
        return None
    year, month, day = int(masked[:4]), int(masked[4:6]), int(masked[6:8])
    try:
        return date(year, month, day - 60 if day > 60 else day)
    except ValueError:
        return None


def persons_in_scope(session: Session, principal: Principal, refs: Iterable[str]) -> set[str]:
    """The refs of persons that exist and the key sees (others read as unknown)."""
    wanted = sorted(set(refs))
    if not wanted:
        return set()
    stmt = select(Person.ref).where(Person.ref.in_(wanted))
    stmt = scoping.apply(stmt, scoping.person_id_predicate(principal, Person.__table__.c.id))
    return set(session.scalars(stmt))


def _scoped(stmt: Select[Any], principal: Principal) -> Select[Any]:
    return scoping.apply(stmt, scoping.committee_id_predicate(principal, _MEETING_COMMITTEE))


def meeting(
    session: Session, principal: Principal, ref: str, *, lock: bool = False
) -> Meeting | None:
    stmt = _scoped(select(Meeting).where(Meeting.ref == ref), principal)
    if lock:
        stmt = stmt.with_for_update()
    return session.scalars(stmt).first()


def meeting_exists(session: Session, ref: str) -> bool:
    return session.scalar(select(Meeting.id).where(Meeting.ref == ref)) is not None


def meeting_in_scope(session: Session, principal: Principal, ref: str) -> bool:
    """Whether the meeting of this ref is one the key reads (its committee in scope)."""
    return (
        session.scalar(_scoped(select(Meeting.id).where(Meeting.ref == ref), principal)) is not None
    )


def meetings_stmt(
    principal: Principal, committee_id: int | None, day_from: date | None, day_to: date | None
) -> Select[Any]:
    stmt = select(Meeting)
    if committee_id is not None:
        stmt = stmt.where(Meeting.committee_id == committee_id)
    if day_from is not None:
        stmt = stmt.where(Meeting.date >= day_from)
    if day_to is not None:
        stmt = stmt.where(Meeting.date <= day_to)
    return _scoped(stmt, principal).order_by(Meeting.date.desc(), Meeting.id.desc())
