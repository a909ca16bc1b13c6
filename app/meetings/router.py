"""`/v1/meetings`: screen an agenda item by item; who leaves, who sits, who chairs, quorum."""

from __future__ import annotations

import json
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, Header, Query, Request, Response

from app.config import SettingsDep
from app.dates import IsoDate
from app.db import SessionDep
from app.errors import query_error
from app.meetings import service
from app.meetings.gate import meeting_turn
from app.meetings.schemas import MeetingIn
from app.office import DOCX, meeting_docx
from app.pagination import PageDep
from app.security.deps import CaseReader, Screener

router = APIRouter(prefix="/meetings", tags=["meetings"])
LIST_PARAMETERS = frozenset({"committee", "from", "to", "limit", "offset"})


def _headers(response: Response, answer: dict[str, Any]) -> None:
    response.headers["ETag"] = service.etag(answer["version"])
    response.headers["Location"] = f"/v1/meetings/{quote(answer['ref'], safe='')}"


@router.post("", status_code=201)
def create_meeting(
    settings: SettingsDep,
    response: Response,
    session: SessionDep,
    principal: Screener,
    body: Annotated[MeetingIn, Depends(meeting_turn)],
) -> dict[str, Any]:
    """Screen every item, work out its seats, store the meeting; all audited, one commit.
    Takes one of the process's screening turns (app/screening/gate.py)."""
    answer = service.create_meeting(session, principal, body, pnr_secret=settings.pnr_secret)
    session.commit()
    _headers(response, answer)
    return answer


@router.get("")
def list_meetings(
    request: Request,
    session: SessionDep,
    principal: CaseReader,
    page: PageDep,
    committee: Annotated[str | None, Query(description="committee ref")] = None,
    day_from: Annotated[IsoDate | None, Query(alias="from", description="on or after")] = None,
    day_to: Annotated[IsoDate | None, Query(alias="to", description="on or before")] = None,
) -> dict[str, Any]:
    """Stored meetings in scope, newest first, by committee and date range."""
    for name in request.query_params:
        if name not in LIST_PARAMETERS:
            raise query_error(name, "unknown query parameter", "unknown_parameter")
    items, total = service.list_meetings(
        session, principal, page, committee=committee, day_from=day_from, day_to=day_to
    )
    return {"items": items, "total": total, "limit": page.limit, "offset": page.offset}


@router.get(
    "/{ref:path}",
    responses={200: {"content": {"application/json": {}, DOCX: {}}}},
)
def get_meeting(ref: str, request: Request, session: SessionDep, principal: CaseReader) -> Any:
    """One meeting as answered; with `Accept: application/vnd.openxmlformats-officedocument.
    wordprocessingml.document` the Swedish Word document for the kallelse and protokoll."""
    for name in request.query_params:
        raise query_error(name, "unknown query parameter", "unknown_parameter")
    meeting = service.get_meeting(session, principal, ref)
    answer = service.stored_answer(meeting)
    if DOCX in request.headers.get("accept", ""):
        filename = quote(f"jav-{meeting.ref}.docx", safe="")
        return Response(
            meeting_docx(answer),
            media_type=DOCX,
            headers={
                "ETag": service.etag(meeting.version),
                "Content-Disposition": f"attachment; filename*=UTF-8''{filename}",
            },
        )
    return Response(
        content=_json(answer),
        media_type="application/json",
        headers={"ETag": service.etag(meeting.version)},
    )


@router.put("/{ref:path}")
def replace_meeting(
    ref: str,
    settings: SettingsDep,
    response: Response,
    session: SessionDep,
    principal: Screener,
    body: Annotated[MeetingIn, Depends(meeting_turn)],
    if_match: Annotated[str | None, Header()] = None,
) -> dict[str, Any]:
    """Recompute the meeting with a new attendance (a late arrival) or agenda (one
    screening turn, as creating it)."""
    answer = service.replace_meeting(
        session,
        principal,
        ref,
        body,
        pnr_secret=settings.pnr_secret,
        if_match=if_match,
    )
    session.commit()
    _headers(response, answer)
    return answer


def _json(answer: dict[str, Any]) -> bytes:
    return json.dumps(answer, ensure_ascii=False).encode("utf-8")
