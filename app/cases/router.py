"""`/v1/cases`: the case document (contract), stored for screening and decisions."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Header, Query, Response

from app.cases import service
from app.cases.resolve import ResolvedCase
from app.cases.schemas import CaseIn, CaseOut, CasePage
from app.config import SettingsDep
from app.dates import IsoDate
from app.db import SessionDep
from app.pagination import PageDep
from app.security.deps import CaseReader, CaseWriter
from app.vocabularies import Matter

router = APIRouter(prefix="/cases", tags=["cases"])


def case_body(resolved: ResolvedCase) -> dict[str, Any]:
    return {**resolved.document(), **resolved.stored}


def _headers(response: Response, resolved: ResolvedCase) -> None:
    response.headers["ETag"] = service.etag(resolved.stored["version"])


@router.post("", status_code=201, response_model=CaseOut, response_model_exclude_unset=True)
def create_case(
    body: CaseIn,
    settings: SettingsDep,
    response: Response,
    session: SessionDep,
    principal: CaseWriter,
) -> dict[str, Any]:
    """Store a case; every reference is checked, and the write is audited (case.create)."""
    resolved = service.create_case(session, principal, body, pnr_secret=settings.pnr_secret)
    session.commit()
    _headers(response, resolved)
    response.headers["Location"] = f"/v1/cases/{quote(resolved.ref, safe='')}"
    return case_body(resolved)


@router.get("", response_model=CasePage, response_model_exclude_unset=True)
def list_cases(
    session: SessionDep,
    principal: CaseReader,
    page: PageDep,
    committee: Annotated[str | None, Query(description="committee ref")] = None,
    matter: Matter | None = None,
    decided_from: Annotated[
        IsoDate | None, Query(alias="from", description="decision_date on or after")
    ] = None,
    decided_to: Annotated[
        IsoDate | None, Query(alias="to", description="decision_date on or before")
    ] = None,
) -> dict[str, Any]:
    """Cases in scope, filtered by committee, matter and decision-date period."""
    cases, total = service.list_cases(
        session,
        principal,
        page,
        committee=committee,
        matter=matter,
        decided_from=decided_from,
        decided_to=decided_to,
    )
    return {
        "items": [case_body(c) for c in cases],
        "total": total,
        "limit": page.limit,
        "offset": page.offset,
    }


@router.get("/{ref:path}", response_model=CaseOut, response_model_exclude_unset=True)
def get_case(
    ref: str, response: Response, session: SessionDep, principal: CaseReader
) -> dict[str, Any]:
    """One case by ref (percent-encode spaces and '/')."""
    resolved = service.get_case(session, principal, ref)
    _headers(response, resolved)
    return case_body(resolved)


@router.put("/{ref:path}", response_model=CaseOut, response_model_exclude_unset=True)
def replace_case(
    ref: str,
    body: CaseIn,
    settings: SettingsDep,
    response: Response,
    session: SessionDep,
    principal: CaseWriter,
    if_match: Annotated[str | None, Header()] = None,
) -> dict[str, Any]:
    """Replace a case; send If-Match with the ETag you read (412 when it changed)."""
    resolved = service.replace_case(
        session,
        principal,
        ref,
        body,
        pnr_secret=settings.pnr_secret,
        if_match=if_match,
    )
    session.commit()
    _headers(response, resolved)
    return case_body(resolved)
