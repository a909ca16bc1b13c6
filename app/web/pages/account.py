"""Start page, sign-in and sign-out, the language switch, the accessibility statement."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from starlette.responses import RedirectResponse, Response

from app.config import Settings
from app.db import SessionDep
from app.security import probes
from app.web import i18n, sessions
from app.web.routing import FormUserDep, UserDep, WebRoute, safe_next
from app.web.sessions import SESSION_COOKIE, SIGNIN_CSRF_COOKIE
from app.web.templating import lang_of, render

router = APIRouter(route_class=WebRoute, include_in_schema=False)

SIGNIN_NONCE_SECONDS = 3600


def _secure(request: Request, settings: Settings) -> bool:
    if settings.web_cookie_secure is not None:
        return settings.web_cookie_secure
    return request.url.scheme == "https" or settings.environment == "production"


def _signin_page(
    request: Request,
    *,
    next_path: str,
    errors: dict[str, str] | None = None,
    ended: bool = False,
    status_code: int = 200,
) -> Response:
    """The sign-in form with a fresh double-submit nonce (cookie + hidden field)."""
    nonce = sessions.new_signin_nonce()
    response = render(
        request,
        "signin.html",
        {"errors": errors or {}, "next": next_path, "signin_token": nonce, "ended": ended},
        status_code=status_code,
        user=None,
    )
    response.set_cookie(
        SIGNIN_CSRF_COOKIE,
        nonce,
        max_age=SIGNIN_NONCE_SECONDS,
        path="/logga-in",
        httponly=True,
        samesite="strict",
        secure=_secure(request, request.app.state.settings),
    )
    return response


@router.get("/")
def home(request: Request, user: UserDep) -> Response:
    """The start page: the areas this user's role may open."""
    return render(request, "home.html")


@router.get("/logga-in")
def signin_form(
    request: Request,
    next_path: Annotated[str | None, Query(alias="next")] = None,
    ended: bool = False,
) -> Response:
    return _signin_page(request, next_path=safe_next(next_path), ended=ended)


@router.post("/logga-in")
def signin(
    request: Request,
    session: SessionDep,
    api_key: Annotated[str, Form()] = "",
    csrf_token: Annotated[str, Form()] = "",
    next_path: Annotated[str, Form(alias="next")] = "/",
) -> Response:
    """Exchange an API key for a session cookie; the key itself is never stored or echoed."""
    settings: Settings = request.app.state.settings
    lang = lang_of(request)
    wait = probes.wrong_key_wait(request, session)
    if wait is not None:  # the API's budget for this address: no key is checked now
        limited = render(
            request, "error.html", {"status": 429, "detail": str(wait)}, status_code=429
        )
        limited.headers["Retry-After"] = str(wait)
        return limited
    if not sessions.tokens_match(csrf_token, request.cookies.get(SIGNIN_CSRF_COOKIE, "")):
        message = (
            "Formuläret har gått ut. Försök igen."
            if lang == "sv"
            else "The form has expired. Try again."
        )
        return _signin_page(
            request, next_path=safe_next(next_path), errors={"api_key": message}, status_code=403
        )
    key = sessions.key_by_value(session, api_key.strip(), settings.hash_secret)
    if key is None:
        if api_key.strip():
            probes.count_wrong_key(request, session)
        message = (
            ("Ange en giltig API-nyckel" if lang == "sv" else "Enter a valid API key")
            if api_key.strip()
            else ("Ange din API-nyckel" if lang == "sv" else "Enter your API key")
        )
        return _signin_page(
            request, next_path=safe_next(next_path), errors={"api_key": message}, status_code=400
        )
    token, expires_at = sessions.start(
        session, key, settings.hash_secret, settings.web_session_minutes
    )
    session.commit()
    response = RedirectResponse(safe_next(next_path), status_code=303)
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=settings.web_session_minutes * 60,
        path="/",
        httponly=True,
        samesite="strict",
        secure=_secure(request, settings),
    )
    response.delete_cookie(SIGNIN_CSRF_COOKIE, path="/logga-in")
    return response


@router.post("/logga-ut")
def signout(request: Request, session: SessionDep, user: FormUserDep) -> Response:
    """End this browser's session (the key stays valid for the API)."""
    sessions.end(
        session, request.cookies.get(SESSION_COOKIE, ""), request.app.state.settings.hash_secret
    )
    session.commit()
    response = RedirectResponse("/logga-in?ended=true", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.get("/sprak")
def switch_language(
    request: Request,
    lang: Annotated[str, Query()] = "sv",
    next_path: Annotated[str | None, Query(alias="next")] = None,
) -> Response:
    """Remember the chosen language (a preference cookie, nothing else) and go back."""
    response = RedirectResponse(safe_next(next_path), status_code=303)
    response.set_cookie(
        i18n.LANG_COOKIE,
        i18n.pick_lang(lang),
        max_age=365 * 24 * 3600,
        path="/",
        httponly=True,
        samesite="lax",
        secure=_secure(request, request.app.state.settings),
    )
    return response


@router.get("/tillganglighet")
def accessibility_statement(request: Request) -> Response:
    """The tillgänglighetsredogörelse lagen (2018:1937) requires; readable signed out."""
    return render(request, "accessibility.html")
