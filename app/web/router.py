"""The web app: server-rendered pages at `/` and below, and the files they use at `/static`."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, FastAPI
from starlette.staticfiles import StaticFiles

from app.web.pages import account, audit, cases, decisions, meetings, registry

STATIC = Path(__file__).parent / "static"


def build_web_router() -> APIRouter:
    web = APIRouter(include_in_schema=False)
    web.include_router(account.router)
    # Before the case page: its `/arenden/{ref:path}` matches every path below /arenden.
    web.include_router(decisions.router)
    web.include_router(cases.router)
    web.include_router(registry.router)
    web.include_router(audit.router)
    web.include_router(meetings.router)
    return web


def install_web_app(app: FastAPI) -> None:
    """Mount the static files and add the pages (after /v1, which they never shadow)."""
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.include_router(build_web_router())
