"""Sammanträden: a meeting's agenda item by item (who steps out, who takes each seat, who
chairs, quorum), attendance edited, the Word document; a new meeting from an agenda.

Every action is the meetings API's service (`app/meetings/service.py`) with the signed-in
key: the same roles (screener and admin write, every case reader reads), the same scope
(a meeting out of scope is a 404 page), the same audit entries (`meeting.create`,
`meeting.update` and one `screening` per item).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, Form, Query, Request
from pydantic import ValidationError
from sqlalchemy.orm import Session
from starlette.responses import RedirectResponse, Response

from app.db import SessionDep
from app.errors import AppError
from app.meetings import service as meetings
from app.meetings.schemas import MeetingIn
from app.office import DOCX, meeting_docx
from app.pagination import PageParams
from app.registry.crud import filters
from app.registry.crud import service as crud
from app.registry.crud.resources import RESOURCES
from app.security.deps import Principal
from app.security.roles import Permission
from app.web import agenda_lines, forms, lookup
from app.web.gate import web_screening_turn
from app.web.routing import FormUserDep, UserDep, WebRoute, require
from app.web.templating import lang_of, ref_path, render

router = APIRouter(route_class=WebRoute, include_in_schema=False)

ALL = PageParams(limit=500, offset=0)
SEAT_ROLES = ("ordforande", "vice_ordforande", "ledamot", "ersattare")
MEETING_FIELDS = {
    "/": "ref",
    "/ref": "ref",
    "/committee": "committee",
    "/date": "date",
    "/items": "agenda",
    "/present": "present",
    "/absent": "present",
    "/arrivals": "present",
    "/departures": "present",
}


def meeting_url(ref: str) -> str:
    return f"/sammantraden/{ref_path(ref)}"


def _list_page(
    request: Request,
    session: Session,
    principal: Principal,
    values: dict[str, Any],
    errors: dict[str, str],
    status_code: int = 200,
) -> Response:
    items, total = meetings.list_meetings(
        session, principal, ALL, committee=None, day_from=None, day_to=None
    )
    return render(
        request,
        "meetings/list.html",
        {
            "meetings": items,
            "total": total,
            "errors": errors,
            "values": defaultdict(str, {k: v for k, v in values.items() if v}),
            "committees": lookup.committee_choices(session, principal),
            "can_write": principal.can(Permission.SCREEN),
        },
        status_code=status_code,
    )


@router.get("/sammantraden")
def list_meetings(request: Request, session: SessionDep, user: UserDep) -> Response:
    """The meetings in scope, newest first, and a form for a new one."""
    require(user, Permission.CASE_READ)
    return _list_page(request, session, user.principal, {}, {})


@router.post("/sammantraden/nytt")
def create_meeting(
    request: Request,
    session: SessionDep,
    user: FormUserDep,
    _turn: Annotated[None, Depends(web_screening_turn)],
    ref: Annotated[str, Form()] = "",
    committee: Annotated[str, Form()] = "",
    day: Annotated[str, Form(alias="date")] = "",
    agenda: Annotated[str, Form()] = "",
) -> Response:
    """Screen every item and store the meeting through the meetings service (audited)."""
    require(user, Permission.SCREEN)
    values = {"ref": ref.strip(), "committee": committee, "date": day.strip(), "agenda": agenda}
    lang = lang_of(request)
    lines = agenda_lines.parse(agenda)
    refused: list[Exception] = []

    def store() -> dict[str, Any]:
        try:
            body = MeetingIn.model_validate(
                {
                    "ref": values["ref"],
                    "committee": committee,
                    "date": values["date"],
                    "items": lines.items(),
                }
            )
            return meetings.create_meeting(
                session, user.principal, body, pnr_secret=request.app.state.settings.pnr_secret
            )
        except (ValidationError, AppError) as exc:
            refused.append(exc)
            raise

    created = forms.attempt(session, store, MEETING_FIELDS, lang, request=request)
    if lines.malformed and not isinstance(created, forms.Refused):
        # A line that is not "paragraph; case": the other lines were checked (so that every
        # bad line is named at once) and nothing is kept.
        session.rollback()
        created = forms.Refused({}, 400)
    if isinstance(created, forms.Refused):
        errors = dict(created.errors)
        at_lines = agenda_lines.line_errors(lines, refused[0] if refused else None, lang)
        if at_lines:
            errors.pop("agenda", None)
            errors["agenda"] = at_lines  # last, as the field is last in the form
        return _list_page(request, session, user.principal, values, errors, created.status)
    session.commit()
    return RedirectResponse(meeting_url(created["ref"]) + "?sparat=ja", status_code=303)


def _members(
    session: Session, principal: Principal, committee: str, day: date
) -> list[dict[str, Any]]:
    """Who may attend: the committee's ledamöter and ersättare on the meeting's date."""
    listed = crud.list_objects(
        session,
        principal,
        RESOURCES["appointments"],
        filters.appointments(None, committee, None, None, None, day),
        ALL,
    )
    seen: dict[str, dict[str, Any]] = {}
    for a in listed["items"]:
        if a["role"] in SEAT_ROLES:
            seen.setdefault(a["person"], a)
    return list(seen.values())


def _meeting_page(
    request: Request,
    session: Session,
    principal: Principal,
    ref: str,
    errors: dict[str, str],
    saved: str | None,
    status_code: int = 200,
) -> Response:
    meeting = meetings.get_meeting(session, principal, ref)
    answer = meetings.stored_answer(meeting)
    members = _members(session, principal, answer["committee"], date.fromisoformat(answer["date"]))
    names = lookup.names(session, principal, [m["person"] for m in members])
    return render(
        request,
        "meetings/meeting.html",
        {
            "meeting": answer,
            "members": members,
            "names": names,
            "errors": errors,
            "saved": saved,
            "can_write": principal.can(Permission.SCREEN),
            "present": set(answer["present"]),
        },
        status_code=status_code,
    )


@router.get("/sammantraden/{ref:path}")
def meeting_page(
    request: Request,
    session: SessionDep,
    user: UserDep,
    ref: str,
    dokument: Annotated[str | None, Query()] = None,
    sparat: Annotated[str | None, Query()] = None,
) -> Response:
    """A meeting item by item; `?dokument=word` is the API's Swedish Word document."""
    require(user, Permission.CASE_READ)
    if dokument == "word":
        meeting = meetings.get_meeting(session, user.principal, ref)
        filename = quote(f"jav-{meeting.ref}.docx", safe="")
        return Response(
            meeting_docx(meetings.stored_answer(meeting)),
            media_type=DOCX,
            headers={"Content-Disposition": f"attachment; filename*=UTF-8''{filename}"},
        )
    return _meeting_page(request, session, user.principal, ref, {}, sparat)


@router.post("/sammantraden/narvaro")
def edit_attendance(
    request: Request,
    session: SessionDep,
    user: FormUserDep,
    _turn: Annotated[None, Depends(web_screening_turn)],
    ref: Annotated[str, Form()] = "",
    present: Annotated[list[str] | None, Form()] = None,
) -> Response:
    """Recompute every item with who is there now (the API's PUT, audited)."""
    require(user, Permission.SCREEN)
    meeting = meetings.get_meeting(session, user.principal, ref)
    body = dict(meeting.request)
    members = {
        m["person"]
        for m in _members(
            session, user.principal, body["committee"], date.fromisoformat(body["date"])
        )
    }
    chosen = sorted(set(present or ()) & members)
    body["present"], body["absent"] = chosen, sorted(members - set(chosen))
    try:
        updated = meetings.replace_meeting(
            session,
            user.principal,
            meeting.ref,
            MeetingIn.model_validate(body),
            pnr_secret=request.app.state.settings.pnr_secret,
            if_match=None,
        )
    except (ValidationError, AppError) as exc:
        session.rollback()
        if isinstance(exc, AppError) and not exc.errors:
            raise
        errors = {"present": forms.message("present", lang_of(request))}
        return _meeting_page(request, session, user.principal, ref, errors, None, 400)
    session.commit()
    return RedirectResponse(
        meeting_url(updated["ref"]) + "?sparat=narvaro#narvaro", status_code=303
    )
