"""Recording the nämnd's jäv decision from the Ärende page: check, confirm, save.

The first POST validates the answers exactly as `POST /v1/cases/{ref}/decisions` does and
shows them back ("check your answers"); the second saves through the same service, so
the decision is stored and audited (kind `decision`) like its API twin.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from starlette.responses import RedirectResponse, Response

from app.db import SessionDep
from app.decisions import service as decisions
from app.security.roles import Permission
from app.web import forms
from app.web.decision_form import DECISION_FIELDS, DecisionDraft, decision_context
from app.web.pages.cases import case_page_context, case_url
from app.web.routing import FormUserDep, WebRoute, require
from app.web.templating import lang_of, render

router = APIRouter(route_class=WebRoute, include_in_schema=False)


@router.post("/arenden/beslut")
def record_decision(
    request: Request,
    session: SessionDep,
    user: FormUserDep,
    ref: Annotated[str, Form()] = "",
    person: Annotated[str, Form()] = "",
    raised_by: Annotated[str, Form()] = "",
    decision: Annotated[str, Form()] = "",
    obviously_insignificant: Annotated[str, Form()] = "",
    protocol_paragraph: Annotated[str, Form()] = "",
    decided_on: Annotated[str, Form()] = "",
    note: Annotated[str, Form()] = "",
    screening: Annotated[str, Form()] = "",
    action: Annotated[str, Form()] = "check",
) -> Response:
    require(user, Permission.DECIDE)
    draft = DecisionDraft(
        person=person.strip(),
        raised_by=raised_by,
        decision=decision,
        obviously_insignificant=obviously_insignificant == "true",
        protocol_paragraph=protocol_paragraph.strip(),
        decided_on=decided_on.strip(),
        note=note.strip(),
        screening=screening.strip(),
    )
    lang = lang_of(request)
    page = case_page_context(session, user.principal, ref, draft.screening or None)
    errors: dict[str, str] = {}
    if action == "edit":  # back from "check your answers" to the form, answers kept
        page.update(decision_context(user, page, draft, errors, lang))
        page.update({"saved": None, "saved_decision": None, "errors": errors})
        return render(request, "cases/case.html", page)

    def record() -> int:
        body = draft.validated()
        return decisions.record_decision(session, user.principal, page["case"]["ref"], body).id

    recorded = forms.attempt(session, record, DECISION_FIELDS, lang, request=request)
    if isinstance(recorded, forms.Refused):
        errors = recorded.errors
    elif action == "save":
        session.commit()
        return RedirectResponse(
            f"{case_url(page['case']['ref'])}?beslut={recorded}#beslut", status_code=303
        )
    else:  # "check your answers": checked against the stored facts, nothing saved
        session.rollback()
    page.update(decision_context(user, page, draft, errors, lang))
    if errors:
        page.update({"saved": None, "saved_decision": None, "errors": errors})
        return render(request, "cases/case.html", page, status_code=400)
    return render(request, "cases/confirm_decision.html", page)
