"""`/docs` (Swagger UI) and `/redoc` (ReDoc), served offline from files the service ships.

The Swagger UI and ReDoc bundles come from the `fastapi-offline` package (MIT; it bundles
swagger-ui-dist, Apache-2.0, and redoc, MIT, with their licence headers); nothing is
loaded from a CDN, so the pages work on a machine without internet. Swagger UI is
started by `static/apidocs/swagger-init.js` rather than an inline script, so the pages'
Content-Security-Policy allows scripts from the service itself only.
"""

from __future__ import annotations

from html import escape
from importlib import resources
from pathlib import Path

import fastapi_offline
from fastapi import FastAPI
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

ASSETS = "/docs-assets"
VENDOR = Path(fastapi_offline.__file__).parent / "static"
OWN = Path(str(resources.files("app").joinpath("static", "apidocs")))

# For app.middleware: what the two pages may load.
DOCS_CSP = (
    b"default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    b"img-src 'self' data:; font-src 'self' data:; worker-src 'self' blob:; "
    b"connect-src 'self'; frame-ancestors 'none'"
)


def _page(title: str, head: str, body: str) -> HTMLResponse:
    return HTMLResponse(
        "<!DOCTYPE html>\n"
        f'<html lang="en"><head><meta charset="utf-8"><title>{escape(title)}</title>'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f'<link rel="icon" href="{ASSETS}/vendor/favicon.png">{head}</head>'
        f"<body>{body}</body></html>"
    )


def install_api_docs(app: FastAPI) -> None:
    """Mount the bundled assets and the two pages."""
    app.mount(f"{ASSETS}/vendor", StaticFiles(directory=VENDOR), name="docs-vendor")
    app.mount(f"{ASSETS}/app", StaticFiles(directory=OWN), name="docs-app")
    openapi_url = app.openapi_url or "/openapi.json"

    @app.get("/docs", include_in_schema=False)
    def swagger_ui() -> HTMLResponse:
        return _page(
            f"{app.title} - Swagger UI",
            f'<link rel="stylesheet" href="{ASSETS}/vendor/swagger-ui.css">',
            f'<div id="swagger-ui" data-openapi-url="{escape(openapi_url)}"></div>'
            f'<script src="{ASSETS}/vendor/swagger-ui-bundle.js"></script>'
            f'<script src="{ASSETS}/app/swagger-init.js"></script>',
        )

    @app.get("/redoc", include_in_schema=False)
    def redoc() -> HTMLResponse:
        return _page(
            f"{app.title} - ReDoc",
            "",
            f'<redoc spec-url="{escape(openapi_url)}"></redoc>'
            f'<script src="{ASSETS}/vendor/redoc.standalone.js"></script>',
        )
