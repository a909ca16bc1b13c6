"""Ärenden: find a stored case by diarienummer, enter a new one, open it, screen it.

Every action calls the service the API calls (cases.service, screening.service) with the
signed-in key's principal: the same role checks, the same organisation scope (a case out
of scope is a 404 page like a missing one), the same audit entries.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Form, Query, Request
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.responses import RedirectResponse, Response

from app.cases import service as cases
from app.cases.schemas import CaseIn
from app.db import SessionDep
from app.decisions import service as decisions
from app.errors import NotFound
from app.models import CustomArea
from app.pagination import PageParams
from app.screening import service as screening
from app.screening.schemas import ScreeningIn
from app.security import probes
from app.security.deps import Principal
from app.security.roles import Permission
from app.vocabularies import BUILTIN_AREAS
from app.web import case_status, forms, lookup, party_rows
from app.web.decision_form import DecisionDraft, decision_context
from app.web.gate import web_screening_turn
from app.web.i18n import Lang, label
from app.web.routing import FormDep, FormUserDep, UserDep, WebRoute, require
from app.web.screening_view import person_cards, refs_in
from app.web.templating import lang_of, ref_path, render

router = APIRouter(route_class=WebRoute, include_in_schema=False)

ALL = PageParams(limit=500, offset=0)
PAGE_SIZE = 20
CaseStatusCode = Literal["ej_granskat", "flaggat", "beslutat", "utan_anmarkning"]
CASE_FIELDS = {
    "/": "ref",
    "/ref": "ref",
    "/title": "title",
    "/committee": "committee",
    "/area": "area",
    "/matter": "matter",
    "/decision_date": "decision_date",
}


def case_url(ref: str, **fragment: str) -> str:
    return f"/arenden/{ref_path(ref)}"


def _areas(session: Session, lang: Lang) -> list[tuple[str, str]]:
    custom = session.scalars(select(CustomArea.code)).all()
    return [(a, label("area", a, lang)) for a in (*BUILTIN_AREAS, *custom)]


@router.get("/arenden")
def find_case(
    request: Request,
    session: SessionDep,
    user: UserDep,
    diarienummer: Annotated[str | None, Query()] = None,
    status: Annotated[CaseStatusCode | None, Query()] = None,
    sida: Annotated[int, Query(ge=1, le=100_000)] = 1,
) -> Response:
    """Find a case by diarienummer; without one, the cases in scope, newest first, each
    with the status of its latest screening, filtered by status when one is chosen."""
    errors: dict[str, str] = {}
    if diarienummer and diarienummer.strip():
        try:
            found = cases.get_case(session, user.principal, diarienummer.strip())
            return RedirectResponse(case_url(found.ref), status_code=303)
        except NotFound:
            errors["diarienummer"] = (
                "Det finns inget ärende med det diarienumret som du kan se"
                if lang_of(request) == "sv"
                else "There is no case with that diarienummer that you can see"
            )
    page = PageParams(limit=PAGE_SIZE, offset=(sida - 1) * PAGE_SIZE)
    rows, total = case_status.case_page(session, user.principal, page, status)
    return render(
        request,
        "cases/find.html",
        {
            "errors": errors,
            "diarienummer": diarienummer or "",
            "rows": rows,
            "names": lookup.names(session, user.principal, [r.case.committee_ref for r in rows]),
            "total": total,
            "status": status or "",
            "page": sida,
            "pages": -(-total // PAGE_SIZE),
            "can_write": user.principal.can(Permission.CASE_WRITE),
        },
        status_code=404 if errors else 200,
    )


CASE_VALUES = ("ref", "title", "committee", "area", "matter", "decision_date")


def _new_case_page(
    request: Request,
    session: Session,
    principal: Principal,
    values: dict[str, Any],
    rows: list[party_rows.PartyRow],
    errors: dict[str, str],
    status_code: int = 200,
) -> Response:
    lang = lang_of(request)
    # The error summary lists the errors in the order of the fields on the page.
    order = [*CASE_VALUES]
    for row in rows:
        order += [row.field(name) for name in ("kind", "ref", "id_number", "role")]
    rank = {field: i for i, field in enumerate(order)}
    ordered = dict(sorted(errors.items(), key=lambda item: rank.get(item[0], len(rank))))
    return render(
        request,
        "cases/new.html",
        {
            "values": defaultdict(str, {k: v for k, v in values.items() if v is not None}),
            "rows": rows,
            "max_rows": party_rows.MAX_ROWS,
            "kinds": party_rows.kind_choices(lang),
            "errors": ordered,
            "committees": lookup.committee_choices(session, principal),
            "areas": _areas(session, lang),
        },
        status_code=status_code,
    )


@router.get("/arenden/nytt")
def new_case_form(request: Request, session: SessionDep, user: UserDep) -> Response:
    require(user, Permission.CASE_WRITE)
    rows = party_rows.blank_rows(1)
    return _new_case_page(request, session, user.principal, {}, rows, {})


def case_document(values: dict[str, Any], parties: list[dict[str, Any]]) -> dict[str, Any]:
    """The contract's case document from the form (the committee's members take part)."""
    document: dict[str, Any] = {k: values.get(k) for k in CASE_VALUES}
    if parties:
        document["parties"] = parties
    return {k: v for k, v in document.items() if v is not None}


@router.post("/arenden/nytt")
def create_case(
    request: Request, session: SessionDep, user: FormUserDep, form: FormDep
) -> Response:
    """Store the case through the API's service (audited as case.create), then open it.

    `action=add` ("Lägg till en part") shows the form again with one more party row and
    everything typed kept; nothing is stored.
    """
    require(user, Permission.CASE_WRITE)
    values = forms.blank_to_none({k: form.get(k, "") for k in CASE_VALUES})
    adding = form.get("action") == "add"
    rows = party_rows.rows_from_form(form, add=adding)
    if adding:
        return _new_case_page(request, session, user.principal, values, rows, {})
    lang = lang_of(request)
    parties = party_rows.party_form(rows, lang)
    fields = {**CASE_FIELDS, **parties.fields}

    def store() -> Any:
        case_in = CaseIn.model_validate(case_document(values, parties.parties))
        if parties.errors:  # the rest of the form checked too, but nothing stored
            return forms.Refused(parties.errors, 400)
        given = sum(1 for p in parties.parties if p.get("personnummer"))
        probes.spend_personnummer(session, request, user.principal, given)
        return cases.create_case(
            session, user.principal, case_in, pnr_secret=request.app.state.settings.pnr_secret
        )

    outcome = forms.attempt(session, store, fields, lang, parties.messages, request=request)
    if isinstance(outcome, forms.Refused):
        errors = {**parties.errors, **outcome.errors}
        return _new_case_page(
            request, session, user.principal, values, rows, errors, outcome.status
        )
    session.commit()
    return RedirectResponse(case_url(outcome.ref) + "?sparat=arende", status_code=303)


def case_page_context(
    session: Session, principal: Principal, ref: str, screening_id: str | None
) -> dict[str, Any]:
    """Everything the case page shows: the case, the chosen (or latest) screening as
    person cards, earlier screenings and the recorded decisions."""
    case = cases.get_case(session, principal, ref)
    listed = screening.list_screenings(session, principal, ALL, case_ref=case.ref, of_stored=case)
    # The contract's JSON shape, exactly as `GET /v1/screenings` answers it.
    screenings, total = [s.as_json() for s in listed.items], listed.total
    shown = next((s for s in screenings if s["id"] == screening_id), None)
    if screening_id and shown is None:
        raise NotFound(f"No screening '{screening_id}' of this case.")
    shown = shown or (screenings[0] if screenings else None)
    recorded = decisions.case_decisions(session, principal, case.ref, ALL).items
    document = case.document()
    refs = {
        document["committee"],
        *(p.get("person") or p.get("organisation") or "" for p in document.get("parties", [])),
    }
    if shown:
        refs |= refs_in(shown)
    names = lookup.names(session, principal, refs)
    cards = person_cards(shown, names) if shown else []
    day = date.fromisoformat(str(shown["as_of"])) if shown else None
    parties = (
        lookup.committee_parties(
            session, principal, document["committee"], [c.person for c in cards], day
        )
        if day
        else {}
    )
    return {
        "case": document,
        "stored": case.stored,
        "screenings": screenings,
        "screenings_total": total,
        "shown": shown,
        "names": names,
        "cards": cards,
        "parties": parties,
        "decisions": recorded,
        "decisions_by_screening": _by_screening(recorded),
    }


def _by_screening(recorded: list[Any]) -> dict[str, list[Any]]:
    out: dict[str, list[Any]] = {}
    for decision in recorded:
        for settled in decision.settles:
            out.setdefault(settled.screening, [])
            if decision not in out[settled.screening]:
                out[settled.screening].append(decision)
    return out


@router.get("/arenden/{ref:path}")
def case_page(
    request: Request,
    session: SessionDep,
    user: UserDep,
    ref: str,
    granskning: Annotated[str | None, Query()] = None,
    sparat: Annotated[str | None, Query()] = None,
    beslut: Annotated[int | None, Query()] = None,
) -> Response:
    """One case: its details, a screening's result per person, decisions, history."""
    context = case_page_context(session, user.principal, ref, granskning)
    draft = DecisionDraft.empty(context["shown"])
    context.update(decision_context(user, context, draft, {}, lang_of(request)))
    context.update({"saved": sparat, "saved_decision": beslut})
    return render(request, "cases/case.html", context)


@router.post("/arenden/granska")
def screen_case(
    request: Request,
    session: SessionDep,
    user: FormUserDep,
    _turn: Annotated[None, Depends(web_screening_turn)],
    ref: Annotated[str, Form()] = "",
) -> Response:
    """Screen the stored case through the API's service (stored and audited), show it."""
    require(user, Permission.SCREEN)
    result = screening.screen(
        session,
        user.principal,
        ScreeningIn(case=ref),
        pnr_secret=request.app.state.settings.pnr_secret,
    )
    session.commit()
    target = f"{case_url(ref)}?granskning={result.id}&sparat=granskning#resultat"
    return RedirectResponse(target, status_code=303)
