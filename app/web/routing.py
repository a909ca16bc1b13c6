"""How a web page authenticates, checks CSRF and fails: as an HTML page, never JSON.

Every page route uses `WebRoute`: a missing or ended session redirects to the sign-in
page; the service layer's errors (the same `AppError`s the API turns into problem+json)
become an error page with the same status, so an object out of scope is a 404 page
exactly like a missing one.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import Depends, Request
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.responses import RedirectResponse, Response

from app.db import SessionDep
from app.errors import AppError, Forbidden
from app.security import probes
from app.security.roles import Permission
from app.web import sessions
from app.web.sessions import SESSION_COOKIE, SignedIn
from app.web.templating import render


class SignInRequired(Exception):
    """No valid session: the page redirects to sign-in."""


class CsrfRejected(Exception):
    """A form came without the session's CSRF token."""


def safe_next(target: str | None) -> str:
    """Only a path of this service (no scheme, no '//host'): never an open redirect."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


def signin_redirect(request: Request) -> RedirectResponse:
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    if request.method != "GET":
        target = "/"
    return RedirectResponse(f"/logga-in?next={quote(safe_next(target), safe='')}", 303)


def _error_page(request: Request, status: int, detail: str | None) -> Response:
    return render(request, "error.html", {"status": status, "detail": detail}, status_code=status)


def _record(request: Request, user: SignedIn, error: AppError, session: Any) -> None:
    """Count (and for a write, audit) a limited session's refusal in the page's session,
    which the request has ended by now: used afresh, then closed."""
    probes.record_web_refusal(request, user.principal, error, session, close=True)


class WebRoute(APIRoute):
    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def page_handler(request: Request) -> Response:
            try:
                return await handler(request)
            except SignInRequired:
                return signin_redirect(request)
            except CsrfRejected:
                return _error_page(request, 403, "csrf")
            except RequestValidationError:
                return _error_page(request, 400, None)
            except AppError as error:
                user: SignedIn | None = getattr(request.state, "web_user", None)
                db = getattr(request.state, "web_session", None)
                if user is not None and db is not None:
                    await run_in_threadpool(_record, request, user, error, db)
                page = _error_page(request, error.status, None)
                page.headers.update(error.headers)
                return page

        return page_handler


def current_user(request: Request, session: SessionDep) -> SignedIn:
    settings = request.app.state.settings
    token = request.cookies.get(SESSION_COOKIE, "")
    user = sessions.resolve(session, token, settings.hash_secret)
    if user is None:
        raise SignInRequired()
    request.state.web_user = user
    request.state.web_session = session  # a refusal is counted in it (`_record`)
    probes.web_over_limit(request, session, user.principal)
    return user


UserDep = Annotated[SignedIn, Depends(current_user)]


async def form_user(request: Request, user: UserDep) -> SignedIn:
    """The signed-in user of a POST whose form carries the session's CSRF token."""
    form = await request.form()
    given = form.get("csrf_token")
    if not isinstance(given, str) or not sessions.tokens_match(given, user.csrf_token):
        raise CsrfRejected()
    return user


FormUserDep = Annotated[SignedIn, Depends(form_user)]


async def posted_form(request: Request) -> FormData:
    """The POSTed form as a whole, for a form whose fields vary (rows); read once, as
    the CSRF check reads the same parsed form."""
    return await request.form()


FormDep = Annotated[FormData, Depends(posted_form)]


def require(user: SignedIn, permission: Permission) -> None:
    """The API's role check (same table, same refusal) for a page or a form."""
    if not user.principal.can(permission):
        raise Forbidden(f"The role '{user.principal.role}' may not do this ({permission}).")
