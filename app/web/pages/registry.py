"""Register: search persons by name; a person, a committee, an organisation.

Reads go through the registry's own read functions (`crud.read`, `crud.list_objects`,
`crud.person_relations`) with the key's principal, so the pages show exactly what the
API's `GET /v1/{type}` shows that key: an object out of scope is a 404 page.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from sqlalchemy.orm import Session
from starlette.responses import Response

from app.db import SessionDep
from app.decisions import service as decisions
from app.errors import AppError
from app.pagination import PageParams
from app.registry.crud import filters
from app.registry.crud import service as crud
from app.registry.crud.resources import RESOURCES
from app.screening import service as screening
from app.security.deps import Principal
from app.web import lookup
from app.web.routing import UserDep, WebRoute
from app.web.templating import render

router = APIRouter(route_class=WebRoute, include_in_schema=False)

PAGE_SIZE = 25
ALL = PageParams(limit=500, offset=0)


def _list(
    session: Session,
    principal: Principal,
    section: str,
    conditions: list[Any],
    page: PageParams = ALL,
) -> dict[str, Any]:
    return crud.list_objects(session, principal, RESOURCES[section], conditions, page)


@router.get("/register")
def search(
    request: Request,
    session: SessionDep,
    user: UserDep,
    namn: Annotated[str | None, Query(max_length=300)] = None,
    sida: Annotated[int, Query(ge=1, le=100_000)] = 1,
) -> Response:
    """A GET form (works without JavaScript), results paginated; committees and
    organisations in scope listed below."""
    principal = user.principal
    results = None
    if namn and namn.strip():
        page = PageParams(limit=PAGE_SIZE, offset=(sida - 1) * PAGE_SIZE)
        results = _list(session, principal, "persons", filters.persons(namn.strip()), page)
    committees = _list(session, principal, "committees", [])
    organisations = _list(session, principal, "organisations", [])
    pages = 0 if results is None else -(-results["total"] // PAGE_SIZE)
    return render(
        request,
        "registry/search.html",
        {
            "namn": namn or "",
            "results": results,
            "page": sida,
            "pages": pages,
            "committees": committees,
            "organisations": organisations,
            "names": lookup.names(
                session, principal, [c["organisation"] for c in committees["items"]]
            ),
        },
    )


@router.get("/register/personer/{ref:path}")
def person(request: Request, session: SessionDep, user: UserDep, ref: str) -> Response:
    """A person: appointments, declared interests, close relations, jäv decisions."""
    principal = user.principal
    found = crud.read(session, principal, RESOURCES["persons"], ref)
    appointments = _list(
        session,
        principal,
        "appointments",
        filters.appointments(found["ref"], None, None, None, None, None),
    )
    interests = _list(
        session, principal, "interests", filters.interests(found["ref"], None, None, None, None)
    )
    relations = crud.person_relations(session, principal, found["ref"], [], ALL)
    recorded = decisions.person_decisions(session, principal, found["ref"], ALL).items
    refs: set[str | None] = set()
    for a in appointments["items"]:
        refs.update(a["body"].values())
    refs.update(i["organisation"] for i in interests["items"])
    refs.update(i["on_behalf_of"] for i in interests["items"])
    refs.update(r["related"] for r in relations["items"])
    return render(
        request,
        "registry/person.html",
        {
            "person": found,
            "appointments": appointments["items"],
            "interests": interests["items"],
            "relations": relations["items"],
            "decisions": recorded,
            "names": lookup.names(session, principal, refs),
        },
    )


@router.get("/register/namnder/{ref:path}")
def committee(request: Request, session: SessionDep, user: UserDep, ref: str) -> Response:
    """A committee: members and ersättare (in order), responsibilities, administrations."""
    principal = user.principal
    found = crud.read(session, principal, RESOURCES["committees"], ref)
    members = _list(
        session,
        principal,
        "appointments",
        filters.appointments(None, found["ref"], None, None, None, None),
    )["items"]
    rank = {"ordforande": 0, "vice_ordforande": 1, "ledamot": 2, "ersattare": 3}
    members.sort(
        key=lambda a: (rank.get(a["role"], 4), a.get("order") or 0, a.get("valid_from") or "")
    )
    administrations = _list(
        session, principal, "administrations", filters.administrations(None, found["ref"])
    )["items"]
    refs = {found["organisation"], *found["participants"], *(m["person"] for m in members)}
    for r in found["responsibilities"]:
        refs.update(r.get("for_") or r.get("for") or [])
    return render(
        request,
        "registry/committee.html",
        {
            "committee": found,
            "members": members,
            "administrations": administrations,
            "names": lookup.names(session, principal, refs),
        },
    )


@router.get("/register/organisationer/{ref:path}")
def organisation(request: Request, session: SessionDep, user: UserDep, ref: str) -> Response:
    """An organisation: owners, owned companies, förbund membership, committees, and the
    structural risks the rules find in and around it today."""
    principal = user.principal
    found = crud.read(session, principal, RESOURCES["organisations"], ref)
    owned = _list(
        session, principal, "organisations", filters.organisations(None, found["ref"], None)
    )["items"]
    committees = _list(
        session, principal, "committees", filters.committees(found["ref"], None, None, None)
    )["items"]
    try:
        risks = screening.organisation_structural_risks(
            session, principal, found["ref"], None
        ).model_dump(mode="json", by_alias=True)
    except AppError:
        risks = {"structural": []}
    refs = {*(o["organisation"] for o in found["owners"]), *found["members"]}
    for risk in risks["structural"]:
        refs.update(str(risk.get(k)) for k in ("committee", "operation", "administration"))
    return render(
        request,
        "registry/organisation.html",
        {
            "organisation": found,
            "owned": owned,
            "committees": committees,
            "risks": risks["structural"],
            "names": lookup.names(session, principal, refs),
        },
    )
