"""A personnummer mask without the birth date for the roles that do not need it.

`19700101-****` narrows a person to about a thousand candidate numbers: given as parties
of a case, one by one, the screening would name the right one. Screeners and auditors
see `********-****` instead: they screen and review by name and ref, while the registry
keepers (registry, admin) need the birth date to tell two people of one name apart.

One place for every answer (persons, cases, screenings, reports, the audit log): an ASGI
middleware rewrites masks in the JSON and CSV answers to such a key, after the route ran
(so `request.state.principal` is known). Stored values are not changed.
"""

from __future__ import annotations

import re

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.security.roles import Role

MASK = re.compile(rb"(?<![0-9])[0-9]{8}-\*{4}")
HIDDEN = b"********-****"
BIRTH_DATE_ROLES = frozenset({Role.ADMIN, Role.REGISTRY})
TEXT_TYPES = (b"application/json", b"application/problem+json", b"text/csv")


def hides_birth_date(scope: Scope) -> bool:
    principal = scope.get("state", {}).get("principal")
    return principal is not None and principal.role not in BIRTH_DATE_ROLES


class BirthDateMaskMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start: Message | None = None
        chunks: list[bytes] = []

        async def rewrite(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                content_type = dict(message.get("headers", [])).get(b"content-type", b"")
                if hides_birth_date(scope) and content_type.startswith(TEXT_TYPES):
                    start = message
                    return
            elif message["type"] == "http.response.body" and start is not None:
                chunks.append(message.get("body", b""))
                if message.get("more_body", False):
                    return
                body = MASK.sub(HIDDEN, b"".join(chunks))
                headers = [(k, v) for k, v in start["headers"] if k != b"content-length"]
                headers.append((b"content-length", str(len(body)).encode()))
                await send({**start, "headers": headers})
                await send({"type": "http.response.body", "body": body})
                return
            await send(message)

        await self.app(scope, receive, rewrite)
