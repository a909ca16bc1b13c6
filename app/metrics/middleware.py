"""Counts and times every HTTP request by its route template (`/v1/cases/{ref:path}`).

The raw path would make a time series per case or person ref (and carry refs into the
metrics); a path that matches no route is counted as `unmatched`.
"""

from __future__ import annotations

import time

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.metrics.instruments import observe_request

UNMATCHED = "unmatched"


def route_template(scope: Scope) -> str:
    """The matched route's full path template.

    FastAPI (0.16x) matches included routers lazily: `scope["route"]` is the innermost
    route with its path relative to its router (`/health`), and the full template
    (`/v1/health`) is on the route context FastAPI keeps in its own scope entry. Starlette
    routes (the docs) are matched directly and carry their full path.
    """
    fastapi_scope = scope.get("fastapi")
    context = (
        fastapi_scope.get("effective_route_context") if isinstance(fastapi_scope, dict) else None
    )
    for candidate in (context, scope.get("route")):
        for attribute in ("path_format", "path"):
            path = getattr(candidate, attribute, None)
            if isinstance(path, str) and path:
                return path
    return UNMATCHED


class MetricsMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def send_wrapper(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_wrapper)
        finally:
            observe_request(
                scope.get("method", ""),
                route_template(scope),
                status,
                time.perf_counter() - started,
            )
