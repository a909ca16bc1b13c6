"""Meetings: screen every agenda item, work out its seats, store and audit the meeting.

One transaction: each item's screening (row, findings, audit entry) and the meeting
(row, audit entry) are flushed in the caller's transaction; the handler commits once.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from app.audit import chain
from app.audit.organisations import case_organisations
from app.errors import (
    Conflict,
    NotFound,
    PreconditionFailed,
    RefTaken,
    Unprocessable,
    field_error,
)
from app.meetings import repository as repo
from app.meetings.agenda import Agenda, read_agenda, with_members
from app.meetings.render import item_answer
from app.meetings.schemas import MeetingIn
from app.meetings.seating import Flag, allocate
from app.models import AuditEntry, Meeting
from app.pagination import PageParams, paginate
from app.screening.reads import SharedReads
from app.screening.result import ScreeningFinding, ScreeningResult
from app.screening.service import evaluate_case
from app.screening.store import PendingScreening, write_many
from app.security.deps import Principal

LEVELS = ("jav", "mojligt_jav")


def etag(version: int) -> str:
    return f'"{version}"'


def flags(result: ScreeningResult) -> list[Flag]:
    """Each person's most severe level (jav over mojligt_jav) with the findings at it;
    `undantag` never moves anyone."""
    by_person: dict[str, list[ScreeningFinding]] = {}
    for f in result.findings:
        if str(f.level) in LEVELS:
            by_person.setdefault(f.person, []).append(f)
    out = []
    for person, found in sorted(by_person.items()):
        level = "jav" if any(str(f.level) == "jav" for f in found) else "mojligt_jav"
        at_level = [f for f in found if str(f.level) == level]
        grounds = tuple(dict.fromkeys(str(f.ground) for f in at_level))
        role = str(at_level[0].participant_role)
        findings = tuple(f.as_json() for f in at_level)
        out.append(Flag(person, at_level[0].name, level, role, grounds, findings))
    return out


def _seats_after(keep: dict[str, str], seating: Any, item_flags: list[Flag]) -> dict[str, str]:
    """The seats ersättare keep into the next item (seat_of -> ersättare): those they
    served in this one, and the seat of an ersättare who stepped out for jäv in this item,
    who "får åter tjänstgöra, sedan ärendet har handlagts" (KL 5 kap. 18 §, which the
    reglementen apply to nämnder; before run N the ersättare who entered for her kept the
    seat)."""
    after = {t.seat_of.person: t.person.person for t in seating.seats}
    stepped_out = {f.person for f in item_flags if f.level == "jav"}
    for seat_of, ersattare in keep.items():
        if ersattare in stepped_out:
            after[seat_of] = ersattare
    return after


def _items(
    session: Session, principal: Principal, agenda: Agenda, ids: dict[str, int]
) -> list[dict[str, Any]]:
    body = agenda.committee.body
    names = {m.person: m for m in agenda.members}
    answers: list[dict[str, Any]] = []
    keep: dict[str, str] = {}  # the seats of the item before: seat_of -> ersättare
    # The committee's members' and ersättare' facts are read once for the meeting; each
    # item adds its own parties' (the screening of each is the one of its case alone).
    reads = SharedReads()
    pending: list[PendingScreening] = []
    for it in agenda.items:
        case = with_members(it.case, agenda.members, ids)
        screened = evaluate_case(session, principal, case, it.as_of, reads=reads)
        pending.append(screened)
        result = screened.result
        item_flags = flags(result)
        seating = allocate(body, agenda.members, it.present, item_flags, keep)
        keep = _seats_after(keep, seating, item_flags)
        answer = item_answer(
            seating,
            fullmaktige=body.fullmaktige,
            arrived=[names[p] for p in it.arrived],
            left=[names[p] for p in it.left],
            day=agenda.day,
        )
        answers.append(
            {
                "paragraph": it.paragraph,
                "case": it.case.ref,
                "title": it.case.title,
                "screening": result.id,
                "outcome": result.outcome,
                "as_of": it.as_of.isoformat(),
                **answer,
            }
        )
    # Every item's screening, findings and audit entry, a statement per table.
    write_many(session, pending)
    return answers


def _answer(meeting: Meeting, agenda: Agenda, items: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "ref": meeting.ref,
        "committee": agenda.committee.ref,
        "committee_name": agenda.committee.name,
        "committee_kind": agenda.committee.kind,
        "date": agenda.day.isoformat(),
        "present": sorted(agenda.present),
        "absent": sorted(agenda.absent),
        "items": items,
    }


def _audit(
    session: Session, principal: Principal, kind: str, answer: dict[str, Any], agenda: Agenda
) -> AuditEntry:
    summary = [
        {
            "paragraph": it["paragraph"],
            "case": it["case"],
            "screening": it["screening"],
            "steps_out": [s["person"] for s in it["steps_out"]],
            "to_assess": [s["person"] for s in it["to_assess"]],
            "seats": [[s["seat_of"], s["person"]] for s in it["seats"]],
            "chair": it["chair"]["person"] if it["chair"] else None,
            "serving": it["serving"],
            "quorum": it["quorum"],
            "quorate": it["quorate"],
        }
        for it in answer["items"]
    ]
    subjects = [
        ("committee", agenda.committee.ref),
        ("organisation", agenda.committee.organisation_ref),
        *(("case", it["case"]) for it in answer["items"]),
        *(("person", p) for p in answer["present"]),
    ]
    return chain.append(
        session,
        kind=kind,
        actor=chain.Actor(principal.key_id, principal.name),
        data={
            "meeting": answer["ref"],
            "committee": answer["committee"],
            "date": answer["date"],
            "present": answer["present"],
            "absent": answer["absent"],
            "items": summary,
        },
        subjects=subjects,
        # The committee's organisation, the kommuner taking part in it, and those that
        # appointed the members present (issue 9.4); the committee organisation's chain.
        organisations=case_organisations(session, agenda.committee.id, answer["present"]),
        chain_organisation=agenda.committee.organisation_id,
    )


def _request(body: MeetingIn) -> dict[str, Any]:
    return body.model_dump(mode="json", exclude_none=True, by_alias=True)


def _finish(
    session: Session,
    principal: Principal,
    meeting: Meeting,
    agenda: Agenda,
    items: list[dict[str, Any]],
    kind: str,
    body: MeetingIn,
) -> dict[str, Any]:
    """Audit, then write the meeting row once (one INSERT or one UPDATE: one version)."""
    answer = _answer(meeting, agenda, items)
    entry = _audit(session, principal, kind, answer, agenda)
    meeting.committee_id = agenda.committee.id
    meeting.date = body.date
    meeting.request = _request(body)
    meeting.audit_sequence = entry.id
    meeting.result = {**answer, "audit": chain.entry_ref(entry)}
    session.add(meeting)
    session.flush()
    return stored_answer(meeting)


def stored_answer(meeting: Meeting) -> dict[str, Any]:
    return {
        **meeting.result,
        "version": meeting.version,
        "created_at": meeting.created_at.isoformat().replace("+00:00", "Z"),
        "updated_at": meeting.updated_at.isoformat().replace("+00:00", "Z"),
        "audit": meeting.result.get("audit", {"id": meeting.audit_sequence}),
    }


def create_meeting(
    session: Session, principal: Principal, body: MeetingIn, *, pnr_secret: str
) -> dict[str, Any]:
    if repo.meeting_exists(session, body.ref):
        taken = Conflict if repo.meeting_in_scope(session, principal, body.ref) else RefTaken
        raise taken(
            f"A meeting with ref '{body.ref}' exists; replace it with PUT.",
            errors=[field_error("/ref", "already exists", "duplicate")],
        )
    agenda, ids = read_agenda(session, principal, body, pnr_secret=pnr_secret)
    items = _items(session, principal, agenda, ids)
    meeting = Meeting(ref=body.ref, api_key_id=principal.key_id)
    return _finish(session, principal, meeting, agenda, items, "meeting.create", body)


def replace_meeting(
    session: Session,
    principal: Principal,
    ref: str,
    body: MeetingIn,
    *,
    pnr_secret: str,
    if_match: str | None,
) -> dict[str, Any]:
    """Recompute with a new attendance (or agenda): a late arrival, someone leaving."""
    meeting = repo.meeting(session, principal, ref, lock=True)
    if meeting is None:
        raise NotFound(f"No meeting '{ref}'.")
    if (
        if_match is not None
        and if_match.strip() != "*"
        and etag(meeting.version) not in {t.strip().removeprefix("W/") for t in if_match.split(",")}
    ):
        raise PreconditionFailed(
            f"The meeting is at version {meeting.version}; read it again.",
            headers={"ETag": etag(meeting.version)},
        )
    if body.ref != ref:
        raise Unprocessable(
            "The body's ref must equal the ref in the path.",
            errors=[field_error("/ref", "must equal the ref in the path", "ref_mismatch")],
        )
    agenda, ids = read_agenda(session, principal, body, pnr_secret=pnr_secret)
    if agenda.committee.id != meeting.committee_id:
        # A meeting is its committee's: another committee's is another meeting. Moved, it
        # would leave the sight of those who read its committee (run Q: a kommun taking
        # part in a gemensam nämnd took the host's meeting into its own nämnd).
        raise Unprocessable(
            "A meeting's committee cannot change; store a new meeting for the other committee.",
            errors=[
                field_error(
                    "/committee", "must be the stored meeting's committee", "committee_fixed"
                )
            ],
        )
    items = _items(session, principal, agenda, ids)
    return _finish(session, principal, meeting, agenda, items, "meeting.update", body)


def get_meeting(session: Session, principal: Principal, ref: str) -> Meeting:
    meeting = repo.meeting(session, principal, ref)
    if meeting is None:
        raise NotFound(f"No meeting '{ref}'.")
    return meeting


def list_meetings(
    session: Session,
    principal: Principal,
    page: PageParams,
    *,
    committee: str | None,
    day_from: date | None,
    day_to: date | None,
) -> tuple[list[dict[str, Any]], int]:
    committee_id = None
    if committee is not None:
        found = repo.committee(session, principal, committee)
        if found is None:
            raise Unprocessable(
                f"Unknown committee '{committee}'.",
                errors=[
                    {
                        **field_error("/committee", "unknown committee", "unknown_reference"),
                        "in": "query",
                        "parameter": "committee",
                    }
                ],
            )
        committee_id = found.id
    stmt = repo.meetings_stmt(principal, committee_id, day_from, day_to)
    rows, total = paginate(session, stmt, page)
    return [stored_answer(m) for m in rows], total
