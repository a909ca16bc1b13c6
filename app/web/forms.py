"""Form input to the API's request models, and their errors to messages at the fields.

A page validates exactly as the API does: it builds the same Pydantic model and calls the
same service, then shows each error at the field it concerns (the error summary links
to the field's id), in the page's language.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from fastapi import Request
from pydantic import ValidationError
from sqlalchemy.orm import Session

from app.errors import AppError
from app.security import probes
from app.web.i18n import Lang

# Pointer (or its first segment) of the API model -> id of the form field.
Fields = Mapping[str, str]
# Messages of particular field ids (a form's rows), before the shared MESSAGES.
Messages = Mapping[str, str]
T = TypeVar("T")

# Messages per field id: (Swedish, English). A field without one gets a generic message.
MESSAGES: dict[str, tuple[str, str]] = {
    "ref": ("Ange en beteckning som inte redan finns", "Enter a reference not in use"),
    "committee": ("Välj nämnd", "Choose the committee"),
    "matter": ("Välj typ av ärende", "Choose the kind of matter"),
    "area": ("Välj ett verksamhetsområde ur listan", "Choose an area from the list"),
    "decision_date": ("Ange beslutsdatum som ÅÅÅÅ-MM-DD", "Enter the decision date as YYYY-MM-DD"),
    "title": ("Rubriken får vara högst 1 000 tecken", "The title may be at most 1,000 characters"),
    "party_ref": (
        "Ange en person eller organisation som finns i registret",
        "Enter a person or organisation in the registry",
    ),
    "party_role": ("Välj partens roll", "Choose the party's role"),
    "person": ("Välj person", "Choose the person"),
    "raised_by": ("Välj vem som väckte frågan", "Choose who raised the question"),
    "decision": ("Välj nämndens beslut", "Choose the nämnd's decision"),
    "obviously_insignificant": (
        "Uppenbart sakna betydelse kan bara anges när nämnden fann att personen inte är jävig",
        "Obviously insignificant applies only when the nämnd found no jäv",
    ),
    "protocol_paragraph": (
        "Ange paragrafen utan personnummer, högst 100 tecken",
        "Enter the paragraph without personnummer, at most 100 characters",
    ),
    "decided_on": ("Ange beslutsdatum som ÅÅÅÅ-MM-DD", "Enter the decision date as YYYY-MM-DD"),
    "note": (
        "Anteckningen får inte innehålla personnummer och högst 4 000 tecken",
        "The note may not contain a personnummer and at most 4,000 characters",
    ),
    "screening": ("Granskningen hör inte till ärendet", "The screening is not of this case"),
    "date": ("Ange sammanträdets datum som ÅÅÅÅ-MM-DD", "Enter the meeting's date as YYYY-MM-DD"),
    "agenda": (
        "Ange en punkt per rad: paragraf, semikolon, ärendets diarienummer (ärendet ska "
        "finnas och höra till nämnden; samma paragraf bara en gång)",
        "Enter one item a line: paragraph, semicolon, the case's diarienummer (a stored case "
        "of the committee; each paragraph once)",
    ),
    "present": (
        "Närvaron går inte ihop med sammanträdets ankomster och avgångar",
        "The attendance conflicts with the meeting's arrivals and departures",
    ),
}


def message(field: str, lang: Lang) -> str:
    sv, en = MESSAGES.get(field, ("Kontrollera uppgiften", "Check this answer"))
    return sv if lang == "sv" else en


def field_for(pointer: str, fields: Fields) -> str:
    """The form field of an error pointer: the longest mapped prefix of the pointer."""
    parts = [p for p in pointer.split("/") if p]
    for end in range(len(parts), 0, -1):
        candidate = "/" + "/".join(parts[:end])
        if candidate in fields:
            return fields[candidate]
    return fields.get("/", next(iter(fields.values())))


def errors_from_pointers(
    pointers: Iterable[str], fields: Fields, lang: Lang, messages: Messages | None = None
) -> dict[str, str]:
    out: dict[str, str] = {}
    for pointer in pointers:
        field = field_for(pointer, fields)
        out.setdefault(field, (messages or {}).get(field) or message(field, lang))
    return out


def validation_errors(
    exc: ValidationError, fields: Fields, lang: Lang, messages: Messages | None = None
) -> dict[str, str]:
    pointers = ["/" + "/".join(str(p) for p in err["loc"]) for err in exc.errors()]
    return errors_from_pointers(pointers, fields, lang, messages)


def service_errors(
    exc: AppError, fields: Fields, lang: Lang, messages: Messages | None = None
) -> dict[str, str]:
    pointers = [str(e.get("pointer", "/")) for e in exc.errors] or ["/"]
    return errors_from_pointers(pointers, fields, lang, messages)


@dataclass(frozen=True)
class Refused:
    """A write the service refused with errors at fields: the form is shown again with
    them, with the status the API would answer; nothing was stored."""

    errors: dict[str, str]
    status: int


def attempt(
    session: Session,
    write: Callable[[], T],
    fields: Fields,
    lang: Lang,
    messages: Messages | None = None,
    *,
    request: Request | None = None,
) -> T | Refused:
    """Run a form's write (model validation and the service call) as the API would.

    A validation error, or a service error that points at fields, rolls the write back
    and becomes the form's errors; any other service error is raised for the error page.
    """
    try:
        return write()
    except ValidationError as exc:
        session.rollback()
        return Refused(validation_errors(exc, fields, lang, messages), 400)
    except AppError as exc:
        session.rollback()
        if not exc.errors:
            raise
        user = getattr(request.state, "web_user", None) if request is not None else None
        if request is not None and user is not None:
            # A refusal shown in the form is a probe as the error page's is (routing.py).
            probes.record_web_refusal(request, user.principal, exc, session)
        return Refused(service_errors(exc, fields, lang, messages), exc.status)


def blank_to_none(values: Mapping[str, Any]) -> dict[str, Any]:
    return {k: (v.strip() or None) if isinstance(v, str) else v for k, v in values.items()}
