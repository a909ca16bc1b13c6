"""Jinja2 rendering of the web pages, with the page's language, the signed-in user, the
CSRF token and the security headers every page carries."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode
from zoneinfo import ZoneInfo

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from starlette.requests import Request
from starlette.responses import HTMLResponse

from app import __version__
from app.rules.texts import RELATIONS
from app.security.roles import Permission
from app.web import i18n
from app.web.sessions import SignedIn

TEMPLATES = Path(__file__).parent / "templates"

# No inline script or style anywhere: every script and stylesheet is a file the service
# serves; inline SVG charts use presentation attributes, not style attributes.
PAGE_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "font-src 'self'; connect-src 'self'; form-action 'self'; base-uri 'none'; "
    "frame-ancestors 'none'"
)

environment = Environment(
    loader=FileSystemLoader(TEMPLATES),
    autoescape=select_autoescape(["html", "svg"]),
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)


def ref_path(ref: str) -> str:
    """A ref as one URL path segment (diarienummer hold spaces and '/')."""
    return quote(ref, safe="")


def query(**params: Any) -> str:
    return urlencode({k: v for k, v in params.items() if v not in (None, "")})


_SFS = re.compile(r"\((\d{4}:\d+)\)")


def sfs_number(basis: str) -> str:
    """The SFS number a legal basis names ('... kommunallagen (2017:725)' -> '2017:725')."""
    found = _SFS.search(basis or "")
    return found.group(1) if found else ""


SWEDEN = ZoneInfo("Europe/Stockholm")


def swedish_time(value: str | datetime) -> str:
    """A stored time (UTC; naive means UTC) as the clock in Sweden showed it, to the
    minute: '2026-03-10 10:12'. The API answers in UTC; a person reads local time."""
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(SWEDEN).strftime("%Y-%m-%d %H:%M")


environment.filters["ref"] = ref_path
environment.filters["swedish_time"] = swedish_time
environment.filters["sfs"] = sfs_number
environment.globals["query"] = query


def lang_of(request: Request) -> i18n.Lang:
    return i18n.pick_lang(request.cookies.get(i18n.LANG_COOKIE))


def navigation(user: SignedIn | None) -> list[tuple[str, str, str]]:
    """(path, Swedish label, English label) of the pages this user's role may open."""
    if user is None:
        return []
    items = [
        ("/arenden", "Ärenden", "Cases"),
        ("/sammantraden", "Sammanträden", "Meetings"),
        ("/register", "Register", "Registry"),
    ]
    if user.principal.can(Permission.REPORT_READ):
        items.append(("/revision", "Revision", "Audit"))
    return items


def render(
    request: Request,
    template: str,
    context: dict[str, Any] | None = None,
    *,
    status_code: int = 200,
    user: SignedIn | None = None,
) -> HTMLResponse:
    lang = lang_of(request)
    user = user or getattr(request.state, "web_user", None)

    def t(sv: str, en: str) -> str:
        return sv if lang == "sv" else en

    def label(kind: str, code: str | None) -> str:
        return i18n.label(kind, code, lang)

    def options(kind: str) -> list[tuple[str, str]]:
        return i18n.options(kind, lang)

    def relation(code: str) -> str:
        """A path step's relation as the explanations word it ("är sambo med")."""
        pair = RELATIONS.get(code)
        return (pair[0] if lang == "sv" else pair[1]) if pair else code.replace("_", " ")

    helpers: dict[str, Callable[..., Any] | Any] = {
        "t": t,
        "label": label,
        "options": options,
        "relation": relation,
        "lang": lang,
        "user": user,
        "csrf_token": user.csrf_token if user else "",
        "nav": navigation(user),
        "current_path": request.url.path,
        "current_url": request.url.path + (f"?{request.url.query}" if request.url.query else ""),
        "version": __version__,
    }
    html = environment.get_template(template).render({**helpers, **(context or {})})
    return HTMLResponse(
        html, status_code=status_code, headers={"Content-Security-Policy": PAGE_CSP}
    )
