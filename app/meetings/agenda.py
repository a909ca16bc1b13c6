"""Check a meeting document against the registry and resolve its items' cases.

Every problem is collected with a JSON pointer and reported at once (422); nothing is
screened or stored for a meeting that is not fully understood.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from pydantic import ValidationError
from sqlalchemy.orm import Session

from app.cases import repository as case_repo
from app.cases.resolve import ResolvedCase, ResolvedParticipant, resolve_case, resolve_stored
from app.cases.schemas import CaseIn
from app.cases.scope import require_scope
from app.errors import Unprocessable, field_error, pydantic_field_errors
from app.meetings import repository as repo
from app.meetings.repository import CommitteeRow
from app.meetings.schemas import MeetingIn
from app.meetings.seating import Member
from app.security.deps import Principal

SEAT_PARTICIPANT = {
    "ordforande": "ordforande",
    "vice_ordforande": "ledamot",
    "ledamot": "ledamot",
    "ersattare": "ersattare",
}


@dataclass(frozen=True, slots=True)
class AgendaItem:
    paragraph: str
    case: ResolvedCase
    as_of: date
    present: frozenset[str]  # who is there for this item
    arrived: tuple[str, ...] = ()  # arrived just before this item
    left: tuple[str, ...] = ()  # left just before this item


@dataclass(frozen=True, slots=True)
class Agenda:
    committee: CommitteeRow
    day: date
    members: list[Member]
    present: frozenset[str]  # at the start
    absent: frozenset[str]
    items: list[AgendaItem]


class _Errors:
    def __init__(self) -> None:
        self.items: list[dict[str, str]] = []

    def add(self, pointer: str, detail: str, code: str) -> None:
        self.items.append(field_error(pointer, detail, code))

    def raise_if_any(self) -> None:
        if self.items:
            detail = "; ".join(f"{e['pointer']}: {e['detail']}" for e in self.items[:5])
            raise Unprocessable(
                f"The meeting is invalid; nothing was stored. {detail}", errors=self.items
            )


def _attendance(
    session: Session,
    principal: Principal,
    body: MeetingIn,
    members: list[Member],
    errors: _Errors,
) -> tuple[frozenset[str], frozenset[str]]:
    known = {m.person for m in members}
    listed = [*(body.present or []), *(body.absent or [])]
    visible = repo.persons_in_scope(session, principal, listed)
    for name in ("present", "absent"):
        seen: set[str] = set()
        for i, ref in enumerate(getattr(body, name) or []):
            pointer = f"/{name}/{i}"
            if ref not in visible:
                errors.add(pointer, f"unknown person reference '{ref}'", "unknown_reference")
            elif ref not in known:
                errors.add(
                    pointer,
                    f"'{ref}' is not a ledamot or ersättare of "
                    f"'{body.committee}' on {body.date.isoformat()}",
                    "not_a_member",
                )
            elif ref in seen:
                errors.add(pointer, f"'{ref}' is listed twice", "duplicate")
            elif name == "absent" and ref in set(body.present or []):
                errors.add(
                    pointer,
                    f"'{ref}' is listed both as present and as absent",
                    "present_and_absent",
                )
            seen.add(ref)
    absent = frozenset(body.absent or [])
    present = frozenset(body.present) if body.present is not None else frozenset(known - absent)
    return present, absent


def _movements(
    session: Session,
    principal: Principal,
    body: MeetingIn,
    members: list[Member],
    present: frozenset[str],
    errors: _Errors,
) -> dict[str, tuple[list[str], list[str]]]:
    """paragraph -> (arrived, left) just before it; checked against the attendance:
    an arrival must not be there already, a departure must be there, and a ledamot who
    left may not come back the same day (KL 5 kap. 20 §, the reglemente's rule for nämnder)."""
    known = {m.person: m for m in members}
    index = {item.paragraph: i for i, item in reversed(list(enumerate(body.items)))}
    listed = [m.person for m in [*(body.arrivals or []), *(body.departures or [])]]
    visible = repo.persons_in_scope(session, principal, listed)
    events: list[tuple[int, int, str, str, str]] = []  # (item, 0 arrive/1 leave, person, ptr)
    for name, kind in (("arrivals", 0), ("departures", 1)):
        seen: set[str] = set()
        for i, move in enumerate(getattr(body, name) or []):
            pointer = f"/{name}/{i}"
            if move.person not in visible:
                errors.add(
                    pointer + "/person",
                    f"unknown person reference '{move.person}'",
                    "unknown_reference",
                )
            elif move.person not in known:
                errors.add(
                    pointer + "/person",
                    f"'{move.person}' is not a ledamot or "
                    f"ersättare of '{body.committee}' on {body.date.isoformat()}",
                    "not_a_member",
                )
            elif move.person in seen:
                errors.add(pointer + "/person", f"'{move.person}' is listed twice", "duplicate")
            elif move.from_ not in index:
                errors.add(
                    pointer + "/from", f"no item '{move.from_}' on the agenda", "unknown_paragraph"
                )
            else:
                events.append((index[move.from_], kind, move.person, pointer, name))
            seen.add(move.person)
    out: dict[str, tuple[list[str], list[str]]] = {}
    there = set(present)
    for position, kind, person, pointer, _ in sorted(events):
        if kind == 0 and person in there:
            errors.add(
                pointer + "/person", f"'{person}' is already there at that item", "already_present"
            )
        elif kind == 0 and person in present and known[person].seat:
            errors.add(
                pointer + "/from",
                f"'{person}' left the meeting and may not serve "
                "again the same day (5 kap. 20 § kommunallagen)",
                "may_not_return",
            )
        elif kind == 1 and person not in there:
            errors.add(pointer + "/person", f"'{person}' is not there at that item", "not_present")
        else:
            (there.add if kind == 0 else there.discard)(person)
            paragraph = body.items[position].paragraph
            out.setdefault(paragraph, ([], []))[kind].append(person)
    return out


def _case(
    session: Session,
    principal: Principal,
    index: int,
    raw: str | dict[str, Any],
    committee: CommitteeRow,
    pnr_secret: str,
    errors: _Errors,
) -> ResolvedCase | None:
    pointer = f"/items/{index}/case"
    if isinstance(raw, str):
        stored = case_repo.case_by_ref(session, principal, raw)
        if stored is None:
            errors.add(pointer, f"unknown case reference '{raw}'", "unknown_reference")
            return None
        case = resolve_stored(session, [stored])[0]
        if case.committee_id != committee.id:
            errors.add(
                pointer,
                f"the case belongs to committee '{case.committee_ref}', not '{committee.ref}'",
                "other_committee",
            )
            return None
        # Stored by another (perhaps unlimited) key: checked against this key's scope, as
        # `POST /v1/screenings` checks a stored case (its committee alone was checked by
        # `case_by_ref`, and the item's screening reads the facts of all it names).
        require_scope(session, principal, case, pointer_prefix=pointer)
        return case
    document = {"committee": committee.ref, **raw}
    try:
        case_in = CaseIn.model_validate(document)
    except ValidationError as exc:
        # Unknown fields named with a suggestion; the input is never echoed.
        prefix = tuple(pointer.lstrip("/").split("/"))
        errors.items.extend(pydantic_field_errors(exc.errors(include_url=False), prefix=prefix))
        return None
    if case_in.committee != committee.ref:
        errors.add(
            pointer + "/committee",
            f"the item's case must belong to the meeting's committee '{committee.ref}'",
            "other_committee",
        )
        return None
    try:
        # Resolved with the key: a reference out of its scope reads like one that does
        # not exist (422 unknown_reference), as in `POST /v1/screenings`; checked after
        # resolving, another kommun's existing ref answered 403 and an invented one 422.
        case = resolve_case(
            session, case_in, pnr_secret=pnr_secret, pointer_prefix=pointer, principal=principal
        )
    except Unprocessable as exc:
        errors.items.extend(exc.errors)
        return None
    return case


def with_members(case: ResolvedCase, members: list[Member], ids: dict[str, int]) -> ResolvedCase:
    """A case that names its participants also gets every ledamot and ersättare of the
    committee, so that the item knows who may take an empty seat. A case that names none
    is screened as usual (members and staff by default)."""
    if not case.participants:
        return case
    named = {p.person_ref for p in case.participants}
    extra = tuple(
        ResolvedParticipant(m.person, ids[m.person], SEAT_PARTICIPANT[m.role])
        for m in sorted(members, key=lambda m: m.person)
        if m.person not in named
    )
    return replace(case, participants=case.participants + extra)


#: Bodies whose meetings KL does not govern, and why: a meeting of one is refused, not
#: judged by `seating`'s rules.
_NOT_GOVERNED = {
    "bolagsstyrelse": (
        "a company board's meetings follow aktiebolagslagen (8 kap.), not kommunallagen; "
        "Jävskoll does not work out its seats or quorum. Screen its cases with "
        "POST /v1/screenings"
    ),
    "revision": (
        "the revisorer have no ersättare and no quorum under kommunallagen (12 kap.); "
        "screen their cases with POST /v1/screenings"
    ),
}


def _seats_match(
    committee: CommitteeRow, members: list[Member], day: date, errors: _Errors
) -> None:
    """More ledamöter appointed on the date than the committee's seats is a registry that
    contradicts itself: the quorum ("fler än hälften av ledamöterna", KL 6 kap. 27 §)
    cannot be told, so the meeting is refused rather than counted on a guess."""
    seats = committee.body.seats
    holding = sum(1 for m in members if m.seat)
    if seats is not None and holding > seats:
        errors.add(
            "/committee",
            f"the registry holds {holding} ledamöter of '{committee.ref}' on "
            f"{day.isoformat()} but the committee has {seats} seats; correct the "
            "committee's seats or the appointments",
            "seats_exceeded",
        )


def read_agenda(
    session: Session, principal: Principal, body: MeetingIn, *, pnr_secret: str
) -> tuple[Agenda, dict[str, int]]:
    errors = _Errors()
    committee = repo.committee(session, principal, body.committee)
    if committee is None:
        errors.add(
            "/committee", f"unknown committee reference '{body.committee}'", "unknown_reference"
        )
        errors.raise_if_any()
    assert committee is not None
    if committee.kind in _NOT_GOVERNED:
        errors.add("/committee", _NOT_GOVERNED[committee.kind], "not_a_kl_body")
        errors.raise_if_any()
    members, ids = repo.members(session, committee.id, body.date)
    _seats_match(committee, members, body.date, errors)
    present, absent = _attendance(session, principal, body, members, errors)
    moves = _movements(session, principal, body, members, present, errors)
    paragraphs: set[str] = set()
    items: list[AgendaItem] = []
    there = set(present)
    for i, item in enumerate(body.items):
        if item.paragraph in paragraphs:
            errors.add(
                f"/items/{i}/paragraph",
                f"paragraph '{item.paragraph}' appears earlier in the agenda",
                "duplicate",
            )
        paragraphs.add(item.paragraph)
        arrived, left = moves.pop(item.paragraph, ([], []))
        there = (there | set(arrived)) - set(left)
        case = _case(session, principal, i, item.case, committee, pnr_secret, errors)
        if case is not None:
            items.append(
                AgendaItem(
                    item.paragraph,
                    case,
                    item.as_of or body.date,
                    frozenset(there),
                    tuple(sorted(arrived)),
                    tuple(sorted(left)),
                )
            )
    errors.raise_if_any()
    return Agenda(committee, body.date, members, present, absent, items), ids
